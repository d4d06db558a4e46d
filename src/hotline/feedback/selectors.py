"""Read queries of the callback stage (回访): the tickets waiting for their callback as the callback
desk lists them, the desk's counters, the attempts to reach a citizen, and the appellants a
ticket's answer is owed to.

An attempt is a `callback_attempt` event (`tickets.events.callback_attempted`) written after the
ticket was last answered (a department's reply or an operator's answer on the spot), so a reopened
ticket that is answered again starts counting anew. A citizen who was not reached is called again
`settings.HOTLINE["CALLBACK_RETRY_HOURS"]` natural hours after the last attempt; until then the
ticket waits after the others.

The appellants (诉求人) of a ticket are the callers of its own appeals and of the duplicates merged
into it (and into those): every one of them is owed the ticket's answer and its callback
(`callback_round`). Appellants with the same phone number (`dialled`: however it was written down)
are one person (`people`), told once by the messages (`citizen_messages.outbox`) and called back
once: a citizen who called again about their own ticket is not called twice. A callback names the
person it reached by their first appeal (`Callback.appeal`; its event lists every appeal it covers),
an attempt the one it did not (`details["appeal"]`); the ticket can be closed once each person with
a phone number was called back after the last answer or tried at least once; one whose appellants
left no number at all (anonymous) cannot be called back and is closed without a callback (无法回访,
`no_number`). That rule is written
twice, in the same words: in Python for the rows (`callback_rounds`, read by the desk, the ticket's
page and the actions) and in SQL for where each waiting ticket stands (`with_callback_state`, read
once a request by `callback_desk`, from which the desk's order, filters and counters are worked out).
"""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, router
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.expressions import RawSQL
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce

from hotline.accounts.models import User
from hotline.accounts.permissions import department_scope
from hotline.core import clock
from hotline.core.compiled import CompiledQuery
from hotline.core.enums import EventType, Role, TicketStatus
from hotline.core.phone import dialled, dialled_in_db
from hotline.feedback.models import Callback, Reply
from hotline.intake.models import Appeal
from hotline.tickets.events import of_type
from hotline.tickets.models import Assignment, Ticket, TicketEvent
from hotline.tickets.selectors import last_events, visible_tickets

E = EventType

# Answered, by a department (replied) or on the spot (answered): the citizen is called back now.
AWAITING_CALLBACK = (TicketStatus.REPLIED, TicketStatus.ANSWERED)

CALLBACK_FILTERS = ("to_call", "due_today", "overdue", "no_contact")


def retry_delay() -> timedelta:
    """How long after an unanswered call the citizen is called again."""
    return timedelta(hours=settings.HOTLINE["CALLBACK_RETRY_HOURS"])


# --- one person, one number ------------------------------------------------------------------------


def people(appeals: Iterable[Appeal]) -> list[tuple[Appeal, ...]]:
    """The appellants as people, each with their appeals, in the order of their first appeal:
    appeals with the same `dialled` number are one person's; one without a number is its own."""
    found: dict[str, list[Appeal]] = {}
    for appeal in appeals:
        found.setdefault(dialled(appeal.citizen_phone) or f"appeal:{appeal.pk}", []).append(appeal)
    return [tuple(listed) for listed in found.values()]


# --- the desk's list -------------------------------------------------------------------------------


def _answers(ticket: Any) -> QuerySet[TicketEvent]:
    """The ticket's answers to the citizen, newest first; `ticket` is an id or an OuterRef."""
    return TicketEvent.objects.filter(of_type(E.REPLY, E.ANSWER_ON_SPOT), ticket=ticket).order_by("-pk")


def _attempts(ticket: Any, answered: Any) -> QuerySet[TicketEvent]:
    """The ticket's callback attempts after the event `answered` (its last answer)."""
    return TicketEvent.objects.filter(of_type(E.CALLBACK_ATTEMPT), ticket=ticket, pk__gt=answered)


def with_callback_state(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """The tickets, each annotated (in the same query) with

    - `callback_attempts`: how many times the citizen was not reached since the last answer,
    - `last_attempt_at`: when the last of those was (None without one),
    - `called_back`: a callback that did not reopen the ticket was recorded after its last reply,
      and no appellant is left to call (`_to_call`), so it may be closed (the rule of
      `feedback.actions.do_close_ticket`);
    - `no_number`: no appellant left a phone number (anonymous appeals): nobody can be called
      back, it may be closed without a callback (`do_close_ticket` again). Such a ticket is not
      "to call" and never overdue: the desk shows it apart (无法回访).
    """
    attempts = _attempts(OuterRef("pk"), OuterRef("answered_event"))
    last_reply = Reply.objects.filter(ticket=OuterRef("pk")).order_by("-pk").values("pk")[:1]
    return tickets.annotate(
        answered_event=Subquery(_answers(OuterRef("pk")).values("pk")[:1]),
        callback_attempts=Coalesce(
            Subquery(
                attempts.order_by().values("ticket").annotate(n=Count("pk")).values("n"),
                output_field=IntegerField(),
            ),
            0,
        ),
        last_attempt_at=Subquery(attempts.order_by("-pk").values("at")[:1]),
        last_reply_id=Subquery(last_reply),
        called_back=Exists(
            Callback.objects.filter(ticket=OuterRef("pk"), reopened=False, reply=OuterRef("last_reply_id"))
        )
        & ~Exists(_to_call(Q(ticket=OuterRef("pk"))))
        & ~Exists(_to_call(Q(ticket__merged_into=OuterRef("pk"))))
        & ~Exists(_to_call(Q(ticket__merged_into__merged_into=OuterRef("pk")))),
        no_number=~(
            Exists(Appeal.objects.filter(ticket=OuterRef("pk")).exclude(citizen_phone=""))
            | Exists(Appeal.objects.filter(ticket__merged_into=OuterRef("pk")).exclude(citizen_phone=""))
            | Exists(
                Appeal.objects.filter(ticket__merged_into__merged_into=OuterRef("pk")).exclude(
                    citizen_phone=""
                )
            )
        ),
    )


def _to_call(whose: Q) -> QuerySet[Appeal]:
    """Inside `with_callback_state`: the appeals (`whose`: of the ticket, or of a duplicate merged
    into it, one or two steps away; `callback_round` follows longer chains) whose caller has a
    phone and was neither called back after the ticket's last reply nor tried since its last
    answer, under any of their appeals (the same `dialled` number: one person, `people`). Used as
    an EXISTS: the ticket is not done with its callbacks while one is left."""
    ticket = OuterRef(OuterRef("pk"))
    called = (
        Callback.objects.filter(ticket=ticket, reply=OuterRef(OuterRef("last_reply_id")))
        .annotate(person=dialled_in_db("appeal__citizen_phone"))
        .filter(person=OuterRef("person"))
    )
    # The number of the appeal an attempt names, read by its primary key.
    named = (
        Appeal.objects.filter(pk=OuterRef("appeal"))
        .order_by()
        .annotate(person=dialled_in_db("citizen_phone"))
    )
    tried = (
        TicketEvent.objects.filter(
            of_type(E.CALLBACK_ATTEMPT), ticket=ticket, pk__gt=OuterRef(OuterRef("answered_event"))
        )
        .annotate(appeal=Cast(KT("details__appeal"), IntegerField()))
        .annotate(person=Subquery(named.values("person")[:1]))
        .filter(person=OuterRef("person"))
    )
    return (
        Appeal.objects.filter(whose)
        .exclude(citizen_phone="")
        .annotate(person=dialled_in_db("citizen_phone"))
        .exclude(Exists(called))
        .exclude(Exists(tried))
    )


def callback_attempts(ticket: Ticket) -> int:
    """Times the ticket's citizen was not reached since the ticket was last answered."""
    return _attempts(ticket.pk, Subquery(_answers(ticket.pk).values("pk")[:1])).count()


@dataclass(frozen=True)
class OnDesk:
    """Where one ticket on the callback desk stands (`with_callback_state`'s annotations)."""

    pk: int
    due_at: datetime | None  # the callback deadline; None for an answer on the spot
    called_back: bool
    no_number: bool
    attempts: int
    last_attempt_at: datetime | None
    answered_event: int | None

    @property
    def to_call(self) -> bool:
        return not self.called_back and not self.no_number

    def waiting(self, at: "DeskMoment") -> bool:
        """Not reached lately: not to be called again before the retry delay has passed."""
        return self.to_call and self.last_attempt_at is not None and self.last_attempt_at > at.retry_from

    def shown_under(self, show: str, at: "DeskMoment") -> bool:
        """Whether the desk lists it under the filter `show` (one of CALLBACK_FILTERS)."""
        if show == "no_contact":
            return self.no_number
        if show == "to_call":
            return self.to_call
        if not self.to_call or self.due_at is None:
            return False
        if show == "overdue":
            return self.due_at < at.now
        return at.now <= self.due_at < at.tomorrow


@dataclass(frozen=True)
class DeskMoment:
    """The moments the desk compares its tickets with, worked out once for all of them."""

    now: datetime
    tomorrow: datetime  # the city's next midnight: due today is before it
    retry_from: datetime  # an attempt after this one is too recent to call again

    @classmethod
    def of(cls, now: datetime) -> "DeskMoment":
        local = clock.localtime(now)
        tomorrow = datetime.combine(local.date() + timedelta(days=1), time.min, tzinfo=local.tzinfo)
        return cls(now, tomorrow, now - retry_delay())


# What `callback_desk` reads of each waiting ticket, in `OnDesk`'s order.
_DESK_COLUMNS = (
    "pk",
    "callback_due_at",
    "called_back",
    "no_number",
    "callback_attempts",
    "last_attempt_at",
    "answered_event",
)


def _desk_rows(tickets: QuerySet[Ticket]) -> QuerySet[Any, Any]:
    # Unordered (the desk sorts them): ordered by the tickets' default, the database read every
    # ticket's row in that order to find the few waiting ones. The names are annotations, which the
    # type checker's plugin does not know.
    waiting = with_callback_state(tickets.filter(status__in=AWAITING_CALLBACK)).order_by()
    return waiting.values_list(*_DESK_COLUMNS)  # type: ignore[misc]


# Those who call back see every ticket (the desk is for citywide roles): their statement is the
# same for all of them, and Django took about 100 ms of CPU to build it (its subqueries nest the
# normalising of phone numbers several deep), each time, against the database's 140 ms to answer it
# at 100,000 tickets (docs/benchmarks.md, the desks): built once a process (`core.compiled`).
_CITYWIDE_DESK = CompiledQuery("callback-desk", 0, lambda: _desk_rows(Ticket.objects.all()))


def callback_desk(user: User) -> list[OnDesk]:
    """Every ticket the user may see that waits for its callback, with where it stands, in one query.

    The desk's list, its filters and its counters are worked out from these in Python: as SQL,
    each filter and counter repeated the state's subqueries (a statement of 25,000 characters for
    the list, another of 13,000 for the counters), which PostgreSQL evaluated again for every
    ticket of each and Django compiled anew on every request (docs/benchmarks.md, the desks)."""
    if user.role != Role.GRID and department_scope(user) is None:
        rows = _CITYWIDE_DESK.rows(router.db_for_read(Ticket))
    else:
        rows = list(_desk_rows(visible_tickets(user)))
    return [OnDesk(*row) for row in rows]


def desk_order(desk: Iterable[OnDesk], *, now: datetime, show: str | None = None) -> list[OnDesk]:
    """The tickets as the desk lists them, the oldest callback deadline first; those whose citizen
    was not reached and is not to be called again yet come after the others, and after them those
    nobody can be called about (`no_number`), apart. Tickets answered on the spot have no callback
    deadline and come after those that have one. `show` narrows the list to one of CALLBACK_FILTERS."""
    at = DeskMoment.of(now)
    listed = [t for t in desk if show is None or t.shown_under(show, at)]
    return sorted(
        listed,
        key=lambda t: (t.no_number, t.waiting(at), t.due_at is None, t.due_at or now, t.pk),
    )


def desk_counts(desk: Collection[OnDesk], *, now: datetime) -> dict[str, int]:
    """The desk's counters: every ticket on the desk (`all`, what its unfiltered list holds), to
    call (all, due today, overdue, waiting for a retry), called back, waiting to be closed, and
    nobody to call (无法回访, to be closed as it is)."""
    at = DeskMoment.of(now)
    return {
        "all": len(desk),
        "to_call": sum(t.to_call for t in desk),
        "due_today": sum(t.shown_under("due_today", at) for t in desk),
        "overdue": sum(t.shown_under("overdue", at) for t in desk),
        "waiting": sum(t.waiting(at) for t in desk),
        "to_close": sum(t.called_back for t in desk),
        "no_contact": sum(t.no_number for t in desk),
    }


def desk_tickets(user: User, listed: Iterable[OnDesk], *, now: datetime) -> list[Ticket]:
    """The tickets `listed` (a page of `desk_order`), in that order, each with what its row shows:
    its appeals, replies (the last one is the answer to read out), assignments with their
    departments (the lead) and callbacks, in a fixed number of queries whatever the page size,
    and the state `callback_desk` read as attributes (`callback_attempts`, `last_attempt_at`,
    `called_back`, `no_number`, `answered_event`, `waiting_retry`: 1 while waiting)."""
    listed = list(listed)
    found = (
        visible_tickets(user)
        .filter(pk__in=[t.pk for t in listed])
        .prefetch_related(
            Prefetch("appeals", queryset=Appeal.objects.order_by("received_at", "pk")),
            Prefetch("replies", queryset=Reply.objects.select_related("department").order_by("pk")),
            Prefetch("assignments", queryset=Assignment.objects.select_related("department")),
            Prefetch("callbacks", queryset=Callback.objects.order_by("pk")),
        )
    )
    by_pk = {t.pk: t for t in found}
    at = DeskMoment.of(now)
    tickets = []
    for state in listed:
        ticket = by_pk.get(state.pk)
        if ticket is None:  # left the user's sight between the two reads
            continue
        ticket.callback_attempts = state.attempts  # type: ignore[attr-defined]
        ticket.last_attempt_at = state.last_attempt_at  # type: ignore[attr-defined]
        ticket.called_back = state.called_back  # type: ignore[attr-defined]
        ticket.no_number = state.no_number  # type: ignore[attr-defined]
        ticket.answered_event = state.answered_event  # type: ignore[attr-defined]
        ticket.waiting_retry = int(state.waiting(at))  # type: ignore[attr-defined]
        tickets.append(ticket)
    return tickets


def callback_counts(user: User, *, now: datetime) -> dict[str, int]:
    """The desk's counters (`desk_counts`) for the user, as the home page shows them."""
    return desk_counts(callback_desk(user), now=now)


# --- the appellants a ticket's answer is owed to ---------------------------------------------------

# A duplicate may itself have had duplicates merged into it; no chain is longer in practice, and a
# bound keeps a loop in bad data from hanging a page.
MAX_MERGE_DEPTH = 5


def merged_ticket_ids(ticket_ids: Iterable[int]) -> dict[int, list[int]]:
    """For each ticket, the duplicates merged into it, directly or through another duplicate,
    in the order found. One query per step of the chains."""
    found: dict[int, list[int]] = {pk: [] for pk in ticket_ids}
    top = {pk: pk for pk in found}
    frontier = list(found)
    for _step in range(MAX_MERGE_DEPTH):
        if not frontier:
            break
        rows = list(
            Ticket.objects.filter(merged_into_id__in=frontier)
            .order_by("pk")
            .values_list("pk", "merged_into_id")
        )
        frontier = []
        for pk, into in rows:
            if pk in top:  # a loop in bad data
                continue
            top[pk] = top[into]
            found[top[into]].append(pk)
            frontier.append(pk)
    return found


def appellants_of(ticket_ids: Collection[int]) -> dict[int, list[Appeal]]:
    """Every appellant of each ticket: its own appeals first, then those of the duplicates merged
    into it, each group by the time received. An appeal's `ticket_id` says where it came in."""
    merged = merged_ticket_ids(ticket_ids)
    owner = {pk: top for top, pks in merged.items() for pk in [top, *pks]}
    found: dict[int, list[Appeal]] = {pk: [] for pk in ticket_ids}
    appeals = Appeal.objects.filter(ticket_id__in=list(owner)).select_related("ticket")
    for appeal in appeals.order_by("received_at", "pk"):
        found[owner[appeal.ticket_id]].append(appeal)
    for top, listed in found.items():
        # Stable: the ticket's own appeals first, each group still by the time received.
        listed[:] = [a for a in listed if a.ticket_id == top] + [a for a in listed if a.ticket_id != top]
    return found


def appellants(ticket: Ticket) -> list[Appeal]:
    """`appellants_of` one ticket, in one statement (two when duplicates were merged into it): the
    merge chains are walked by a recursive query inside it (each step through the index on
    `merged_into`), not one round trip per step, so that an action paying for it (a dispatch in the
    worker's routing, a reply) costs one read."""
    table = connection.ops.quote_name(Ticket._meta.db_table)
    # The first row read from the table, not a bound literal: its type is then the column's.
    family = RawSQL(
        "WITH RECURSIVE family(id, depth) AS ("
        f" SELECT id, 0 FROM {table} WHERE id = %s"
        " UNION ALL"
        f" SELECT t.id, f.depth + 1 FROM {table} t JOIN family f ON t.merged_into_id = f.id"
        " WHERE f.depth < %s"
        ") SELECT id FROM family",
        (ticket.pk, MAX_MERGE_DEPTH),
    )
    found = list(Appeal.objects.filter(ticket_id__in=family).order_by("received_at", "pk"))
    # As `appellants_of`: the ticket's own appeals first, then its duplicates', each by the time received.
    own = [a for a in found if a.ticket_id == ticket.pk]
    merged = [a for a in found if a.ticket_id != ticket.pk]
    # Each appeal with its ticket, as the messages to the appellants name it: the ticket in hand for
    # its own (a join would build it again for every appeal), a second read only for duplicates.
    for appeal in own:
        appeal.ticket = ticket
    if merged:
        tickets = Ticket.objects.in_bulk({a.ticket_id for a in merged})
        for appeal in merged:
            appeal.ticket = tickets[appeal.ticket_id]
    return own + merged


def merged_appeals(ticket: Ticket) -> list[Appeal]:
    """The appeals of the duplicates merged into the ticket, with their ticket, by time received."""
    merged = merged_ticket_ids([ticket.pk])[ticket.pk]
    return list(
        Appeal.objects.filter(ticket_id__in=merged).select_related("ticket").order_by("received_at", "pk")
    )


@dataclass(frozen=True)
class Appellant:
    """One person in a ticket's callback round (the round of calls after the ticket's last answer),
    with their appeals on the ticket and its merged duplicates (one number: `people`)."""

    appeals: tuple[Appeal, ...]  # the first names them: the ticket's own before a duplicate's
    own: bool  # their first appeal is one of the ticket itself, not of a merged duplicate
    callback: Callback | None  # recorded after the last reply for this person (the newest)
    attempts: int  # times this person was not reached since the last answer

    @property
    def appeal(self) -> Appeal:
        """The appeal that names this person: on their callback, on the pages."""
        return self.appeals[0]

    @property
    def reachable(self) -> bool:
        return bool(self.appeal.citizen_phone)

    @property
    def to_call(self) -> bool:
        """Has a number, and was neither called back nor tried since the last answer."""
        return self.reachable and self.callback is None and self.attempts == 0


def _attempted(
    ticket_ids: Collection[int], since: dict[int, int | None]
) -> dict[tuple[int, int | None], int]:
    """Attempts per (ticket, appeal named by the attempt; None for attempts that name none), counted
    after each ticket's answering event `since[ticket]`."""
    counts: dict[tuple[int, int | None], int] = {}
    rows = TicketEvent.objects.filter(
        of_type(E.CALLBACK_ATTEMPT), ticket_id__in=list(ticket_ids)
    ).values_list("ticket_id", "pk", "details")
    for ticket_id, pk, details in rows:
        answered = since.get(ticket_id)
        if answered is None or pk <= answered:
            continue
        appeal = details.get("appeal") if isinstance(details, dict) else None
        key = (ticket_id, appeal if isinstance(appeal, int) else None)
        counts[key] = counts.get(key, 0) + 1
    return counts


def callback_rounds(tickets: Iterable[Ticket]) -> dict[int, list[Appellant]]:
    """Each ticket's appellants, one entry per person (`people`), with where their callback stands
    since the ticket's last answer: a callback or an attempt that names any of a person's appeals
    is theirs. Reads the tickets' prefetched `replies` and `callbacks` when they have them; a
    callback or an attempt that names no appellant (recorded before callbacks named one) counts
    for the first."""
    tickets = list(tickets)
    ids = [t.pk for t in tickets]
    found = appellants_of(ids)
    answered = {
        t.pk: getattr(t, "answered_event", None)
        if hasattr(t, "answered_event")
        else _answers(t.pk).values_list("pk", flat=True).first()
        for t in tickets
    }
    attempts = _attempted(ids, answered)
    rounds: dict[int, list[Appellant]] = {}
    for ticket in tickets:
        replies = sorted(ticket.replies.all(), key=lambda r: r.pk)
        last = replies[-1] if replies else None
        persons = people(found[ticket.pk])
        # Each appeal's person, by index; what names no appeal is the first person's.
        whose: dict[int | None, int] = {a.pk: i for i, person in enumerate(persons) for a in person}
        whose[None] = 0
        latest: dict[int, Callback] = {}
        if last is not None:
            for callback in sorted(ticket.callbacks.all(), key=lambda c: c.pk):
                # A callback of an appeal un-merged since then is no longer this ticket's person.
                if callback.reply_id == last.pk and callback.appeal_id in whose:
                    latest[whose[callback.appeal_id]] = callback
        rounds[ticket.pk] = [
            Appellant(
                appeals=person,
                own=person[0].ticket_id == ticket.pk,
                callback=latest.get(i),
                attempts=sum(attempts.get((ticket.pk, a.pk), 0) for a in person)
                + (attempts.get((ticket.pk, None), 0) if i == 0 else 0),
            )
            for i, person in enumerate(persons)
        ]
    return rounds


def callback_round(ticket: Ticket) -> list[Appellant]:
    return callback_rounds([ticket])[ticket.pk]


def sent_back(ticket_ids: Iterable[int]) -> dict[int, str]:
    """Of the tickets `ticket_ids` that are at work again because their reply was sent back to
    their unit (退回重答, `feedback.actions.do_return_reply`), why, by ticket id, in one query: the
    reason of the last event that reopened each, when that was a send-back (not a callback's 重办)."""
    reopened = last_events(
        ticket_ids, Q(ticket__status=TicketStatus.REOPENED, to_status=TicketStatus.REOPENED)
    )
    return {
        ticket_id: str((event.details or {}).get("reason", ""))
        for ticket_id, event in reopened.items()
        if event.action == EventType.RETURN_REPLY
    }
