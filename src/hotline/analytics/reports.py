"""The periodic reports (日报, 周报, 月报, 季报): what a period brought, how the four rates went, who
ranks where, which categories and areas led, the hot spots, and the items a leader should look at
first.

`build(kind, day)` gathers one report for the period of `kind` that holds `day` (the local day, the
Monday-to-Sunday week, the calendar month, the quarter) with the same figures for the period before
it; the web page, the CLI and the worker render the same `Report` as HTML, .xlsx or PDF
(`web.reports`). The figures are those of `analytics.facts`, read from the kept days.

A period still running is counted up to now and compared with the same elapsed part of the period
before (`window`: Dec 1 to Dec 5 06:00 against Nov 1 to Nov 5 06:00), never with the whole of it,
and says so (`Report.until`): at 06:00 today has few tickets, and against yesterday's whole day
that reads as a collapse. The pages and the command line show the last whole period when none
is asked for (`reported_day`, `last_whole_day`).

The hot spots are those the worker kept for exactly the report's period (`analytics.hotspot_sets`,
made once a day for the current and the last period of each kind); a report of a period never
kept finds them when asked to (`find_hotspots`: the command line, not the pages).

Every report shows the volume forecasts of the newest set the worker kept (`analytics.outlooks`):
the city, its top categories and areas, next week and next four weeks with their 80% interval
(a district's or department's report, the lines of its scope: `analytics.scopes`).

The weekly, monthly and quarterly reports list the typical cases (典型案例) marked in the case
library during their period (`analytics.typical_cases`); the daily leader list has none.

A report of a period the reader chooses (自选期间报告, kind `CUSTOM`: `custom_window`, at most
`LONGEST_CUSTOM` days, ending today at the latest) has the same parts, read the same way, against
the period of as many days just before it; the worker keeps no hot spots for such a period, so it
has none (finding them is the command line's work, not a page's).

The daily leader list (seed 000: "每日前20项") is made of items: the appeals of the period about one
kind of problem (the ticket's category) in one place (its area), ranked by how many came, then by
how many were urgent, then by how many repeated an earlier appeal (a second appeal merged into the
same ticket, or the same caller again within the period).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from hotline.analytics import figures, hotspot_sets, hotspots, leader_lists, outlooks, replies, typical_cases
from hotline.analytics.facts import FOUR_RATES, Counts, count_facts, counted_tickets
from hotline.analytics.figures import Figures
from hotline.analytics.models import ForecastSet
from hotline.analytics.periods import Period, Rate, city_zone
from hotline.analytics.rankings import Ranked, names_of, ranking
from hotline.core import clock
from hotline.core.enums import FigureDimension, ReportKind, Urgency
from hotline.directory.models import Department
from hotline.taxonomy.models import Category
from hotline.tickets.models import Ticket

ITEMS = 20
TOP = 10

# The kind of a report of a period the reader chooses (not a `ReportKind`: nothing is kept of it),
# and the most days it may hold: a year, the longest span the rankings read.
CUSTOM = "custom"
LONGEST_CUSTOM = 366


def period_of(kind: str, day: date) -> Period:
    """The period of `kind` that holds the local day `day`."""
    if kind == ReportKind.DAILY:
        return Period.day(day)
    if kind == ReportKind.WEEKLY:
        monday = day - timedelta(days=day.weekday())
        return Period.days(monday, monday + timedelta(days=6))
    if kind == ReportKind.MONTHLY:
        return Period.month(day.year, day.month)
    if kind == ReportKind.QUARTERLY:
        first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        last_month = first.month + 2
        return Period(Period.month(first.year, first.month).start, Period.month(first.year, last_month).end)
    raise ValueError(f"unknown report kind {kind!r}")


def before(kind: str, period: Period) -> Period:
    """The period of the same kind just before `period`."""
    return period_of(kind, period.first_day - timedelta(days=1))


def last_whole_day(kind: str, today: date) -> date:
    """The first day of the last period of `kind` that is over on the local day `today`: what a
    report shows when no day is asked for.

    A leader reads the daily report in the morning, and the day that is over then is yesterday:
    today's, at 06:00, has six hours of tickets. So with no day asked, yesterday's daily report,
    last week's weekly, last month's monthly and last quarter's quarterly, each against the whole
    period before it (as the worker makes and keeps them, `web.kept_reports`); the running period
    is there when its day is asked for, marked as such (`window`)."""
    return before(kind, period_of(kind, today)).first_day


def reported_day(kind: str, asked: date | None = None) -> date:
    """The day whose period a report of `kind` shows: the day asked for, else a day of the last
    whole period on the city's today (`last_whole_day`). The pages and `hotline report` alike."""
    return asked if asked is not None else last_whole_day(kind, clock.localtime().date())


@dataclass(frozen=True)
class Window:
    """What a report of a period counts and what it compares that with."""

    # The whole period of the kind (the report's name, its file's, the kept lists and hot spots).
    period: Period
    # What is counted: the whole period once it is over; while it runs, its start to now.
    counted: Period
    # The period before, cut to the same length as `counted`: the whole of it once this one is over.
    previous: Period
    # The moment a running period (or one not begun) is counted to; None once it is over.
    until: datetime | None = None


# A period's end is exclusive: what happened at the very moment of reading counts too (a ticket
# received as the clock reads, in a test whose clock stands still).
_INCLUSIVE = timedelta(microseconds=1)


def window(kind: str, day: date, now: datetime | None = None) -> Window:
    """The period of `kind` holding `day`, what of it is counted at `now` (default: the clock) and
    what of the period before it is compared with: the same time elapsed since its start (Dec 1 to
    Dec 5 06:00 against Nov 1 to Nov 5 06:00, 00:00-06:00 today against 00:00-06:00 yesterday), at
    most the whole of it (the 31st of a month after a shorter one). A part against a whole would
    show a fall that did not happen."""
    period = period_of(kind, day)
    return _window(period, before(kind, period), now)


def custom_window(first: date, last: date, now: datetime | None = None) -> Window:
    """The local days `first` to `last` (a report of a chosen period), compared with as many days
    just before them (Nov 3 to Nov 20 against Oct 16 to Nov 2); counted as `window` counts a
    running period when they reach today. The caller checks the range (`custom_range_problem`)."""
    days = (last - first).days + 1
    return _window(
        Period.days(first, last), Period.days(first - timedelta(days=days), first - timedelta(days=1)), now
    )


def custom_range_problem(first: date, last: date, today: date) -> str:
    """What is wrong with `first` to `last` as the period of a report, in one sentence; "" when
    nothing is: a reversed range, one that ends after `today`, or one longer than `LONGEST_CUSTOM`
    days."""
    if last < first:
        return _("结束日期 %(last)s 早于开始日期 %(first)s") % {
            "first": first.isoformat(),
            "last": last.isoformat(),
        }
    if last > today:
        return _("结束日期 %(last)s 晚于今天（%(today)s）：报告只能统计已经发生的") % {
            "last": last.isoformat(),
            "today": today.isoformat(),
        }
    days = (last - first).days + 1
    if days > LONGEST_CUSTOM:
        return _("所选期间共 %(days)s 天，超过上限 %(most)s 天：请缩短期间，或查看季报、红黑榜的年度排名") % {
            "days": days,
            "most": LONGEST_CUSTOM,
        }
    return ""


def _window(period: Period, prior: Period, now: datetime | None) -> Window:
    moment = clock.now() if now is None else now
    if moment >= period.end:
        return Window(period, period, prior)
    # A period not begun yet: nothing of it, against nothing of the one before.
    cut = max(min(moment + _INCLUSIVE, period.end), period.start)
    elapsed = cut - period.start
    return Window(
        period, Period(period.start, cut), Period(prior.start, min(prior.start + elapsed, prior.end)), moment
    )


def read_span(span: Period) -> Figures:
    """The figures of `span`, which starts at a local midnight and may end within a day (a running
    period cut at now, or the same part of the period before): its whole days as kept
    (`figures.read`), the part of its last day counted live (`facts.count_facts`; a few hours'
    tickets, five queries)."""
    zone = city_zone()
    end = span.end.astimezone(zone)
    midnight = datetime.combine(end.date(), time.min, tzinfo=zone)
    if midnight == end:
        return figures.read(span)
    found = figures.read(Period(span.start, midnight)) if midnight > span.start else Figures(span)
    found.period = span
    found.add_counted(count_facts(Period(midnight, span.end)).items())
    return found


@dataclass(frozen=True)
class Line:
    """A ranked category or area: this period's volume and the last one's."""

    name: str
    count: int
    previous: int

    @property
    def change(self) -> int:
        return self.count - self.previous


@dataclass(frozen=True)
class Item:
    """One line of the leader list: the appeals about one category in one area."""

    category: str
    area: str
    appeals: int
    tickets: int
    urgent: int
    repeated: int


@dataclass
class Report:
    kind: str
    period: Period
    # What the report is compared with: the period before, or its same elapsed part (`window`).
    previous: Period
    city: Counts
    city_before: Counts
    departments: list[Ranked] = field(default_factory=list)
    categories: list[Line] = field(default_factory=list)
    areas: list[Line] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    # The newest kept forecast set and the lines of it the report shows: the city's, its top
    # categories' and areas' (a district's or department's report: those of its scope, `scopes`).
    forecast: ForecastSet | None = None
    forecasts: list[outlooks.Line] = field(default_factory=list)
    # A report about one district or department (`analytics.scopes`): its name, what its ranking
    # ranks (the districts or the departments) and its own row there. The city's: "", departments.
    scope_name: str = ""
    ranked: str = FigureDimension.DEPARTMENT
    standing: Ranked | None = None
    # When the leader list was counted: the worker's kept list (`analytics.leader_lists`); None: now.
    items_made_at: datetime | None = None
    # Kept `Hotspot` rows or `hotspots.Found`, the hottest first (both have the attributes shown).
    hotspots: list[Any] = field(default_factory=list)
    hotspots_made_at: datetime | None = None
    # The typical cases marked in the period (`analytics.typical_cases`); None: a kind of report
    # without them (the daily leader list).
    cases: list[typical_cases.CaseLine] | None = None
    # A period still running: the moment it is counted to (its figures and the part of the period
    # before they are compared with end there). None: the period is over.
    until: datetime | None = None
    # A district's or department's report: the share of weak replies (答复质量存疑率) of the unit and
    # of each department under it (`analytics.replies.unit_shares`), its total first; None: the
    # city's, whose ranking of departments gives each one's.
    weak_replies: list[replies.UnitShare] | None = None

    @property
    def label(self) -> str:
        if self.custom:
            return _("自选期间报告")
        return str(ReportKind(self.kind).label)

    @property
    def custom(self) -> bool:
        """A report of a period the reader chose (`CUSTOM`), not one of the kinds kept."""
        return self.kind == CUSTOM

    @property
    def running(self) -> bool:
        return self.until is not None

    @property
    def rates(self) -> list[tuple[str, Rate, Rate]]:
        """The four rates and 解决率: (key, this period's, the last one's)."""
        now, then = self.city.rates, self.city_before.rates
        return [(key, now[key], then[key]) for key in (*FOUR_RATES, "resolved")]

    @property
    def volume_change(self) -> float | None:
        """The change of the volume against the period before, in percent."""
        if not self.city_before.received:
            return None
        return round(100 * (self.city.received - self.city_before.received) / self.city_before.received, 1)


def _lines(now: Figures, then: Figures, dimension: str) -> list[Line]:
    current, past = now.of(dimension), then.of(dimension)
    top = sorted(current.items(), key=lambda item: -item[1].received)[:TOP]
    keys = [key for key, counts in top if counts.received]
    names = names_of(dimension, keys)
    return [
        Line(names.get(key, str(key)), current[key].received, past[key].received if key in past else 0)
        for key in keys
    ]


def leader_items(period: Period, limit: int = ITEMS, *, within: QuerySet[Ticket] | None = None) -> list[Item]:
    """The period's items (category x area), the most pressing first; of the tickets `within`
    (counted ones only; default: every counted ticket). Four queries."""
    tickets = (within if within is not None else counted_tickets()).filter(
        created_at__gte=period.start, created_at__lt=period.end
    )
    rows: Any = (
        tickets.filter(category__isnull=False, area__isnull=False)
        .values("category_id", "area_id")
        .annotate(
            tickets=Count("pk", distinct=True),
            appeal_count=Count("appeals", distinct=True),
            urgent=Count("pk", filter=Q(urgency=Urgency.URGENT), distinct=True),
            callers=Count("appeals__citizen_phone", distinct=True, filter=~Q(appeals__citizen_phone="")),
            with_phone=Count("appeals", distinct=True, filter=~Q(appeals__citizen_phone="")),
        )
        .order_by("-appeal_count", "-urgent", "-tickets")[: limit * 3]
    )
    found = []
    for row in rows:
        # Repeated: a second appeal on one ticket, or a caller heard again on another ticket.
        repeated = max(row["appeal_count"] - row["tickets"], 0) + max(row["with_phone"] - row["callers"], 0)
        found.append((row, repeated))
    found.sort(key=lambda pair: (-pair[0]["appeal_count"], -pair[0]["urgent"], -pair[1]))
    found = found[:limit]
    categories = dict(
        Category.objects.filter(pk__in=[r["category_id"] for r, _n in found]).values_list("pk", "name")
    )
    areas = dict(
        Department.objects.filter(pk__in=[r["area_id"] for r, _n in found]).values_list("pk", "name")
    )
    return [
        Item(
            category=categories.get(row["category_id"], ""),
            area=areas.get(row["area_id"], ""),
            appeals=row["appeal_count"],
            tickets=row["tickets"],
            urgent=row["urgent"],
            repeated=repeated,
        )
        for row, repeated in found
    ]


def kept_or_live_items(kind: str, period: Period) -> tuple[list[Item], datetime | None]:
    """The period's leader list as the worker kept it (and when it counted it), else counted now."""
    kept = leader_lists.read(kind, period)
    if kept is not None:
        return [Item(**item) for item in kept.items], kept.made_at
    return leader_items(period), None


def period_hotspots(kind: str, period: Period, *, find: bool = False) -> tuple[list[Any], datetime | None]:
    """The hot spots of a report period (at most `TOP`): the kept ones, else found now when `find`
    (then with no time of making), else none."""
    kept = hotspot_sets.set_for(kind, period, TOP, appeals=False)
    if kept is not None:
        return kept.hotspots, kept.set.made_at
    if find:
        return hotspots.find(period.start, period.end, top=TOP), None
    return [], None


def build(kind: str, day: date, *, find_hotspots: bool = False, span: Window | None = None) -> Report:
    """The report of `kind` for the period holding `day`, with the period before for comparison
    (while the period runs: up to now, against the same part of the period before, `window`).
    `find_hotspots`: find the period's hot spots when none were kept for it. `span`: the period
    and what it is compared with, when not `kind`'s holding `day` (a chosen period's:
    `build_custom`)."""
    span = span or window(kind, day)
    period, previous = span.period, span.previous
    now, then = read_span(span.counted), read_span(previous)
    items, items_made_at = kept_or_live_items(kind, period)
    spots, spots_made_at = period_hotspots(kind, period, find=find_hotspots)
    forecast = outlooks.latest()
    return Report(
        kind=kind,
        period=period,
        previous=previous,
        city=now.city,
        city_before=then.city,
        departments=ranking(now, then, FigureDimension.DEPARTMENT),
        categories=_lines(now, then, FigureDimension.CATEGORY),
        areas=_lines(now, then, FigureDimension.AREA),
        items=items,
        items_made_at=items_made_at,
        forecast=forecast,
        forecasts=outlooks.lines(forecast),
        hotspots=spots,
        hotspots_made_at=spots_made_at,
        cases=None if kind == ReportKind.DAILY else typical_cases.of_period(period),
        until=span.until,
    )


def build_custom(first: date, last: date) -> Report:
    """The city's report of the local days `first` to `last` (checked by `custom_range_problem`)."""
    return build(CUSTOM, first, span=custom_window(first, last))


def weak_shown(report: Report) -> bool:
    """Whether the report's ranking has the share of weak replies: a ranking of departments."""
    return report.ranked == FigureDimension.DEPARTMENT


def _percent(rate: Rate | None) -> float | None:
    return None if rate is None else rate.percent


def as_rows(report: Report) -> dict[str, list[list[Any]]]:
    """The report as sheets of rows (for .xlsx and the PDF's tables); the headings are the
    renderers' (translated there). "cases" only for a kind of report that lists them, "weak_replies"
    only for a district's or department's."""
    rows: dict[str, list[list[Any]]] = {
        "rates": [
            [key, now.percent, then.percent, now.numerator, now.denominator]
            for key, now, then in report.rates
        ],
        "departments": [
            [
                r.rank,
                r.name,
                r.counts.received,
                *[r.rates[k].percent for k in FOUR_RATES],
                r.score,
                r.score_change,
                # Departments only (as on the rankings page): their share of weak replies.
                *([_percent(r.weak_replies)] if weak_shown(report) else []),
            ]
            for r in report.departments
        ],
        "categories": [[line.name, line.count, line.previous, line.change] for line in report.categories],
        "areas": [[line.name, line.count, line.previous, line.change] for line in report.areas],
        "items": [[i.category, i.area, i.appeals, i.tickets, i.urgent, i.repeated] for i in report.items],
        "hotspots": [
            [
                rank,
                round(h.heat, 1),
                h.place,
                h.description,
                h.crowd,
                h.people,
                h.n_appeals,
                f"{clock.localtime(h.first_time):%Y-%m-%d}",
                f"{clock.localtime(h.last_time):%Y-%m-%d}",
            ]
            for rank, h in enumerate(report.hotspots, 1)
        ],
        "forecast": [
            [
                line.dimension_label,
                line.name,
                line.week.expected,
                line.week.low,
                line.week.high,
                line.month.expected,
                line.month.low,
                line.month.high,
            ]
            for line in report.forecasts
        ],
    }
    if report.cases is not None:
        rows["cases"] = [
            [
                c.title,
                c.number,
                c.category,
                c.area,
                c.department,
                f"{clock.localtime(c.marked_at):%Y-%m-%d}",
                c.lesson,
                c.story,
            ]
            for c in report.cases
        ]
    if report.weak_replies is not None:
        # The unit's total first (named by the renderers as such), then each department under it.
        rows["weak_replies"] = [
            [w.name, w.share.denominator, w.share.numerator, w.share.percent] for w in report.weak_replies
        ]
    return rows
