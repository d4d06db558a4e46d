"""`hotline calendar is-workday DATE` and `hotline calendar add-workdays DATE N`, optionally for one
jurisdiction (`--jurisdiction CODE`, a department code): the work calendar as deadlines see it,
with the overrides entered in the admin.

`is-workday` prints `yes` or `no`; `add-workdays` prints the N-th working day after DATE. Both exit 0
with an answer, and non-zero with a message (no traceback) for a bad date, an unknown department or
a year whose holidays are unknown.
"""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from hotline.core import timerange
from hotline.directory.models import Department
from hotline.sla.calendar import Calendar, UnknownCalendarYear
from hotline.sla.selectors import calendar_for


def _date(value: str) -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("日期 %(value)r 无效：应为存在的日期，格式 YYYY-MM-DD，例如 2025-09-28") % {"value": value}
        ) from None
    if not timerange.day_in_range(day):
        raise CommandError(timerange.out_of_range(value).message)
    return day


class Command(BaseCommand):
    help = "Ask the work calendar: is a day a working day, which is the N-th working day after a day."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{is-workday,add-workdays}")
        ask = sub.add_parser("is-workday", help="print yes or no")
        ask.add_argument("date", help="YYYY-MM-DD")
        add = sub.add_parser("add-workdays", help="print the N-th working day after DATE")
        add.add_argument("date", help="YYYY-MM-DD")
        add.add_argument("n", help="working days, 0 or more")
        for p in (ask, add):
            p.add_argument(
                "--jurisdiction", metavar="CODE", help="department code: its local overrides apply"
            )

    def handle(self, *args: Any, **options: Any) -> None:
        day = _date(options["date"])
        calendar = self.calendar(options["jurisdiction"])
        try:
            if options["subcommand"] == "is-workday":
                self.stdout.write("yes" if calendar.is_workday(day) else "no")
            else:
                self.stdout.write(self.add_workdays(calendar, day, options["n"]).isoformat())
        except UnknownCalendarYear as exc:
            raise CommandError(str(exc)) from None

    def calendar(self, code: str | None) -> Calendar:
        if code is None:
            return calendar_for(None)
        department = Department.objects.filter(code=code).first()
        if department is None:
            raise CommandError(_("辖区 %(code)r 不存在：--jurisdiction 应为承办单位编码") % {"code": code})
        return calendar_for(department)

    def add_workdays(self, calendar: Calendar, day: date, n: str) -> date:
        try:
            count = int(n)
        except ValueError:
            raise CommandError(_("工作日数 %(n)r 无效：应为 0 或正整数") % {"n": n}) from None
        if count < 0:
            raise CommandError(_("工作日数 %(n)r 无效：应为 0 或正整数") % {"n": n})
        try:
            result = calendar.add_workdays(day, count)
        except OverflowError:
            raise CommandError(
                _("%(day)s 之后第 %(count)s 个工作日超出了日期范围") % {"day": day, "count": count}
            ) from None
        if result.assumed:
            # Strict like is-workday: an answer through an unknown year would be a guess.
            unknown = next(y for y in range(day.year, result.value.year + 1) if y not in calendar.known_years)
            raise UnknownCalendarYear(unknown)
        return result.value
