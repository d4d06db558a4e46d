"""Whom a report is about (`ReportScope`): the city, one district with the streets and communities
under it, or one department (the tickets it leads, as the figures count them); and the report of a
period for one scope.

The worker keeps the reports per scope (`web.kept_reports`): the daily leader list for the city;
the weekly, monthly and quarterly reports for the city, every district and every department that
is not an area (the bureaus; an area's tickets are in its district's report). A scope's report has
the parts of the city's (`analytics.reports.Report`), each read the same way:

- the volume and the four rates: the scope's slices of the kept figures (a district's: the sum of
  its areas', as a ticket has one area);
- the ranking: the scope among its peers, with `standing` its own row: the districts by the sums of
  their areas, the departments as the city's report ranks them;
- the categories and areas: the scope's tickets received in the period by first-level category and
  by area, counted in one query per period for every scope (`Breakdown`);
- the leader list: the items (category x area) of the scope's tickets;
- the hot spots: those of the period's kept set (`analytics.hotspot_sets`) placed in the district;
  none for a department (a hot spot is a place and a problem, not a department's);
- the typical cases marked in the period (`analytics.typical_cases`): of tickets in the district,
  or led by the department;
- the share of weak replies (答复质量存疑率) of the unit and of each department under it, by the
  replies they sent (`analytics.replies.unit_shares`);
- the forecasts of the newest kept set (`analytics.outlooks`) that concern the scope, after the
  city's line (the scale they sit in): a district's areas among the set's top areas (itself, its
  streets and communities); for a department, the set's top categories it led tickets of in the
  period (the category's forecast is the city's, every department's share of it). The set has
  no line per district or department: it forecasts the busiest slices only (docs/adr/0008).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, QuerySet

from hotline.analytics import facts, figures, hotspot_sets, outlooks, replies, reports, typical_cases
from hotline.analytics.facts import Counts
from hotline.analytics.figures import Figures
from hotline.analytics.models import ForecastSet
from hotline.analytics.periods import Period
from hotline.analytics.rankings import Ranked, RankingPeriod, names_of, ranking
from hotline.core.enums import DepartmentLevel, FigureDimension, ReportKind, ReportScope
from hotline.directory.models import Department
from hotline.tickets.models import Ticket


@dataclass(frozen=True)
class Scope:
    """The city (key 0), a district or a department, by its id."""

    type: str  # ReportScope
    key: int = 0
    name: str = ""

    @property
    def slug(self) -> str:
        """The scope in a file name or URL: city, district-12, department-7."""
        return str(self.type) if self.type == ReportScope.CITY else f"{self.type}-{self.key}"


CITY = Scope(ReportScope.CITY)


def scopes_for(kind: str) -> list[Scope]:
    """The scopes the worker keeps reports of `kind` for: the city, then (but for the daily list)
    every active district and every active department that is not an area, by code. One query."""
    found = [CITY]
    if kind == ReportKind.DAILY:
        return found
    rows = (
        Department.objects.filter(is_active=True)
        .order_by("code")
        .values_list("pk", "name", "level", "is_area")
    )
    found += [
        Scope(ReportScope.DISTRICT, pk, name)
        for pk, name, level, is_area in rows
        if level == DepartmentLevel.DISTRICT and is_area
    ]
    found += [Scope(ReportScope.DEPARTMENT, pk, name) for pk, name, _level, is_area in rows if not is_area]
    return found


def scope_of(department: Department) -> Scope | None:
    """The scope of a district (an area of the district level) or of a department that is not an
    area; None for a street or a community (their tickets are in their district's report)."""
    if department.is_area:
        if department.level == DepartmentLevel.DISTRICT:
            return Scope(ReportScope.DISTRICT, department.pk, department.name)
        return None
    return Scope(ReportScope.DEPARTMENT, department.pk, department.name)


def district_of_area() -> dict[int, int]:
    """Every area in a district (the district itself, its streets and communities) -> the district.
    One query."""
    areas = {
        pk: (parent, level)
        for pk, parent, level in Department.objects.filter(is_area=True).values_list(
            "pk", "parent_id", "level"
        )
    }
    found: dict[int, int] = {}
    for area in areas:
        node: int | None = area
        seen: set[int] = set()
        while node is not None and node in areas and node not in seen:
            seen.add(node)
            parent, level = areas[node]
            if level == DepartmentLevel.DISTRICT:
                found[area] = node
                break
            node = parent
    return found


# The received tickets of a period by (area, first-level category, lead department); None: none.
Breakdown = dict[tuple[int | None, int | None, int | None], int]


def _received(period: Period) -> QuerySet[Any]:
    """The counted tickets received in the period, each with its `area_key`, `category_key` and
    `department_key` as the figures count them (`analytics.facts`)."""
    source = next(s for s in facts.SOURCES if "received" in s.measures)
    return source.rows(period, facts.exempt_statuses())


def breakdown(period: Period) -> Breakdown:
    """The received tickets of the period per area, category and lead department. Two queries."""
    rows = (
        _received(period)
        .values("area_key", "category_key", "department_key")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(r["area_key"], r["category_key"], r["department_key"]): r["n"] for r in rows}


@dataclass
class Shared:
    """What every scope's report of one period reads, gathered once for all of them."""

    kind: str
    period: Period
    previous: Period
    now: Figures
    then: Figures
    districts: dict[int, int]
    received: Breakdown
    received_before: Breakdown
    rankings: dict[str, list[Ranked]] = field(default_factory=dict)
    # The period's kept hot spots (every one kept, the hottest first) and when they were found.
    hotspots: list[Any] = field(default_factory=list)
    hotspots_made_at: datetime | None = None
    forecast: ForecastSet | None = None
    # A running period: the moment it is counted to, `previous` being the same part of the period
    # before (`reports.window`); None once it is over.
    until: datetime | None = None


def district_figures(source: Figures, districts: dict[int, int]) -> Figures:
    """The figures with the areas' slices summed per district (as area slices): a ticket has one
    area, so none counts twice."""
    sums: dict[int, Counts] = defaultdict(Counts)
    for area, counts in source.of(FigureDimension.AREA).items():
        if area in districts:
            sums[districts[area]].add(counts)
    return Figures(source.period, source.city, {FigureDimension.AREA: dict(sums)})


# The districts as a slice of the rankings (page and API) and of the drill-down to tickets: each
# district with every area under it, summed (a ticket has one area).
DISTRICT = "district"


def rank_districts(chosen: RankingPeriod) -> list[Ranked]:
    """The districts of a period of the rankings (红黑榜), each with every area under it (its
    streets and communities) counted together, ranked by the units' rules (`analytics.rankings`)
    against the period before: the districts' ranking of the rankings page, as a district's report
    ranks them. Only the areas' kept slices are read."""
    districts = district_of_area()
    now = figures.read(chosen.period, slices=[FigureDimension.AREA])
    then = figures.read(chosen.previous.period, slices=[FigureDimension.AREA])
    return ranking(district_figures(now, districts), district_figures(then, districts), FigureDimension.AREA)


def gather(kind: str, day: date, span: reports.Window | None = None) -> Shared:
    """The figures, breakdowns and peer rankings of the period of `kind` holding `day` and of the
    one before; `span`: the period and what it is compared with, when not those (a chosen
    period's, `reports.custom_window`)."""
    span = span or reports.window(kind, day)
    period, previous = span.period, span.previous
    now, then = reports.read_span(span.counted), reports.read_span(previous)
    districts = district_of_area()
    shared = Shared(
        kind,
        period,
        previous,
        now,
        then,
        districts,
        breakdown(span.counted),
        breakdown(previous),
        until=span.until,
    )
    shared.rankings[ReportScope.DEPARTMENT] = ranking(now, then, FigureDimension.DEPARTMENT)
    shared.rankings[ReportScope.DISTRICT] = ranking(
        district_figures(now, districts), district_figures(then, districts), FigureDimension.AREA
    )
    kept = hotspot_sets.set_for(kind, period)
    if kept is not None:
        shared.hotspots, shared.hotspots_made_at = kept.hotspots, kept.set.made_at
    shared.forecast = outlooks.latest()
    return shared


def _counts(shared: Shared, scope: Scope, source: Figures) -> Counts:
    if scope.type == ReportScope.DEPARTMENT:
        return source.of(FigureDimension.DEPARTMENT).get(scope.key, Counts())
    total = Counts()
    for area, counts in source.of(FigureDimension.AREA).items():
        if shared.districts.get(area) == scope.key:
            total.add(counts)
    return total


def _mine(shared: Shared, scope: Scope, key: tuple[int | None, int | None, int | None]) -> bool:
    area, _category, department = key
    if scope.type == ReportScope.DEPARTMENT:
        return department == scope.key
    return area is not None and shared.districts.get(area) == scope.key


def _lines(shared: Shared, scope: Scope, position: int, dimension: str) -> list[reports.Line]:
    """The scope's top categories (position 1) or areas (0) by tickets received, with the period
    before's."""
    now: dict[int, int] = defaultdict(int)
    then: dict[int, int] = defaultdict(int)
    for counted, received in ((now, shared.received), (then, shared.received_before)):
        for key, n in received.items():
            value = key[position]
            if value is not None and _mine(shared, scope, key):
                counted[value] += n
    top = sorted(now, key=lambda k: -now[k])[: reports.TOP]
    names = names_of(dimension, top)
    return [reports.Line(names.get(k, str(k)), now[k], then.get(k, 0)) for k in top]


def _areas(shared: Shared, scope: Scope) -> list[int]:
    """A district's areas: itself and those under it."""
    return [area for area, district in shared.districts.items() if district == scope.key]


def _tickets(shared: Shared, scope: Scope) -> QuerySet[Ticket]:
    if scope.type == ReportScope.DEPARTMENT:
        return _received(shared.period).filter(department_key=scope.key)
    return facts.counted_tickets().filter(area_id__in=_areas(shared, scope))


def _cases(shared: Shared, scope: Scope) -> list[typical_cases.CaseLine] | None:
    if shared.kind == ReportKind.DAILY:
        return None
    if scope.type == ReportScope.DEPARTMENT:
        return typical_cases.of_period(shared.period, department=scope.key)
    return typical_cases.of_period(shared.period, areas=_areas(shared, scope))


def _forecasts(shared: Shared, scope: Scope) -> list[outlooks.Line]:
    """The city's forecast line, then the set's lines of the scope: a district's areas, or the
    categories of the tickets a department led in the period."""
    if scope.type == ReportScope.DISTRICT:
        return outlooks.lines(shared.forecast, categories=(), areas=_areas(shared, scope))
    led = {key[1] for key in shared.received if key[1] is not None and _mine(shared, scope, key)}
    return outlooks.lines(shared.forecast, categories=led, areas=())


def build(
    kind: str, day: date, scope: Scope, shared: Shared | None = None, span: reports.Window | None = None
) -> reports.Report:
    """The report of `kind` for the period holding `day` (or of `span`: a chosen period's) about
    `scope`; `shared`: what `gather` read for that period (read here when not given). The city's is
    `analytics.reports.build`'s."""
    if scope.type == ReportScope.CITY:
        return reports.build(kind, day, span=span)
    shared = shared or gather(kind, day, span)
    peers = shared.rankings[scope.type]
    spots = []
    if scope.type == ReportScope.DISTRICT:
        spots = [h for h in shared.hotspots if shared.districts.get(h.area_id) == scope.key][: reports.TOP]
    return reports.Report(
        kind=kind,
        period=shared.period,
        previous=shared.previous,
        city=_counts(shared, scope, shared.now),
        city_before=_counts(shared, scope, shared.then),
        departments=peers,
        categories=_lines(shared, scope, 1, FigureDimension.CATEGORY),
        areas=_lines(shared, scope, 0, FigureDimension.AREA),
        items=reports.leader_items(shared.period, within=_tickets(shared, scope)),
        scope_name=scope.name,
        ranked=FigureDimension.AREA if scope.type == ReportScope.DISTRICT else FigureDimension.DEPARTMENT,
        standing=next((r for r in peers if r.key == scope.key), None),
        hotspots=spots,
        hotspots_made_at=shared.hotspots_made_at if scope.type == ReportScope.DISTRICT else None,
        cases=_cases(shared, scope),
        forecast=shared.forecast,
        forecasts=_forecasts(shared, scope),
        until=shared.until,
        weak_replies=_weak_replies(shared, scope),
    )


def _weak_replies(shared: Shared, scope: Scope) -> list[replies.UnitShare]:
    """The unit's share of weak replies and its departments' (a district's streets and
    communities, a bureau's offices): the replies they sent, whatever ticket they answered."""
    unit = Department.objects.filter(pk=scope.key).first()
    return [] if unit is None else replies.unit_shares(shared.now, unit)
