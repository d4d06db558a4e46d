"""`hotline report daily|weekly|monthly|quarterly [--date D] [--format xlsx|pdf|html] [--output FILE]
[--scope CODE]`: write the report of the period holding day D to a file, as the reports page offers
it (web.reports), and print the file's path. Without D, as the page: the last whole period of the
kind (yesterday's daily report, last week's, last month's, last quarter's; analytics.reports.reported_day).
The hot spots are those the worker kept for the period, or found now when it kept none. `--scope`: the
report of one district or department (its code, as in the admin), as the worker keeps them
(analytics.scopes)."""

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from hotline.analytics import scopes
from hotline.analytics.reports import build, reported_day
from hotline.core import timerange
from hotline.core.enums import ReportKind
from hotline.directory.models import Department
from hotline.web.reports import FORMATS, file_name, render_file


class Command(BaseCommand):
    help = (
        "Write the daily, weekly, monthly or quarterly report as .xlsx, PDF or HTML"
        " (default: the last whole period, as the reports page)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", help="daily, weekly, monthly or quarterly")
        parser.add_argument(
            "--date",
            default="",
            help="a day of the period, YYYY-MM-DD (default: the last whole period: yesterday, last week,"
            " last month, last quarter)",
        )
        parser.add_argument("--format", default="xlsx", help="xlsx (default), pdf or html")
        parser.add_argument(
            "--output", default="", help="the file to write (default: report-KIND-DATE.EXT here)"
        )
        parser.add_argument(
            "--scope", default="", help="a district's or department's code (default: the whole city)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        kind = options["kind"]
        if kind not in ReportKind.values:
            raise CommandError(
                _("报告类型须为 daily、weekly、monthly 或 quarterly，收到 %(kind)r") % {"kind": kind}
            )
        fmt = options["format"]
        if fmt not in FORMATS:
            raise CommandError(_("--format 须为 xlsx、pdf 或 html，收到 %(format)r") % {"format": fmt})
        asked: date | None = None
        if options["date"]:
            try:
                asked = date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(
                    _("--date 须为 YYYY-MM-DD，收到 %(date)r") % {"date": options["date"]}
                ) from None
            if not timerange.day_in_range(asked):
                raise CommandError(f"--date: {timerange.range_message()}")
        day = reported_day(kind, asked)
        if options["scope"]:
            report = scopes.build(kind, day, self.scope(options["scope"]))
        else:
            report = build(kind, day, find_hotspots=True)
        default = file_name(report, fmt)
        if options["scope"]:
            default = default.removesuffix(f".{fmt}") + f"-{options['scope']}.{fmt}"
        path = Path(options["output"] or default)
        try:
            path.write_bytes(render_file(report, fmt))
        except OSError as error:
            raise CommandError(
                _("无法写入 %(path)s：%(error)s") % {"path": path, "error": error.strerror}
            ) from None
        self.stdout.write(str(path))

    def scope(self, code: str) -> scopes.Scope:
        department = Department.objects.filter(code=code).first()
        if department is None:
            raise CommandError(_("--scope：没有编码为 %(code)s 的单位") % {"code": code})
        scope = scopes.scope_of(department)
        if scope is None:
            raise CommandError(
                _("--scope：%(name)s 是街道或社区，其报告见所在区县的报告") % {"name": department.name}
            )
        return scope
