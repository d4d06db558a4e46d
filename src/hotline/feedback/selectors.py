"""Read queries of the callback stage (回访): the tickets waiting for their callback as the callback
desk lists them, the desk's counters, and the attempts to reach a citizen.

An attempt is a `callback_attempt` event (`tickets.events.callback_attempted`) written after the
ticket was last answered (a department's reply or an operator's answer on the spot), so a reopened
ticket that is answered again starts counting anew. A citizen who was not reached is called again
`settings.HOTLINE["CALLBACK_RETRY_HOURS"]` natural hours after the last attempt; until then the
ticket waits after the others.
"""

from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from hotline.accounts.models import User
from hotline.core import clock
from hotline.core.enums import EventType, TicketStatus
from hotline.feedback.models import Callback, Reply
from hotline.intake.models import Appeal
from hotline.tickets.events import of_type
from hotline.tickets.models import Assignment, Ticket, TicketEvent
from hotline.tickets.selectors import visible_tickets

E = EventType

# Answered, by a department (replied) or on the spot (answered): the citizen is called back now.
AWAITING_CALLBACK = (TicketStatus.REPLIED, TicketStatus.ANSWERED)

CALLBACK_FILTERS = ("due_today", "overdue")


def retry_delay() -> timedelta:
    """How long after an unanswered call the citizen is called again."""
    return timedelta(hours=settings.HOTLINE["CALLBACK_RETRY_HOURS"])


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
      so it may be closed (the rule of `feedback.actions.do_close_ticket`).
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
        ),
    )


def callback_attempts(ticket: Ticket) -> int:
    """Times the ticket's citizen was not reached since the ticket was last answered."""
    return _attempts(ticket.pk, Subquery(_answers(ticket.pk).values("pk")[:1])).count()


def _conditions(now: datetime) -> dict[str, Q]:
    local = clock.localtime(now)
    tomorrow = datetime.combine(local.date() + timedelta(days=1), time.min, tzinfo=local.tzinfo)
    to_call = Q(called_back=False)
    return {
        "due_today": to_call & Q(callback_due_at__gte=now, callback_due_at__lt=tomorrow),
        "overdue": to_call & Q(callback_due_at__lt=now),
        "waiting": to_call & Q(last_attempt_at__gt=now - retry_delay()),
    }


def _awaiting(user: User) -> QuerySet[Ticket]:
    return with_callback_state(visible_tickets(user).filter(status__in=AWAITING_CALLBACK))


def awaiting_callback(user: User, *, now: datetime, show: str | None = None) -> QuerySet[Ticket]:
    """The tickets the user may see that wait for their callback, the oldest callback deadline first;
    those whose citizen was not reached and is not to be called again yet come after the others.
    Tickets answered on the spot have no callback deadline and come after those that have one.
    `show` narrows the list to one of CALLBACK_FILTERS.

    Each ticket carries (in a fixed number of queries, whatever the page size) its appeals, replies
    (the last one is the answer to read out), assignments with their departments (the lead) and
    callbacks, and the annotations of `with_callback_state` and `waiting_retry` (1 while waiting)."""
    conditions = _conditions(now)
    tickets = _awaiting(user).annotate(
        waiting_retry=Case(When(conditions["waiting"], then=Value(1)), default=Value(0))
    )
    if show is not None:
        tickets = tickets.filter(conditions[show])
    return tickets.prefetch_related(
        Prefetch("appeals", queryset=Appeal.objects.order_by("received_at", "pk")),
        Prefetch("replies", queryset=Reply.objects.select_related("department").order_by("pk")),
        Prefetch("assignments", queryset=Assignment.objects.select_related("department")),
        Prefetch("callbacks", queryset=Callback.objects.order_by("pk")),
    ).order_by("waiting_retry", F("callback_due_at").asc(nulls_last=True), "pk")


def callback_counts(user: User, *, now: datetime) -> dict[str, int]:
    """The desk's counters in one query: to call (all, due today, overdue, waiting for a retry) and
    called back, waiting to be closed."""
    conditions = _conditions(now)
    return _awaiting(user).aggregate(
        to_call=Count("pk", filter=Q(called_back=False)),
        due_today=Count("pk", filter=conditions["due_today"]),
        overdue=Count("pk", filter=conditions["overdue"]),
        waiting=Count("pk", filter=conditions["waiting"]),
        to_close=Count("pk", filter=Q(called_back=True)),
    )
