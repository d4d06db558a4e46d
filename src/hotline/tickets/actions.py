"""The ticket state machine. These functions are the only code that changes a ticket's state.

Each action runs in one transaction, locks the ticket row, checks the actor's role and the current
state, changes what it must and writes exactly one timeline event. A refused action raises
`ActionNotAllowed` (state), `Forbidden` (role or department) or `InvalidInput` (fields) and changes
nothing.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from hotline.accounts.models import User
from hotline.accounts.permissions import department_scope, require_role
from hotline.core import clock
from hotline.core.enums import (
    OPEN_ASSIGNMENT_STATUSES,
    TERMINAL_STATUSES,
    AssignmentRole,
    AssignmentStatus,
    Channel,
    DelayCause,
    Kind,
    Resolution,
    Satisfaction,
    SuspensionReason,
    TicketStatus,
    Urgency,
)
from hotline.core.errors import ActionNotAllowed, Forbidden, InvalidInput
from hotline.directory.models import Department
from hotline.feedback.models import Callback, Reply
from hotline.intake.models import Appeal
from hotline.sla.deadlines import Resumed, after_suspension
from hotline.sla.models import Extension, Suspension, TimeLost
from hotline.sla.selectors import calendar_for, callback_due_for, deadlines_for
from hotline.taxonomy.models import Category
from hotline.tickets.models import Assignment, DailySequence, InvalidationRequest, Ticket, TicketEvent

S = TicketStatus
RECEIVED_AT_SKEW = timedelta(minutes=10)

# Where each action may start from. The API and the tests read this table too. A reopened ticket
# goes back to its lead only (its co-handlers have answered and stay answered), so there is
# nothing to sign for, no co-handler answer and no co-handler return to review in `reopened`;
# a lead's return moves the ticket to `returned`.
ALLOWED_FROM: dict[str, frozenset[str]] = {
    "dispatch": frozenset({S.NEW}),
    "accept": frozenset({S.DISPATCHED, S.ACCEPTED}),
    "return": frozenset({S.DISPATCHED, S.ACCEPTED, S.REOPENED}),
    "review_return": frozenset({S.RETURNED, S.DISPATCHED, S.ACCEPTED}),
    "answer": frozenset({S.DISPATCHED, S.ACCEPTED}),
    "reply": frozenset({S.ACCEPTED, S.REOPENED}),
    "answer_on_spot": frozenset({S.NEW}),
    "request_invalidation": frozenset({S.NEW, S.DISPATCHED, S.ACCEPTED, S.RETURNED, S.REOPENED}),
    "confirm_invalidation": frozenset({S.NEW, S.DISPATCHED, S.ACCEPTED, S.RETURNED, S.REOPENED}),
    "callback": frozenset({S.REPLIED, S.ANSWERED}),
    "close": frozenset({S.REPLIED, S.ANSWERED}),
    "merge": frozenset({S.NEW, S.DISPATCHED, S.ACCEPTED, S.RETURNED, S.REOPENED}),
    "suspend": frozenset({S.DISPATCHED, S.ACCEPTED, S.REOPENED}),
    "resume": frozenset({S.DISPATCHED, S.ACCEPTED, S.REOPENED}),
    "request_extension": frozenset({S.DISPATCHED, S.ACCEPTED, S.REOPENED}),
    # A ticket waiting for the review of its lead's return is decided on after it is re-dispatched.
    "review_extension": frozenset({S.DISPATCHED, S.ACCEPTED, S.REOPENED}),
}


@dataclass(frozen=True)
class AppealData:
    """What a channel delivers for one contact."""

    channel: str
    title: str
    content: str
    received_at: datetime | None = None
    external_id: str | None = None
    citizen_name: str = ""
    citizen_phone: str = ""
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    kind: str = Kind.COMPLAINT
    urgency: str = Urgency.NORMAL
    category_id: int | None = None
    area_id: int | None = None


# --- helpers -------------------------------------------------------------------------------------


def _locked(ticket: Ticket) -> Ticket:
    """Re-read the ticket under a row lock, so two actions on one ticket run one after the other."""
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


def _check_state(ticket: Ticket, action: str) -> None:
    if ticket.status not in ALLOWED_FROM[action]:
        raise ActionNotAllowed(
            f"工单 {ticket.number} 当前状态为“{ticket.get_status_display()}”，不能执行操作“{action}”"
        )


def _record(
    ticket: Ticket,
    actor: User | None,
    action: str,
    to_status: str,
    details: dict[str, Any] | None = None,
    *,
    at: datetime | None = None,
) -> TicketEvent:
    """Move the ticket to `to_status` (possibly the same) and write its one timeline event."""
    at = at or clock.now()
    from_status = ticket.status
    ticket.status = to_status
    ticket.updated_at = at
    if to_status == S.CLOSED:
        ticket.closed_at = at
    if to_status not in ALLOWED_FROM["confirm_invalidation"]:
        _pending_invalidations(ticket).update(lapsed_at=at)
    ticket.save()
    return TicketEvent.objects.create(
        ticket=ticket,
        action=action,
        actor=actor,
        at=at,
        from_status=from_status,
        to_status=to_status,
        details=details or {},
    )


def _new_assignment(
    ticket: Ticket, actor: User, department: Department, role: str, at: datetime
) -> Assignment:
    """An assignment with its own deadlines, from the deadline policies that match it (sla)."""
    deadlines, _terms = deadlines_for(ticket, department, at)
    return Assignment.objects.create(
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


def _deadline_details(assignment: Assignment) -> dict[str, Any]:
    """The deadlines of a new assignment as the timeline shows them."""
    details: dict[str, Any] = {"due_at": assignment.due_at.isoformat()}
    if assignment.deadline_assumed:
        details["deadline_assumed"] = True
    return details


def _pending_invalidations(ticket: Ticket) -> QuerySet[InvalidationRequest]:
    return ticket.invalidation_requests.filter(confirmed__isnull=True, lapsed_at__isnull=True)


def _category(category_id: int) -> Category:
    category = Category.objects.filter(pk=category_id, is_active=True).first()
    if category is None:
        raise InvalidInput(f"category_id: 分类 {category_id} 不存在")
    return category


def _department(department_id: int, field: str) -> Department:
    try:
        return Department.objects.get(pk=department_id, is_active=True)
    except Department.DoesNotExist:
        raise InvalidInput(f"{field}: 承办单位 {department_id} 不存在或已停用") from None


def _create_assignments(
    ticket: Ticket, actor: User, lead: Department, co: Iterable[Department], at: datetime
) -> list[Assignment]:
    made = [_new_assignment(ticket, actor, lead, AssignmentRole.LEAD, at)]
    made += [_new_assignment(ticket, actor, dept, AssignmentRole.CO, at) for dept in co]
    return made


def _record_time_lost(withdrawn: Assignment, actor: User, *, wrong_dispatch: bool, at: datetime) -> TimeLost:
    """The time from the withdrawn assignment's dispatch to its replacement, against whoever caused it."""
    working = calendar_for(None).working_time_between(withdrawn.dispatched_at, at)
    return TimeLost.objects.create(
        ticket_id=withdrawn.ticket_id,
        assignment=withdrawn,
        cause=DelayCause.DISPATCH if wrong_dispatch else DelayCause.DEPARTMENT,
        department=None if wrong_dispatch else withdrawn.department,
        dispatcher=withdrawn.dispatched_by if wrong_dispatch else None,
        started_at=withdrawn.dispatched_at,
        ended_at=at,
        elapsed=at - withdrawn.dispatched_at,
        working_time=working.value,
        recorded_by=actor,
    )


def _resolve_departments(lead_id: int, co_ids: Iterable[int]) -> tuple[Department, list[Department]]:
    lead = _department(lead_id, "lead_department_id")
    co_ids = list(dict.fromkeys(co_ids))
    if lead_id in co_ids:
        raise InvalidInput("co_department_ids: 主办单位不能同时作为协办单位")
    return lead, [_department(d, "co_department_ids") for d in co_ids]


def _actor_assignment(
    ticket: Ticket,
    actor: User,
    assignment_id: int | None,
    statuses: Iterable[str],
    *,
    paused: bool | None = None,
) -> Assignment:
    """The assignment a department user acts on: the given one, or the only one in their scope.
    `paused` True/False: only suspended / running ones."""
    scope = department_scope(actor)
    candidates = ticket.assignments.filter(status__in=list(statuses)).select_related("department")
    if paused is not None:
        candidates = candidates.filter(paused_since__isnull=not paused)
    if scope is not None:
        candidates = candidates.filter(department_id__in=scope)
    if assignment_id is not None:
        candidates = candidates.filter(pk=assignment_id)
    found = list(candidates.order_by("role", "pk"))  # "co" sorts before "lead"; prefer lead below
    if not found:
        if not ticket.assignments.filter(department_id__in=scope or set()).exists():
            raise Forbidden(f"工单 {ticket.number} 不属于您的单位")
        named = ticket.assignments.filter(pk=assignment_id).first() if assignment_id is not None else None
        if named is not None and scope is not None and named.department_id not in scope:
            raise Forbidden(f"派单 {assignment_id} 不属于您的单位")
        raise ActionNotAllowed(f"工单 {ticket.number} 没有您单位可执行此操作的派单")
    leads = [a for a in found if a.role == AssignmentRole.LEAD]
    if assignment_id is None and len(found) > 1 and len(leads) != 1:
        raise InvalidInput("assignment_id: 您的单位在此工单上有多个派单，请指明 assignment_id")
    return leads[0] if assignment_id is None and leads else found[0]


def _not_suspended(assignment: Assignment) -> None:
    if assignment.paused_since is not None:
        raise ActionNotAllowed(
            f"{assignment.department.name}的派单已挂起（计时已停止），请先恢复计时（resume）"
        )


def _require_text(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(f"{field}: 不能为空")
    return value


def _next_number(at: datetime) -> str:
    day = clock.localtime(at).date()
    return f"{day:%Y%m%d}-{DailySequence.take(day):06d}"


def _withdraw_open_assignments(ticket: Ticket, actor: User, at: datetime) -> int:
    """Withdraw what is still open (merge, invalidation); a stopped clock ends with its assignment."""
    open_ = ticket.assignments.filter(status__in=list(OPEN_ASSIGNMENT_STATUSES))
    for paused in open_.filter(paused_since__isnull=False).select_related("department"):
        _end_suspension(paused, actor, at)
    return open_.update(status=AssignmentStatus.WITHDRAWN, paused_since=None)


def _end_suspension(assignment: Assignment, actor: User, at: datetime) -> tuple[Suspension | None, Resumed]:
    """Close the assignment's open suspension at `at`; the result says how far its deadline moves."""
    assert assignment.paused_since is not None
    moved = after_suspension(
        calendar_for(assignment.department), assignment.due_at, assignment.paused_since, at
    )
    suspension = assignment.suspensions.filter(ended_at__isnull=True).order_by("-pk").first()
    if suspension is not None:
        suspension.ended_at = at
        suspension.ended_by = actor
        suspension.paused = moved.paused
        suspension.save()
    return suspension, moved


# --- intake --------------------------------------------------------------------------------------


def do_receive_appeal(data: AppealData, actor: User | None) -> tuple[Ticket, bool]:
    """Take one contact in; returns (ticket, created). A repeated (channel, external_id) creates nothing."""
    if actor is not None:
        require_role(actor, "receive")
    if data.channel not in Channel.values:
        raise InvalidInput(f"channel: 未知渠道 {data.channel!r}")
    if data.kind not in Kind.values:
        raise InvalidInput(f"kind: 未知诉求类型 {data.kind!r}")
    if data.urgency not in Urgency.values:
        raise InvalidInput(f"urgency: 未知紧急程度 {data.urgency!r}")
    title = _require_text(data.title, "title")
    content = _require_text(data.content, "content")
    if data.received_at is not None and data.received_at.utcoffset() is None:
        # A naive time would be read in the server's zone without a word; the channel must say which.
        raise InvalidInput("received_at: 须带时区")
    now = clock.now()
    # Channel clocks drift a little; a contact stamped well after now is a wrong clock or a wrong field.
    if data.received_at is not None and data.received_at > now + RECEIVED_AT_SKEW:
        raise InvalidInput(f"received_at: {clock.localtime(data.received_at):%Y-%m-%d %H:%M} 晚于当前时间")
    external_id = (data.external_id or "").strip() or None
    if external_id and (existing := _existing_appeal_ticket(data.channel, external_id)):
        return existing, False
    category = _category(data.category_id) if data.category_id is not None else None
    area = _department(data.area_id, "area_id") if data.area_id is not None else None
    try:
        with transaction.atomic():
            ticket = Ticket.objects.create(
                number=_next_number(now),
                kind=data.kind,
                urgency=data.urgency,
                category=category,
                area=area,
                title=title,
                content=content,
                address=data.address.strip(),
                status=S.NEW,
                created_at=now,
                updated_at=now,
            )
            Appeal.objects.create(
                ticket=ticket,
                channel=data.channel,
                external_id=external_id,
                citizen_name=data.citizen_name.strip(),
                citizen_phone=data.citizen_phone.strip(),
                title=title,
                content=content,
                address=data.address.strip(),
                latitude=data.latitude,
                longitude=data.longitude,
                received_at=data.received_at or now,
                created_by=actor,
            )
            TicketEvent.objects.create(
                ticket=ticket,
                action="receive",
                actor=actor,
                at=now,
                from_status="",
                to_status=S.NEW,
                details={"channel": data.channel, "external_id": external_id},
            )
    except IntegrityError:
        # The same contact arrived twice at the same moment; the other request made the ticket.
        if external_id and (existing := _existing_appeal_ticket(data.channel, external_id)):
            return existing, False
        raise
    return ticket, True


def _existing_appeal_ticket(channel: str, external_id: str) -> Ticket | None:
    appeal = Appeal.objects.filter(channel=channel, external_id=external_id).select_related("ticket").first()
    return appeal.ticket if appeal else None


# --- dispatch and handling -----------------------------------------------------------------------


@transaction.atomic
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
) -> Ticket:
    """Send a new ticket to one lead department and any co-handling departments (派单)."""
    require_role(actor, "dispatch")
    ticket = _locked(ticket)
    _check_state(ticket, "dispatch")
    lead, co = _resolve_departments(lead_department_id, co_department_ids)
    if category_id is not None:
        ticket.category = _category(category_id)
    if kind is not None:
        if kind not in Kind.values:
            raise InvalidInput(f"kind: 未知诉求类型 {kind!r}")
        ticket.kind = kind
    if urgency is not None:
        if urgency not in Urgency.values:
            raise InvalidInput(f"urgency: 未知紧急程度 {urgency!r}")
        ticket.urgency = urgency
    if is_complex is not None:
        ticket.is_complex = is_complex
    now = clock.now()
    made = _create_assignments(ticket, actor, lead, co, now)
    _record(
        ticket,
        actor,
        "dispatch",
        S.DISPATCHED,
        {
            "lead": lead.code,
            "co": [d.code for d in co],
            # As dispatched: a later review may move the ticket to another category.
            "category": ticket.category_id,
            **_deadline_details(made[0]),
            "note": note,
        },
        at=now,
    )
    return ticket


@transaction.atomic
def do_accept_assignment(ticket: Ticket, actor: User, *, assignment_id: int | None = None) -> Ticket:
    """A department signs for its assignment (签收). The lead's sign-off moves the ticket to handling."""
    require_role(actor, "accept")
    ticket = _locked(ticket)
    _check_state(ticket, "accept")
    assignment = _actor_assignment(ticket, actor, assignment_id, [AssignmentStatus.PENDING])
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
    _record(
        ticket,
        actor,
        "accept",
        to,
        {"assignment": assignment.pk, "department": assignment.department.code},
        at=now,
    )
    return ticket


@transaction.atomic
def do_return_assignment(
    ticket: Ticket, actor: User, *, reason: str, assignment_id: int | None = None
) -> Ticket:
    """A department disputes its assignment (退单). A lead's return sends the ticket back to dispatch."""
    require_role(actor, "return")
    ticket = _locked(ticket)
    _check_state(ticket, "return")
    reason = _require_text(reason, "reason")
    assignment = _actor_assignment(
        ticket, actor, assignment_id, [AssignmentStatus.PENDING, AssignmentStatus.ACCEPTED]
    )
    _not_suspended(assignment)
    now = clock.now()
    details = {
        "assignment": assignment.pk,
        "department": assignment.department.code,
        "reason": reason,
        "previous": assignment.status,
        "ticket_previous": ticket.status,
    }
    assignment.status = AssignmentStatus.RETURNED
    assignment.return_reason = reason
    assignment.returned_at = now
    assignment.save()
    to = S.RETURNED if assignment.role == AssignmentRole.LEAD else ticket.status
    _record(ticket, actor, "return", to, details, at=now)
    return ticket


@transaction.atomic
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
    department as it was before the return, and the category stays.
    """
    require_role(actor, "review_return")
    ticket = _locked(ticket)
    _check_state(ticket, "review_return")
    assignment = ticket.assignments.filter(pk=assignment_id, status=AssignmentStatus.RETURNED).first()
    if assignment is None:
        raise ActionNotAllowed(f"工单 {ticket.number} 没有待审核的退单 {assignment_id}")
    now = clock.now()
    details: dict[str, Any] = {
        "assignment": assignment.pk,
        "department": assignment.department.code,
        "uphold": uphold,
        "note": note,
    }
    if not uphold:
        if category_id is not None:
            raise InvalidInput("category_id: 只有支持退单时才能修改分类")
        previous = (
            TicketEvent.objects.filter(ticket=ticket, action="return", details__assignment=assignment.pk)
            .order_by("-pk")
            .first()
        )
        back_to = (previous.details.get("previous") if previous else None) or AssignmentStatus.PENDING
        assignment.status = back_to
        # As before the return; the timeline keeps the reason. (A withdrawn assignment with a
        # return date is one whose return was upheld: the selectors hide those tickets.)
        assignment.return_reason = ""
        assignment.returned_at = None
        assignment.save()
        to = ticket.status
        if assignment.role == AssignmentRole.LEAD:
            to = (previous.details.get("ticket_previous") if previous else None) or S.DISPATCHED
        _record(ticket, actor, "review_return", to, details, at=now)
        return ticket

    if category_id is not None and category_id != ticket.category_id:
        category = _category(category_id)
        details["category"] = {"from": ticket.category_id, "to": category.pk}
        ticket.category = category
    assignment.status = AssignmentStatus.WITHDRAWN
    assignment.save()
    lost = _record_time_lost(assignment, actor, wrong_dispatch=wrong_dispatch, at=now)
    details["time_lost"] = {"cause": lost.cause, "working_seconds": int(lost.working_time.total_seconds())}
    if assignment.role == AssignmentRole.LEAD:
        if lead_department_id is None:
            raise InvalidInput("lead_department_id: 支持退单时必须指定新的主办单位")
        if lead_department_id == assignment.department_id:
            raise InvalidInput("lead_department_id: 新的主办单位不能是退单单位")
        busy = set(
            ticket.assignments.filter(status__in=list(OPEN_ASSIGNMENT_STATUSES)).values_list(
                "department_id", flat=True
            )
        )
        lead, co = _resolve_departments(lead_department_id, [d for d in co_department_ids if d not in busy])
        if lead.pk in busy:
            raise InvalidInput("lead_department_id: 该单位已在办理此工单")
        made = _create_assignments(ticket, actor, lead, co, now)
        details |= {"lead": lead.code, "co": [d.code for d in co], **_deadline_details(made[0])}
        _record(ticket, actor, "review_return", S.DISPATCHED, details, at=now)
        return ticket

    co = [_department(d, "co_department_ids") for d in dict.fromkeys(co_department_ids)]
    if any(d.pk == assignment.department_id for d in co):
        raise InvalidInput("co_department_ids: 新的协办单位不能是退单单位")
    # The lead or a co-handler still at work would hold two assignments on one ticket.
    busy = set(
        ticket.assignments.filter(status__in=list(OPEN_ASSIGNMENT_STATUSES)).values_list(
            "department_id", flat=True
        )
    )
    if clash := [d.name for d in co if d.pk in busy]:
        raise InvalidInput(f"co_department_ids: 该单位已在办理此工单：{'、'.join(clash)}")
    for dept in co:
        _new_assignment(ticket, actor, dept, AssignmentRole.CO, now)
    details["co"] = [d.code for d in co]
    _record(ticket, actor, "review_return", ticket.status, details, at=now)
    return ticket


@transaction.atomic
def do_answer_assignment(
    ticket: Ticket, actor: User, *, text: str, assignment_id: int | None = None
) -> Ticket:
    """A co-handling department gives its part of the answer to the lead (协办反馈)."""
    require_role(actor, "answer")
    ticket = _locked(ticket)
    _check_state(ticket, "answer")
    text = _require_text(text, "text")
    assignment = _actor_assignment(ticket, actor, assignment_id, [AssignmentStatus.ACCEPTED])
    if assignment.role != AssignmentRole.CO:
        raise ActionNotAllowed("主办单位请使用“答复”（reply）向诉求人答复")
    _not_suspended(assignment)
    now = clock.now()
    assignment.status = AssignmentStatus.ANSWERED
    assignment.answer = text
    assignment.answered_at = now
    assignment.answered_by = actor
    assignment.save()
    _record(
        ticket,
        actor,
        "answer",
        ticket.status,
        {"assignment": assignment.pk, "department": assignment.department.code},
        at=now,
    )
    return ticket


@transaction.atomic
def do_reply_ticket(ticket: Ticket, actor: User, *, text: str) -> Ticket:
    """The lead department answers the citizen (答复); every co-handler must have answered first."""
    require_role(actor, "reply")
    ticket = _locked(ticket)
    _check_state(ticket, "reply")
    text = _require_text(text, "text")
    lead = _actor_assignment(ticket, actor, None, [AssignmentStatus.ACCEPTED])
    if lead.role != AssignmentRole.LEAD:
        raise ActionNotAllowed("只有主办单位可以答复诉求人；协办单位请使用“反馈”（answer）")
    waiting = list(
        ticket.assignments.filter(role=AssignmentRole.CO, status__in=list(OPEN_ASSIGNMENT_STATUSES))
        .select_related("department")
        .values_list("department__name", flat=True)
    )
    if waiting:
        raise ActionNotAllowed(f"协办单位尚未反馈：{'、'.join(waiting)}")
    _not_suspended(lead)
    now = clock.now()
    lead.status = AssignmentStatus.ANSWERED
    lead.answer = text
    lead.answered_at = now
    lead.answered_by = actor
    lead.save()
    reply = Reply.objects.create(
        ticket=ticket, department=lead.department, text=text, replied_by=actor, replied_at=now
    )
    callback = callback_due_for(ticket, lead.department, now)
    ticket.callback_due_at = callback.value
    details: dict[str, Any] = {
        "reply": reply.pk,
        "department": lead.department.code,
        "callback_due_at": callback.value.isoformat(),
    }
    if callback.assumed:
        details["deadline_assumed"] = True
    _record(ticket, actor, "reply", S.REPLIED, details, at=now)
    return ticket


@transaction.atomic
def do_answer_on_spot(ticket: Ticket, actor: User, *, text: str) -> Ticket:
    """The operator answers a consultation directly (直接答复), without dispatching it."""
    require_role(actor, "answer_on_spot")
    ticket = _locked(ticket)
    _check_state(ticket, "answer_on_spot")
    if ticket.kind != Kind.CONSULTATION:
        raise ActionNotAllowed("只有咨询类诉求可以直接答复")
    text = _require_text(text, "text")
    now = clock.now()
    reply = Reply.objects.create(ticket=ticket, department=None, text=text, replied_by=actor, replied_at=now)
    _record(ticket, actor, "answer_on_spot", S.ANSWERED, {"reply": reply.pk}, at=now)
    return ticket


# --- invalid appeals -----------------------------------------------------------------------------


@transaction.atomic
def do_request_invalidation(ticket: Ticket, actor: User, *, reason: str) -> Ticket:
    """Propose that an appeal is unreasonable or malicious; nothing changes until someone else confirms."""
    require_role(actor, "request_invalidation")
    ticket = _locked(ticket)
    _check_state(ticket, "request_invalidation")
    reason = _require_text(reason, "reason")
    if _pending_invalidations(ticket).exists():
        raise ActionNotAllowed(f"工单 {ticket.number} 已有待确认的无效诉求申请")
    now = clock.now()
    request = InvalidationRequest.objects.create(
        ticket=ticket, reason=reason, requested_by=actor, requested_at=now
    )
    _record(
        ticket,
        actor,
        "request_invalidation",
        ticket.status,
        {"request": request.pk, "reason": reason},
        at=now,
    )
    return ticket


@transaction.atomic
def do_confirm_invalidation(ticket: Ticket, actor: User, *, confirm: bool, note: str = "") -> Ticket:
    """A second person decides on an invalidation request; confirmed, the ticket becomes invalid."""
    require_role(actor, "confirm_invalidation")
    ticket = _locked(ticket)
    _check_state(ticket, "confirm_invalidation")
    request = _pending_invalidations(ticket).first()
    if request is None:
        raise ActionNotAllowed(f"工单 {ticket.number} 没有待确认的无效诉求申请")
    if request.requested_by_id == actor.pk:
        raise Forbidden("无效诉求须由申请人以外的另一人确认")
    now = clock.now()
    request.confirmed = confirm
    request.decided_by = actor
    request.decided_at = now
    request.save()
    details = {"request": request.pk, "confirmed": confirm, "reason": request.reason, "note": note}
    if confirm:
        details["withdrawn_assignments"] = _withdraw_open_assignments(ticket, actor, now)
        _record(ticket, actor, "confirm_invalidation", S.INVALID, details, at=now)
    else:
        _record(ticket, actor, "confirm_invalidation", ticket.status, details, at=now)
    return ticket


# --- callback, close, merge ----------------------------------------------------------------------


@transaction.atomic
def do_record_callback(
    ticket: Ticket, actor: User, *, resolution: str, satisfaction: str, note: str = ""
) -> Ticket:
    """Record the satisfaction callback (回访). Unsatisfied reopens the ticket to the lead (重办)."""
    require_role(actor, "callback")
    ticket = _locked(ticket)
    _check_state(ticket, "callback")
    if resolution not in Resolution.values:
        raise InvalidInput(f"resolution: 应为 {', '.join(Resolution.values)} 之一")
    if satisfaction not in Satisfaction.values:
        raise InvalidInput(f"satisfaction: 应为 {', '.join(Satisfaction.values)} 之一")
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
    details: dict[str, Any] = {
        "callback": callback.pk,
        "resolution": resolution,
        "satisfaction": satisfaction,
    }
    to = ticket.status
    if reopen:
        ticket.reopen_count += 1
        lead = ticket.lead_assignment
        if ticket.status == S.REPLIED and lead is not None:
            # 重办 starts a new handling deadline; sign-off was done the first time.
            deadlines, _terms = deadlines_for(ticket, lead.department, now)
            lead.status = AssignmentStatus.ACCEPTED
            lead.due_at = lead.original_due_at = deadlines.due_at
            lead.deadline_assumed = deadlines.assumed
            lead.overdue_at = None
            lead.save()
            details |= {"department": lead.department.code, **_deadline_details(lead)}
            to = S.REOPENED
        else:
            # Answered on the spot and still unsatisfied: it goes to dispatch like a new ticket.
            to = S.NEW
    _record(ticket, actor, "callback", to, details, at=now)
    return ticket


@transaction.atomic
def do_close_ticket(ticket: Ticket, actor: User, *, note: str = "") -> Ticket:
    """Close a replied ticket (办结) once a callback after the last reply has been recorded."""
    require_role(actor, "close")
    ticket = _locked(ticket)
    _check_state(ticket, "close")
    last_reply = ticket.replies.order_by("-pk").first()
    callback = ticket.callbacks.filter(reopened=False, reply=last_reply).order_by("-pk").first()
    if callback is None:
        raise ActionNotAllowed(f"工单 {ticket.number} 尚未回访，不能办结")
    _record(ticket, actor, "close", S.CLOSED, {"callback": callback.pk, "note": note})
    return ticket


@transaction.atomic
def do_merge_ticket(ticket: Ticket, actor: User, *, into_ticket_id: int, note: str = "") -> Ticket:
    """Merge a duplicate into another ticket; its appellants get that ticket's reply."""
    require_role(actor, "merge")
    if into_ticket_id == ticket.pk:
        raise InvalidInput("into_ticket_id: 不能合并到自身")
    # Lock both rows in id order so that two opposite merges cannot deadlock.
    locked = {
        t.pk: t
        for t in Ticket.objects.select_for_update().filter(pk__in=[ticket.pk, into_ticket_id]).order_by("pk")
    }
    if into_ticket_id not in locked:
        raise InvalidInput(f"into_ticket_id: 工单 {into_ticket_id} 不存在")
    ticket, target = locked[ticket.pk], locked[into_ticket_id]
    _check_state(ticket, "merge")
    if target.status in TERMINAL_STATUSES:
        raise ActionNotAllowed(f"目标工单 {target.number} 状态为“{target.get_status_display()}”，不能并入")
    ticket.merged_into = target
    now = clock.now()
    withdrawn = _withdraw_open_assignments(ticket, actor, now)
    _record(
        ticket,
        actor,
        "merge",
        S.MERGED,
        {"into": target.pk, "into_number": target.number, "withdrawn_assignments": withdrawn, "note": note},
        at=now,
    )
    return ticket


# --- the clock: suspension and extension ---------------------------------------------------------


@transaction.atomic
def do_suspend_assignment(
    ticket: Ticket, actor: User, *, reason: str, note: str = "", assignment_id: int | None = None
) -> Ticket:
    """A department stops its assignment's clock (挂起), e.g. while the citizen cannot be reached."""
    require_role(actor, "suspend")
    ticket = _locked(ticket)
    _check_state(ticket, "suspend")
    if reason not in SuspensionReason.values:
        raise InvalidInput(f"reason: 应为 {', '.join(SuspensionReason.values)} 之一")
    note = (note or "").strip()
    if reason == SuspensionReason.OTHER and not note:
        raise InvalidInput("note: 挂起原因为“其他”时须说明")
    assignment = _actor_assignment(ticket, actor, assignment_id, [AssignmentStatus.ACCEPTED], paused=False)
    now = clock.now()
    assignment.paused_since = now
    assignment.save()
    suspension = Suspension.objects.create(
        assignment=assignment, reason=reason, note=note, started_at=now, started_by=actor
    )
    _record(
        ticket,
        actor,
        "suspend",
        ticket.status,
        {
            "suspension": suspension.pk,
            "assignment": assignment.pk,
            "department": assignment.department.code,
            "reason": reason,
            "note": note,
        },
        at=now,
    )
    return ticket


@transaction.atomic
def do_resume_assignment(
    ticket: Ticket, actor: User, *, note: str = "", assignment_id: int | None = None
) -> Ticket:
    """Restart a suspended assignment's clock; its handling deadline moves by the working time lost."""
    require_role(actor, "resume")
    ticket = _locked(ticket)
    _check_state(ticket, "resume")
    assignment = _actor_assignment(ticket, actor, assignment_id, [AssignmentStatus.ACCEPTED], paused=True)
    now = clock.now()
    suspension, moved = _end_suspension(assignment, actor, now)
    previous = assignment.due_at
    assignment.due_at = moved.due_at
    assignment.deadline_assumed |= moved.assumed
    assignment.paused_since = None
    if assignment.overdue_at is not None and assignment.due_at > now:
        assignment.overdue_at = None  # overdue no more: the sweep marks it again if it runs out
    assignment.save()
    details: dict[str, Any] = {
        "suspension": suspension.pk if suspension else None,
        "assignment": assignment.pk,
        "department": assignment.department.code,
        "paused_seconds": int(moved.paused.total_seconds()),
        "previous_due_at": previous.isoformat(),
        **_deadline_details(assignment),
        "note": note,
    }
    _record(ticket, actor, "resume", ticket.status, details, at=now)
    return ticket


@transaction.atomic
def do_request_extension(
    ticket: Ticket,
    actor: User,
    *,
    reason: str,
    requested_due_at: datetime,
    assignment_id: int | None = None,
) -> Ticket:
    """The handling department asks for a later handling deadline (延期申请)."""
    require_role(actor, "request_extension")
    ticket = _locked(ticket)
    _check_state(ticket, "request_extension")
    reason = _require_text(reason, "reason")
    if requested_due_at.tzinfo is None:
        raise InvalidInput("requested_due_at: 须带时区")
    assignment = _actor_assignment(ticket, actor, assignment_id, [AssignmentStatus.ACCEPTED])
    _not_suspended(assignment)
    if assignment.extensions.filter(approved__isnull=True).exists():
        raise ActionNotAllowed(f"{assignment.department.name}已有待审批的延期申请")
    now = clock.now()
    if requested_due_at <= max(assignment.due_at, now):
        raise InvalidInput(
            f"requested_due_at: 须晚于当前办理时限 {clock.localtime(assignment.due_at):%Y-%m-%d %H:%M}"
            "和当前时间"
        )
    extension = Extension.objects.create(
        assignment=assignment,
        reason=reason,
        previous_due_at=assignment.due_at,
        requested_due_at=requested_due_at,
        requested_by=actor,
        requested_at=now,
    )
    _record(
        ticket,
        actor,
        "request_extension",
        ticket.status,
        {
            "extension": extension.pk,
            "assignment": assignment.pk,
            "department": assignment.department.code,
            "reason": reason,
            "due_at": assignment.due_at.isoformat(),
            "requested_due_at": requested_due_at.isoformat(),
        },
        at=now,
    )
    return ticket


@transaction.atomic
def do_review_extension(
    ticket: Ticket, actor: User, *, approve: bool, extension_id: int | None = None, note: str = ""
) -> Ticket:
    """Dispatch or a supervisor approves or refuses an extension. Approved, the requested deadline
    becomes the handling deadline; the original one stays in `original_due_at`."""
    require_role(actor, "review_extension")
    ticket = _locked(ticket)
    _check_state(ticket, "review_extension")
    pending = Extension.objects.filter(assignment__ticket=ticket, approved__isnull=True)
    if extension_id is not None:
        pending = pending.filter(pk=extension_id)
    found = list(pending.select_related("assignment__department").order_by("pk")[:2])
    if not found:
        raise ActionNotAllowed(f"工单 {ticket.number} 没有待审批的延期申请")
    if extension_id is None and len(found) > 1:
        raise InvalidInput("extension_id: 此工单有多个待审批的延期申请，请指明 extension_id")
    extension = found[0]
    assignment = extension.assignment
    now = clock.now()
    details: dict[str, Any] = {
        "extension": extension.pk,
        "assignment": assignment.pk,
        "department": assignment.department.code,
        "approved": approve,
        "note": note,
    }
    if approve:
        if assignment.status not in (AssignmentStatus.PENDING, AssignmentStatus.ACCEPTED):
            raise ActionNotAllowed(f"{assignment.department.name}的派单已不在办理中，无需延期")
        if assignment.original_due_at is None:
            assignment.original_due_at = assignment.due_at
        assignment.due_at = extension.requested_due_at
        if assignment.overdue_at is not None and assignment.due_at > now:
            assignment.overdue_at = None
        assignment.save()
        details |= {
            "due_at": assignment.due_at.isoformat(),
            "previous_due_at": extension.previous_due_at.isoformat(),
        }
    extension.approved = approve
    extension.decided_by = actor
    extension.decided_at = now
    extension.decision_note = note
    extension.save()
    _record(ticket, actor, "review_extension", ticket.status, details, at=now)
    return ticket
