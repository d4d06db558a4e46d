"""`hotline hotspots [--since D] [--until D] [--top N] [--format text|csv]`: the hot spots of the
appeals received from day D to day D (local days, both included; default the last 30 days up to
today), the hottest first, found now (`analytics.hotspots.find`; tickets that duplicate search has
not embedded yet are embedded and stored). CSV has the columns
`rank,heat,first_time,last_time,place,description,n_appeals,external_ids`, the external ids being
the appeals' channel ids, space-separated, so that a hot spot can be checked message by message."""

from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from hotline.analytics import hotspots
from hotline.analytics.periods import Period
from hotline.core import clock, timerange
from hotline.core.csvfiles import output_format

DEFAULT_DAYS = 30


def _day(value: str, option: str) -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("%(option)s 须为 YYYY-MM-DD，收到 %(value)r") % {"option": option, "value": value}
        ) from None
    if not timerange.day_in_range(day):
        raise CommandError(f"{option}: {timerange.range_message()}")
    return day


class Command(BaseCommand):
    help = "List the hot spots (热点) of a period: heat, time range, place, description, appeals."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--since", default="", help="first day, YYYY-MM-DD (default: 29 days before --until)"
        )
        parser.add_argument("--until", default="", help="last day, YYYY-MM-DD, included (default: today)")
        parser.add_argument("--top", type=int, default=20, help="how many (default 20)")
        parser.add_argument("--format", default="text", help="text (default) or csv")

    def handle(self, *args: Any, **options: Any) -> None:
        fmt = output_format(options["format"])
        if options["top"] < 1:
            raise CommandError(_("--top 须为正整数"))
        until = _day(options["until"], "--until") if options["until"] else clock.localtime().date()
        since = (
            _day(options["since"], "--since")
            if options["since"]
            else until - timedelta(days=DEFAULT_DAYS - 1)
        )
        if since > until:
            raise CommandError(_("--since 不能晚于 --until"))
        period = Period.days(since, until)
        found = hotspots.find(period.start, period.end, top=options["top"])
        if fmt == "csv":
            self.stdout.write(hotspots.as_csv(found), ending="")
            return
        if not found:
            self.stdout.write(_("%(since)s 至 %(until)s 没有热点") % {"since": since, "until": until})
            return
        for rank, spot in enumerate(found, 1):
            crowd = f"{spot.crowd} " if spot.crowd else ""
            self.stdout.write(
                f"{rank:>3}  {spot.heat:8.1f}  {clock.localtime(spot.first_time):%Y-%m-%d} .. "
                f"{clock.localtime(spot.last_time):%Y-%m-%d}  {spot.place}  {spot.description}  "
                + _("%(n)s 件诉求，%(crowd)s%(people)s 人")
                % {"n": spot.n_appeals, "crowd": crowd, "people": spot.people}
            )
