"""The ticket's JSON: a list row (`TicketSummary`) and the whole ticket (`TicketDetail`).

The tickets come from `tickets.selectors` (`with_list_relations` for a list, `ticket_with_history`
for one ticket) with everything shown already loaded; the builders here only read it."""

from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, prefetch_related_objects

from hotline.accounts.models import User
from hotline.citizen_messages.models import CitizenMessage
from hotline.citizen_messages.selectors import messages_of, shown
from hotline.core.api import category_ref, department_ref, ticket_ref
from hotline.core.enums import (
    AssignmentRole,
    AssignmentStatus,
    CitizenMedium,
    CitizenMessageKind,
    CitizenMessageState,
    DelayCause,
    Resolution,
    Satisfaction,
    SuspensionReason,
)
from hotline.core.phone import mask_numbers, mask_phone
from hotline.feedback import quality
from hotline.feedback.models import Callback, Reply, ReplyCheck
from hotline.feedback.selectors import merged_appeals
from hotline.intake.models import Appeal
from hotline.sla.models import Extension, Suspension, TimeLost
from hotline.tickets import selectors
from hotline.tickets.models import Assignment, InvalidationRequest, Ticket, TicketEvent, linked_ids
from hotline.tickets.schemas import (
    AppealOut,
    AssignmentOut,
    CallbackOut,
    CitizenMessageOut,
    EventOut,
    ExtensionOut,
    InvalidationRequestOut,
    MergedAppealOut,
    ReplyOut,
    ReplyQualityOut,
    SuspensionOut,
    TicketDetail,
    TicketSummary,
    TimeLostOut,
)
from hotline.tickets.transitions import allowed_actions


def ticket_summary(ticket: Ticket) -> TicketSummary:
    """A list row. The citizen's phone is masked, always: full numbers only on a ticket's own page;
    the numbers in its title too (`listed_title`)."""
    return TicketSummary(
        **_summary_fields(ticket, show_phone=False, hidden=selectors.callers_of(ticket.appeals.all()))
    )


def listed_title(item: Ticket | Appeal) -> str:
    """A ticket's or an appeal's title where tickets are listed (the list and its export, the API's
    list, the rankings' and the hot spots' tickets, a ticket's links), with every number in it
    masked whoever reads it, as the list masks the caller's phone for every role: a citizen writes
    "请回电139…" in the title on the portal. Full numbers only on a ticket's own page, to a role
    that calls citizens back (`ticket_detail`). A ticket's callers are those of its appeals, which
    a list loads with it (`selectors.with_list_relations`)."""
    if isinstance(item, Appeal):
        return _words(item.title, selectors.callers_of([item]))
    return _words(item.title, selectors.callers_of(item.appeals.all()))


def listed_address(ticket: Ticket) -> str:
    """A ticket's address where tickets are listed or exported, masked as `listed_title` is: the
    caller's words too ("西山路8号 联系139…")."""
    return _words(ticket.address, selectors.callers_of(ticket.appeals.all()))


def listed_titles(tickets: Iterable[Ticket]) -> dict[int, str]:
    """`listed_title` of each of `tickets` (not from a queryset: found by the duplicate search), by
    id, their callers' numbers read in one query."""
    tickets = list(tickets)
    prefetch_related_objects(tickets, callers_loaded(""))
    return {ticket.pk: listed_title(ticket) for ticket in tickets}


def callers_loaded(tickets: str) -> Prefetch[Any]:
    """The prefetch, on a queryset whose tickets are at the path `tickets` ("": the tickets
    themselves), of what `listed_title` and `selectors.callers_of` read of their appeals (the
    callers' numbers): one query for a page of rows, whatever its size."""
    path = f"{tickets}__appeals" if tickets else "appeals"
    return Prefetch(path, queryset=Appeal.objects.only("pk", "ticket_id", "citizen_phone"))


def ticket_detail(user: User, ticket_id: int, *, mask_phones: bool = False) -> TicketDetail:
    """The whole ticket as `user` may see it; NotFound when they may not see it at all.
    `mask_phones`: masked even for a role that may see them (the pages unmask one on request, and
    record it: `intake.actions.do_reveal_phone`)."""
    loaded = selectors.ticket_with_history(user, ticket_id)
    ticket, show_phone = loaded.ticket, loaded.show_phone and not mask_phones
    appeals, merged = list(ticket.appeals.all()), list(merged_appeals(ticket))
    # A role that may never see a caller's number (a leader) does not read it in the callers' words
    # either (the titles too: "请回电139…" is written on the portal): there every number is masked,
    # as in a text shown to the public; nor in what staff wrote (notes, reasons, replies), where the
    # callers' numbers and mobiles are. A role that calls citizens reads them as written.
    hidden = None if loaded.show_phone else selectors.callers_of([*appeals, *merged])
    return TicketDetail(
        **_summary_fields(ticket, show_phone=show_phone, hidden=hidden),
        content=_words(ticket.content, hidden),
        allowed_actions=allowed_actions(user, ticket),
        appeals=[_appeal_out(a, show_phone=show_phone, hidden=hidden) for a in appeals],
        merged_appeals=[
            MergedAppealOut(
                **_appeal_out(a, show_phone=show_phone, hidden=hidden).model_dump(),
                ticket=ticket_ref(a.ticket),
            )
            for a in merged
        ],
        links=[
            ticket_ref(t)
            for t in selectors.visible_tickets(user).filter(pk__in=linked_ids(ticket.pk)).order_by("pk")
        ],
        assignments=[_assignment_out(a, hidden) for a in ticket.assignments.all()],
        replies=[_reply_out(r, hidden) for r in ticket.replies.all()],
        callbacks=[_callback_out(c, hidden) for c in ticket.callbacks.all()],
        invalidation_requests=[_invalidation_out(r, hidden) for r in ticket.invalidation_requests.all()],
        callback_due_at=ticket.callback_due_at,
        suspensions=[_suspension_out(x, hidden) for x in loaded.suspensions],
        extensions=[_extension_out(x, hidden) for x in loaded.extensions],
        time_lost=[_time_lost_out(x) for x in ticket.time_lost.all()],
        citizen_messages=[_citizen_message_out(m) for m in messages_of(ticket)],
        events=[_event_out(e, hidden) for e in ticket.events.all()],
    )


def _citizen_message_out(m: CitizenMessage) -> CitizenMessageOut:
    return CitizenMessageOut(
        id=m.pk,
        kind=CitizenMessageKind(m.kind),
        appeal_id=m.appeal_id,
        ticket=ticket_ref(m.appeal.ticket),
        citizen_name=m.appeal.citizen_name,
        medium=CitizenMedium(m.medium),
        to=shown(m).to,
        state=CitizenMessageState(m.state),
        attempts=m.attempts,
        detail=m.detail,
        created_at=m.created_at,
        sent_at=m.sent_at,
    )


def _username(user: User | None) -> str | None:
    return user.username if user is not None else None


def _summary_fields(ticket: Ticket, *, show_phone: bool, hidden: set[str] | None) -> dict[str, Any]:
    appeals = list(ticket.appeals.all())
    first = appeals[0] if appeals else None
    lead = ticket.lead_assignment
    phone = first.citizen_phone if first else ""
    return {
        "id": ticket.pk,
        "number": ticket.number,
        "status": ticket.status,
        "kind": ticket.kind,
        "urgency": ticket.urgency,
        "is_complex": ticket.is_complex,
        "title": _words(ticket.title, hidden),
        # A caller's words too ("西山路8号 联系139…"), masked as the title is.
        "address": _words(ticket.address, hidden),
        "category": category_ref(ticket.category),
        "area": department_ref(ticket.area),
        "lead_department": department_ref(lead.department if lead else None),
        "due_at": lead.due_at if lead else None,
        "citizen_name": first.citizen_name if first else "",
        "citizen_phone": phone if show_phone else mask_phone(phone),
        "appeal_count": len(appeals),
        "reopen_count": ticket.reopen_count,
        "merged_into": ticket_ref(ticket.merged_into),
        "created_at": ticket.created_at,
        "updated_at": ticket.updated_at,
        "closed_at": ticket.closed_at,
    }


def _words(text: str, hidden: set[str] | None) -> str:
    """A caller's words as the reader may read them: as written, or with every number in them
    masked (`hidden`: the callers' numbers, masked however they are written there)."""
    return text if hidden is None else mask_numbers(text, citizen=hidden, citizen_text=True)


def _staff(text: str, hidden: set[str] | None) -> str:
    """What staff wrote (a note, a reason, a reply) as the reader may read it: as written, or with
    the callers' numbers (`hidden`) and any mobile number in it masked (`core.phone.mask_numbers`:
    the offices' lines a reply names stay)."""
    return text if hidden is None or not text else mask_numbers(text, citizen=hidden)


def _appeal_out(a: Appeal, *, show_phone: bool, hidden: set[str] | None = None) -> AppealOut:
    return AppealOut(
        id=a.pk,
        channel=a.channel,
        external_id=a.external_id,
        citizen_name=a.citizen_name,
        citizen_phone=a.citizen_phone if show_phone else mask_phone(a.citizen_phone),
        phone_masked=not show_phone and bool(a.citizen_phone),
        title=_words(a.title, hidden),
        content=_words(a.content, hidden),
        address=_words(a.address, hidden),
        latitude=a.latitude,
        longitude=a.longitude,
        received_at=a.received_at,
    )


def _assignment_out(a: Assignment, hidden: set[str] | None = None) -> AssignmentOut:
    return AssignmentOut(
        id=a.pk,
        department=department_ref(a.department),
        role=AssignmentRole(a.role),
        status=AssignmentStatus(a.status),
        dispatched_at=a.dispatched_at,
        due_at=a.due_at,
        original_due_at=a.original_due_at,
        sign_due_at=a.sign_due_at,
        response_due_at=a.response_due_at,
        deadline_assumed=a.deadline_assumed,
        paused_since=a.paused_since,
        overdue_at=a.overdue_at,
        accepted_at=a.accepted_at,
        accepted_by=_username(a.accepted_by),
        return_reason=_staff(a.return_reason, hidden),
        returned_at=a.returned_at,
        answer=_staff(a.answer, hidden),
        answered_at=a.answered_at,
        answered_by=_username(a.answered_by),
    )


def _reply_out(r: Reply, hidden: set[str] | None = None) -> ReplyOut:
    return ReplyOut(
        id=r.pk,
        department=department_ref(r.department),
        text=_staff(r.text, hidden),
        replied_by=_username(r.replied_by),
        replied_at=r.replied_at,
        quality=reply_quality_out(r),
    )


def reply_quality_out(r: Reply) -> ReplyQualityOut | None:
    try:
        check = r.quality
    except ReplyCheck.DoesNotExist:
        return None
    return ReplyQualityOut(
        relevance=check.relevance,
        completeness=check.completeness,
        interpretability=check.interpretability,
        weak=check.weak,
        reasons=quality.sentences(check.reasons),  # in the request's language
        checked_at=check.checked_at,
        reviewed_by=_username(check.reviewed_by),
        reviewed_at=check.reviewed_at,
        review_note=check.review_note,
        returned=check.returned,
    )


def _callback_out(c: Callback, hidden: set[str] | None = None) -> CallbackOut:
    return CallbackOut(
        id=c.pk,
        reply_id=c.reply_id,
        appeal_id=c.appeal_id,
        resolution=Resolution(c.resolution),
        satisfaction=Satisfaction(c.satisfaction),
        note=_staff(c.note, hidden),
        reopened=c.reopened,
        called_by=_username(c.called_by),
        called_at=c.called_at,
    )


def _invalidation_out(r: InvalidationRequest, hidden: set[str] | None = None) -> InvalidationRequestOut:
    return InvalidationRequestOut(
        id=r.pk,
        reason=_staff(r.reason, hidden),
        requested_by=r.requested_by.username,
        requested_at=r.requested_at,
        decided_by=_username(r.decided_by),
        decided_at=r.decided_at,
        confirmed=r.confirmed,
        lapsed_at=r.lapsed_at,
    )


def _suspension_out(x: Suspension, hidden: set[str] | None = None) -> SuspensionOut:
    return SuspensionOut(
        id=x.pk,
        assignment_id=x.assignment_id,
        reason=SuspensionReason(x.reason),
        note=_staff(x.note, hidden),
        started_at=x.started_at,
        started_by=x.started_by.username,
        ended_at=x.ended_at,
        ended_by=_username(x.ended_by),
        paused_seconds=int(x.paused.total_seconds()) if x.paused is not None else None,
    )


def _extension_out(x: Extension, hidden: set[str] | None = None) -> ExtensionOut:
    return ExtensionOut(
        id=x.pk,
        assignment_id=x.assignment_id,
        reason=_staff(x.reason, hidden),
        previous_due_at=x.previous_due_at,
        requested_due_at=x.requested_due_at,
        requested_by=x.requested_by.username,
        requested_at=x.requested_at,
        approved=x.approved,
        decided_by=_username(x.decided_by),
        decided_at=x.decided_at,
        granted_due_at=x.granted_due_at,
        decision_note=_staff(x.decision_note, hidden),
        withdrawn=x.withdrawn,
    )


def _time_lost_out(x: TimeLost) -> TimeLostOut:
    return TimeLostOut(
        assignment_id=x.assignment_id,
        cause=DelayCause(x.cause),
        department=department_ref(x.department),
        dispatcher=_username(x.dispatcher),
        started_at=x.started_at,
        ended_at=x.ended_at,
        elapsed_seconds=int(x.elapsed.total_seconds()),
        working_seconds=int(x.working_time.total_seconds()),
    )


# The words people wrote in a timeline line's details (the rest are ids, numbers of tickets, codes).
_WRITTEN = ("note", "reason", "text", "answer")


def _event_out(e: TicketEvent, hidden: set[str] | None = None) -> EventOut:
    return EventOut(
        id=e.pk,
        action=e.action,
        actor=_username(e.actor),
        at=e.at,
        from_status=e.from_status,
        to_status=e.to_status,
        details=e.details if hidden is None else _written_masked(e.details, hidden),
    )


def _written_masked(details: dict[str, Any], hidden: set[str]) -> dict[str, Any]:
    return {k: _staff(v, hidden) if k in _WRITTEN and isinstance(v, str) else v for k, v in details.items()}
