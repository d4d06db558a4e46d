"""Where an appeal is: address text or a point -> the city's area (district, street or community).

Three sources, in this order:

1. A point (latitude/longitude from an app or a grid worker): the area whose `Place.boundary`
   contains it; the deepest (community before street before district) when several do.
2. The city's own gazetteer, in the address and then in the title and content: area departments
   by their own name and by the aliases of their `Place`. The deepest area named wins; a name
   that several areas share (two towns called 城关镇 in two districts) is settled by the district
   named beside it, and otherwise gives their common parent, if any.
3. `cpca`, for province, city and district: it knows the national division names and their short
   forms and gives the district's code, matched to `Place.adcode` or to a district's name.

`locate()` reads and never writes; what it found and how is in `PlaceMatch.evidence`.
"""

import logging
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.utils.translation import gettext as _

from hotline.core.enums import DepartmentLevel
from hotline.directory.geometry import contains, parse_boundary
from hotline.directory.models import Department, Place
from hotline.routing import reference
from hotline.routing.reasons import listed
from hotline.routing.text import normalize

logger = logging.getLogger(__name__)

# Deeper levels are more precise; the city itself says nothing about where in it.
LEVEL_DEPTH = {
    DepartmentLevel.CITY: 0,
    DepartmentLevel.DISTRICT: 1,
    DepartmentLevel.STREET: 2,
    DepartmentLevel.COMMUNITY: 3,
}
# Names shorter than this match inside too many unrelated words.
MIN_NAME_LENGTH = 2


@dataclass(frozen=True)
class Divisions:
    """Province, city and district as `cpca` read them (empty strings when not named)."""

    province: str = ""
    city: str = ""
    district: str = ""
    adcode: str = ""

    def as_dict(self) -> dict[str, str]:
        return {
            "province": self.province,
            "city": self.city,
            "district": self.district,
            "adcode": self.adcode,
        }


@dataclass
class PlaceMatch:
    """The area found (None: not found), how ("boundary", "gazetteer", "division" or ""), and why."""

    area: Department | None = None
    how: str = ""
    divisions: Divisions = field(default_factory=Divisions)
    names: list[str] = field(default_factory=list)  # the gazetteer names found in the text
    note: str = ""

    @property
    def evidence(self) -> dict[str, Any]:
        return {
            "area": _ref(self.area),
            "how": self.how,
            "divisions": self.divisions.as_dict(),
            "names": self.names,
            "note": self.note,
        }


def _ref(department: Department | None) -> dict[str, Any] | None:
    if department is None:
        return None
    return {"id": department.pk, "code": department.code, "name": department.name}


@cache
def _cpca() -> Any:
    """The `cpca` module, imported on first use (it loads pandas and builds its automaton then).

    cpca 0.5 reads its bundled table through `pkg_resources`, which setuptools deprecates with a
    warning on import (pyproject pins a setuptools that still has it); silence exactly that.
    """
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=r".*pkg_resources", category=UserWarning)
            warnings.filterwarnings("ignore", message=r".*pkg_resources", category=DeprecationWarning)
            import cpca
    except ImportError as exc:  # without it, districts are found by the gazetteer alone
        logger.warning("cpca unavailable, districts only from the gazetteer: %s", exc)
        return None
    return cpca


def read_divisions(text: str, preferred: Mapping[str, str] | None = None) -> Divisions:
    """Province, city and district named in `text`.

    `preferred` maps district names that exist in several cities (朝阳区) to the code meant when no
    city is named: the city's own districts.
    """
    cpca = _cpca()
    if cpca is None or not text.strip():
        return Divisions()
    umap = dict(preferred or {})
    # `transform` wraps one record per text in a pandas table: for one text that costs a few
    # milliseconds, more than the matching, and routing reads up to three texts per ticket. cpca
    # 0.5's `_get_one_addr` is the record itself (what `transform` puts in its table's row).
    one = getattr(cpca, "_get_one_addr", None)
    row = (
        one(text, False, umap) if one is not None else cpca.transform([text], umap=umap).to_dict("records")[0]
    )

    def cell(key: str) -> str:
        value = row.get(key)
        return value if isinstance(value, str) else ""

    city = cell("市")
    return Divisions(
        province=cell("省"),
        # Municipalities have no city level of their own; cpca says 市辖区 there.
        city=cell("省") if city == "市辖区" else city,
        district=cell("区"),
        adcode=cell("adcode"),
    )


@dataclass(frozen=True)
class _Area:
    department: Department
    depth: int
    names: tuple[str, ...]  # normalised: its own name, then the aliases
    adcode: str
    boundary: Any


def _areas() -> dict[int, _Area]:
    """Every active area below the city, with its gazetteer entry (kept per process for a few
    seconds: routing.reference)."""
    return reference.cached("areas", _read_areas)


def known_area(department: Department) -> Department:
    """The gazetteer's own instance of the area `department` (a ticket's, read with it), whose
    parents are at hand, so that the rules walking up from it read nothing; `department` itself
    when the gazetteer does not hold it (inactive)."""
    area = _areas().get(department.pk)
    return area.department if area is not None else department


def _read_areas() -> dict[int, _Area]:
    """Every active area below the city, with its gazetteer entry (two queries). Each area's
    `parent` is the instance read here (the city's too): the rules walk up from an appeal's area
    for every rule they check, and a lazy parent would be read again whenever the areas are."""
    places = {p.department_id: p for p in Place.objects.all()}
    read = {d.pk: d for d in Department.objects.filter(is_area=True)}
    for department in read.values():
        if department.parent_id in read:
            department.parent = read[department.parent_id]
    areas: dict[int, _Area] = {}
    for department in read.values():
        depth = LEVEL_DEPTH.get(DepartmentLevel(department.level), 0)
        if depth == 0 or not department.is_active:
            continue
        place = places.get(department.pk)
        names = [department.name, *(place.alias_list if place else [])]
        normalised = tuple(
            dict.fromkeys(n for n in (normalize(name) for name in names) if len(n) >= MIN_NAME_LENGTH)
        )
        areas[department.pk] = _Area(
            department,
            depth,
            normalised,
            place.adcode[:6] if place else "",
            place.boundary if place else None,
        )
    return areas


def _ancestors(area_id: int, areas: Mapping[int, _Area]) -> list[int]:
    found: list[int] = []
    node = areas[area_id].department.parent_id
    while node is not None and node in areas and node not in found:
        found.append(node)
        node = areas[node].department.parent_id
    return found


def _by_point(latitude: float, longitude: float, areas: Mapping[int, _Area]) -> Department | None:
    inside: list[_Area] = []
    for area in areas.values():
        if area.boundary is None:
            continue
        try:
            rings = parse_boundary(area.boundary)
        except ValueError:
            logger.warning("boundary of %s is not a polygon; skipped", area.department.code)
            continue
        if contains(rings, longitude, latitude):
            inside.append(area)
    # On a shared edge both grids contain the point: the deeper one, then the lower code, decides.
    inside.sort(key=lambda a: (-a.depth, a.department.code))
    return inside[0].department if inside else None


@dataclass(frozen=True)
class _Hit:
    area_id: int
    name: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.name)


def _hits(text: str, areas: Mapping[int, _Area]) -> list[_Hit]:
    """Every gazetteer name in `text`, except those inside a longer name found there."""
    hits: list[_Hit] = []
    for area_id, area in areas.items():
        for name in area.names:
            start = text.find(name)
            while start >= 0:
                hits.append(_Hit(area_id, name, start))
                start = text.find(name, start + 1)
    hits.sort(key=lambda h: (-len(h.name), h.start))
    kept: list[_Hit] = []
    for hit in hits:
        if not any(k.start <= hit.start and hit.end <= k.end and k.name != hit.name for k in kept):
            kept.append(hit)
    return kept


def _by_names(
    hits: list[_Hit], areas: Mapping[int, _Area], hint: int | None
) -> tuple[Department | None, str]:
    """The area the names point at, or None and why not."""
    named = {h.area_id for h in hits} | ({hint} if hint else set())
    best_name: dict[int, _Hit] = {}
    for hit in hits:
        if hit.area_id not in best_name or len(hit.name) > len(best_name[hit.area_id].name):
            best_name[hit.area_id] = hit

    def rank(area_id: int) -> tuple[int, int, int]:
        # Deeper first; then the one whose district (or street) is named too; then the longer name.
        return (
            areas[area_id].depth,
            sum(1 for a in _ancestors(area_id, areas) if a in named),
            len(best_name[area_id].name),
        )

    ranked = sorted(best_name, key=rank, reverse=True)
    top = [a for a in ranked if rank(a) == rank(ranked[0])]
    if len(top) == 1:
        return areas[top[0]].department, ""
    # The same name in several places: their common parent, if they have one below the city.
    common = set(_ancestors(top[0], areas))
    for other in top[1:]:
        common &= set(_ancestors(other, areas))
    names = listed(sorted({best_name[a].name for a in top}))
    if common:
        parent = max(common, key=lambda a: areas[a].depth)
        return areas[parent].department, _("“%(names)s”对应多个属地，取其共同上级") % {"names": names}
    return None, _("“%(names)s”对应多个属地，无法确定") % {"names": names}


def _district_of(divisions: Divisions, areas: Mapping[int, _Area]) -> int | None:
    if not divisions.district:
        return None
    districts = [a for a in areas.values() if a.depth == LEVEL_DEPTH[DepartmentLevel.DISTRICT]]
    by_code = [a for a in districts if a.adcode and a.adcode == divisions.adcode[:6]]
    if by_code:
        return by_code[0].department.pk
    # A district registered with another code is another city's district of the same name.
    name = normalize(divisions.district)
    by_name = [a for a in districts if not a.adcode and name in a.names]
    return by_name[0].department.pk if len(by_name) == 1 else None


def locate(
    address: str = "",
    texts: Iterable[str] = (),
    *,
    latitude: float | None = None,
    longitude: float | None = None,
) -> PlaceMatch:
    """The area of an appeal: by its point, else by the names in its address, else in its `texts`."""
    areas = _areas()
    note = ""
    if latitude is not None and longitude is not None:
        department = _by_point(latitude, longitude, areas)
        if department is not None:
            return PlaceMatch(area=department, how="boundary")
        note = _("坐标不在任何已登记的边界内")

    preferred = {
        area.department.name: area.adcode.ljust(6, "0")[:6] for area in areas.values() if area.adcode
    }
    seen = Divisions()
    for source in [address, *texts]:
        text = normalize(source or "")
        if not text:
            continue
        divisions = read_divisions(text, preferred)
        if divisions.district or not seen.district:
            seen = divisions if divisions != Divisions() else seen
        district = _district_of(divisions, areas)
        hits = _hits(text, areas)
        if hits:
            department, why = _by_names(hits, areas, district)
            names = list(dict.fromkeys(h.name for h in sorted(hits, key=lambda h: h.start)))
            if department is not None:
                return PlaceMatch(department, "gazetteer", divisions, names, why or note)
            note = why
        if district is not None:
            return PlaceMatch(areas[district].department, "division", divisions, [], note)
        if divisions.district and not note:
            place = divisions.city + divisions.district
            note = _("地址中的“%(place)s”不是本市登记的区县") % {"place": place}
    return PlaceMatch(divisions=seen, note=note or _("地址和内容中没有本市登记的地名"))
