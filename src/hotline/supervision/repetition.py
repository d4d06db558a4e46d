"""Repetition counters (多次重复反映): appeals per citizen, per place and per issue over a rolling window.

`refresh_repetitions()` counts, as of now, the appeals of the last REPEAT_WINDOW_DAYS (the rules of
`supervision.rules`, 30 by default):

- per citizen: by the caller's phone number (its digits), every appeal, whatever became of it and
  whatever its kind: a person who asks the same question every day is for a person's review too;
  how many of the appeals were consultations, and how many report a problem, is kept beside the
  count;
- per place: by the appeal's address, lower case and without blanks, the appeals that report a
  problem (`PROBLEM_KINDS`) of tickets that are not invalid;
- per issue: one problem at one place, the appeals that report a problem of tickets that are not
  invalid: the tickets merged together (a person found a duplicate and the ticket it joined to be
  one issue) and the tickets that duplicate search finds to be duplicates of one another
  (`dedup.search.clusters_of`). Every such appeal of the issue's tickets received in the window
  counts.

"多次重复反映" says that a problem is not being solved, so only the kinds that report one count
for places and issues, and only they make a repetition an order: complaints (投诉), requests for
help (求助) and reports (举报). Places and issues put a department under supervision with no person
in between, and a question that many callers ask (咨询), a suggestion several neighbours make
(建议) or their thanks (表扬) is no department's failure: a repeated question is what the knowledge
base (百问百答) is for, to which a consultation answered to the caller's satisfaction already
proposes an article (`knowledge.actions.close_ticket`). An appeal counts by the kind of its own
ticket (docs/adr/0011-dedup.md, "consultations raise no repetition order" and "only problems are
supervised for repeating").

A place and an issue count their appellants (`appellant`), a citizen their appeals. A group with
REPEAT_COUNT (3) or more is a `Repetition`: raised once, kept up to date while it stays at the
threshold (its count, its tickets, the ticket it is about now), cleared when the window has rolled
past it. An issue keeps its row while it keeps one of its tickets, even as it grows or loses its
oldest tickets. A citizen's repetition waits for a person's review
(`supervision.actions.do_review_repetition`): possibly unreasonable, never rejected by the system. A
person may also find that an issue is not one problem, or a place not one place: the group is
cleared, and the appeals it counted no longer count for a group of its kind, so the same tickets do
not come back while new appeals may make a new group (`_without_dismissed`). The repetitions feed
the sweep's repetition orders (`sweep._Sweep.repeated`).

Runs before each supervision sweep (`supervision.sweep.run_counted_sweep`: the worker's task,
`hotline sweep` and the demo), in a transaction of its own.
"""

import hashlib
import hmac
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Case, Count, Func, Q, Value
from django.db.models.functions import Lower, Replace, Trim

from hotline.core import clock
from hotline.core.enums import TERMINAL_STATUSES, Kind, RepetitionKind, TicketStatus
from hotline.core.phone import dialled_in_db, mask_numbers, mask_phone
from hotline.dedup.search import clusters_of
from hotline.intake.models import Appeal
from hotline.supervision import rules as rules_module
from hotline.supervision.models import DISMISSALS, Repetition, RepetitionTicket
from hotline.tickets.models import Ticket

K = RepetitionKind
# A ticket's chain of merges is short; the bound keeps a loop in bad data from hanging the count.
MAX_MERGE_DEPTH = 5
# An issue's label: the title of its first ticket, cut to the column.
LABEL_LENGTH = 200
# Ids per query where a window's tickets are read by id.
CHUNK = 5000
# The kinds of appeal that report a problem: the only ones places and issues count, and the only
# ones a repetition order counts and lands on (a citizen's count keeps every kind, for the review).
PROBLEM_KINDS = frozenset({Kind.COMPLAINT, Kind.HELP, Kind.REPORT})

# An appeal: (ticket id, received at, appellant).
Member = tuple[int, datetime, str]


@dataclass
class Group:
    """Appeals that repeat one another: what each is (its ticket, time and appellant) by id."""

    kind: str
    key: str
    label: str
    members: dict[int, Member] = field(default_factory=dict)
    # Each member's kind (its ticket's): a citizen's are any; a place's and an issue's PROBLEM_KINDS.
    kinds: dict[int, str] = field(default_factory=dict)

    def add(self, appeal_id: int, ticket_id: int, at: datetime, who: str, kind: str) -> None:
        self.members[appeal_id] = (ticket_id, at, who)
        self.kinds[appeal_id] = kind

    @property
    def appeals(self) -> set[int]:
        return set(self.members)

    @property
    def tickets(self) -> set[int]:
        return {ticket for ticket, _at, _who in self.members.values()}

    def _counted(self, appeals: Iterable[int]) -> int:
        """The appeals of a citizen; the appellants of a place or an issue."""
        if self.kind == K.CITIZEN:
            return len(set(appeals))
        return len({self.members[pk][2] for pk in appeals})

    @property
    def count(self) -> int:
        return self._counted(self.members)

    @property
    def consultations(self) -> int:
        """Of a citizen's appeals, the consultations (places and issues count none)."""
        return sum(self.kinds[pk] == Kind.CONSULTATION for pk in self.members)

    @property
    def problems(self) -> int:
        """The count of the members that report a problem: what an order counts (a place's and an
        issue's whole count)."""
        return self._counted(pk for pk in self.members if self.kinds[pk] in PROBLEM_KINDS)

    @property
    def first_at(self) -> datetime:
        return min(at for _ticket, at, _who in self.members.values())

    @property
    def last_at(self) -> datetime:
        return max(at for _ticket, at, _who in self.members.values())


def appellant(appeal_id: int, caller: str) -> str:
    """Who made an appeal, as a place or an issue counts them: the caller's number (as the citizen
    counter reads it), or the appeal itself when it has none (an unsigned letter counts alone).

    Once per appellant, because these two counters put a department under supervision with no
    person in between: one caller who calls again and again (or about three things at one
    building) must not do that alone. That is the citizen counter's case, which a person reviews
    first (the calls may be unreasonable) and which is supervised once that person finds them
    reasonable. So a duplicate merged into the group's ticket counts as the appeal of its caller:
    one more neighbour reporting the problem counts, the same caller again does not, as the four
    rates count a merged ticket once."""
    return f"tel:{caller}" if caller else f"appeal:{appeal_id}"


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


def _phone() -> Case:
    """The caller's number as dialled (`core.phone.dialled_in_db`), as the callbacks and the
    messages to citizens tell one person from another."""
    return dialled_in_db("citizen_phone")


def _address() -> Func:
    return Lower(_stripped("address", " ", "\u3000"))


def citizens_and_places(since: datetime, until: datetime, need: int) -> list[Group]:
    """The appeals of the window by caller and by address, the groups of `need` appeals or more only
    (counted by the database first, then the members of those read). A place counts only the
    appeals that report a problem."""
    window = Appeal.objects.filter(received_at__gte=since, received_at__lte=until)
    groups: list[Group] = []
    for kind, expression, appeals in (
        (K.CITIZEN, _phone(), window),
        (
            K.PLACE,
            _address(),
            window.exclude(ticket__status=TicketStatus.INVALID).filter(ticket__kind__in=PROBLEM_KINDS),
        ),
    ):
        keyed = appeals.annotate(value=expression).exclude(value="")
        values = list(
            keyed.values("value").annotate(n=Count("pk")).filter(n__gte=need).values_list("value", flat=True)
        )
        found: dict[str, Group] = {}
        for start in range(0, len(values), 500):
            rows = (
                keyed.filter(value__in=values[start : start + 500])
                .annotate(caller=_phone())
                .order_by("received_at", "pk")
                .values_list(
                    "value",
                    "pk",
                    "ticket_id",
                    "received_at",
                    "citizen_name",
                    "citizen_phone",
                    "address",
                    "caller",
                    "ticket__kind",
                )
            )
            for value, pk, ticket_id, at, name, phone, address, caller, ticket_kind in rows:
                group = found.get(value)
                if group is None:
                    label = f"{name} {mask_phone(phone)}".strip() if kind == K.CITIZEN else address.strip()
                    group = found[value] = Group(kind, _digest(kind, value), label[:LABEL_LENGTH])
                group.add(pk, ticket_id, at, appellant(pk, caller), ticket_kind)
        groups += found.values()
    return groups


def chunked(ids: Iterable[int]) -> Iterator[list[int]]:
    """The ids, sorted, in lists of CHUNK: IN lists of a bounded length (SQLite limits a
    statement's parameters)."""
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def merge_roots(ticket_ids: set[int]) -> dict[int, int]:
    """Each ticket's merge root: the ticket its chain of merges ends in (itself when not merged)."""
    into: dict[int, int | None] = {}
    for chunk in chunked(ticket_ids):
        into.update(Ticket.objects.filter(pk__in=chunk).values_list("pk", "merged_into_id"))
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
    """The issues with `need` appeals or more in the window (their key and label are given once the
    appeals a person took apart are left out: `_named`). Only the appeals that report a problem are
    an issue's."""
    appeals = list(
        Appeal.objects.filter(received_at__gte=since, received_at__lte=until)
        .exclude(ticket__status=TicketStatus.INVALID)
        .filter(ticket__kind__in=PROBLEM_KINDS)
        .annotate(caller=_phone())
        .order_by("received_at", "pk")
        .values_list("pk", "ticket_id", "received_at", "caller", "ticket__kind")
    )
    roots = merge_roots({ticket for _pk, ticket, _at, _caller, _kind in appeals})
    # Merged tickets are in their root's issue: a person put them there.
    cluster_of = clusters_of(set(roots.values()))
    clusters: dict[int, Group] = {}
    for pk, ticket, at, caller, kind in appeals:
        cluster = cluster_of[roots[ticket]]
        group = clusters.get(cluster)
        if group is None:
            group = clusters[cluster] = Group(K.ISSUE, "", "")
        group.add(pk, ticket, at, appellant(pk, caller), kind)
    return [group for group in clusters.values() if len(group.members) >= need]


@dataclass
class Dismissals:
    """The groups people took apart, as far as the window goes: until when each of their tickets'
    appeals were counted, per place (its key and ticket) and per issue (its ticket)."""

    places: dict[tuple[str, int], datetime] = field(default_factory=dict)
    issues: dict[int, datetime] = field(default_factory=dict)

    def covers(self, group: Group, ticket: int, at: datetime) -> bool:
        if group.kind == K.PLACE:
            until = self.places.get((group.key, ticket))
        elif group.kind == K.ISSUE:
            until = self.issues.get(ticket)
        else:
            return False
        return until is not None and at <= until


def dismissals(since: datetime) -> Dismissals:
    rows = {
        pk: (kind, key, last_at)
        for pk, kind, key, last_at in Repetition.objects.filter(
            Q(kind=K.PLACE, outcome=DISMISSALS[K.PLACE]) | Q(kind=K.ISSUE, outcome=DISMISSALS[K.ISSUE]),
            last_at__gte=since,
        ).values_list("pk", "kind", "key", "last_at")
    }
    found = Dismissals()
    for repetition_id, ticket_id in RepetitionTicket.objects.filter(repetition_id__in=rows).values_list(
        "repetition_id", "ticket_id"
    ):
        kind, key, last_at = rows[repetition_id]
        if kind == K.PLACE:
            found.places[(key, ticket_id)] = max(last_at, found.places.get((key, ticket_id), last_at))
        else:
            found.issues[ticket_id] = max(last_at, found.issues.get(ticket_id, last_at))
    return found


def _without_dismissed(groups: list[Group], dismissed: Dismissals, need: int) -> list[Group]:
    """The groups as they count once the appeals of the groups people took apart are left out (the
    appeals such a group counted: of its tickets, received until its last one), those still at
    `need` or more only."""
    kept = []
    for group in groups:
        group.members = {
            pk: member for pk, member in group.members.items() if not dismissed.covers(group, *member[:2])
        }
        if group.members and group.count >= need:
            kept.append(group)
    return kept


def _named(groups: list[Group]) -> None:
    """An issue's key and label: the id and the title of its first ticket, every number in it
    masked before it is cut (a citizen's words, read by supervisors and leaders: docs/adr/0017)."""
    issues_ = [g for g in groups if g.kind == K.ISSUE]
    first = {id(g): min(g.tickets) for g in issues_}
    titles: dict[int, str] = {}
    for chunk in chunked(set(first.values())):
        titles.update(Ticket.objects.filter(pk__in=chunk).values_list("pk", "title"))
    for group in issues_:
        group.key = str(first[id(group)])
        title = mask_numbers(titles.get(first[id(group)], ""), citizen_text=True)
        group.label = title[:LABEL_LENGTH]


def _about(tickets: set[int]) -> int:
    """The ticket a repetition is about now: the newest of its tickets still at work, else the
    newest (a merged one stands for the ticket it joined)."""
    roots = merge_roots(tickets)
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
    counted = citizens_and_places(since, now, need) + issues(since, now, need)
    report = RepetitionReport()
    with transaction.atomic():
        open_ = {
            (r.kind, r.key): r for r in Repetition.objects.select_for_update().filter(cleared_at__isnull=True)
        }
        # Read once the open rows are locked: a group taken apart while the window was counted is
        # no longer open here, and its appeals are left out.
        groups = _without_dismissed(counted, dismissals(since), need)
        _named(groups)
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
            if found is None:
                found = Repetition.objects.create(
                    kind=group.kind,
                    key=group.key,
                    label=group.label,
                    count=group.count,
                    consultations=group.consultations,
                    problems=group.problems,
                    window_days=rules.repeat_window_days,
                    first_at=group.first_at,
                    last_at=group.last_at,
                    ticket_id=ticket,
                    raised_at=now,
                    updated_at=now,
                    needs_review=group.kind == K.CITIZEN,
                )
                report.raised += 1
            elif (
                found.count,
                found.consultations,
                found.problems,
                found.first_at,
                found.last_at,
                found.ticket_id,
                members[found.pk],
            ) != (
                group.count,
                group.consultations,
                group.problems,
                group.first_at,
                group.last_at,
                ticket,
                group.tickets,
            ):
                Repetition.objects.filter(pk=found.pk).update(
                    count=group.count,
                    consultations=group.consultations,
                    problems=group.problems,
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
