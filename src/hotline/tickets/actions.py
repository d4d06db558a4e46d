"""Dispatch and handling (派单, 签收, 退单, 协办反馈), invalid appeals, merging and linking: the
actions of the ticket's middle stage. Each is a `@transition`: one transaction, the actor's role,
the row lock and the state checked once, then exactly one timeline event (`tickets.events`) on the
ticket, and for the actions on a pair that both keep (un-merge, link, unlink) one on the other
ticket too. A refused action raises `ActionNotAllowed` (state), `Forbidden` (role or department)
or `InvalidInput` (fields) and changes nothing.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import Min
from django.utils.translation import gettext as _

from hotline.accounts.models import User
from hotline.citizen_messages.actions import cancel_for_unmerge
from hotline.citizen_messages.outbox import tell_dispatched
from hotline.core import clock
from hotline.core.enums import (
    NOT_MERGEABLE_INTO,
    OPEN_ASSIGNMENT_STATUSES,
    AssignmentRole,
    AssignmentStatus,
    Kind,
    TicketStatus,
    Urgency,
)
from hotline.core.errors import ActionNotAllowed, Forbidden, HotlineError, InvalidInput
from hotline.directory.models import Department
from hotline.feedback.selectors import MAX_MERGE_DEPTH
from hotline.sla.selectors import deadlines_for_many
from hotline.sla.suspensions import end_suspension, record_time_lost
from hotline.tickets import events
from hotline.tickets.models import Assignment, InvalidationRequest, Ticket, TicketLink, waiting_since
from hotline.tickets.transitions import (
    active_category,
    active_departments,
    actor_assignment,
    answer,
    check_state,
    listed,
    locked,
    not_suspended,
    pending_invalidations,
    require_text,
    transition,
)

S = TicketStatus


def _new_assignments(
    ticket: Ticket, actor: User, roles: Iterable[tuple[Department, str]], at: datetime
) -> list[Assignment]:
    """Assignments (a department and its role each), each with its own deadlines from the deadline
    policies that match it (sla), in one statement."""
    roles = list(roles)
    if not roles:
        return []
    found = deadlines_for_many(ticket, [department for department, _role in roles], at)
    return Assignment.objects.bulk_create(
        [
            Assignment(
                ticket=ticket,
                department=department,
                role=role,
                dispatched_at=at,
                dispatched_by=actor,
                sign_due_at=deadlines.sign_due_at,
                response_due_at=deadlines.response_due_at,
                due_at=deadlines.due_at,
                original_due_at=deadlines.due_at,
                deadline_assumed=deadlines.assumed,
            )
            for (department, role), (deadlines, _terms) in zip(roles, found, strict=True)
        ]
    )


def _create_assignments(
    ticket: Ticket, actor: User, lead: Department, co: Iterable[Department], at: datetime
) -> tuple[Assignment, list[Assignment]]:
    """A dispatch's lead and co-handling assignments, in one statement."""
    roles = [(lead, AssignmentRole.LEAD), *((dept, AssignmentRole.CO) for dept in co)]
    made = _new_assignments(ticket, actor, roles, at)
    return made[0], made[1:]


def _resolve_departments(lead_id: int, co_ids: Iterable[int]) -> tuple[Department, list[Department]]:
    co_ids = list(dict.fromkeys(co_ids))
    found = active_departments([lead_id, *co_ids])
    (lead,) = listed(found, [lead_id], "lead_department_id")
    if lead_id in co_ids:
        raise InvalidInput(_("co_department_ids: 主办单位不能同时作为协办单位"))
    return lead, listed(found, co_ids, "co_department_ids")


def _busy_departments(ticket: Ticket) -> set[int]:
    """Departments still at work on the ticket: none may be given a second assignment on it."""
    return set(
        ticket.assignments.filter(status__in=list(OPEN_ASSIGNMENT_STATUSES)).values_list(
            "department_id", flat=True
        )
    )


def withdraw_open_assignments(ticket: Ticket, actor: User, at: datetime) -> int:
    """Withdraw what is still open (merge, invalidation); a stopped clock ends with its assignment."""
    open_ = ticket.assignments.filter(status__in=list(OPEN_ASSIGNMENT_STATUSES))
    for paused in open_.filter(paused_since__isnull=False).select_related("department"):
        end_suspension(paused, actor, at)
    return open_.update(status=AssignmentStatus.WITHDRAWN, paused_since=None)


# --- dispatch and handling -----------------------------------------------------------------------


@transition("dispatch")
def do_dispatch_ticket(
    ticket: Ticket,
    actor: User,
    *,
    lead_department_id: int,
    co_department_ids: Iterable[int] = (),
    category_id: int | None = None,
    kind: str | None = None,
    urgency: str | None = None,
    is_complex: bool | None = None,
    note: str = "",
    routed: dict[str, Any] | None = None,
) -> Ticket:
    """Send a new ticket to one lead department and any co-handling departments (派单). `routed`:
    routing's facts behind an automatic dispatch, kept with its line (routing.reasons)."""
    lead, co = _resolve_departments(lead_department_id, co_department_ids)
    if category_id is not None:
        ticket.category = active_category(category_id)
    if kind is not None:
        if kind not in Kind.values:
            raise InvalidInput(_("kind: 未知诉求类型 %(value)r") % {"value": kind})
        ticket.kind = kind
    if urgency is not None:
        if urgency not in Urgency.values:
            raise InvalidInput(_("urgency: 未知紧急程度 %(value)r") % {"value": urgency})
        ticket.urgency = urgency
    if is_complex is not None:
        ticket.is_complex = is_complex
    now = clock.now()
    made_lead, made_co = _create_assignments(ticket, actor, lead, co, now)
    events.dispatched(ticket, actor, lead=made_lead, co=made_co, note=note, routed=routed, at=now)
    # 转办告知 to every appellant, stored with the dispatch: the unit and the deadline just made.
    tell_dispatched(ticket, made_lead, actor, now)
    return ticket


@transition("recall")
def do_recall_dispatch(ticket: Ticket, actor: User, *, reason: str) -> Ticket:
    """Dispatch takes a ticket back before its lead department signed for it (撤回派单): sent to
    the wrong unit, or with the wrong category. Its open assignments are withdrawn (a stopped clock
    ends with its assignment) and it waits in the dispatch queue again (`new`), to be dispatched
    anew; the citizen is told the unit and the deadline of that dispatch as of any."""
    reason = require_text(reason, "reason")
    now = clock.now()
    withdrawn = list(
        ticket.assignments.filter(status__in=list(OPEN_ASSIGNMENT_STATUSES)).values_list(
            "department__code", flat=True
        )
    )
    withdraw_open_assignments(ticket, actor, now)
    events.recalled(ticket, actor, withdrawn=withdrawn, reason=reason, at=now)
    return ticket


@transition("accept")
def do_accept_assignment(ticket: Ticket, actor: User, *, assignment_id: int | None = None) -> Ticket:
    """A department signs for its assignment (签收). The lead's sign-off moves the ticket to handling."""
    assignment = actor_assignment(ticket, actor, "accept", assignment_id)
    now = clock.now()
    assignment.status = AssignmentStatus.ACCEPTED
    assignment.accepted_at = now
    assignment.accepted_by = actor
    assignment.save()
    to = (
        S.ACCEPTED
        if assignment.role == AssignmentRole.LEAD and ticket.status == S.DISPATCHED
        else ticket.status
    )
    events.accepted(ticket, actor, assignment, to_status=to, at=now)
    return ticket


@transition("return")
def do_return_assignment(
    ticket: Ticket, actor: User, *, reason: str, assignment_id: int | None = None
) -> Ticket:
    """A department disputes its assignment (退单). A lead's return sends the ticket back to dispatch."""
    reason = require_text(reason, "reason")
    assignment = actor_assignment(ticket, actor, "return", assignment_id)
    not_suspended(assignment)
    now = clock.now()
    previous = assignment.status
    assignment.status = AssignmentStatus.RETURNED
    assignment.return_reason = reason
    assignment.returned_at = now
    assignment.save()
    to = S.RETURNED if assignment.role == AssignmentRole.LEAD else ticket.status
    events.returned(ticket, actor, assignment, reason=reason, previous=previous, to_status=to, at=now)
    return ticket


@transition("review_return")
def do_review_return(
    ticket: Ticket,
    actor: User,
    *,
    assignment_id: int,
    uphold: bool,
    lead_department_id: int | None = None,
    co_department_ids: Iterable[int] = (),
    wrong_dispatch: bool = False,
    category_id: int | None = None,
    note: str = "",
) -> Ticket:
    """Dispatch reviews a return (异议审核).

    Upheld: the returned assignment is withdrawn and the ticket re-dispatched (a lead return needs a new
    lead department; a co return may name replacement co-handlers). The new assignments get fresh
    deadlines, and the time from the withdrawn assignment's dispatch until now is recorded as lost
    (`TimeLost`), against the department, or against the dispatcher who sent it there when
    `wrong_dispatch`. An upheld return may also correct the category (`category_id`): a department
    often returns a ticket because it was filed under the wrong one, and the correction is recorded
    (`category` in the event) so that routing can learn it. Rejected: the assignment goes back to the
    department as it was before the return, and the category stays; a rejection needs its reason
    (`note`): the department said the ticket is not theirs, and the timeline tells them why it is.
    """
    assignment = ticket.assignments.filter(pk=assignment_id, status=AssignmentStatus.RETURNED).first()
    if assignment is None:
        raise ActionNotAllowed(
            _("工单 %(number)s 没有待审核的退单 %(id)s") % {"number": ticket.number, "id": assignment_id}
        )
    now = clock.now()
    if not uphold:
        if category_id is not None:
            raise InvalidInput(_("category_id: 只有支持退单时才能修改分类"))
        note = note.strip()
        if not note:
            raise InvalidInput(_("note: 驳回退单须写明理由，承办单位据此继续办理"))
        previous = events.last_return(ticket, assignment)
        assignment.status = (
            previous.details.get("previous") if previous else None
        ) or AssignmentStatus.PENDING
        # As before the return; the timeline keeps the reason. (A withdrawn assignment with a
        # return date is one whose return was upheld: the selectors hide those tickets.)
        assignment.return_reason = ""
        assignment.returned_at = None
        assignment.save()
        to = ticket.status
        if assignment.role == AssignmentRole.LEAD:
            to = (previous.details.get("ticket_previous") if previous else None) or S.DISPATCHED
        events.return_reviewed(ticket, actor, assignment, uphold=False, note=note, to_status=to, at=now)
        return ticket

    category_change: tuple[int | None, int] | None = None
    if category_id is not None and category_id != ticket.category_id:
        category = active_category(category_id)
        category_change = (ticket.category_id, category.pk)
        ticket.category = category
    assignment.status = AssignmentStatus.WITHDRAWN
    assignment.save()
    lost = record_time_lost(assignment, actor, wrong_dispatch=wrong_dispatch, at=now)
    time_lost = {"cause": lost.cause, "working_seconds": int(lost.working_time.total_seconds())}

    def upheld(to_status: str, lead: Assignment | None, co: list[Assignment]) -> None:
        events.return_reviewed(
            ticket,
            actor,
            assignment,
            uphold=True,
            note=note,
            to_status=to_status,
            at=now,
            category=category_change,
            time_lost=time_lost,
            lead=lead,
            co=co,
        )

    if assignment.role == AssignmentRole.LEAD:
        if lead_department_id is None:
            raise InvalidInput(_("lead_department_id: 支持退单时必须指定新的主办单位"))
        if lead_department_id == assignment.department_id:
            raise InvalidInput(_("lead_department_id: 新的主办单位不能是退单单位"))
        busy = _busy_departments(ticket)
        lead, co = _resolve_departments(lead_department_id, [d for d in co_department_ids if d not in busy])
        if lead.pk in busy:
            raise InvalidInput(_("lead_department_id: 该单位已在办理此工单"))
        made_lead, made_co = _create_assignments(ticket, actor, lead, co, now)
        upheld(S.DISPATCHED, made_lead, made_co)
        # Another unit leads, under a new deadline: what the citizen was told no longer holds.
        # (A co-handler's return changes neither, and tells nobody.)
        tell_dispatched(ticket, made_lead, actor, now, again=True)
        return ticket

    co_ids = list(dict.fromkeys(co_department_ids))
    co = listed(active_departments(co_ids), co_ids, "co_department_ids")
    if any(d.pk == assignment.department_id for d in co):
        raise InvalidInput(_("co_department_ids: 新的协办单位不能是退单单位"))
    # The lead or a co-handler still at work would hold two assignments on one ticket.
    busy = _busy_departments(ticket)
    if clash := [d.name for d in co if d.pk in busy]:
        # Translators: the separator between names in a list (an enumeration comma in Chinese).
        names = _("、").join(clash)
        raise InvalidInput(_("co_department_ids: 该单位已在办理此工单：%(names)s") % {"names": names})
    made = _new_assignments(ticket, actor, [(dept, AssignmentRole.CO) for dept in co], now)
    upheld(ticket.status, None, made)
    return ticket


@transition("answer")
def do_answer_assignment(
    ticket: Ticket, actor: User, *, text: str, assignment_id: int | None = None
) -> Ticket:
    """A co-handling department gives its part of the answer to the lead (协办反馈)."""
    text = require_text(text, "text")
    assignment = actor_assignment(ticket, actor, "answer", assignment_id)
    if assignment.role != AssignmentRole.CO:
        raise ActionNotAllowed(_("主办单位请使用“答复”向诉求人答复"))
    not_suspended(assignment)
    now = clock.now()
    answer(assignment, actor, text, now)
    events.co_answered(ticket, actor, assignment, at=now)
    return ticket


@transition("progress")
def do_record_progress(
    ticket: Ticket, actor: User, *, text: str, contacted: bool = False, assignment_id: int | None = None
) -> Ticket:
    """A department writes how its work stands (办理进展): what it did or learnt on the way, and
    whether it spoke with the citizen (联系诉求人). The ticket and its clock stay as they are."""
    text = require_text(text, "text")
    assignment = actor_assignment(ticket, actor, "progress", assignment_id)
    events.progressed(ticket, actor, assignment, text=text, contacted=contacted, at=clock.now())
    return ticket


# --- invalid appeals -----------------------------------------------------------------------------


@transition("request_invalidation")
def do_request_invalidation(ticket: Ticket, actor: User, *, reason: str) -> Ticket:
    """Propose that an appeal is unreasonable or malicious; nothing changes until someone else confirms."""
    reason = require_text(reason, "reason")
    if pending_invalidations(ticket).exists():
        raise ActionNotAllowed(_("工单 %(number)s 已有待确认的无效诉求申请") % {"number": ticket.number})
    now = clock.now()
    request = InvalidationRequest.objects.create(
        ticket=ticket, reason=reason, requested_by=actor, requested_at=now
    )
    events.invalidation_requested(ticket, actor, request_id=request.pk, reason=reason, at=now)
    return ticket


@transition("confirm_invalidation")
def do_confirm_invalidation(ticket: Ticket, actor: User, *, confirm: bool, note: str = "") -> Ticket:
    """A second person decides on an invalidation request; confirmed, the ticket becomes invalid."""
    request = pending_invalidations(ticket).first()
    if request is None:
        raise ActionNotAllowed(_("工单 %(number)s 没有待确认的无效诉求申请") % {"number": ticket.number})
    if request.requested_by_id == actor.pk:
        raise Forbidden(_("无效诉求须由申请人以外的另一人确认"))
    now = clock.now()
    request.confirmed = confirm
    request.decided_by = actor
    request.decided_at = now
    request.save()
    withdrawn = withdraw_open_assignments(ticket, actor, now) if confirm else None
    events.invalidation_decided(
        ticket,
        actor,
        request_id=request.pk,
        confirmed=confirm,
        reason=request.reason,
        note=note,
        withdrawn=withdrawn,
        at=now,
    )
    return ticket


# --- merging -------------------------------------------------------------------------------------


def _lock_pair(ticket: Ticket, other_id: int, field: str) -> tuple[Ticket, Ticket]:
    """Both tickets re-read under row locks taken in id order, so that two actions on the same pair
    in opposite directions cannot deadlock; InvalidInput naming `field` when the other is missing."""
    if other_id == ticket.pk:
        raise InvalidInput(_("%(field)s: 不能是本工单自身") % {"field": field})
    locked = {
        t.pk: t
        for t in Ticket.objects.select_for_update().filter(pk__in=[ticket.pk, other_id]).order_by("pk")
    }
    if other_id not in locked:
        raise InvalidInput(_("%(field)s: 工单 %(id)s 不存在") % {"field": field, "id": other_id})
    return locked[ticket.pk], locked[other_id]


def merge_refusal(ticket: Ticket, into: Ticket) -> HotlineError | None:
    """Why `ticket` may not be merged into `into` as they stand, or None: what `do_merge_ticket`
    refuses, for the page that asks to confirm a merge to say instead of asking."""
    if into.pk == ticket.pk:
        return InvalidInput(_("into_ticket_id: 不能合并到自身"))
    try:
        check_state(ticket, "merge")
    except ActionNotAllowed as error:
        return error
    if into.status in NOT_MERGEABLE_INTO:
        return ActionNotAllowed(
            _("目标工单 %(number)s 状态为“%(status)s”，不能并入；如属相关问题，请单独受理并关联")
            % {"number": into.number, "status": into.get_status_display()}
        )
    return None


@transition("merge", lock=False)
def do_merge_ticket(ticket: Ticket, actor: User, *, into_ticket_id: int, note: str = "") -> Ticket:
    """Merge a duplicate into another ticket; its appellants get that ticket's reply and callback."""
    if into_ticket_id == ticket.pk:
        raise InvalidInput(_("into_ticket_id: 不能合并到自身"))
    ticket, target = _lock_pair(ticket, into_ticket_id, "into_ticket_id")
    if (refusal := merge_refusal(ticket, target)) is not None:
        raise refusal
    ticket.merged_into = target
    # The duplicate's appellants have waited since it was received: the ticket they join waits from
    # the earlier of the two in the dispatch queue, and says so (ADR 0011). Saved with the target's
    # line on its timeline. No deadline moves: they count from each dispatch to a department.
    if ticket.waiting_since < target.waiting_since:
        target.earliest_received_at = ticket.waiting_since
    now = clock.now()
    withdrawn = withdraw_open_assignments(ticket, actor, now)
    events.merged(ticket, actor, into=target, withdrawn=withdrawn, note=note, at=now)
    return ticket


def _count_waiting_again(ticket: Ticket) -> None:
    """After a duplicate left `ticket` (un-merge): since when its appellants have waited, from the
    duplicates still merged into it, as merging them one by one would have left it; and so for the
    tickets it is itself merged into, up the chain."""
    for _step in range(MAX_MERGE_DEPTH):
        earliest = Ticket.objects.filter(merged_into=ticket).aggregate(at=Min(waiting_since()))["at"]
        counted = earliest if earliest is not None and earliest < ticket.created_at else None
        if counted != ticket.earliest_received_at:
            ticket.earliest_received_at = counted
            Ticket.objects.filter(pk=ticket.pk).update(earliest_received_at=counted)
        above = ticket.merged_into_id
        if above is None:
            return
        ticket = Ticket.objects.select_for_update().get(pk=above)


@transition("unmerge", lock=False)
def do_unmerge_ticket(ticket: Ticket, actor: User, *, note: str = "") -> Ticket:
    """Undo a merge (撤销合并): the duplicate becomes a ticket of its own again, back in the dispatch
    queue (`new`: its assignments were withdrawn at the merge, and routing's sweep routes a new
    ticket it has not routed). Its appellants leave the other ticket's reply and callback, and what
    that ticket stored to tell them and has not sent is cancelled. Written on both timelines."""
    note = require_text(note, "note")
    former_id = Ticket.objects.filter(pk=ticket.pk).values_list("merged_into_id", flat=True).first()
    if former_id is None:
        # Not merged into anything (or gone): the state check says so in the usual words.
        check_state(locked(ticket), "unmerge")
        raise ActionNotAllowed(_("工单 %(number)s 没有合并到其他工单") % {"number": ticket.number})
    ticket, former = _lock_pair(ticket, former_id, "merged_into")
    check_state(ticket, "unmerge")
    if ticket.merged_into_id != former.pk:  # merged elsewhere while we waited for the locks
        raise ActionNotAllowed(
            _("工单 %(number)s 的合并情况已变化，请刷新后重试") % {"number": ticket.number}
        )
    ticket.merged_into = None
    ticket.callback_due_at = None
    now = clock.now()
    events.unmerged(ticket, actor, former=former, note=note, at=now)
    # Its appellants no longer wait in the other ticket: that one waits from its own again.
    _count_waiting_again(former)
    # What the other ticket was about to tell its appellants is no longer theirs to hear.
    cancel_for_unmerge(ticket, actor, now)
    return ticket


@transition("link", lock=False)
def do_link_tickets(ticket: Ticket, actor: User, *, other_ticket_id: int, note: str = "") -> Ticket:
    """Link two tickets about related problems without merging them (关联): each keeps its own
    handling, and each timeline names the other. Linking twice is refused."""
    ticket, other = _lock_pair(ticket, other_ticket_id, "other_ticket_id")
    check_state(ticket, "link")
    a, b = sorted((ticket.pk, other.pk))
    if TicketLink.objects.filter(a_id=a, b_id=b).exists():
        raise ActionNotAllowed(
            _("工单 %(number)s 与 %(other)s 已关联") % {"number": ticket.number, "other": other.number}
        )
    now = clock.now()
    TicketLink.objects.create(a_id=a, b_id=b, note=note, linked_by=actor, linked_at=now)
    events.linked(ticket, actor, other=other, note=note, at=now)
    return ticket


@transition("unlink", lock=False)
def do_unlink_tickets(ticket: Ticket, actor: User, *, other_ticket_id: int, note: str = "") -> Ticket:
    """Remove the link between two tickets; written on both timelines."""
    ticket, other = _lock_pair(ticket, other_ticket_id, "other_ticket_id")
    check_state(ticket, "unlink")
    a, b = sorted((ticket.pk, other.pk))
    if not TicketLink.objects.filter(a_id=a, b_id=b).delete()[0]:
        raise ActionNotAllowed(
            _("工单 %(number)s 与 %(other)s 没有关联") % {"number": ticket.number, "other": other.number}
        )
    events.linked(ticket, actor, other=other, note=note, at=clock.now(), removed=True)
    return ticket
