"""The demo city's responsibility list (权责清单) and gazetteer (地名库), written into `hotline.directory`.

Both are configuration that an administrator keeps in the admin, so they are written directly, like
the departments: rules from `vocabulary.RESPONSIBILITIES`; a `Place` for every district, street and
community with its other names, and a boundary for every district and street laid out on the grid
of `vocabulary.DISTRICT_CELLS`. Both are idempotent: what exists (by rule name, by department) is
left as it is, so an administrator's edits survive `hotline demo --append`.
"""

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from hotline.core.enums import AreaRole, DepartmentLevel
from hotline.demo import vocabulary as V
from hotline.directory.models import Department, Place, Responsibility, ResponsibilityCoHandler
from hotline.knowledge.models import ReplyTemplate
from hotline.taxonomy.models import Category

if TYPE_CHECKING:
    from hotline.demo.generator import StreetPlace

Box = tuple[float, float, float, float]  # west, south, east, north


def boxes() -> dict[str, Box]:
    """The rectangle of every district and street, by name: districts on the grid, streets in strips."""
    (west0, north0), (width, height) = V.MAP_ORIGIN, V.MAP_CELL
    found: dict[str, Box] = {}
    for district, streets in V.DISTRICTS:
        column, row = V.DISTRICT_CELLS[district]
        west, north = west0 + column * width, north0 - row * height
        found[district] = (west, north - height, west + width, north)
        strip = width / len(streets)
        for i, (street, _communities) in enumerate(streets):
            found[street] = (west + i * strip, north - height, west + (i + 1) * strip, north)
    return found


def ring(box: Box) -> list[list[list[float]]]:
    """A rectangle as a boundary (one outer ring of [longitude, latitude], counter-clockwise)."""
    west, south, east, north = (round(v, 6) for v in box)
    return [[[west, south], [east, south], [east, north], [west, north]]]


def aliases(places: Sequence["StreetPlace"]) -> dict[str, list[str]]:
    """Other names of each area, by its own name.

    A street is also known by its residential compounds and by the roads that run through it alone
    (a road shared by two streets names neither); a community by its residents' committee.
    """
    road_streets = Counter(road for place in places for road in place.roads)
    found: dict[str, list[str]] = {name: list(names) for name, names in V.PLACE_ALIASES.items()}
    for place in places:
        own_roads = [road for road in place.roads if road_streets[road] == 1]
        found.setdefault(place.street, []).extend([*place.xiaoqu, *own_roads])
        for community in place.communities:
            committee = f"{community}委会" if community.endswith("村") else f"{community[:-2]}居委会"
            found.setdefault(community, []).append(committee)
    return found


def ensure_places(departments: Mapping[str, Department], places: Sequence["StreetPlace"]) -> int:
    """A gazetteer entry for every area department below the city that has none; returns how many."""
    areas = [
        d
        for d in departments.values()
        if d.is_area
        and d.level in (DepartmentLevel.DISTRICT, DepartmentLevel.STREET, DepartmentLevel.COMMUNITY)
    ]
    have = set(Place.objects.filter(department__in=areas).values_list("department_id", flat=True))
    names, shapes = aliases(places), boxes()
    new = [
        Place(
            department=d,
            aliases="、".join(names.get(d.name, [])),
            boundary=ring(shapes[d.name]) if d.name in shapes else None,
        )
        for d in areas
        if d.pk not in have
    ]
    Place.objects.bulk_create(new)
    return len(new)


def ensure_responsibilities(
    departments: Mapping[str, Department], categories: Mapping[tuple[str, ...], Category]
) -> int:
    """The rules of `vocabulary.RESPONSIBILITIES` that are missing (by name); returns how many were added."""
    by_name = {d.name: d for d in departments.values() if d.is_area}

    def department(ref: str) -> Department:
        return departments[ref] if ref in departments else by_name[ref]

    existing = set(Responsibility.objects.values_list("name", flat=True))
    todo = [rule for rule in V.RESPONSIBILITIES if rule.name not in existing]
    made = Responsibility.objects.bulk_create(
        [
            Responsibility(
                name=rule.name,
                category=categories[rule.category],
                area=department(rule.area) if rule.area else None,
                keywords="、".join(rule.keywords),
                exclude_keywords="、".join(rule.exclude),
                lead_department=None if rule.lead == V.AREA else department(rule.lead),
                area_role=(
                    AreaRole.LEAD
                    if rule.lead == V.AREA
                    else AreaRole.CO
                    if V.AREA in rule.co
                    else AreaRole.NONE
                ),
                priority=rule.priority,
                is_active=rule.active,
                note=rule.note,
            )
            for rule in todo
        ]
    )
    if any(row.pk is None for row in made):  # a backend that returns no ids
        stored = {r.name: r for r in Responsibility.objects.filter(name__in=[rule.name for rule in todo])}
        made = [stored[rule.name] for rule in todo]
    ResponsibilityCoHandler.objects.bulk_create(
        [
            ResponsibilityCoHandler(responsibility=row, department=department(code))
            for rule, row in zip(todo, made, strict=True)
            for code in rule.co
            if code != V.AREA
        ]
    )
    return len(todo)


def ensure_reply_templates(categories: Mapping[tuple[str, ...], Category]) -> int:
    """The reply templates of `vocabulary.REPLY_TEMPLATES` that are missing (by name), each for the
    category its path names (none: every category); returns how many were added."""
    existing = set(ReplyTemplate.objects.values_list("name", flat=True))
    made = ReplyTemplate.objects.bulk_create(
        [
            ReplyTemplate(name=name, category=categories[path] if path else None, text=text)
            for name, path, text in V.REPLY_TEMPLATES
            if name not in existing
        ]
    )
    return len(made)
