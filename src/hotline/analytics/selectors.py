"""Rankings, series and the district map of the leader overview and the public statistics, built
from the sets and conditions of `analytics.kpis` (where each figure is defined), each in a fixed
number of queries whatever the number of tickets."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count
from django.db.models.functions import Coalesce, TruncDate, TruncMonth

from hotline.analytics.kpis import (
    ON_TIME,
    RESOLVED,
    SATISFIED,
    Period,
    Rate,
    answered_leads,
    city_zone,
    counted_callbacks,
    received,
)
from hotline.core.enums import DepartmentLevel
from hotline.directory.geometry import parse_boundary
from hotline.directory.models import Department, Place


@dataclass(frozen=True)
class Ranked:
    name: str
    count: int


def top_categories(period: Period, limit: int | None = 10) -> list[Ranked]:
    """The first-level categories (一级分类) by the volume of the period, the largest first; a ticket
    filed under a second- or third-level category counts for the first level above it. Tickets
    without a category are not ranked. One query."""
    rows = (
        received(period)
        .filter(category__isnull=False)
        # The tree has three levels: the root is the grandparent, the parent or the category itself.
        .annotate(
            root_id=Coalesce("category__parent__parent_id", "category__parent_id", "category_id"),
            root_name=Coalesce("category__parent__parent__name", "category__parent__name", "category__name"),
        )
        .values("root_id", "root_name")
        .annotate(n=Count("pk"))
        .order_by("-n", "root_name")
    )
    return [Ranked(r["root_name"], r["n"]) for r in (rows[:limit] if limit else rows)]


def top_areas(period: Period, limit: int = 10) -> list[Ranked]:
    """The areas (属地: the district, street or community a ticket was placed in) by the volume of
    the period, the largest first. Tickets not placed in an area are not ranked. One query."""
    rows = (
        received(period)
        .filter(area__isnull=False)
        .values("area_id", "area__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "area__name")[:limit]
    )
    return [Ranked(r["area__name"], r["n"]) for r in rows]


def daily_volume(last: date, days: int = 30) -> list[tuple[date, int]]:
    """受理量 per local day, for the `days` days that end with `last`, every day listed (0 when
    none). One query."""
    first = last - timedelta(days=days - 1)
    counts = dict(
        received(Period.days(first, last))
        .annotate(day=TruncDate("created_at", tzinfo=city_zone()))
        .values_list("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    return [(first + timedelta(days=i), counts.get(first + timedelta(days=i), 0)) for i in range(days)]


@dataclass(frozen=True)
class Month:
    month: date  # its first day
    volume: int
    on_time: Rate
    satisfied: Rate
    resolved: Rate


def _month_starts(last: date, months: int) -> list[date]:
    found = [last.replace(day=1)]
    while len(found) < months:
        previous = found[-1] - timedelta(days=1)
        found.append(previous.replace(day=1))
    return found[::-1]


def monthly(last: date, months: int = 12) -> list[Month]:
    """The volume, 按时办结率, 满意率 and 解决率 of each local calendar month, for the `months` months
    that end with the month of `last`, the oldest first; as `kpis` defines them. Three queries."""
    starts = _month_starts(last, months)
    end = Period.month(starts[-1].year, starts[-1].month).end
    period = Period(Period.month(starts[0].year, starts[0].month).start, end)
    zone = city_zone()

    def by_month(rows: Any) -> dict[date, dict[str, int]]:
        # Each month comes back as its first moment; read in the city's zone, its first day.
        return {row.pop("m").astimezone(zone).date(): row for row in rows}

    volumes = by_month(
        received(period)
        .annotate(m=TruncMonth("created_at", tzinfo=zone))
        .values("m")
        .annotate(n=Count("pk"))
        .values("m", "n"),
    )
    leads = by_month(
        answered_leads()
        .filter(answered_at__gte=period.start, answered_at__lt=period.end)
        .annotate(m=TruncMonth("answered_at", tzinfo=zone))
        .values("m")
        .annotate(total=Count("pk"), on_time=Count("pk", filter=ON_TIME))
        .values("m", "total", "on_time"),
    )
    calls = by_month(
        counted_callbacks()
        .filter(called_at__gte=period.start, called_at__lt=period.end)
        .annotate(m=TruncMonth("called_at", tzinfo=zone))
        .values("m")
        .annotate(
            total=Count("pk"), satisfied=Count("pk", filter=SATISFIED), resolved=Count("pk", filter=RESOLVED)
        )
        .values("m", "total", "satisfied", "resolved"),
    )
    empty: dict[str, int] = {}
    return [
        Month(
            month=start,
            volume=volumes.get(start, empty).get("n", 0),
            on_time=Rate(leads.get(start, empty).get("on_time", 0), leads.get(start, empty).get("total", 0)),
            satisfied=Rate(
                calls.get(start, empty).get("satisfied", 0), calls.get(start, empty).get("total", 0)
            ),
            resolved=Rate(
                calls.get(start, empty).get("resolved", 0), calls.get(start, empty).get("total", 0)
            ),
        )
        for start in starts
    ]


def districts() -> list[Department]:
    """The districts (区县): active area departments of district level, by code. One query."""
    return list(
        Department.objects.filter(is_area=True, is_active=True, level=DepartmentLevel.DISTRICT).order_by(
            "code"
        )
    )


def district_volumes(period: Period) -> list[Ranked]:
    """受理量 per district in the period: the tickets placed in the district or in any area under it
    (its streets and communities), every district listed by code (0 when none). Tickets placed in
    no district are not counted. Two queries."""
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

    totals: dict[int, int] = {}
    for area_id, n in (
        received(period)
        .filter(area__isnull=False)
        .values_list("area_id")
        .annotate(n=Count("pk"))
        .values_list("area_id", "n")
    ):
        district = district_of(area_id)
        if district is not None:
            totals[district] = totals.get(district, 0) + n
    return [
        Ranked(name, totals.get(pk, 0))
        for pk, (_parent, level, _code, name, active) in sorted(areas.items(), key=lambda item: item[1][2])
        if level == DepartmentLevel.DISTRICT and active
    ]


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
