"""Repetition counters (多次重复反映): appeals per citizen, per place and per issue over a rolling window.

`refresh_repetitions()` counts, as of now, the appeals of the last REPEAT_WINDOW_DAYS (the rules of
`supervision.rules`, 30 by default):

- per citizen: by the caller's phone number (its digits), every appeal, whatever became of it;
- per place: by the appeal's address, lower case and without blanks (as the sweep's place rule),
  leaving out the appeals of invalid tickets;
- per issue: by cluster of duplicates, leaving out invalid tickets: the tickets merged together
  (a duplicate and the ticket it joined are one issue) and the tickets that duplicate search puts
  together (`dedup.search.scan` over the window: text, place, category and time, at the
  configured threshold). Every appeal of the cluster's tickets received in the window counts.

A group with REPEAT_COUNT appeals or more (3) is a `Repetition`: raised once, kept up to date while
it stays at the threshold (its count, its tickets, the ticket it is about now), cleared when the
window has rolled past it. An issue keeps its row while its cluster keeps one of its tickets, even
as the cluster grows or loses its oldest tickets. A citizen's repetition waits for a person's
review (`supervision.actions.do_review_repetition`): possibly unreasonable, never rejected by the
system. The issue's repetitions feed the sweep's repetition orders (`sweep._Sweep.repeated`).

Runs before each supervision sweep (`supervision.tasks.sweep`), in a transaction of its own.
"""

import hashlib
import hmac
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Func, Q, Value
from django.db.models.functions import Lower, Replace, Trim

from hotline.core import clock
from hotline.core.enums import TERMINAL_STATUSES, RepetitionKind, TicketStatus
from hotline.core.phone import mask_phone
from hotline.dedup.search import scan
from hotline.intake.models import Appeal
from hotline.supervision import rules as rules_module
from hotline.supervision.models import Repetition, RepetitionTicket
from hotline.tickets.models import Ticket

K = RepetitionKind
# A ticket's chain of merges is short; the bound keeps a loop in bad data from hanging the count.
MAX_MERGE_DEPTH = 5
# An issue's label: the title of its first ticket, cut to the column.
LABEL_LENGTH = 200


@dataclass
class Group:
    """Appeals that repeat one another: their ids, tickets and times."""

    kind: str
    key: str
    label: str
    appeals: set[int] = field(default_factory=set)
    tickets: set[int] = field(default_factory=set)
    first_at: datetime | None = None
    last_at: datetime | None = None

    def add(self, appeal_id: int, ticket_id: int, at: datetime) -> None:
        self.appeals.add(appeal_id)
        self.tickets.add(ticket_id)
        self.first_at = at if self.first_at is None else min(self.first_at, at)
        self.last_at = at if self.last_at is None else max(self.last_at, at)


def _digest(kind: str, value: str) -> str:
    """A keyed digest, so that the table never holds a citizen's number or an address in clear."""
    return hmac.new(settings.SECRET_KEY.encode(), f"{kind}\0{value}".encode(), hashlib.sha256).hexdigest()[
        :48
    ]


def _stripped(column: str, *chars: str) -> Func:
    expression: Func = Trim(column)
    for char in chars:
        expression = Replace(expression, Value(char), Value(""))
    return expression


def _phone() -> Func:
    return _stripped("citizen_phone", " ", "-", "(", ")", "\u3000")


def _address() -> Func:
    return Lower(_stripped("address", " ", "\u3000"))


def citizens_and_places(since: datetime, until: datetime, need: int) -> list[Group]:
    """The appeals of the window by caller and by address, the groups of `need` or more only
    (counted by the database first, then the members of those read)."""
    window = Appeal.objects.filter(received_at__gte=since, received_at__lte=until)
    groups: list[Group] = []
    for kind, expression, appeals in (
        (K.CITIZEN, _phone(), window),
        (K.PLACE, _address(), window.exclude(ticket__status=TicketStatus.INVALID)),
    ):
        keyed = appeals.annotate(value=expression).exclude(value="")
        values = list(
            keyed.values("value").annotate(n=Count("pk")).filter(n__gte=need).values_list("value", flat=True)
        )
        found: dict[str, Group] = {}
        for start in range(0, len(values), 500):
            rows = (
                keyed.filter(value__in=values[start : start + 500])
                .order_by("received_at", "pk")
                .values_list(
                    "value", "pk", "ticket_id", "received_at", "citizen_name", "citizen_phone", "address"
                )
            )
            for value, pk, ticket_id, at, name, phone, address in rows:
                group = found.get(value)
                if group is None:
                    label = f"{name} {mask_phone(phone)}".strip() if kind == K.CITIZEN else address.strip()
                    group = found[value] = Group(kind, _digest(kind, value), label[:LABEL_LENGTH])
                group.add(pk, ticket_id, at)
        groups += found.values()
    return groups


def _roots(ticket_ids: set[int]) -> dict[int, int]:
    """Each ticket's merge root: the ticket its chain of merges ends in (itself when not merged)."""
    into = dict(Ticket.objects.filter(pk__in=ticket_ids).values_list("pk", "merged_into_id"))
    for _step in range(MAX_MERGE_DEPTH):
        missing = {t for t in into.values() if t is not None and t not in into}
        if not missing:
            break
        into.update(Ticket.objects.filter(pk__in=missing).values_list("pk", "merged_into_id"))
    roots: dict[int, int] = {}
    for pk in ticket_ids:
        node, seen = pk, 0
        while into.get(node) is not None and seen < MAX_MERGE_DEPTH:
            node, seen = into[node], seen + 1  # type: ignore[assignment]
        roots[pk] = node
    return roots


def issues(since: datetime, until: datetime, need: int) -> list[Group]:
    """Clusters of duplicates with `need` appeals or more in the window."""
    appeals = list(
        Appeal.objects.filter(received_at__gte=since, received_at__lte=until)
        .exclude(ticket__status=TicketStatus.INVALID)
        .order_by("received_at", "pk")
        .values_list("pk", "ticket_id", "received_at")
    )
    roots = _roots({ticket for _pk, ticket, _at in appeals})
    parent: dict[int, int] = {}

    def find(node: int) -> int:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def union(a: int, b: int) -> None:
        parent[find(a)] = find(b)

    for root in roots.values():
        find(root)
    # What duplicate search puts together among the tickets of the window (merged ones excluded:
    # they are in their root's cluster already).
    for cluster in scan(since, until):
        members = [t.pk for t in cluster]
        for other in members[1:]:
            union(members[0], other)
    clusters: dict[int, list[tuple[int, int, datetime]]] = defaultdict(list)
    for pk, ticket, at in appeals:
        clusters[find(roots[ticket])].append((pk, ticket, at))
    big = {c: rows for c, rows in clusters.items() if len(rows) >= need}
    first = {}
    for c, rows in big.items():
        first[c] = min(ticket for _pk, ticket, _at in rows)
    titles = dict(Ticket.objects.filter(pk__in=first.values()).values_list("pk", "title"))
    groups = []
    for c, rows in big.items():
        group = Group(K.ISSUE, str(first[c]), titles.get(first[c], "")[:LABEL_LENGTH])
        for pk, ticket, at in rows:
            group.add(pk, ticket, at)
        groups.append(group)
    return groups


def _about(tickets: set[int]) -> int:
    """The ticket a repetition is about now: the newest of its tickets still at work, else the
    newest (a merged one stands for the ticket it joined)."""
    roots = _roots(tickets)
    candidates = set(roots.values())
    rows = list(Ticket.objects.filter(pk__in=candidates).values_list("pk", "status"))
    working = [pk for pk, status in rows if status not in TERMINAL_STATUSES]
    return max(working or [pk for pk, _status in rows] or tickets)


@dataclass
class RepetitionReport:
    raised: int = 0
    updated: int = 0
    cleared: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"raised": self.raised, "updated": self.updated, "cleared": self.cleared}


def refresh_repetitions(now: datetime | None = None) -> RepetitionReport:
    """Count the window as of `now` and bring the repetitions up to date; one transaction."""
    rules = rules_module.load()
    now = now or clock.now()
    since = now - timedelta(days=rules.repeat_window_days)
    need = rules.repeat_count
    # Counted outside the transaction: duplicate search may embed a few tickets, and reads much.
    groups = citizens_and_places(since, now, need) + issues(since, now, need)
    report = RepetitionReport()
    with transaction.atomic():
        open_ = {
            (r.kind, r.key): r for r in Repetition.objects.select_for_update().filter(cleared_at__isnull=True)
        }
        members: dict[int, set[int]] = defaultdict(set)
        for repetition_id, ticket_id in RepetitionTicket.objects.filter(
            repetition_id__in=[r.pk for r in open_.values()]
        ).values_list("repetition_id", "ticket_id"):
            members[repetition_id].add(ticket_id)
        issue_of_ticket = {
            t: r for r in open_.values() if r.kind == K.ISSUE for t in members.get(r.pk, set())
        }
        kept: set[int] = set()
        for group in groups:
            found = open_.get((group.kind, group.key))
            if found is None and group.kind == K.ISSUE:
                # The same issue under another first ticket: the open row that shares most tickets.
                shared = [issue_of_ticket[t] for t in group.tickets if t in issue_of_ticket]
                shared = [r for r in shared if r.pk not in kept]
                if shared:
                    found = max(set(shared), key=lambda r: (shared.count(r), -r.pk))
            ticket = _about(group.tickets)
            assert group.first_at is not None and group.last_at is not None
            if found is None:
                found = Repetition.objects.create(
                    kind=group.kind,
                    key=group.key,
                    label=group.label,
                    count=len(group.appeals),
                    window_days=rules.repeat_window_days,
                    first_at=group.first_at,
                    last_at=group.last_at,
                    ticket_id=ticket,
                    raised_at=now,
                    updated_at=now,
                    needs_review=group.kind == K.CITIZEN,
                )
                report.raised += 1
            elif (found.count, found.first_at, found.last_at, found.ticket_id, members[found.pk]) != (
                len(group.appeals),
                group.first_at,
                group.last_at,
                ticket,
                group.tickets,
            ):
                Repetition.objects.filter(pk=found.pk).update(
                    count=len(group.appeals),
                    first_at=group.first_at,
                    last_at=group.last_at,
                    ticket_id=ticket,
                    updated_at=now,
                )
                report.updated += 1
            kept.add(found.pk)
            have = members.get(found.pk, set())
            RepetitionTicket.objects.filter(
                repetition_id=found.pk, ticket_id__in=have - group.tickets
            ).delete()
            RepetitionTicket.objects.bulk_create(
                [RepetitionTicket(repetition_id=found.pk, ticket_id=t) for t in group.tickets - have]
            )
        report.cleared = (
            Repetition.objects.filter(cleared_at__isnull=True).exclude(pk__in=kept).update(cleared_at=now)
        )
    return report


def open_repetitions_of(ticket: Ticket) -> list[Repetition]:
    """The repetitions still open that count this ticket or a duplicate merged into it."""
    counted = RepetitionTicket.objects.filter(Q(ticket=ticket) | Q(ticket__merged_into=ticket))
    return list(
        Repetition.objects.filter(cleared_at__isnull=True)
        .filter(pk__in=counted.values("repetition"))
        .select_related("reviewed_by")
        .order_by("kind", "pk")
        .distinct()
    )
