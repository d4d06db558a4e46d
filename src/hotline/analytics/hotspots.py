"""Hot spots (热点): the appeals of a period about one problem at one place, ranked by heat.

`find(since, until)` reads the appeals received in `[since, until)` (merged ones too: every
appellant who called counts; invalid tickets do not), one item per ticket and the tickets merged
into it (the dispatcher already said they are one problem), and groups them:

1. **Place.** The places an item names are read from its title, else from the beginning of its
   content (`directory.place_names`: the estate, village, road or town office), the finest first (the
   place it is about), in one form for all spellings of one place in the period
   (`places.same_places`); the district named in the text ("A2区") or the ticket's area says which
   district.
2. **Problem.** In time order, an item that names a place joins the group, among those of any
   place it names and of its first-level category (when both have one), whose text is closest to
   its own, if close enough, else it starts a group at its place (the similarity is the cosine
   with the mean vector of the group's members; the vectors are those of duplicate search,
   `dedup.embedders`, stored per ticket, with the direction all texts share, and the one the texts
   of its kind share (投诉, 咨询 ...), taken off: `centred`).
   Items that name no place then join the closest group of their district and category at a
   stricter threshold, or start a group of their own (a citywide problem).
   A group whose last appeal is `GAP_DAYS` old is not joined: what comes later is a new episode.
3. **Heat.** `heat = (volume + support) × lasting × rising` (docs/adr/0015):
   - volume: the people who appealed, and half of each appeal a person repeated;
   - support: ln(1 + likes − dislikes) of the appeals, where the channel has votes;
   - lasting: 1 + ¼·ln(1 + weeks between the first and the last appeal);
   - rising: 1 + ln(1 + surge), the surge being how far the appeals of the last `RECENT_DAYS` of the
     period exceed the weekly average of the four weeks before, relative to that average.

A hot spot has at least `MIN_APPEALS` appeals from at least `MIN_PEOPLE` people. Its place, crowd
(the group of people its appeals speak for, and how many appealed) and one-line description (the
title nearest to the group's mean, without the verbs of complaint and with every number masked)
come from its appeals.
"""

import csv
import io
import logging
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from django.conf import settings

from hotline.core import clock
from hotline.core.enums import DepartmentLevel, TicketStatus
from hotline.core.phone import dialled, mask_numbers
from hotline.core.spreadsheets import csv_field
from hotline.dedup.embedders import Embedder, configured_embedder
from hotline.dedup.indexing import embed_tickets
from hotline.dedup.models import TicketVector
from hotline.directory.models import Department, Place
from hotline.directory.place_names import Mention, PlaceReader, same_places
from hotline.intake.models import Appeal
from hotline.taxonomy.models import Category
from hotline.taxonomy.selectors import first_levels

logger = logging.getLogger(__name__)

DEFAULTS: dict[str, Any] = {
    # Cosine similarity from which an item joins a group: within one place ("place"), and for an
    # item that names no place ("open"); per kind of embedder, whose similarities are on different
    # scales (bench/hotspots.py).
    "THRESHOLD": {"e5": {"place": 0.45, "open": 0.55}, "ngram": {"place": 0.2, "open": 0.35}},
    "MIN_APPEALS": 3,
    "MIN_PEOPLE": 2,
    "RECENT_DAYS": 7,
    # A group whose last appeal is older than this is not joined by a new one (a new episode).
    "GAP_DAYS": 60,
}

# How many texts the mean needs before it is taken as the direction all texts share.
CENTRE_PRIOR = 50
# Stored vectors of other tickets (the newest) read besides the period's to find that direction: a
# small period (a district's month, a new city's first weeks, the demo) has too few texts of its own,
# and the share of the direction its own mean leaves (n / (n + CENTRE_PRIOR)) put unrelated appeals
# at 0.5-0.65 of each other, above the thresholds (a school place and four unrelated consultations).
REFERENCE = 2000
# An item without a place is compared with the groups of its nearest items (by text), not with
# every group of the period; so is an item at a place that has very many groups.
NEIGHBOURS = 30
MAX_PLACE_GROUPS = 200

# The groups of people appeals speak for, as citizens name them.
_CROWD_WORDS = """
    业主 居民 村民 家长 学生 老师 教师 职工 员工 工人 农民工 司机 商户 租户
    患者 老人 残疾人 退休人员 人才 购房者 消费者 乘客 投资人 受害人 考生 市民
"""
CROWDS = tuple(_CROWD_WORDS.split())
_CROWD = re.compile("|".join(sorted(CROWDS, key=len, reverse=True)))
# The verbs and particles a title starts or ends with that say nothing about the problem.
_TITLE_HEAD = re.compile(
    r"^(?:关于|投诉|反映|反应|举报|咨询|建议|请求|请问|询问|希望|恳请|强烈要求|要求|请|再次)+[:：]?"
)
_TITLE_TAIL = re.compile(r"(?:的问题|问题|的情况|的请求|的建议|的咨询|的投诉)?[。！？!?，,；;…\s]*$")


def config() -> dict[str, Any]:
    return {**DEFAULTS, **settings.HOTLINE.get("HOTSPOTS", {})}


@dataclass(frozen=True)
class AppealRow:
    id: int
    external_id: str
    received_at: datetime
    person: str
    likes: int
    dislikes: int
    latitude: float | None
    longitude: float | None


@dataclass
class Item:
    """One ticket and the tickets merged into it, with their appeals of the period."""

    key: int
    tickets: list[int]
    appeals: list[AppealRow]
    title: str
    content: str
    area_id: int | None
    category_id: int | None
    # The ticket's kind (投诉, 咨询 ...): texts of one kind share a direction of their own (`centred`).
    kind: str = ""
    place: Mention | None = None
    problem: int | None = None  # the first-level category (`prepare`), when the ticket has one
    place_key: str = ""
    # Every place it names (the same places' keys), the one it is about among them.
    place_keys: frozenset[str] = frozenset()
    district: str = ""

    @property
    def first(self) -> datetime:
        return self.appeals[0].received_at


@dataclass
class Found:
    """A hot spot as found, before it is kept (`analytics.models.Hotspot`)."""

    heat: float
    first_time: datetime
    last_time: datetime
    place: str
    crowd: str
    people: int
    description: str
    appeals: list[AppealRow]
    likes: int
    dislikes: int
    recent: int
    growth: float
    area_id: int | None
    category_id: int | None
    latitude: float | None
    longitude: float | None
    parts: dict[str, float] = field(default_factory=dict)

    @property
    def n_appeals(self) -> int:
        return len(self.appeals)

    @property
    def external_ids(self) -> list[str]:
        return [a.external_id for a in self.appeals if a.external_id]

    @property
    def days(self) -> int:
        return (self.last_time - self.first_time).days


def place_reader() -> PlaceReader:
    """A reader that also cuts at the city's own district names and their aliases. Two queries."""
    districts = list(
        Department.objects.filter(is_area=True, level=DepartmentLevel.DISTRICT).values_list("pk", "name")
    )
    names = [name for _pk, name in districts]
    for place in Place.objects.filter(department_id__in=[pk for pk, _name in districts]):
        names += place.alias_list
    return PlaceReader(names)


def person_of(appeal_id: int, phone: str, name: str) -> str:
    """Who appealed: the phone as dialled (`core.phone.dialled`: 138 1234 5678 and +8613812345678 are
    one caller), else the name; an appeal with neither is its own person."""
    return dialled(phone) or name.strip() or f"appeal:{appeal_id}"


def _items(since: datetime, until: datetime) -> list[Item]:
    """The period's appeals as items, the earliest first. One query."""
    rows = (
        Appeal.objects.filter(received_at__gte=since, received_at__lt=until)
        .exclude(ticket__status=TicketStatus.INVALID)
        .order_by("received_at", "pk")
        .values_list(
            "pk",
            "external_id",
            "received_at",
            "citizen_phone",
            "citizen_name",
            "likes",
            "dislikes",
            "latitude",
            "longitude",
            "title",
            "content",
            "ticket_id",
            "ticket__merged_into_id",
            "ticket__area_id",
            "ticket__category_id",
            "ticket__kind",
        )
    )
    items: dict[int, Item] = {}
    for (
        pk,
        external_id,
        received_at,
        phone,
        name,
        likes,
        dislikes,
        latitude,
        longitude,
        title,
        content,
        ticket_id,
        merged_into_id,
        area_id,
        category_id,
        kind,
    ) in rows.iterator(chunk_size=5000):
        key = merged_into_id or ticket_id
        person = person_of(pk, phone, name)
        row = AppealRow(
            pk, external_id or "", received_at, person, likes or 0, dislikes or 0, latitude, longitude
        )
        item = items.get(key)
        if item is None:
            items[key] = Item(key, [ticket_id], [row], title, content, area_id, category_id, kind)
        else:
            item.appeals.append(row)
            if ticket_id not in item.tickets:
                item.tickets.append(ticket_id)
            item.area_id = item.area_id or area_id
            item.category_id = item.category_id or category_id
            if ticket_id == key:  # the kind of the ticket the others were merged into
                item.kind = kind
    return sorted(items.values(), key=lambda i: (i.first, i.key))


def vectors_of(
    texts: dict[int, tuple[str, str]], embedder: Embedder, embed_limit: int | None = None
) -> dict[int, np.ndarray]:
    """The tickets' vectors of `embedder`'s model: those duplicate search stored, and the missing
    ones embedded and stored now (at most `embed_limit`; None: all). Tickets left without a
    vector are left out."""
    ids = list(texts)
    found = _stored(ids, embedder)
    missing = [pk for pk in ids if pk not in found]
    if embed_limit is not None:
        missing = missing[:embed_limit]
    for start in range(0, len(missing), 256):
        embed_tickets([(pk, *texts[pk]) for pk in missing[start : start + 256]], embedder)
    if missing:
        # As stored: another worker may have stored a ticket's vector first (conflicts are ignored).
        found.update(_stored(missing, embedder))
    return found


def reference_vectors(
    embedder: Embedder, before: datetime, limit: int = REFERENCE
) -> tuple[np.ndarray, list[str]]:
    """The stored vectors of `embedder`'s model of the newest `limit` tickets received before
    `before` (the period's start), with their tickets' kinds: what, besides the period's own
    texts, shows the direction all texts share, and each kind's own. One query."""
    rows = (
        TicketVector.objects.filter(model=embedder.name, ticket__created_at__lt=before)
        .order_by("-pk")
        .values_list("vector", "ticket__kind")
    )
    found, kinds = [], []
    for blob, kind in rows[:limit]:
        found.append(np.frombuffer(bytes(blob), dtype=np.float32))
        kinds.append(kind)
    return (np.vstack(found) if found else np.zeros((0, embedder.dim), dtype=np.float32)), kinds


def _stored(ids: list[int], embedder: Embedder) -> dict[int, np.ndarray]:
    found: dict[int, np.ndarray] = {}
    for start in range(0, len(ids), 5000):
        for ticket_id, blob in TicketVector.objects.filter(
            ticket_id__in=ids[start : start + 5000], model=embedder.name
        ).values_list("ticket_id", "vector"):
            found[ticket_id] = np.frombuffer(bytes(blob), dtype=np.float32).reshape(embedder.dim)
    return found


class _Groups:
    """Groups of items with the running sum of their vectors: an item's similarity to a group is
    the cosine with the group's mean."""

    def __init__(self, dim: int) -> None:
        self.sums = np.zeros((64, dim), dtype=np.float32)
        self.norms = np.zeros(64, dtype=np.float32)
        self.members: list[list[int]] = []
        self.last: list[datetime] = []
        self.districts: list[Counter[str]] = []
        self.problems: list[Counter[int]] = []

    def __len__(self) -> int:
        return len(self.members)

    def new(self, index: int, vector: np.ndarray, item: Item) -> int:
        n = len(self.members)
        if n == len(self.sums):
            self.sums = np.vstack([self.sums, np.zeros_like(self.sums)])
            self.norms = np.concatenate([self.norms, np.zeros_like(self.norms)])
        self.members.append([])
        self.last.append(item.first)
        self.districts.append(Counter())
        self.problems.append(Counter())
        self.join(n, index, vector, item)
        return n

    def join(self, group: int, index: int, vector: np.ndarray, item: Item) -> None:
        self.sums[group] += vector
        self.norms[group] = float(np.linalg.norm(self.sums[group])) or 1.0
        self.members[group].append(index)
        self.last[group] = max(self.last[group], item.appeals[-1].received_at)
        if item.district:
            self.districts[group][item.district] += 1
        if item.problem is not None:
            self.problems[group][item.problem] += 1

    def district(self, group: int) -> str:
        common = self.districts[group].most_common(1)
        return common[0][0] if common else ""

    def problem(self, group: int) -> int | None:
        common = self.problems[group].most_common(1)
        return common[0][0] if common else None

    def best(self, vector: np.ndarray, candidates: Sequence[int]) -> tuple[int, float]:
        if not candidates:
            return -1, -1.0
        chosen = np.asarray(candidates, dtype=np.int64)
        similarities = (self.sums[chosen] @ vector) / self.norms[chosen]
        best = int(np.argmax(similarities))
        return int(chosen[best]), float(similarities[best])


def _district_of_area(area_ids: Iterable[int]) -> dict[int, tuple[str, int | None]]:
    """Each area -> (its district's name, its district's id), up the tree. One query."""
    areas = {
        pk: (parent_id, level, name)
        for pk, parent_id, level, name in Department.objects.filter(is_area=True).values_list(
            "pk", "parent_id", "level", "name"
        )
    }
    found: dict[int, tuple[str, int | None]] = {}
    for area_id in area_ids:
        node: int | None = area_id
        seen: set[int] = set()
        while node is not None and node in areas and node not in seen:
            seen.add(node)
            parent_id, level, name = areas[node]
            if level == DepartmentLevel.DISTRICT:
                found[area_id] = (name, node)
                break
            node = parent_id
    return found


def centred(
    matrix: np.ndarray,
    prior: int = CENTRE_PRIOR,
    reference: np.ndarray | None = None,
    *,
    kinds: Sequence[str] | None = None,
    reference_kinds: Sequence[str] = (),
) -> np.ndarray:
    """The rows without the direction they all share, L2-normalised again.

    Sentence embeddings lie in a narrow cone: with e5 two unrelated complaints have a cosine of
    0.88 and two about the same problem 0.91-0.96, and the mean of many unrelated texts is close to
    every one of them, so a growing group would swallow everything. The mean of the period's texts,
    with the `reference` rows (other texts of the same model) when given, stands for that shared
    direction and is taken off (shrunk by n / (n + prior) when they are few, as their mean is then
    mostly their own topics); then unrelated texts are near 0 and texts about one problem 0.4-0.7
    (bench/hotspots.py).

    With `kinds` (each row's kind of appeal, and `reference_kinds` the reference's), a row also
    loses what the texts of its kind share beyond that, shrunk the same way by their number: the
    mean is mostly complaints', and questions share a direction of their own ("我从外地来北塘区工作…请问
    需要什么材料"), so that a question about 公租房 and one about 社保转移 read as one problem (0.62 with
    e5 on the demo city, where repeats of one question stand at 0.74 or more; 0.51 with it). With
    one kind (a message board's import) this takes off nothing more."""
    if not len(matrix):
        return matrix
    sample = matrix if reference is None or not len(reference) else np.vstack([matrix, reference])
    overall = sample.mean(axis=0)
    shifted = matrix - overall * (len(sample) / (len(sample) + prior))
    if kinds is not None:
        sample_kinds = np.asarray(
            [*kinds, *(reference_kinds if reference is not None and len(reference) else ())], dtype=object
        )
        own = np.asarray(kinds, dtype=object)
        for kind in set(kinds):
            of_kind = sample_kinds == kind
            n = int(of_kind.sum())
            shifted[own == kind] -= (sample[of_kind].mean(axis=0) - overall) * (n / (n + prior))
    norms = np.linalg.norm(shifted, axis=1, keepdims=True)
    return (shifted / np.where(norms > 0, norms, 1.0)).astype(np.float32)


def nearest(
    matrix: np.ndarray, rows: Sequence[int], k: int, among: Sequence[int] | None = None
) -> np.ndarray:
    """For each of `rows`, the indices of the `k` rows of `matrix` (of those in `among`, when
    given) most similar to it, itself excluded, in blocks so that memory stays bounded:
    (len(rows), k), padded with -1 when there are fewer."""
    columns = np.arange(len(matrix)) if among is None else np.asarray(among, dtype=np.int64)
    found = np.full((len(rows), k), -1, dtype=np.int64)
    width = min(k, len(columns) - 1)
    if width <= 0 or not len(rows):
        return found
    chosen = np.asarray(rows, dtype=np.int64)
    candidates = matrix[columns]
    position = np.full(len(matrix), -1, dtype=np.int64)
    position[columns] = np.arange(len(columns))
    for start in range(0, len(chosen), 1024):
        block = chosen[start : start + 1024]
        similarities = matrix[block] @ candidates.T
        # Itself is no neighbour.
        inside = position[block] >= 0
        similarities[np.flatnonzero(inside), position[block][inside]] = -np.inf
        found[start : start + len(block), :width] = columns[
            np.argpartition(-similarities, width - 1, axis=1)[:, :width]
        ]
    return found


def group(
    items: list[Item],
    vectors: dict[int, np.ndarray],
    thresholds: dict[str, float],
    gap: timedelta,
    reference: np.ndarray | None = None,
    reference_kinds: Sequence[str] = (),
) -> list[list[Item]]:
    """The items grouped by place and problem (steps 1 and 2 of the module's docstring).
    `reference`: other texts' vectors (and their tickets' kinds), to find the direction all texts
    share and the one each kind shares (`centred`)."""
    usable = [i for i in items if all(t in vectors for t in i.tickets)]
    if not usable:
        return []
    dim = len(next(iter(vectors.values())))
    matrix = np.zeros((len(usable), dim), dtype=np.float32)
    for n, item in enumerate(usable):
        vector = np.sum([vectors[t] for t in item.tickets], axis=0)
        matrix[n] = vector / (np.linalg.norm(vector) or 1.0)
    matrix = centred(
        matrix, reference=reference, kinds=[i.kind for i in usable], reference_kinds=reference_kinds
    )
    groups = _Groups(dim)
    by_place: dict[str, dict[int, None]] = {}  # the groups found at each place, in order
    group_of = np.full(len(usable), -1, dtype=np.int64)

    def compatible(g: int, item: Item) -> bool:
        district, problem = groups.district(g), groups.problem(g)
        return (
            item.first - groups.last[g] <= gap
            and not (item.district and district and district != item.district)
            # One problem: appeals filed under another first-level category (教育 and 医保 at one
            # school's address) are not one, however alike a short text reads to the embedder.
            and not (item.problem is not None and problem is not None and problem != item.problem)
        )

    def near(n: int, neighbours: np.ndarray) -> set[int]:
        """The groups of the item's nearest items that have one already."""
        return {int(g) for g in group_of[neighbours[n][neighbours[n] >= 0]] if g >= 0}

    def place(n: int, g: int) -> None:
        group_of[n] = g
        for key in usable[n].place_keys:
            by_place.setdefault(key, {})[g] = None

    # 1. Items that name a place: the closest group of any place they name (a group is found by
    # each place its members name: "丽发新城" and "暮云街道"), else a group of their own. A place
    # with very many groups (a town office) is looked at through the item's nearest items.
    placed = [n for n, item in enumerate(usable) if item.place_key]
    for n in placed:
        item = usable[n]
        found = list(dict.fromkeys(g for key in item.place_keys for g in by_place.get(key, {})))
        if len(found) > MAX_PLACE_GROUPS:
            found = sorted(near(0, nearest(matrix, [n], NEIGHBOURS)) & set(found))
        best, similarity = groups.best(matrix[n], [g for g in found if compatible(g, item)])
        if best < 0 or similarity < thresholds["place"]:
            place(n, groups.new(n, matrix[n], item))
        else:
            groups.join(best, n, matrix[n], item)
            place(n, best)
    # 2. Items without a place: the closest group, among those of their nearest items, of their
    # district (or any, for an item that names no district), else a group of their own.
    unplaced = [n for n, item in enumerate(usable) if not item.place_key]
    neighbours = np.full((len(usable), NEIGHBOURS), -1, dtype=np.int64)
    # Among the items of the same district or of none (what `compatible` lets it join), district
    # by district: each search reads a fraction of the period.
    by_district: dict[str, list[int]] = {}
    for n in unplaced:
        by_district.setdefault(usable[n].district, []).append(n)
    for district, rows in by_district.items():
        among = None if not district else [n for n, i in enumerate(usable) if i.district in (district, "")]
        neighbours[rows] = nearest(matrix, rows, NEIGHBOURS, among)
    for n in unplaced:
        item = usable[n]
        candidates = [g for g in sorted(near(n, neighbours)) if compatible(g, item)]
        best, similarity = groups.best(matrix[n], candidates)
        if best >= 0 and similarity >= thresholds["open"]:
            groups.join(best, n, matrix[n], item)
        else:
            best = groups.new(n, matrix[n], item)
        group_of[n] = best
    return [[usable[n] for n in sorted(members)] for members in groups.members]


def _clean_title(title: str, callers: Iterable[str] = ()) -> str:
    """A title as a hot spot's one-line description: without the verbs of complaint, and with every
    number in it masked (`core.phone.mask_numbers`, a citizen's own words; `callers`: the numbers
    of the appeals it is from, however it writes them): the web's and the portal's callers write
    theirs there ("回电139…"), and the description is kept and read by the leaders (the overview,
    the reports and their CSV, the early warnings and their notices). Masked before it is cut, so
    that no piece of a number is left at the end."""
    title = re.sub(r"\s+", " ", mask_numbers(title, citizen=callers, citizen_text=True)).strip()
    shorter = _TITLE_TAIL.sub("", _TITLE_HEAD.sub("", title)).strip()
    return (shorter or title)[:80]


def _place_label(members: list[Item], city: str, area_names: dict[int, tuple[str, int | None]]) -> str:
    """The place most of the group's appeals name (as most wrote it), after its district."""
    districts = Counter(i.district for i in members if i.district)
    if not districts:
        districts = Counter(area_names[i.area_id][0] for i in members if i.area_id in area_names)
    district = districts.most_common(1)[0][0] if districts else ""
    keys = Counter(i.place_key for i in members if i.place_key)
    if keys:
        key = keys.most_common(1)[0][0]
        written = Counter(i.place.name for i in members if i.place_key == key and i.place is not None)
        name = written.most_common(1)[0][0]
        return f"{district}{name}" if district and not name.startswith(district) else name
    return district or city


def _crowd(members: list[Item]) -> str:
    words: Counter[str] = Counter()
    for item in members:
        words.update(set(_CROWD.findall(f"{item.title} {item.content[:300]}")))
    return words.most_common(1)[0][0] if words else ""


def heat_of(
    appeals: list[AppealRow], until: datetime, recent_days: int
) -> tuple[float, dict[str, float], int, float]:
    """(heat, its parts, appeals in the last `recent_days`, growth) of a group's appeals."""
    people = len({a.person for a in appeals})
    volume = people + 0.5 * (len(appeals) - people)
    net = sum(a.likes for a in appeals) - sum(a.dislikes for a in appeals)
    support = math.log1p(max(net, 0))
    first, last = appeals[0].received_at, appeals[-1].received_at
    lasting = 1 + 0.25 * math.log1p((last - first).total_seconds() / (7 * 86400))
    recent_start = until - timedelta(days=recent_days)
    recent = sum(1 for a in appeals if a.received_at >= recent_start)
    before_start = max(first, recent_start - timedelta(days=4 * recent_days))
    span = (recent_start - before_start).total_seconds() / (recent_days * 86400)
    earlier = sum(1 for a in appeals if before_start <= a.received_at < recent_start)
    # The average per `recent_days` before; a group younger than that is compared with nothing.
    expected = earlier / span if span >= 1 else 0.0
    growth = max(recent - expected, 0.0) / (expected + 1.0)
    rising = 1 + math.log1p(growth)
    heat = (volume + support) * lasting * rising
    parts = {
        "volume": round(volume, 2),
        "support": round(support, 2),
        "lasting": round(lasting, 3),
        "rising": round(rising, 3),
    }
    return round(heat, 2), parts, recent, round(growth, 3)


def describe(
    groups: list[list[Item]],
    vectors: dict[int, np.ndarray],
    until: datetime,
    conf: dict[str, Any],
) -> list[Found]:
    """The groups large enough to be hot spots, with their heat and words, the hottest first."""
    area_ids = {i.area_id for members in groups for i in members if i.area_id}
    area_names = _district_of_area(area_ids)
    city = str(settings.HOTLINE.get("CITY_NAME", ""))
    found: list[Found] = []
    for members in groups:
        appeals = sorted((a for i in members for a in i.appeals), key=lambda a: (a.received_at, a.id))
        people = len({a.person for a in appeals})
        if len(appeals) < conf["MIN_APPEALS"] or people < conf["MIN_PEOPLE"]:
            continue
        heat, parts, recent, growth = heat_of(appeals, until, int(conf["RECENT_DAYS"]))
        centre = np.sum([vectors[t] for i in members for t in i.tickets], axis=0)
        nearest = max(members, key=lambda i: float(np.sum([vectors[t] for t in i.tickets], axis=0) @ centre))
        points = [
            (a.latitude, a.longitude) for a in appeals if a.latitude is not None and a.longitude is not None
        ]
        areas = Counter(i.area_id for i in members if i.area_id)
        categories = Counter(i.category_id for i in members if i.category_id)
        found.append(
            Found(
                heat=heat,
                first_time=appeals[0].received_at,
                last_time=appeals[-1].received_at,
                place=_place_label(members, city, area_names),
                crowd=_crowd(members),
                people=people,
                # Its callers as `person_of` has them: a name or an appeal's id has no number to mask.
                description=_clean_title(nearest.title, {a.person for a in nearest.appeals}),
                appeals=appeals,
                likes=sum(a.likes for a in appeals),
                dislikes=sum(a.dislikes for a in appeals),
                recent=recent,
                growth=growth,
                area_id=areas.most_common(1)[0][0] if areas else None,
                category_id=categories.most_common(1)[0][0] if categories else None,
                latitude=float(np.mean([p[0] for p in points])) if points else None,
                longitude=float(np.mean([p[1] for p in points])) if points else None,
                parts=parts,
            )
        )
    found.sort(key=lambda f: (-f.heat, f.first_time))
    return found


def prepare(since: datetime, until: datetime, reader: PlaceReader | None = None) -> list[Item]:
    """The period's items with the places and the district they name (step 1 of the module's
    docstring), the earliest first. A handful of queries."""
    reader = reader or place_reader()
    items = _items(since, until)
    named: dict[int, list[Mention]] = {}
    for item in items:
        named[item.key] = reader.places_of(item.title, item.content)
        item.place = named[item.key][0] if named[item.key] else None
        item.district = reader.district(f"{item.title} {item.content[:150]}")
    canonical = same_places(m.key for places in named.values() for m in places)
    for item in items:
        if item.place is not None:
            item.place_key = canonical[item.place.key]
            item.place_keys = frozenset(canonical[m.key] for m in named[item.key])
    if items and not all(i.district for i in items):
        districts = _district_of_area({i.area_id for i in items if i.area_id})
        for item in items:
            if not item.district and item.area_id in districts:
                item.district = districts[item.area_id][0]
    if any(i.category_id for i in items):
        roots = _first_levels()
        for item in items:
            item.problem = roots.get(item.category_id) if item.category_id else None
    return items


def _first_levels() -> dict[int, int]:
    """Every category's first-level category, by id (one query: the tree is a few hundred rows)."""
    return first_levels(dict(Category.objects.values_list("pk", "parent_id")))


def find(
    since: datetime,
    until: datetime,
    *,
    top: int | None = None,
    embedder: Embedder | None = None,
    embed_limit: int | None = None,
    reader: PlaceReader | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[Found]:
    """The hot spots of the appeals received in `[since, until)`, the hottest first (at most `top`).
    `embed_limit`: how many tickets without a stored vector may be embedded now (None: all)."""
    conf = config()
    embedder = embedder or configured_embedder()
    items = prepare(since, until, reader)
    if progress:
        progress(f"{sum(len(i.appeals) for i in items)} appeals, {len(items)} tickets")
    texts = {t: (item.title, item.content) for item in items for t in item.tickets}
    vectors = vectors_of(texts, embedder, embed_limit)
    if progress:
        progress(f"{len(vectors)} vectors ({embedder.name})")
    thresholds = conf["THRESHOLD"].get(embedder.kind) or DEFAULTS["THRESHOLD"]["ngram"]
    reference, reference_kinds = reference_vectors(embedder, since)
    groups = group(
        items, vectors, thresholds, timedelta(days=int(conf["GAP_DAYS"])), reference, reference_kinds
    )
    found = describe(groups, vectors, until, conf)
    return found[:top] if top else found


CSV_COLUMNS = ("rank", "heat", "first_time", "last_time", "place", "description", "n_appeals", "external_ids")


def as_csv(spots: Iterable[Any]) -> str:
    """Hot spots (found, or kept) as CSV with `CSV_COLUMNS`, the times in the city's zone; the
    external ids are the appeals' channel ids, space-separated, for checking message by message."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for rank, spot in enumerate(spots, 1):
        writer.writerow(
            [
                getattr(spot, "rank", None) or rank,
                f"{spot.heat:.2f}",
                f"{clock.localtime(spot.first_time):%Y-%m-%d %H:%M:%S}",
                f"{clock.localtime(spot.last_time):%Y-%m-%d %H:%M:%S}",
                # What citizens and channels wrote: neutralised for a spreadsheet opening the file.
                csv_field(spot.place),
                csv_field(spot.description),
                spot.n_appeals,
                csv_field(" ".join(spot.external_ids)),
            ]
        )
    return buffer.getvalue()
