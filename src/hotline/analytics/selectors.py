"""Rankings, series and the district map of the leader overview and the public statistics, built
from a period's figures (`analytics.figures.read`; what each measure counts is defined in
`analytics.facts`), each in a fixed number of queries whatever the number of tickets."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import F, Q

from hotline.analytics.facts import Counts
from hotline.analytics.figures import Figures, read
from hotline.analytics.models import Hotspot
from hotline.analytics.periods import Period, Rate
from hotline.core.enums import (
    TERMINAL_STATUSES,
    AssignmentStatus,
    DepartmentLevel,
    FigureDimension,
)
from hotline.directory.geometry import parse_boundary
from hotline.directory.models import Department, Place
from hotline.taxonomy.models import Category
from hotline.tickets.models import Assignment


@dataclass(frozen=True)
class Ranked:
    name: str
    count: int
    # Every measure of the slice, where a list shows its rates too (the districts).
    counts: Counts | None = None
    # The slice's key (a category's, an area's or a district's id): the drill-down to its tickets.
    key: int = 0


def _ranked(counts: dict[int, Counts], names: dict[int, str], limit: int | None) -> list[Ranked]:
    ranked = sorted(
        (Ranked(names[key], c.received, key=key) for key, c in counts.items() if c.received and key in names),
        key=lambda r: (-r.count, r.name),
    )
    return ranked[:limit] if limit else ranked


def top_categories(figures: Figures, limit: int | None = 10) -> list[Ranked]:
    """The first-level categories (一级分类) by the volume of the period, the largest first; a ticket
    filed under a second- or third-level category counts for the first level above it. Tickets
    without a category are not ranked. One query (the names)."""
    counts = figures.of(FigureDimension.CATEGORY)
    names = dict(Category.objects.filter(pk__in=list(counts)).values_list("pk", "name"))
    return _ranked(counts, names, limit)


def top_areas(figures: Figures, limit: int = 10) -> list[Ranked]:
    """The areas (属地: the district, street or community a ticket was placed in) by the volume of
    the period, the largest first. Tickets not placed in an area are not ranked. One query."""
    counts = figures.of(FigureDimension.AREA)
    names = dict(Department.objects.filter(pk__in=list(counts)).values_list("pk", "name"))
    return _ranked(counts, names, limit)


def daily_volume(last: date, days: int = 30) -> list[tuple[date, int]]:
    """受理量 per local day, for the `days` days that end with `last`, every day listed (0 when
    none). Two queries, and three more for today when it is among them."""
    period = Period.days(last - timedelta(days=days - 1), last)
    figures = read(period, slices=False)
    return [(day, figures.day(day).received) for day in period.local_days()]


@dataclass(frozen=True)
class Month:
    month: date  # its first day
    counts: Counts

    @property
    def volume(self) -> int:
        return self.counts.received

    @property
    def on_time(self) -> Rate:
        return self.counts.rates["on_time"]

    @property
    def satisfied(self) -> Rate:
        return self.counts.rates["satisfied"]


def months_ending(last: date, months: int) -> Period:
    """The `months` local calendar months that end with the month of `last`."""
    first = last.replace(day=1)
    for _ in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    final = Period.month(last.year, last.month)
    return Period(Period.month(first.year, first.month).start, final.end)


def monthly(figures: Figures) -> list[Month]:
    """The figures of each local calendar month of the period, the oldest first. No query."""
    months: dict[date, Counts] = {}
    for day in figures.period.local_days():
        months.setdefault(day.replace(day=1), Counts()).add(figures.day(day))
    return [Month(start, counts) for start, counts in months.items()]


def district_volumes(figures: Figures) -> list[Ranked]:
    """受理量 per district in the period: the tickets placed in the district or in any area under it
    (its streets and communities), every district listed by code (0 when none), with all its
    measures (`counts`: the four rates of the district map). Tickets placed in no district are not
    counted. One query."""
    areas = {
        pk: (parent_id, level, code, name, active)
        for pk, parent_id, level, code, name, active in Department.objects.filter(is_area=True).values_list(
            "pk", "parent_id", "level", "code", "name", "is_active"
        )
    }

    def district_of(pk: int | None) -> int | None:
        seen: set[int] = set()
        while pk is not None and pk in areas and pk not in seen:
            seen.add(pk)
            parent_id, level, *_rest = areas[pk]
            if level == DepartmentLevel.DISTRICT:
                return pk
            pk = parent_id
        return None

    totals: dict[int, Counts] = {}
    for area_id, counts in figures.of(FigureDimension.AREA).items():
        district = district_of(area_id)
        if district is not None:
            totals.setdefault(district, Counts()).add(counts)
    found = []
    for pk, (_parent, level, _code, name, active) in sorted(areas.items(), key=lambda item: item[1][2]):
        if level == DepartmentLevel.DISTRICT and active:
            counts = totals.get(pk, Counts())
            found.append(Ranked(name, counts.received, counts, key=pk))
    return found


def overdue_now(now: datetime) -> int:
    """超期未办结: assignments still at work (to sign or signed) on a ticket not yet closed, whose
    handling deadline has passed: marked overdue by the sweep, or past `due_at` with the clock
    running, or stopped (suspended) after the deadline had passed. The same assignments as the
    supervision board's 超期 tab; counted live. One query."""
    running = Q(paused_since__isnull=True)
    late = (
        Q(overdue_at__isnull=False)
        | (running & Q(due_at__lt=now))
        | (Q(paused_since__isnull=False) & Q(due_at__lt=F("paused_since")))
    )
    return (
        Assignment.objects.filter(status__in=[AssignmentStatus.PENDING, AssignmentStatus.ACCEPTED])
        .exclude(ticket__status__in=TERMINAL_STATUSES)
        .filter(late)
        .count()
    )


def district_geojson() -> dict[str, Any]:
    """The districts' boundaries (地名库, `Place.boundary`) as a GeoJSON FeatureCollection of
    Polygons, each Feature's `properties.name` the district's name (what the map's data is matched
    by). Districts without a boundary are left out; rings are closed as GeoJSON wants. One query."""
    features = []
    for name, code, boundary in (
        Place.objects.filter(
            department__is_area=True,
            department__is_active=True,
            department__level=DepartmentLevel.DISTRICT,
            boundary__isnull=False,
        )
        .order_by("department__code")
        .values_list("department__name", "department__code", "boundary")
    ):
        try:
            rings = parse_boundary(boundary)
        except ValueError:
            continue  # the admin refuses such a boundary; one stored otherwise is not drawn
        features.append(
            {
                "type": "Feature",
                "properties": {"name": name, "code": code},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[lon, lat] for lon, lat in [*ring, ring[0]]] for ring in rings],
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def has_district_boundaries() -> bool:
    """Whether any district has a boundary to draw. One query."""
    return Place.objects.filter(
        department__is_area=True,
        department__is_active=True,
        department__level=DepartmentLevel.DISTRICT,
        boundary__isnull=False,
    ).exists()


def hotspot_points(spots: Iterable[Hotspot]) -> list[dict[str, Any]]:
    """The hot spots as points for the district map: where their appeals were (the mean of the
    points they sent), else the middle of their area's or its district's boundary; hot spots with
    neither are left out (the list beside the map has them all). One query."""
    spots = list(spots)
    areas = {s.area_id for s in spots if s.area_id and s.latitude is None}
    centres: dict[int, tuple[float, float]] = {}
    parents: dict[int, int | None] = {}
    if areas:
        parents = dict(Department.objects.filter(is_area=True).values_list("pk", "parent_id"))
        wanted = set(areas)
        for area in areas:
            node = parents.get(area)
            while node is not None and node not in wanted:
                wanted.add(node)
                node = parents.get(node)
        for department_id, boundary in Place.objects.filter(
            department_id__in=wanted, boundary__isnull=False
        ).values_list("department_id", "boundary"):
            try:
                ring = parse_boundary(boundary)[0]
            except ValueError:
                continue
            centres[department_id] = (
                sum(p[0] for p in ring) / len(ring),
                sum(p[1] for p in ring) / len(ring),
            )
    points = []
    for spot in spots:
        if spot.latitude is not None and spot.longitude is not None:
            lon, lat = spot.longitude, spot.latitude
        else:
            node = spot.area_id
            while node is not None and node not in centres:
                node = parents.get(node)
            if node is None:
                continue
            lon, lat = centres[node]
        points.append(
            {
                "name": spot.place,
                "value": [round(lon, 6), round(lat, 6), spot.heat],
                "rank": spot.rank,
                "description": spot.description,
            }
        )
    return points
