"""The timeline's one vocabulary: a function per event type (`core.enums.EventType`), the only
code that writes `TicketEvent` rows.

Events of the state machine (`_moved`) put the ticket in its new status, possibly the one it is in,
and save it; side events (`_noted`: routing, supervision) leave the ticket as it is. What each event
stores in `details` is fixed here, so that the timeline, the audit, the label collection of
routing and the supervision rules read one shape per type.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import JSONObject

from hotline.accounts.models import User
from hotline.core.enums import EventType, TicketStatus
from hotline.core.sql import insert_select
from hotline.tickets.models import Assignment, Ticket, TicketEvent
from hotline.tickets.transitions import move

E = EventType


def _write(
    ticket: Ticket,
    type_: EventType,
    actor: User | None,
    statuses: tuple[str, str],
    details: dict[str, Any],
    at: datetime,
) -> TicketEvent:
    from_status, to_status = statuses
    return TicketEvent.objects.create(
        ticket=ticket,
        action=type_,
        actor=actor,
        at=at,
        from_status=from_status,
        to_status=to_status,
        details=details,
    )


def _moved(
    ticket: Ticket,
    type_: EventType,
    actor: User | None,
    to_status: str,
    details: dict[str, Any],
    at: datetime,
) -> TicketEvent:
    """A step of the state machine: the ticket moves (possibly to where it is) and the step is written."""
    from_status = move(ticket, to_status, at)
    return _write(ticket, type_, actor, (from_status, to_status), details, at)


def _noted(
    ticket: Ticket, type_: EventType, actor: User | None, details: dict[str, Any], at: datetime
) -> TicketEvent:
    """A fact about the ticket that leaves it as it is."""
    return _write(ticket, type_, actor, (ticket.status, ticket.status), details, at)


def deadline_details(assignment: Assignment) -> dict[str, Any]:
    """The deadlines of a new or restarted assignment as the timeline shows them."""
    details: dict[str, Any] = {"due_at": assignment.due_at.isoformat()}
    if assignment.deadline_assumed:
        details["deadline_assumed"] = True
    return details


def _assignment(assignment: Assignment) -> dict[str, Any]:
    return {"assignment": assignment.pk, "department": assignment.department.code}


# --- intake and routing --------------------------------------------------------------------------


def received(
    ticket: Ticket, actor: User | None, *, channel: str, external_id: str | None, at: datetime
) -> TicketEvent:
    """The first line of every timeline; the ticket was created in `new`."""
    details = {"channel": channel, "external_id": external_id}
    return _write(ticket, E.RECEIVE, actor, ("", TicketStatus.NEW), details, at)


def received_many(
    arrivals: Iterable[tuple[Ticket, str, str | None]], actor: User | None
) -> list[TicketEvent]:
    """`received` for many new tickets at once (a bulk intake: an import), in one statement:
    (ticket, channel, external_id) each, at the ticket's creation time."""
    return TicketEvent.objects.bulk_create(
        [
            TicketEvent(
                ticket=ticket,
                action=E.RECEIVE,
                actor=actor,
                at=ticket.created_at,
                from_status="",
                to_status=TicketStatus.NEW,
                details={"channel": channel, "external_id": external_id},
            )
            for ticket, channel, external_id in arrivals
        ]
    )


def received_again(ticket: Ticket, actor: User | None, *, appeal: Any, at: datetime) -> TicketEvent:
    """A further appeal joined the ticket (the same citizen's later letter naming its number): a
    `receive` line that leaves the ticket as it is."""
    details = {
        "channel": appeal.channel,
        "external_id": appeal.external_id,
        "appeal": appeal.pk,
        "follow_up": True,
    }
    return _noted(ticket, E.RECEIVE, actor, details, at)


def answered_before_intake(answers: Iterable[tuple[Ticket, int, datetime]]) -> list[TicketEvent]:
    """Tickets that came in with the answer the citizen already had (an imported history row with
    its 答复意见): (ticket, reply id, replied at) each; the ticket is stored `answered` and its
    timeline says so with an `answer_on_spot` line marked `imported`, by no one, at the reply's time."""
    return TicketEvent.objects.bulk_create(
        [
            TicketEvent(
                ticket=ticket,
                action=E.ANSWER_ON_SPOT,
                actor=None,
                at=at,
                from_status=TicketStatus.NEW,
                to_status=TicketStatus.ANSWERED,
                details={"reply": reply_id, "imported": True},
            )
            for ticket, reply_id, at in answers
        ]
    )


def routed(
    ticket: Ticket, actor: User, *, changes: dict[str, Any], decision_id: int, at: datetime
) -> TicketEvent:
    """Routing filled in the area or marked the ticket urgent (an automatic dispatch is its own event)."""
    (event,) = routed_many([(ticket, changes, decision_id)], actor, at=at)
    return event


def routed_many(
    routings: Iterable[tuple[Ticket, dict[str, Any], int]], actor: User, *, at: datetime
) -> list[TicketEvent]:
    """`routed` for the tickets of a batch routed together, in one statement: (ticket, changes,
    decision id) each."""
    return TicketEvent.objects.bulk_create(
        [
            TicketEvent(
                ticket=ticket,
                action=E.ROUTE,
                actor=actor,
                at=at,
                from_status=ticket.status,
                to_status=ticket.status,
                details={**changes, "decision": decision_id},
            )
            for ticket, changes, decision_id in routings
        ]
    )


def routing_failed(ticket: Ticket, *, error: str, router: str, at: datetime) -> TicketEvent:
    """Routing after intake raised; the ticket waits for a dispatcher."""
    return _noted(ticket, E.ROUTE_FAILED, None, {"error": error[:2000], "router": router}, at)


# --- dispatch and handling -----------------------------------------------------------------------


def dispatched(
    ticket: Ticket,
    actor: User,
    *,
    lead: Assignment,
    co: Iterable[Assignment],
    note: str,
    at: datetime,
    routed: dict[str, Any] | None = None,
) -> TicketEvent:
    details = {
        "lead": lead.department.code,
        "co": [a.department.code for a in co],
        # As dispatched: a later review may move the ticket to another category.
        "category": ticket.category_id,
        **deadline_details(lead),
        "note": note,
        # An automatic dispatch's facts: the note in any language (routing.reasons.dispatch_note).
        **({"routed": routed} if routed else {}),
    }
    return _moved(ticket, E.DISPATCH, actor, TicketStatus.DISPATCHED, details, at)


def progressed(
    ticket: Ticket, actor: User, assignment: Assignment, *, text: str, contacted: bool, at: datetime
) -> TicketEvent:
    """A department's note of how its work stands; the ticket stays as it is."""
    details = {**_assignment(assignment), "text": text, "contacted": contacted}
    return _noted(ticket, E.PROGRESS, actor, details, at)


def recalled(ticket: Ticket, actor: User, *, withdrawn: list[str], reason: str, at: datetime) -> TicketEvent:
    """Dispatch took the ticket back before its lead signed: it waits to be dispatched again."""
    details = {"withdrawn": withdrawn, "reason": reason}
    return _moved(ticket, E.RECALL, actor, TicketStatus.NEW, details, at)


def accepted(
    ticket: Ticket, actor: User, assignment: Assignment, *, to_status: str, at: datetime
) -> TicketEvent:
    return _moved(ticket, E.ACCEPT, actor, to_status, _assignment(assignment), at)


def returned(
    ticket: Ticket,
    actor: User,
    assignment: Assignment,
    *,
    reason: str,
    previous: str,
    to_status: str,
    at: datetime,
) -> TicketEvent:
    """`previous` and the ticket's status before are kept: a rejected return restores both."""
    details = {
        **_assignment(assignment),
        "reason": reason,
        "previous": previous,
        "ticket_previous": ticket.status,
    }
    return _moved(ticket, E.RETURN, actor, to_status, details, at)


def last_return(ticket: Ticket, assignment: Assignment) -> TicketEvent | None:
    return (
        TicketEvent.objects.filter(ticket=ticket, action=E.RETURN, details__assignment=assignment.pk)
        .order_by("-pk")
        .first()
    )


def return_reviewed(
    ticket: Ticket,
    actor: User,
    assignment: Assignment,
    *,
    uphold: bool,
    note: str,
    to_status: str,
    at: datetime,
    category: tuple[int | None, int] | None = None,
    time_lost: dict[str, Any] | None = None,
    lead: Assignment | None = None,
    co: Iterable[Assignment] | None = None,
) -> TicketEvent:
    """A return decided; upheld, with the time lost, a corrected category and the new assignments."""
    details: dict[str, Any] = {**_assignment(assignment), "uphold": uphold, "note": note}
    if category is not None:
        details["category"] = {"from": category[0], "to": category[1]}
    if time_lost is not None:
        details["time_lost"] = time_lost
    if lead is not None:
        details |= {"lead": lead.department.code}
    if co is not None:
        details["co"] = [a.department.code for a in co]
    if lead is not None:
        details |= deadline_details(lead)
    return _moved(ticket, E.REVIEW_RETURN, actor, to_status, details, at)


def co_answered(ticket: Ticket, actor: User, assignment: Assignment, *, at: datetime) -> TicketEvent:
    return _moved(ticket, E.ANSWER, actor, ticket.status, _assignment(assignment), at)


# --- invalid appeals and merging -----------------------------------------------------------------


def invalidation_requested(
    ticket: Ticket, actor: User, *, request_id: int, reason: str, at: datetime
) -> TicketEvent:
    details = {"request": request_id, "reason": reason}
    return _moved(ticket, E.REQUEST_INVALIDATION, actor, ticket.status, details, at)


def invalidation_decided(
    ticket: Ticket,
    actor: User,
    *,
    request_id: int,
    confirmed: bool,
    reason: str,
    note: str,
    withdrawn: int | None,
    at: datetime,
) -> TicketEvent:
    details: dict[str, Any] = {"request": request_id, "confirmed": confirmed, "reason": reason, "note": note}
    if withdrawn is not None:
        details["withdrawn_assignments"] = withdrawn
    to_status = TicketStatus.INVALID if confirmed else ticket.status
    return _moved(ticket, E.CONFIRM_INVALIDATION, actor, to_status, details, at)


def merged(
    ticket: Ticket, actor: User, *, into: Ticket, withdrawn: int, note: str, at: datetime
) -> tuple[TicketEvent, TicketEvent]:
    """A duplicate merged into another ticket: it is `merged` (terminal until un-merged); the ticket
    it joined names which ticket joined it and stays in its status, changed (its appellants are
    more) at `at`. One line on each timeline."""
    details = {"into": into.pk, "into_number": into.number, "withdrawn_assignments": withdrawn, "note": note}
    own = _moved(ticket, E.MERGE, actor, TicketStatus.MERGED, details, at)
    joined = {"joined": ticket.pk, "joined_number": ticket.number, "note": note}
    return own, _moved(into, E.MERGE, actor, into.status, joined, at)


def unmerged(
    ticket: Ticket, actor: User, *, former: Ticket, note: str, at: datetime
) -> tuple[TicketEvent, TicketEvent]:
    """A merge undone: the duplicate is a ticket of its own again and waits for dispatch (`new`);
    the ticket it had joined notes that it let it go. One line on each timeline."""
    own = _moved(
        ticket,
        E.UNMERGE,
        actor,
        TicketStatus.NEW,
        {"from": former.pk, "from_number": former.number, "note": note},
        at,
    )
    other = _noted(
        former, E.UNMERGE, actor, {"released": ticket.pk, "released_number": ticket.number, "note": note}, at
    )
    return own, other


def linked(
    ticket: Ticket, actor: User, *, other: Ticket, note: str, at: datetime, removed: bool = False
) -> tuple[TicketEvent, TicketEvent]:
    """Two tickets linked as related (关联), or the link removed: one line on each timeline, naming
    the other ticket. Neither ticket moves."""
    type_ = E.UNLINK if removed else E.LINK

    def details(of: Ticket) -> dict[str, Any]:
        return {"other": of.pk, "other_number": of.number, "note": note}

    return (
        _noted(ticket, type_, actor, details(other), at),
        _noted(other, type_, actor, details(ticket), at),
    )


# --- the clock -----------------------------------------------------------------------------------


def suspended(
    ticket: Ticket,
    actor: User,
    assignment: Assignment,
    *,
    suspension_id: int,
    reason: str,
    note: str,
    at: datetime,
) -> TicketEvent:
    details = {"suspension": suspension_id, **_assignment(assignment), "reason": reason, "note": note}
    return _moved(ticket, E.SUSPEND, actor, ticket.status, details, at)


def resumed(
    ticket: Ticket,
    actor: User,
    assignment: Assignment,
    *,
    suspension_id: int | None,
    paused_seconds: int,
    previous_due_at: datetime,
    note: str,
    at: datetime,
) -> TicketEvent:
    details = {
        "suspension": suspension_id,
        **_assignment(assignment),
        "paused_seconds": paused_seconds,
        "previous_due_at": previous_due_at.isoformat(),
        **deadline_details(assignment),
        "note": note,
    }
    return _moved(ticket, E.RESUME, actor, ticket.status, details, at)


def extension_requested(
    ticket: Ticket,
    actor: User,
    assignment: Assignment,
    *,
    extension_id: int,
    reason: str,
    requested_due_at: datetime,
    at: datetime,
) -> TicketEvent:
    details = {
        "extension": extension_id,
        **_assignment(assignment),
        "reason": reason,
        "due_at": assignment.due_at.isoformat(),
        "requested_due_at": requested_due_at.isoformat(),
    }
    return _moved(ticket, E.REQUEST_EXTENSION, actor, ticket.status, details, at)


def extension_reviewed(
    ticket: Ticket,
    actor: User,
    assignment: Assignment,
    *,
    extension_id: int,
    approved: bool,
    note: str,
    previous_due_at: datetime | None,
    at: datetime,
) -> TicketEvent:
    """`previous_due_at` only when approved: the handling deadline moved from there to `due_at`."""
    details: dict[str, Any] = {
        "extension": extension_id,
        **_assignment(assignment),
        "approved": approved,
        "note": note,
    }
    if previous_due_at is not None:
        details |= {"due_at": assignment.due_at.isoformat(), "previous_due_at": previous_due_at.isoformat()}
    return _moved(ticket, E.REVIEW_EXTENSION, actor, ticket.status, details, at)


# --- answers -------------------------------------------------------------------------------------


def replied(
    ticket: Ticket,
    actor: User,
    *,
    reply_id: int,
    department_code: str,
    callback_due: tuple[datetime, bool],
    at: datetime,
) -> TicketEvent:
    """`callback_due`: when the callback is due, and whether that was computed with an assumed calendar."""
    due, assumed = callback_due
    details: dict[str, Any] = {
        "reply": reply_id,
        "department": department_code,
        "callback_due_at": due.isoformat(),
    }
    if assumed:
        details["deadline_assumed"] = True
    return _moved(ticket, E.REPLY, actor, TicketStatus.REPLIED, details, at)


def reply_returned(
    ticket: Ticket, actor: User, *, reply_id: int, reason: str, reopened_to: Assignment, at: datetime
) -> TicketEvent:
    """The lead's reply `reply_id` sent back to it to answer again (退回重答): why, and the lead
    assignment that handles the ticket again, with its new deadline."""
    details: dict[str, Any] = {"reply": reply_id, "reason": reason}
    details |= {"department": reopened_to.department.code, **deadline_details(reopened_to)}
    return _moved(ticket, E.RETURN_REPLY, actor, TicketStatus.REOPENED, details, at)


def answered_on_spot(
    ticket: Ticket,
    actor: User,
    *,
    reply_id: int,
    at: datetime,
    article: tuple[int, int, str] | None = None,
) -> TicketEvent:
    """`article`: (id, version, title as it was) of the knowledge-base article the answer came from."""
    details: dict[str, Any] = {"reply": reply_id}
    if article is not None:
        details |= {"article": article[0], "article_version": article[1], "article_title": article[2]}
    return _moved(ticket, E.ANSWER_ON_SPOT, actor, TicketStatus.ANSWERED, details, at)


def _appellant(appeal_id: int | None, covered: Sequence[int]) -> dict[str, Any]:
    """Whom a callback or an attempt was with: `appeal` names them, `appeals` lists what it covers
    when one person has several appeals on the ticket."""
    details: dict[str, Any] = {}
    if appeal_id is not None:
        details["appeal"] = appeal_id
    if len(covered) > 1:
        details["appeals"] = list(covered)
    return details


def called_back(
    ticket: Ticket,
    actor: User,
    *,
    callback_id: int,
    resolution: str,
    satisfaction: str,
    to_status: str,
    reopened_to: Assignment | None,
    at: datetime,
    appeal_id: int | None = None,
    covered: Sequence[int] = (),
) -> TicketEvent:
    """`reopened_to`: the lead assignment that handles the ticket again (重办), with its new deadline;
    `appeal_id`: the appellant called back; `covered`: every appeal of theirs (one phone number,
    `feedback.selectors.people`), listed as `appeals` when there are several."""
    details: dict[str, Any] = {
        "callback": callback_id,
        "resolution": resolution,
        "satisfaction": satisfaction,
    }
    details |= _appellant(appeal_id, covered)
    if reopened_to is not None:
        details |= {"department": reopened_to.department.code, **deadline_details(reopened_to)}
    return _moved(ticket, E.CALLBACK, actor, to_status, details, at)


def callback_attempted(
    ticket: Ticket,
    actor: User,
    *,
    attempt: int,
    note: str,
    retry_at: datetime,
    at: datetime,
    appeal_id: int | None = None,
    covered: Sequence[int] = (),
) -> TicketEvent:
    """An appellant (`appeal_id`, with every appeal of theirs `covered`, as in `called_back`) could
    not be reached (回访未接通): the `attempt`-th try since the ticket was last answered, and when to
    try again. The ticket stays where it is, waiting for its callback."""
    details: dict[str, Any] = {"attempt": attempt, "note": note, "retry_at": retry_at.isoformat()}
    details |= _appellant(appeal_id, covered)
    return _moved(ticket, E.CALLBACK_ATTEMPT, actor, ticket.status, details, at)


def closed(
    ticket: Ticket,
    actor: User,
    *,
    callback_id: int | None,
    note: str,
    at: datetime,
    no_contact: bool = False,
) -> TicketEvent:
    """Closed after its callback (`callback_id`), or without one when nobody left a number to be
    called back on (`no_contact`: 无法回访)."""
    details: dict[str, Any] = {"callback": callback_id, "note": note}
    if no_contact:
        details["no_contact"] = True
    return _moved(ticket, E.CLOSE, actor, TicketStatus.CLOSED, details, at)


# --- supervision ---------------------------------------------------------------------------------


def supervised(
    ticket: Ticket,
    actor: User,
    *,
    supervision_id: int,
    kind: str,
    reason: str,
    text: str,
    department_code: str | None,
    deadline: datetime | None,
    at: datetime,
) -> TicketEvent:
    details = {
        "supervision": supervision_id,
        "kind": kind,
        "reason": reason,
        "text": text,
        "department": department_code,
        "deadline": deadline.isoformat() if deadline else None,
    }
    return _noted(ticket, E.SUPERVISE, actor, details, at)


def supervised_by_sweep(supervisions: QuerySet[Any], *, at: datetime) -> int:
    """One `supervise` event per supervision in `supervisions` (rows of `supervision.Supervision`
    that the sweep opened), written in one INSERT ... SELECT; returns how many. The department is
    named by its code, as in a supervision opened by hand."""
    return insert_select(
        TicketEvent,
        supervisions,
        {
            "ticket": F("ticket_id"),
            "action": Value(E.SUPERVISE.value),
            "actor": None,
            "at": at,
            "from_status": F("ticket__status"),
            "to_status": F("ticket__status"),
            "details": JSONObject(
                supervision=F("pk"),
                kind=F("kind"),
                reason=F("reason"),
                department=F("department__code"),
                by=Value("sweep"),
            ),
        },
    )


def supervision_resolved(
    ticket: Ticket, actor: User, *, supervision_id: int, kind: str, note: str, at: datetime
) -> TicketEvent:
    details = {"supervision": supervision_id, "kind": kind, "note": note}
    return _noted(ticket, E.RESOLVE_SUPERVISION, actor, details, at)


def supervisions_resolved_by_sweep(supervisions: QuerySet[Any], *, note: str, at: datetime) -> int:
    """`supervision_resolved` for each supervision in `supervisions` (rows of
    `supervision.Supervision` that the sweep closed), in one INSERT ... SELECT; returns how many.
    By no one and marked as the sweep's, as `supervised_by_sweep`."""
    return insert_select(
        TicketEvent,
        supervisions,
        {
            "ticket": F("ticket_id"),
            "action": Value(E.RESOLVE_SUPERVISION.value),
            "actor": None,
            "at": at,
            "from_status": F("ticket__status"),
            "to_status": F("ticket__status"),
            "details": JSONObject(supervision=F("pk"), kind=F("kind"), note=Value(note), by=Value("sweep")),
        },
    )


def repetition_reviewed(
    ticket: Ticket,
    actor: User,
    *,
    flag_id: int,
    kind: str,
    count: int,
    outcome: str,
    note: str,
    at: datetime,
) -> TicketEvent:
    """A person read a repetition the counters flagged (supervision.repetition) and said what it is."""
    details = {"repetition": flag_id, "kind": kind, "count": count, "outcome": outcome, "note": note}
    return _noted(ticket, E.REVIEW_REPETITION, actor, details, at)


# --- reading the timeline ------------------------------------------------------------------------


def of_type(*types: EventType) -> Q:
    """A filter on `TicketEvent` for events of these types."""
    return Q(action__in=[t.value for t in types])
