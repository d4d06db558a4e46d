"""`hotline report daily|weekly|monthly|quarterly [--date D] [--format xlsx|pdf|html] [--output FILE]
[--scope CODE]`: write the report of the period holding day D to a file, as the reports page offers
it (web.reports), and print the file's path. Without D, as the page: the last whole period of the
kind (yesterday's daily report, last week's, last month's, last quarter's; analytics.reports.reported_day).
The hot spots are those the worker kept for the period, or found now when it kept none. `--scope`: the
report of one district or department (its code, as in the admin), as the worker keeps them
(analytics.scopes).

`hotline report [custom] --first D1 --last D2 [--format ...] [--output FILE] [--scope CODE]`: the report
of the days D1 to D2 (自选期间报告), as the page makes it (`kind=custom&first=D1&last=D2`: against as
many days just before, no hot spots), and refused for the same days with the same words
(web.reports.read_chosen_days: at most 366 days, ending today at the latest, D1 not after D2)."""

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from hotline.analytics import scopes
from hotline.analytics.reports import CUSTOM, LONGEST_CUSTOM, Report, build, reported_day
from hotline.core import timerange
from hotline.core.enums import ReportKind
from hotline.directory.models import Department
from hotline.web.reports import FORMATS, build_chosen, file_name, read_chosen_days, render_file


class Command(BaseCommand):
    help = (
        "Write the daily, weekly, monthly or quarterly report, or the report of chosen days"
        " (--first, --last), as .xlsx, PDF or HTML (default: the last whole period, as the reports page)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "kind",
            nargs="?",
            default="",
            help="daily, weekly, monthly or quarterly; custom (or none) with --first and --last",
        )
        parser.add_argument(
            "--date",
            default="",
            help="a day of the period, YYYY-MM-DD (default: the last whole period: yesterday, last week,"
            " last month, last quarter)",
        )
        parser.add_argument(
            "--first", default="", help="the first of the days chosen, YYYY-MM-DD (with --last)"
        )
        parser.add_argument(
            "--last",
            default="",
            help=f"the last of the days chosen, YYYY-MM-DD: at most {LONGEST_CUSTOM} days in all, today at"
            " the latest",
        )
        parser.add_argument("--format", default="xlsx", help="xlsx (default), pdf or html")
        parser.add_argument(
            "--output", default="", help="the file to write (default: report-KIND-DATE.EXT here)"
        )
        parser.add_argument(
            "--scope", default="", help="a district's or department's code (default: the whole city)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        chosen = bool(options["first"] or options["last"])
        kind = options["kind"] or (CUSTOM if chosen else "")
        if kind != CUSTOM and kind not in ReportKind.values:
            raise CommandError(
                _(
                    "报告类型须为 daily、weekly、monthly 或 quarterly，"
                    "或以 --first 和 --last 给出自选期间，收到 %(kind)r"
                )
                % {"kind": kind}
            )
        if kind != CUSTOM and chosen:
            raise CommandError(
                _("--first 和 --last 给出自选期间报告的日期，不能用于 %(kind)s 报告") % {"kind": kind}
            )
        fmt = options["format"]
        if fmt not in FORMATS:
            raise CommandError(_("--format 须为 xlsx、pdf 或 html，收到 %(format)r") % {"format": fmt})
        scope = self.scope(options["scope"]) if options["scope"] else None
        report = self.chosen(options, scope) if kind == CUSTOM else self.kept_kind(kind, options, scope)
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

    def kept_kind(self, kind: str, options: dict[str, Any], scope: scopes.Scope | None) -> Report:
        """The report of `kind` for the period holding --date (the last whole one without it)."""
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
        if scope is not None:
            return scopes.build(kind, day, scope)
        return build(kind, day, find_hotspots=True)

    def chosen(self, options: dict[str, Any], scope: scopes.Scope | None) -> Report:
        """The report of the days --first to --last, read and refused as the page reads them."""
        if not (options["first"] and options["last"]):
            raise CommandError(_("自选期间报告须同时给出 --first 和 --last（YYYY-MM-DD）"))
        if options["date"]:
            raise CommandError(_("自选期间报告的日期由 --first 和 --last 给出，不用 --date"))
        first, last, why = read_chosen_days(options["first"].strip(), options["last"].strip())
        if first is None or last is None:
            raise CommandError(f"--first/--last: {why}")
        return build_chosen(first, last, scope)

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
