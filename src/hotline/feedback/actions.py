"""Answers and their follow-up: the lead department's reply to the citizen (答复), the operator's
answer on the spot (直接答复), the satisfaction callback (回访, which may reopen the ticket: 重办),
a callback that did not reach the citizen (回访未接通, tried again later) and closing (办结).

Each is a `@transition` of the ticket (`tickets.transitions`) and writes one timeline event.
"""

from datetime import datetime

from django.utils.translation import gettext as _

from hotline.accounts.models import User
from hotline.core import clock
from hotline.core.enums import (
    OPEN_ASSIGNMENT_STATUSES,
    AssignmentRole,
    AssignmentStatus,
    Kind,
    Resolution,
    Satisfaction,
    TicketStatus,
)
from hotline.core.errors import ActionNotAllowed, InvalidInput
from hotline.feedback.models import Callback, Reply
from hotline.feedback.selectors import callback_attempts, retry_delay
from hotline.sla.selectors import callback_due_for, deadlines_for
from hotline.tickets import events
from hotline.tickets.models import Assignment, Ticket
from hotline.tickets.transitions import actor_assignment, answer, not_suspended, require_text, transition

S = TicketStatus


@transition("reply")
def do_reply_ticket(ticket: Ticket, actor: User, *, text: str) -> Ticket:
    """The lead department answers the citizen (答复); every co-handler must have answered first."""
    text = require_text(text, "text")
    lead = actor_assignment(ticket, actor, "reply")
    if lead.role != AssignmentRole.LEAD:
        raise ActionNotAllowed(_("只有主办单位可以答复诉求人；协办单位请使用“反馈”（answer）"))
    waiting = list(
        ticket.assignments.filter(role=AssignmentRole.CO, status__in=list(OPEN_ASSIGNMENT_STATUSES))
        .select_related("department")
        .values_list("department__name", flat=True)
    )
    if waiting:
        raise ActionNotAllowed(_("协办单位尚未反馈：%(names)s") % {"names": "、".join(waiting)})
    not_suspended(lead)
    now = clock.now()
    answer(lead, actor, text, now)
    reply = Reply.objects.create(
        ticket=ticket, department=lead.department, text=text, replied_by=actor, replied_at=now
    )
    callback = callback_due_for(ticket, lead.department, now)
    ticket.callback_due_at = callback.value
    events.replied(
        ticket,
        actor,
        reply_id=reply.pk,
        department_code=lead.department.code,
        callback_due=(callback.value, callback.assumed),
        at=now,
    )
    return ticket


@transition("answer_on_spot")
def do_answer_on_spot(ticket: Ticket, actor: User, *, text: str) -> Ticket:
    """The operator answers a consultation directly (直接答复), without dispatching it."""
    if ticket.kind != Kind.CONSULTATION:
        raise ActionNotAllowed(_("只有咨询类诉求可以直接答复"))
    text = require_text(text, "text")
    now = clock.now()
    reply = Reply.objects.create(ticket=ticket, department=None, text=text, replied_by=actor, replied_at=now)
    events.answered_on_spot(ticket, actor, reply_id=reply.pk, at=now)
    return ticket


def _reopen_to_lead(ticket: Ticket, at: datetime) -> Assignment | None:
    """重办: the lead handles the ticket again under a new handling deadline (sign-off was done the
    first time). None when the ticket was answered on the spot: it goes to dispatch like a new one."""
    lead = ticket.lead_assignment
    if ticket.status != S.REPLIED or lead is None:
        return None
    deadlines, _terms = deadlines_for(ticket, lead.department, at)
    lead.status = AssignmentStatus.ACCEPTED
    lead.due_at = lead.original_due_at = deadlines.due_at
    lead.deadline_assumed = deadlines.assumed
    lead.overdue_at = None
    lead.save()
    return lead


@transition("callback")
def do_record_callback(
    ticket: Ticket, actor: User, *, resolution: str, satisfaction: str, note: str = ""
) -> Ticket:
    """Record the satisfaction callback (回访). Unsatisfied reopens the ticket to the lead (重办)."""
    if resolution not in Resolution.values:
        raise InvalidInput(_("resolution: 应为 %(values)s 之一") % {"values": ", ".join(Resolution.values)})
    if satisfaction not in Satisfaction.values:
        raise InvalidInput(
            _("satisfaction: 应为 %(values)s 之一") % {"values": ", ".join(Satisfaction.values)}
        )
    now = clock.now()
    reopen = satisfaction == Satisfaction.UNSATISFIED
    callback = Callback.objects.create(
        ticket=ticket,
        reply=ticket.replies.order_by("-pk").first(),
        resolution=resolution,
        satisfaction=satisfaction,
        note=note.strip(),
        reopened=reopen,
        called_by=actor,
        called_at=now,
    )
    to, lead = ticket.status, None
    if reopen:
        ticket.reopen_count += 1
        lead = _reopen_to_lead(ticket, now)
        to = S.REOPENED if lead is not None else S.NEW
    events.called_back(
        ticket,
        actor,
        callback_id=callback.pk,
        resolution=resolution,
        satisfaction=satisfaction,
        to_status=to,
        reopened_to=lead,
        at=now,
    )
    return ticket


@transition("callback_attempt")
def do_record_callback_attempt(ticket: Ticket, actor: User, *, note: str = "") -> Ticket:
    """The citizen could not be reached for the callback (回访未接通). The ticket stays where it is;
    the attempt is counted (since the ticket was last answered) and the next call is due after
    `settings.HOTLINE["CALLBACK_RETRY_HOURS"]`."""
    now = clock.now()
    events.callback_attempted(
        ticket,
        actor,
        attempt=callback_attempts(ticket) + 1,
        note=note.strip(),
        retry_at=now + retry_delay(),
        at=now,
    )
    return ticket


@transition("close")
def do_close_ticket(ticket: Ticket, actor: User, *, note: str = "") -> Ticket:
    """Close a replied ticket (办结) once a callback after the last reply has been recorded."""
    last_reply = ticket.replies.order_by("-pk").first()
    callback = ticket.callbacks.filter(reopened=False, reply=last_reply).order_by("-pk").first()
    if callback is None:
        raise ActionNotAllowed(_("工单 %(number)s 尚未回访，不能办结") % {"number": ticket.number})
    events.closed(ticket, actor, callback_id=callback.pk, note=note, at=clock.now())
    return ticket
