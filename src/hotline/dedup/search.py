"""Duplicate search over stored tickets: candidates for a text, clusters of a period, a pair's score.

A text is embedded, its `CANDIDATES` nearest tickets are read from the index (`dedup.index`), and
each is scored with its place, category and time (`dedup.scoring`); the best `top` are returned.
Merged and invalid tickets are left out: a merged one lives on in the ticket it was merged into.
"""

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from django.db.models import QuerySet

from hotline.core import clock
from hotline.core.enums import TicketStatus
from hotline.dedup.embedders import configured_embedder, ticket_text
from hotline.dedup.index import shared_index
from hotline.dedup.indexing import embed_missing
from hotline.dedup.models import TicketVector
from hotline.dedup.names import business_names
from hotline.dedup.scoring import Facts, Score, config, score_pair, shown_from, threshold
from hotline.directory.models import Department
from hotline.directory.place_names import place_names
from hotline.intake.models import Appeal
from hotline.tickets.models import Ticket

LEFT_OUT = (TicketStatus.MERGED, TicketStatus.INVALID)


@dataclass(frozen=True)
class Match:
    ticket: Ticket
    score: Score
    duplicate: bool  # the score reaches the configured threshold

    @property
    def shown_score(self) -> float:
        """The score to two decimals, cut rather than rounded, so that a page never shows a score
        under the threshold as the threshold itself (0.9452 as "0.95" beside no 疑似重复)."""
        return math.floor(self.score.score * 100 + 1e-9) / 100


def area_levels(area_id: int | None) -> dict[str, int]:
    """The area and its ancestors, by level: {"community": id, "street": id, "district": id}."""
    return _levels(area_id, _areas())


def _levels(area_id: int | None, areas: Mapping[int, tuple[int | None, str]]) -> dict[str, int]:
    levels: dict[str, int] = {}
    seen = 0
    while area_id is not None and area_id in areas and seen < 8:  # bad data's parent loop must not hang
        parent_id, level = areas[area_id]
        levels.setdefault(level, area_id)
        area_id, seen = parent_id, seen + 1
    return levels


def _areas() -> Mapping[int, tuple[int | None, str]]:
    # Read per call: a few thousand rows at most, and never stale after an edit in the admin.
    return {
        pk: (parent_id, level)
        for pk, parent_id, level in Department.objects.filter(is_area=True).values_list(
            "pk", "parent_id", "level"
        )
    }


def text_facts(text: str) -> Facts:
    """What a text alone tells of its side of a pair: the places and the businesses it names."""
    return Facts(names=place_names(text), businesses=business_names(text))


def facts_of(tickets: Iterable[Ticket]) -> dict[int, Facts]:
    """Place, category and time of each ticket; its point is that of its first appeal with one."""
    tickets = list(tickets)
    areas = _areas()
    points: dict[int, tuple[float | None, float | None]] = {}
    for ticket_id, lat, lon in (
        Appeal.objects.filter(
            ticket__in=[t.pk for t in tickets], latitude__isnull=False, longitude__isnull=False
        )
        .order_by("received_at", "pk")
        .values_list("ticket_id", "latitude", "longitude")
    ):
        points.setdefault(ticket_id, (lat, lon))
    facts = {}
    for ticket in tickets:
        levels = _levels(ticket.area_id, areas)
        lat, lon = points.get(ticket.pk, (None, None))
        facts[ticket.pk] = Facts(
            areas=levels,
            latitude=lat,
            longitude=lon,
            category_id=ticket.category_id,
            at=ticket.created_at,
            names=place_names(ticket_text(ticket.title, ticket.content)),
            businesses=business_names(ticket_text(ticket.title, ticket.content)),
        )
    return facts


def similar(
    text: str,
    *,
    area: Department | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    category_id: int | None = None,
    at: datetime | None = None,
    top: int = 5,
    tickets: QuerySet[Ticket] | None = None,
    exclude: Iterable[int] = (),
    shown_only: bool = False,
) -> list[Match]:
    """The `top` tickets most like `text` (with what is known of its place, category and time).

    `tickets`: the tickets that may be returned (a user's view); all by default. `shown_only`: only
    those worth a person's look (`scoring.shown_from`), as the pages list them."""
    # Cut and collapsed as a stored ticket's text is (the API and the CLI pass what was typed): the
    # same start is embedded and searched for place names, and a long text costs no more.
    text = ticket_text(text, "")
    embedder = configured_embedder()
    vector = embedder.embed([text])[0]
    return _matches(
        vector,
        Facts(
            areas=area_levels(area.pk) if area is not None else {},
            latitude=latitude,
            longitude=longitude,
            category_id=category_id,
            at=at or clock.now(),
            names=place_names(text),
            businesses=business_names(text),
        ),
        top=top,
        tickets=tickets,
        exclude=set(exclude),
        kind=embedder.kind,
        shown_only=shown_only,
    )


def _matches(
    vector: np.ndarray,
    facts: Facts,
    *,
    top: int,
    tickets: QuerySet[Ticket] | None,
    exclude: set[int],
    kind: str,
    shown_only: bool = False,
) -> list[Match]:
    conf = config()
    hits = shared_index().search(vector, max(top, int(conf["CANDIDATES"])))
    similarity = {key: sim for key, sim in hits if key not in exclude}
    pool = (
        (tickets if tickets is not None else Ticket.objects.all())
        .filter(pk__in=similarity)
        .exclude(status__in=LEFT_OUT)
    )
    found = list(pool)
    their = facts_of(found)
    cut, floor = threshold(kind), shown_from(kind) if shown_only else -math.inf
    matches = []
    for ticket in found:
        score = score_pair(similarity[ticket.pk], facts, their[ticket.pk])
        if score.score >= floor:
            matches.append(Match(ticket, score, score.score >= cut))
    matches.sort(key=lambda m: (-m.score.score, -m.ticket.pk))
    return matches[:top]


def similar_to_ticket(
    ticket: Ticket,
    *,
    top: int = 5,
    tickets: QuerySet[Ticket] | None = None,
    shown_only: bool = False,
    embed: bool = True,
) -> list[Match]:
    """The `top` other tickets most like a stored ticket (its place, category and time known): what
    the dispatch queue shows beside each ticket. Its stored vector is used when the worker made
    one; a ticket too new for that is embedded now, or, with `embed` False (a page that must not
    wait for the encoder), has none found. The tickets merged into it are left out. `shown_only`
    as for `similar`."""
    embedder = configured_embedder()
    stored = _stored_vectors([ticket.pk], embedder.name, embedder.dim).get(ticket.pk)
    if stored is None and not embed:
        return []
    vector = stored if stored is not None else embedder.embed([ticket_text(ticket.title, ticket.content)])[0]
    merged = Ticket.objects.filter(merged_into=ticket).values_list("pk", flat=True)
    return _matches(
        vector,
        facts_of([ticket])[ticket.pk],
        top=top,
        tickets=tickets,
        exclude={ticket.pk, *merged},
        kind=embedder.kind,
        shown_only=shown_only,
    )


def text_score(title_a: str, detail_a: str, title_b: str, detail_b: str) -> float:
    """Cosine similarity of two texts (no place or time known): what `hotline dedup score` reads."""
    vectors = configured_embedder().embed([ticket_text(title_a, detail_a), ticket_text(title_b, detail_b)])
    return float(vectors[0] @ vectors[1])


# The nearest tickets looked at for each ticket when a period's tickets are put into clusters.
NEIGHBOURS = 10
# A ticket joins a cluster when it is a duplicate of each of the cluster's first CORE tickets (all
# of them in a cluster of that size or less); the bound keeps a large cluster's cost per ticket low.
CORE = 8
# Ids per query where tickets are read by id (SQLite bounds a statement's parameters).
CHUNK = 5000


def clusters_of(ticket_ids: Iterable[int], *, neighbours: int = NEIGHBOURS) -> dict[int, int]:
    """Which of these tickets are one problem at one place: each ticket's cluster, named by the
    cluster's first ticket (a ticket alone is its own).

    Two tickets are duplicates when their combined score (text, place, category and time,
    `dedup.scoring`) reaches the configured threshold. A ticket joins a cluster only when it is a
    duplicate of each of the cluster's first CORE tickets, not merely of one of them: duplicates
    of duplicates are not one problem (a stairwell light is like a street light that names no
    place, which is like the street lights of one road; joined link by link, the estate's stairwell
    became part of the road's issue, and its supervision went there). The clusters a ticket may
    join are those of its nearest neighbours (from the index) that are its duplicates, the one
    holding most of them first; the tickets are taken in the order they came in, so a cluster is
    named and anchored by its first report."""
    ids = sorted(set(ticket_ids))
    embedder = configured_embedder()
    cut = threshold(embedder.kind)
    facts: dict[int, Facts] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = Ticket.objects.filter(pk__in=ids[start : start + CHUNK])
        embed_missing(chunk)
        facts.update(facts_of(chunk.only("pk", "title", "content", "area", "category", "created_at")))
    vectors = _stored_vectors(ids, embedder.name, embedder.dim)
    same: dict[tuple[int, int], bool] = {}

    def duplicates(a: int, b: int) -> bool:
        pair = (a, b) if a < b else (b, a)
        if pair not in same:
            same[pair] = score_pair(float(vectors[a] @ vectors[b]), facts[a], facts[b]).score >= cut
        return same[pair]

    near: dict[int, set[int]] = {pk: set() for pk in vectors}
    index = shared_index()  # brought up to the vectors just read: one probe per ticket, no more reading
    for pk, vector in vectors.items():
        for other, _similarity in index.search(vector, neighbours + 1, refresh=False):
            if other != pk and other in vectors and duplicates(pk, other):
                near[pk].add(other)
                near[other].add(pk)
    cluster_of: dict[int, int] = {}
    members: dict[int, list[int]] = {}
    for pk in ids:
        joined = None
        if pk in vectors:
            votes = Counter(cluster_of[n] for n in near[pk] if n in cluster_of)
            for cluster, _n in sorted(votes.items(), key=lambda item: (-item[1], item[0])):
                if all(duplicates(pk, m) for m in members[cluster][:CORE]):
                    joined = cluster
                    break
        cluster_of[pk] = joined if joined is not None else pk
        members.setdefault(cluster_of[pk], []).append(pk)
    return cluster_of


def scan(
    since: datetime, until: datetime | None = None, *, neighbours: int = NEIGHBOURS
) -> list[list[Ticket]]:
    """The tickets created in [since, until) grouped into clusters of duplicates (two or more each,
    `clusters_of`), the largest first."""
    tickets = Ticket.objects.filter(created_at__gte=since).exclude(status__in=LEFT_OUT)
    if until is not None:
        tickets = tickets.filter(created_at__lt=until)
    members = {t.pk: t for t in tickets.order_by("created_at", "pk")}
    groups: dict[int, list[Ticket]] = {}
    for pk, cluster in clusters_of(members, neighbours=neighbours).items():
        groups.setdefault(cluster, []).append(members[pk])
    clusters = [
        sorted(group, key=lambda t: (t.created_at, t.pk)) for group in groups.values() if len(group) > 1
    ]
    clusters.sort(key=lambda group: (-len(group), group[0].created_at, group[0].pk))
    return clusters


def _stored_vectors(ids: list[int], model: str, dim: int) -> dict[int, np.ndarray]:
    found: dict[int, np.ndarray] = {}
    for start in range(0, len(ids), 5000):
        for ticket_id, blob in TicketVector.objects.filter(
            ticket_id__in=ids[start : start + 5000], model=model
        ).values_list("ticket_id", "vector"):
            found[ticket_id] = np.frombuffer(bytes(blob), dtype=np.float32).reshape(dim)
    return found
