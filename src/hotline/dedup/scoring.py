"""One score for "is this the same problem?": text similarity, adjusted by place, category and time.

The text decides; the rest moves it a little, by weights in `HOTLINE["DEDUP"]["WEIGHTS"]`: the same
community or a point within `NEAR_METRES` raises it, a point farther than `FAR_METRES` lowers it
(the hard non-duplicates: the same complaint about another estate), and another district lowers it
less: an area is what the gazetteer read in an address or a text, and a road named like a street of
another district (湖滨路 beside 湖滨街道), or two roads of one name, put one problem in two districts.
Nothing is left out for its place: a near-identical text (0.97) in another district stays a likely
duplicate, and its reason says 不同区县 (audit of 2026-12-06). The places the two texts name
(`directory.place_names`) raise it when they share one and lower it when they
share none, and so do the businesses they name (`dedup.names`: 力美健身会所, 型格健身会所); the same
category raises it a little and another lowers it a little; a ticket within `WINDOW_DAYS` raises it
and an older one lowers it. A fact that is unknown (no area, no point, no place named, no category)
moves nothing.
The reason names the facts that moved the score, in the user's language, e.g.
"文本相似 0.96 · 同一分类 · 3 天内"; a fact whose weight is 0 (a shared place: it adds nothing, see the
settings) is not named, as a reason that names it reads as if it had counted.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hotline.core.enums import DepartmentLevel
from hotline.dedup.names import same_business
from hotline.directory.place_names import same_place

SEPARATOR = " · "
_EARTH_RADIUS_M = 6_371_000.0


@dataclass(frozen=True)
class Facts:
    """What is known of one side of a pair besides its text."""

    # The area and its ancestors by level (community, street, district): ids of area departments.
    areas: Mapping[str, int] = field(default_factory=dict)
    latitude: float | None = None
    longitude: float | None = None
    category_id: int | None = None
    at: datetime | None = None
    # The places its text names (`directory.place_names.place_names`): estates, villages, roads.
    names: frozenset[str] = frozenset()
    # The businesses its text names (`dedup.names.business_names`): gyms, shops, companies.
    businesses: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Score:
    score: float
    similarity: float
    reason: str
    # The codes of the facts found, those whose weight is 0 too (bench/dedup.py tries weights for
    # them), for tests and the API; the reason names only those that moved the score.
    facts: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"score": self.score, "similarity": self.similarity, "reason": self.reason}


def config() -> dict[str, Any]:
    dedup: dict[str, Any] = settings.HOTLINE["DEDUP"]
    return dedup


def threshold(kind: str) -> float:
    """The score from which a pair counts as a duplicate, for an embedder of this kind."""
    return float(config()["THRESHOLD"][kind])


def shown_from(kind: str) -> float:
    """The score from which a candidate is worth a person's look (the pages list no weaker one)."""
    return float(config()["SHOWN_FROM"][kind])


def metres_between(a: Facts, b: Facts) -> float | None:
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))  # type: ignore[arg-type]
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * _EARTH_RADIUS_M * math.asin(math.sqrt(h))


def _place(a: Facts, b: Facts, conf: Mapping[str, Any]) -> tuple[str, str] | None:
    """(code, words) of the strongest place fact of the pair, or None when nothing is known."""
    metres = metres_between(a, b)
    if metres is not None:
        if metres <= conf["NEAR_METRES"]:
            return "near", _("相距 %(metres)d 米") % {"metres": round(metres)}
        if metres > conf["FAR_METRES"]:
            return "far", _("相距 %(km).1f 公里") % {"km": metres / 1000}
    for level, code, words in (
        (DepartmentLevel.COMMUNITY, "same_community", _("同一社区")),
        (DepartmentLevel.STREET, "same_street", _("同一街道")),
    ):
        if a.areas.get(level) is not None and a.areas.get(level) == b.areas.get(level):
            return code, words
    district_a, district_b = a.areas.get(DepartmentLevel.DISTRICT), b.areas.get(DepartmentLevel.DISTRICT)
    if district_a is not None and district_b is not None:
        if district_a == district_b:
            return "same_district", _("同一区县")
        # Weighed lightly, never a filter: either area may be the gazetteer's misreading (module doc).
        return "other_district", _("不同区县")
    return None


def _listed(names: list[str]) -> str:
    # Translators: the separator between names in a list (an enumeration comma in Chinese).
    return _("、").join(names)


def score_pair(similarity: float, a: Facts, b: Facts) -> Score:
    """The combined score of a pair whose texts have cosine `similarity`, and its reason."""
    conf = config()
    weights: Mapping[str, float] = conf["WEIGHTS"]
    score = similarity
    codes: list[str] = []
    words = [_("文本相似 %(similarity).2f") % {"similarity": similarity}]

    def note(code: str, text: str) -> None:
        nonlocal score
        weight = float(weights.get(code, 0.0))
        score += weight
        codes.append(code)
        if weight:  # a fact that moved nothing, named, would read as a reason
            words.append(text)

    place = _place(a, b, conf)
    if place is not None:
        note(*place)
    named = same_place(a.names, b.names)
    if named is True:
        shared = sorted(x for x in a.names if any(x in y or y in x for y in b.names))
        note("same_name", _("同一地名：%(names)s") % {"names": _listed(shared[:2])})
    elif named is False:
        note(
            "other_name",
            _("地名不同：%(a)s / %(b)s")
            % {"a": _listed(sorted(a.names)[:2]), "b": _listed(sorted(b.names)[:2])},
        )
    # A business is where a problem sits as an estate is: the same complaint about two gyms is two
    # problems. Compared apart from the places, as a caller names where they live beside the gym.
    business = same_business(a.businesses, b.businesses)
    if business is True:
        shared = sorted(x for x in a.businesses if same_business([x], b.businesses))
        note("same_business", _("同一商家：%(names)s") % {"names": _listed(shared[:2])})
    elif business is False:
        note(
            "other_business",
            _("商家不同：%(a)s / %(b)s")
            % {"a": _listed(sorted(a.businesses)[:2]), "b": _listed(sorted(b.businesses)[:2])},
        )
    if a.category_id is not None and b.category_id is not None:
        if a.category_id == b.category_id:
            note("same_category", _("同一分类"))
        else:
            note("other_category", _("不同分类"))
    if a.at is not None and b.at is not None:
        days = abs((a.at - b.at).total_seconds()) / 86400
        if days <= conf["WINDOW_DAYS"]:
            within = max(1, math.ceil(days))
            note("in_window", ngettext("%(days)d 天内", "%(days)d 天内", within) % {"days": within})
        else:
            apart = math.floor(days)
            note("out_of_window", ngettext("相隔 %(days)d 天", "相隔 %(days)d 天", apart) % {"days": apart})
    return Score(
        score=round(min(1.0, max(0.0, score)), 4),
        similarity=round(similarity, 4),
        reason=SEPARATOR.join(words),
        facts=tuple(codes),
    )
