"""Focused behaviour of each ticket action: who, what it changes, deadlines, events, refusals."""

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from hotline.core.enums import (
    AssignmentRole,
    AssignmentStatus,
    Kind,
    Resolution,
    Role,
    Satisfaction,
    TicketStatus,
)
from hotline.core.errors import ActionNotAllowed, Forbidden, InvalidInput
from hotline.feedback import actions as feedback_actions
from hotline.feedback.models import Callback, Reply
from hotline.tickets import actions
from hotline.tickets.models import Assignment, InvalidationRequest, Ticket, TicketEvent
from tests.factories import CategoryFactory
from tests.tickets.conftest import Flow, FrozenClock, new_department, new_user, snapshot

S = TicketStatus
A = AssignmentStatus
SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC = ZoneInfo("UTC")


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def last_event(ticket: Ticket) -> TicketEvent:
    event = TicketEvent.objects.filter(ticket=ticket).order_by("-pk").first()
    assert event is not None
    return event


# --- dispatch and deadlines -----------------------------------------------------------------------


def test_dispatch_with_co_handlers_sets_one_deadline_for_all(flow: Flow, frozen_clock: FrozenClock) -> None:
    frozen_clock.set(sh(2025, 6, 10, 9, 30))  # Tuesday
    ticket = flow.dispatch(flow.new(), lead="housing", co=("water", "street"))
    assert ticket.status == S.DISPATCHED
    made = list(ticket.assignments.order_by("pk"))
    assert [(a.department.code, a.role, a.status) for a in made] == [
        ("B01", AssignmentRole.LEAD, A.PENDING),
        ("B02", AssignmentRole.CO, A.PENDING),
        ("D0101", AssignmentRole.CO, A.PENDING),
    ]
    assert {a.due_at for a in made} == {sh(2025, 6, 13, 9, 30)}  # 3 working days: Wed, Thu, Fri
    assert all(a.dispatched_at == sh(2025, 6, 10, 9, 30) for a in made)
    assert all(a.dispatched_by == flow.user("dispatcher") for a in made)
    event = last_event(ticket)
    assert (event.action, event.from_status, event.to_status) == ("dispatch", S.NEW, S.DISPATCHED)
    assert event.details["lead"] == "B01"
    assert event.details["co"] == ["B02", "D0101"]


def test_a_dispatch_stores_its_lead_and_co_handlers_in_one_statement(flow: Flow) -> None:
    """The deadline configuration is checked once for the dispatch, not once per department, and
    the assignments are one INSERT whatever their number."""
    flow.dispatch(flow.new(), lead="housing")  # the deadline configuration is read and kept
    ticket = flow.new()
    with CaptureQueriesContext(connection) as queries:
        flow.dispatch(ticket, lead="housing", co=("water", "street"))
    sql = [q["sql"] for q in queries.captured_queries]
    assert sum(s.startswith('INSERT INTO "tickets_assignment"') for s in sql) == 1, sql
    assert sum("sla_calendaroverride" in s for s in sql) == 1, sql
    assert sorted(ticket.assignments.values_list("department__code", "role")) == [
        ("B01", AssignmentRole.LEAD),
        ("B02", AssignmentRole.CO),
        ("D0101", AssignmentRole.CO),
    ]


@pytest.mark.parametrize(
    ("dispatched_at", "is_complex", "due_at"),
    [
        # Tuesday before the 2025 National Day + Mid-Autumn break (10-01..10-08 off, Saturday 10-11 on).
        (sh(2025, 9, 30, 10, 0), False, sh(2025, 10, 11, 10, 0)),
        (sh(2025, 9, 30, 10, 0), True, sh(2025, 10, 14, 10, 0)),
        # Dispatched during the holiday (late evening UTC is already 10-01 in Shanghai).
        (datetime(2025, 9, 30, 20, 0, tzinfo=UTC), False, sh(2025, 10, 11, 4, 0)),
        # Friday: the weekend does not count.
        (sh(2025, 6, 13, 16, 0), False, sh(2025, 6, 18, 16, 0)),
        (sh(2025, 6, 13, 16, 0), True, sh(2025, 6, 20, 16, 0)),
        # Just before the 2026 Spring Festival (02-15..02-23 off, Saturday 02-14 and 02-28 on).
        (sh(2026, 2, 12, 9, 0), False, sh(2026, 2, 24, 9, 0)),
    ],
)
def test_dispatch_deadline_counts_working_days(
    flow: Flow, frozen_clock: FrozenClock, dispatched_at: datetime, is_complex: bool, due_at: datetime
) -> None:
    frozen_clock.set(dispatched_at)
    ticket = flow.dispatch(flow.new(), co=(), is_complex=is_complex)
    lead = flow.assignment(ticket, "housing")
    assert lead.due_at == due_at
    assert ticket.is_complex is is_complex
    assert datetime.fromisoformat(last_event(ticket).details["due_at"]) == due_at


def test_dispatch_updates_classification(flow: Flow) -> None:
    ticket = flow.dispatch(flow.new(), co=(), kind=Kind.HELP, urgency="urgent")
    assert (ticket.kind, ticket.urgency) == (Kind.HELP, "urgent")


@pytest.mark.parametrize(
    ("lead", "co", "field"),
    [
        ("housing", ("housing",), "co_department_ids"),
        ("inactive", (), "lead_department_id"),
        ("housing", ("inactive",), "co_department_ids"),
        ("missing", (), "lead_department_id"),
    ],
)
def test_dispatch_refuses_bad_departments(flow: Flow, lead: str, co: tuple[str, ...], field: str) -> None:
    flow.departments["inactive"] = new_department(code="X99", is_active=False)
    ids = {key: dept.pk for key, dept in flow.departments.items()} | {"missing": 999_999}
    ticket = flow.new()
    before = snapshot(ticket.pk)
    with pytest.raises(InvalidInput, match=field):
        actions.do_dispatch_ticket(
            ticket,
            flow.user("dispatcher"),
            lead_department_id=ids[lead],
            co_department_ids=[ids[c] for c in co],
            kind=Kind.HELP,
        )
    assert snapshot(ticket.pk) == before


@pytest.mark.parametrize(("field", "value"), [("kind", "gossip"), ("urgency", "asap"), ("category_id", 999)])
def test_dispatch_refuses_bad_fields(flow: Flow, field: str, value: object) -> None:
    ticket = flow.new()
    before = snapshot(ticket.pk)
    bad: dict[str, Any] = {field: value}
    with pytest.raises(InvalidInput, match=field):
        actions.do_dispatch_ticket(
            ticket, flow.user("dispatcher"), lead_department_id=flow.dept("housing").pk, **bad
        )
    assert snapshot(ticket.pk) == before


# --- accept and return ----------------------------------------------------------------------------


def test_co_accept_keeps_status_lead_accept_moves_to_accepted(flow: Flow) -> None:
    ticket = flow.dispatch(flow.new())
    ticket = flow.accept(ticket, "water")
    assert ticket.status == S.DISPATCHED
    co = flow.assignment(ticket, "water")
    assert (co.status, co.accepted_by) == (A.ACCEPTED, flow.user("water"))
    assert co.accepted_at is not None
    event = last_event(ticket)
    assert (event.action, event.from_status, event.to_status) == ("accept", S.DISPATCHED, S.DISPATCHED)

    ticket = flow.accept(ticket, "housing")
    assert ticket.status == S.ACCEPTED
    assert flow.assignment(ticket, "housing").status == A.ACCEPTED
    event = last_event(ticket)
    assert (event.from_status, event.to_status, event.actor) == (
        S.DISPATCHED,
        S.ACCEPTED,
        flow.user("housing"),
    )


def test_accept_twice_is_refused(flow: Flow) -> None:
    ticket = flow.accept(flow.dispatch(flow.new()))
    before = snapshot(ticket.pk)
    with pytest.raises(ActionNotAllowed) as refused:
        flow.accept(ticket)
    assert snapshot(ticket.pk) == before
    # It says why: the unit's assignment is signed for already (a second click, another tab).
    assert "您单位的派单已签收，不能签收" in str(refused.value)


def test_handler_of_another_department_is_forbidden(flow: Flow) -> None:
    ticket = flow.dispatch(flow.new())
    before = snapshot(ticket.pk)
    for action in (
        lambda: actions.do_accept_assignment(ticket, flow.user("street")),
        lambda: actions.do_return_assignment(ticket, flow.user("street"), reason="不归我管"),
        lambda: actions.do_answer_assignment(ticket, flow.user("street"), text="好"),
    ):
        with pytest.raises(Forbidden, match="不属于您的单位"):
            action()
    assert snapshot(ticket.pk) == before


def test_handler_without_department_is_forbidden(flow: Flow) -> None:
    ticket = flow.dispatch(flow.new())
    homeless = new_user(role=Role.HANDLER, department=None)
    with pytest.raises(Forbidden):
        actions.do_accept_assignment(ticket, homeless)


def test_department_head_acts_for_a_child_department(flow: Flow) -> None:
    ticket = flow.dispatch(flow.new(), lead="street", co=())
    ticket = actions.do_accept_assignment(ticket, flow.user("district_head"))
    assert ticket.status == S.ACCEPTED
    assert flow.assignment(ticket, "street").accepted_by == flow.user("district_head")
    ticket = feedback_actions.do_reply_ticket(ticket, flow.user("district_head"), text="已处理。")
    assert ticket.status == S.REPLIED
    # The head of a child department does not reach up to its parent.
    street_head = new_user(role=Role.HEAD, department=flow.dept("street"))
    other = flow.dispatch(flow.new(), lead="district", co=())
    with pytest.raises(Forbidden):
        actions.do_accept_assignment(other, street_head)


def test_head_with_two_assignments_in_scope_prefers_the_lead(flow: Flow) -> None:
    ticket = flow.dispatch(flow.new(), lead="district", co=("street",))
    ticket = actions.do_accept_assignment(ticket, flow.user("district_head"))
    assert flow.assignment(ticket, "district").status == A.ACCEPTED
    assert flow.assignment(ticket, "street").status == A.PENDING
    co = flow.assignment(ticket, "street")
    ticket = actions.do_accept_assignment(ticket, flow.user("district_head"), assignment_id=co.pk)
    assert flow.assignment(ticket, "street").status == A.ACCEPTED


def test_co_return_keeps_ticket_status(flow: Flow) -> None:
    ticket = flow.accept(flow.dispatch(flow.new()))
    ticket = actions.do_return_assignment(ticket, flow.user("water"), reason="管线不归水务局")
    assert ticket.status == S.ACCEPTED
    co = flow.assignment(ticket, "water")
    assert (co.status, co.return_reason) == (A.RETURNED, "管线不归水务局")
    assert co.returned_at is not None
    event = last_event(ticket)
    assert (event.action, event.from_status, event.to_status) == ("return", S.ACCEPTED, S.ACCEPTED)


def test_lead_return_moves_ticket_to_returned(flow: Flow) -> None:
    ticket = flow.accept(flow.dispatch(flow.new()))
    ticket = actions.do_return_assignment(ticket, flow.user("housing"), reason="应由属地街道处理")
    assert ticket.status == S.RETURNED
    assert flow.assignment(ticket, "housing").status == A.RETURNED
    event = last_event(ticket)
    assert (event.from_status, event.to_status) == (S.ACCEPTED, S.RETURNED)
    assert event.details["reason"] == "应由属地街道处理"


def test_return_needs_a_reason(flow: Flow) -> None:
    ticket = flow.dispatch(flow.new())
    before = snapshot(ticket.pk)
    with pytest.raises(InvalidInput, match="reason"):
        actions.do_return_assignment(ticket, flow.user("housing"), reason="   ")
    assert snapshot(ticket.pk) == before


# --- review of a return ---------------------------------------------------------------------------


def _lead_returned(flow: Flow, *, accepted: bool) -> Ticket:
    ticket = flow.dispatch(flow.new())
    if accepted:
        ticket = flow.accept(ticket)
    return actions.do_return_assignment(ticket, flow.user("housing"), reason="应由属地街道处理")


def test_uphold_lead_return_redispatches_to_a_new_lead(flow: Flow, frozen_clock: FrozenClock) -> None:
    frozen_clock.set(sh(2025, 6, 9, 9, 0))  # Monday
    ticket = _lead_returned(flow, accepted=True)
    old = flow.assignment(ticket, "housing")
    frozen_clock.set(sh(2025, 6, 11, 15, 0))  # reviewed on Wednesday
    ticket = actions.do_review_return(
        ticket,
        flow.user("dispatcher"),
        assignment_id=old.pk,
        uphold=True,
        lead_department_id=flow.dept("street").pk,
        co_department_ids=[flow.dept("water").pk, flow.dept("district").pk],
    )
    assert ticket.status == S.DISPATCHED
    old.refresh_from_db()
    assert old.status == A.WITHDRAWN
    new_lead = ticket.lead_assignment
    assert new_lead is not None
    assert (new_lead.department, new_lead.status) == (flow.dept("street"), A.PENDING)
    assert new_lead.due_at == sh(2025, 6, 16, 15, 0)  # three working days from the review
    # 水务局 already works on it as co-handler: it is not assigned twice.
    assert ticket.assignments.filter(department=flow.dept("water")).count() == 1
    assert flow.assignment(ticket, "district").role == AssignmentRole.CO
    event = last_event(ticket)
    assert (event.action, event.from_status, event.to_status) == ("review_return", S.RETURNED, S.DISPATCHED)
    assert event.details["lead"] == "D0101"
    # The new lead takes it from there.
    ticket = flow.accept(ticket, "street")
    assert ticket.status == S.ACCEPTED


@pytest.mark.parametrize(
    ("lead", "message"),
    [
        (None, "必须指定新的主办单位"),
        ("housing", "不能是退单单位"),
        ("water", "已在办理"),
        ("missing", "不存在"),
    ],
)
def test_uphold_lead_return_refuses_bad_new_lead(flow: Flow, lead: str | None, message: str) -> None:
    ticket = _lead_returned(flow, accepted=False)
    returned = flow.assignment(ticket, "housing")
    ids = {key: dept.pk for key, dept in flow.departments.items()} | {"missing": 999_999}
    before = snapshot(ticket.pk)
    with pytest.raises(InvalidInput, match=message):
        actions.do_review_return(
            ticket,
            flow.user("dispatcher"),
            assignment_id=returned.pk,
            uphold=True,
            lead_department_id=ids[lead] if lead else None,
        )
    assert snapshot(ticket.pk) == before


def test_an_upheld_return_may_correct_the_category_and_a_rejected_one_may_not(flow: Flow) -> None:
    ticket = _lead_returned(flow, accepted=False)
    returned = flow.assignment(ticket, "housing")
    filed_under = ticket.category
    right = CategoryFactory(name="供水", level=1)
    before = snapshot(ticket.pk)
    with pytest.raises(InvalidInput, match="只有支持退单时才能修改分类"):
        actions.do_review_return(
            ticket, flow.user("dispatcher"), assignment_id=returned.pk, uphold=False, category_id=right.pk
        )
    with pytest.raises(InvalidInput, match="分类 999999 不存在"):
        actions.do_review_return(
            ticket,
            flow.user("dispatcher"),
            assignment_id=returned.pk,
            uphold=True,
            lead_department_id=flow.dept("street").pk,
            category_id=999_999,
        )
    assert snapshot(ticket.pk) == before

    ticket = actions.do_review_return(
        ticket,
        flow.user("dispatcher"),
        assignment_id=returned.pk,
        uphold=True,
        lead_department_id=flow.dept("street").pk,
        category_id=right.pk,
    )
    ticket.refresh_from_db()
    assert ticket.category == right
    assert last_event(ticket).details["category"] == {
        "from": filed_under.pk if filed_under else None,
        "to": right.pk,
    }


@pytest.mark.parametrize(
    ("accepted", "ticket_back", "assignment_back"),
    [(False, S.DISPATCHED, A.PENDING), (True, S.ACCEPTED, A.ACCEPTED)],
)
def test_reject_lead_return_restores_assignment_and_status(
    flow: Flow, accepted: bool, ticket_back: str, assignment_back: str
) -> None:
    ticket = _lead_returned(flow, accepted=accepted)
    returned = flow.assignment(ticket, "housing")
    ticket = actions.do_review_return(
        ticket, flow.user("dispatcher"), assignment_id=returned.pk, uphold=False, note="属于住建局职责"
    )
    assert ticket.status == ticket_back
    returned.refresh_from_db()
    assert returned.status == assignment_back
    # As before the return; the reason stays in the timeline.
    assert (returned.return_reason, returned.returned_at) == ("", None)
    assert ticket.events.get(action="return").details["reason"] == "应由属地街道处理"
    event = last_event(ticket)
    assert (event.from_status, event.to_status) == (S.RETURNED, ticket_back)
    assert event.details["uphold"] is False


def test_reject_lead_return_of_a_reopened_ticket_goes_back_to_reopened(flow: Flow) -> None:
    ticket = flow.to(S.REOPENED)
    ticket = actions.do_return_assignment(ticket, flow.user("housing"), reason="已办结，不再受理")
    assert ticket.status == S.RETURNED
    lead = flow.assignment(ticket, "housing")
    ticket = actions.do_review_return(
        ticket, flow.user("dispatcher"), assignment_id=lead.pk, uphold=False, note="属于本单位职责"
    )
    assert ticket.status == S.REOPENED
    lead.refresh_from_db()
    assert lead.status == A.ACCEPTED
    ticket = flow.reply(ticket)
    assert ticket.status == S.REPLIED


def test_return_reject_return_again_uses_the_latest_return(flow: Flow) -> None:
    ticket = flow.dispatch(flow.new())
    lead_id = flow.assignment(ticket, "housing").pk
    ticket = actions.do_return_assignment(ticket, flow.user("housing"), reason="第一次")
    ticket = actions.do_review_return(
        ticket, flow.user("dispatcher"), assignment_id=lead_id, uphold=False, note="属于本单位职责"
    )
    ticket = flow.accept(ticket)
    ticket = actions.do_return_assignment(ticket, flow.user("housing"), reason="第二次")
    ticket = actions.do_review_return(
        ticket, flow.user("dispatcher"), assignment_id=lead_id, uphold=False, note="属于本单位职责"
    )
    assert ticket.status == S.ACCEPTED
    assert Assignment.objects.get(pk=lead_id).status == A.ACCEPTED


def test_a_rejected_return_needs_its_reason(flow: Flow) -> None:
    """The department said the ticket is not theirs: sent back without a reason, it could not tell
    why it still is. Refused, through the action (the API and the page alike), nothing changes."""
    ticket = flow.dispatch(flow.new())
    ticket = actions.do_return_assignment(ticket, flow.user("housing"), reason="非本单位")
    lead = flow.assignment(ticket, "housing")
    before = snapshot(ticket.pk)
    for note in ("", "   "):
        with pytest.raises(InvalidInput, match="驳回退单须写明理由"):
            actions.do_review_return(
                ticket, flow.user("dispatcher"), assignment_id=lead.pk, uphold=False, note=note
            )
    assert snapshot(ticket.pk) == before
    ticket = actions.do_review_return(
        ticket, flow.user("dispatcher"), assignment_id=lead.pk, uphold=False, note=" 属于本单位职责 "
    )
    event = ticket.events.get(action="review_return")
    assert (event.details["uphold"], event.details["note"]) == (False, "属于本单位职责")


def test_co_return_reviews(flow: Flow) -> None:
    ticket = flow.accept(flow.dispatch(flow.new()))
    ticket = flow.accept(ticket, "water")
    ticket = actions.do_return_assignment(ticket, flow.user("water"), reason="不归我局")
    co = flow.assignment(ticket, "water")
    # Rejected: back to the co-handler as it was (accepted), the ticket does not move.
    ticket = actions.do_review_return(
        ticket, flow.user("dispatcher"), assignment_id=co.pk, uphold=False, note="属于本单位职责"
    )
    assert ticket.status == S.ACCEPTED
    co.refresh_from_db()
    assert co.status == A.ACCEPTED
    # Upheld with a replacement: the old one is withdrawn, the new co-handler starts pending.
    ticket = actions.do_return_assignment(ticket, flow.user("water"), reason="真的不归我局")
    ticket = actions.do_review_return(
        ticket,
        flow.user("dispatcher"),
        assignment_id=co.pk,
        uphold=True,
        co_department_ids=[flow.dept("street").pk],
    )
    assert ticket.status == S.ACCEPTED
    co.refresh_from_db()
    assert co.status == A.WITHDRAWN
    street = flow.assignment(ticket, "street")
    assert (street.role, street.status) == (AssignmentRole.CO, A.PENDING)
    event = last_event(ticket)
    assert (event.action, event.from_status, event.to_status) == ("review_return", S.ACCEPTED, S.ACCEPTED)


@pytest.mark.parametrize("replacement", ["water", "housing", "street"])
def test_upheld_co_return_refuses_a_replacement_already_on_the_ticket(flow: Flow, replacement: str) -> None:
    """Neither the department that returned it, nor the lead, nor another co-handler can be named."""
    ticket = flow.dispatch(flow.new(), co=("water", "street"))
    ticket = actions.do_return_assignment(ticket, flow.user("water"), reason="不归我局")
    co = flow.assignment(ticket, "water")
    before = snapshot(ticket.pk)
    with pytest.raises(InvalidInput, match="co_department_ids"):
        actions.do_review_return(
            ticket,
            flow.user("dispatcher"),
            assignment_id=co.pk,
            uphold=True,
            co_department_ids=[flow.dept(replacement).pk],
        )
    assert snapshot(ticket.pk) == before


def test_review_needs_a_returned_assignment(flow: Flow) -> None:
    ticket = flow.dispatch(flow.new())
    ticket = actions.do_return_assignment(ticket, flow.user("water"), reason="不归我局")
    lead = flow.assignment(ticket, "housing")
    before = snapshot(ticket.pk)
    with pytest.raises(ActionNotAllowed, match="待审核的退单"):
        actions.do_review_return(
            ticket, flow.user("dispatcher"), assignment_id=lead.pk, uphold=False, note="属于本单位职责"
        )
    assert snapshot(ticket.pk) == before


# --- answers and replies --------------------------------------------------------------------------


def test_reply_waits_for_every_co_handler(flow: Flow) -> None:
    ticket = flow.accept(flow.dispatch(flow.new(), co=("water", "street")))
    ticket = flow.accept(ticket, "water")
    ticket = flow.co_answer(ticket, "water")
    before = snapshot(ticket.pk)
    with pytest.raises(ActionNotAllowed) as refused:
        flow.reply(ticket)
    assert "和平街道" in refused.value.message
    assert "水务局" not in refused.value.message
    assert snapshot(ticket.pk) == before
    # A returned co-assignment also waits (for its review).
    ticket = actions.do_return_assignment(ticket, flow.user("street"), reason="不归街道")
    with pytest.raises(ActionNotAllowed, match="和平街道"):
        flow.reply(ticket)
    street = flow.assignment(ticket, "street")
    ticket = actions.do_review_return(ticket, flow.user("dispatcher"), assignment_id=street.pk, uphold=True)
    ticket = flow.reply(ticket, text="路灯已修复，感谢反映。")
    assert ticket.status == S.REPLIED
    lead = flow.assignment(ticket, "housing")
    assert (lead.status, lead.answer, lead.answered_by) == (
        A.ANSWERED,
        "路灯已修复，感谢反映。",
        flow.user("housing"),
    )
    reply = Reply.objects.get(ticket=ticket)
    assert (reply.department, reply.text) == (flow.dept("housing"), "路灯已修复，感谢反映。")
    event = last_event(ticket)
    assert (event.action, event.from_status, event.to_status) == ("reply", S.ACCEPTED, S.REPLIED)


def test_co_handler_cannot_reply_and_lead_cannot_answer(flow: Flow) -> None:
    ticket = flow.accept(flow.dispatch(flow.new()))
    ticket = flow.accept(ticket, "water")
    before = snapshot(ticket.pk)
    with pytest.raises(ActionNotAllowed, match="只有主办单位"):
        flow.reply(ticket, "water")
    with pytest.raises(ActionNotAllowed, match="主办单位请使用"):
        flow.co_answer(ticket, "housing")
    assert snapshot(ticket.pk) == before


def test_co_answer_needs_sign_off_and_text(flow: Flow) -> None:
    ticket = flow.accept(flow.dispatch(flow.new()))
    before = snapshot(ticket.pk)
    with pytest.raises(ActionNotAllowed):
        flow.co_answer(ticket)  # still pending
    ticket = flow.accept(ticket, "water")
    before = snapshot(ticket.pk)
    with pytest.raises(InvalidInput, match="text"):
        flow.co_answer(ticket, text=" ")
    assert snapshot(ticket.pk) == before
    ticket = flow.co_answer(ticket, text="已排查，非供水管线问题。")
    co = flow.assignment(ticket, "water")
    assert (co.status, co.answer) == (A.ANSWERED, "已排查，非供水管线问题。")
    assert ticket.status == S.ACCEPTED


def test_answer_on_spot_only_for_consultations(flow: Flow) -> None:
    complaint = flow.new(kind=Kind.COMPLAINT)
    before = snapshot(complaint.pk)
    with pytest.raises(ActionNotAllowed, match="咨询"):
        feedback_actions.do_answer_on_spot(complaint, flow.user("operator"), text="请等待。")
    assert snapshot(complaint.pk) == before

    question = flow.new(kind=Kind.CONSULTATION)
    ticket = feedback_actions.do_answer_on_spot(
        question, flow.user("operator"), text="社保卡补办请到街道服务中心。"
    )
    assert ticket.status == S.ANSWERED
    reply = Reply.objects.get(ticket=ticket)
    assert reply.department is None
    assert reply.replied_by == flow.user("operator")
    event = last_event(ticket)
    assert (event.action, event.from_status, event.to_status) == ("answer_on_spot", S.NEW, S.ANSWERED)


# --- invalidation ---------------------------------------------------------------------------------


def test_invalidation_needs_a_second_person(flow: Flow) -> None:
    ticket = flow.new()
    ticket = actions.do_request_invalidation(ticket, flow.user("supervisor"), reason="辱骂话务员")
    assert ticket.status == S.NEW
    event = last_event(ticket)
    assert (event.action, event.from_status, event.to_status) == ("request_invalidation", S.NEW, S.NEW)
    before = snapshot(ticket.pk)
    with pytest.raises(Forbidden, match="另一人"):
        actions.do_confirm_invalidation(ticket, flow.user("supervisor"), confirm=True)
    assert snapshot(ticket.pk) == before
    with pytest.raises(ActionNotAllowed, match="已有待确认"):
        actions.do_request_invalidation(ticket, flow.user("operator"), reason="再次申请")
    assert snapshot(ticket.pk) == before


def test_rejected_invalidation_leaves_the_status(flow: Flow) -> None:
    ticket = flow.dispatch(flow.new())
    ticket = actions.do_request_invalidation(ticket, flow.user("operator"), reason="重复来电")
    ticket = actions.do_confirm_invalidation(
        ticket, flow.user("dispatcher"), confirm=False, note="属正常诉求"
    )
    assert ticket.status == S.DISPATCHED
    request = InvalidationRequest.objects.get(ticket=ticket)
    assert (request.confirmed, request.decided_by) == (False, flow.user("dispatcher"))
    assert flow.assignment(ticket, "housing").status == A.PENDING
    event = last_event(ticket)
    assert (event.from_status, event.to_status) == (S.DISPATCHED, S.DISPATCHED)
    # Decided, so there is nothing left to confirm, and a new request may be made.
    with pytest.raises(ActionNotAllowed, match="没有待确认"):
        actions.do_confirm_invalidation(ticket, flow.user("supervisor"), confirm=True)
    actions.do_request_invalidation(ticket, flow.user("operator"), reason="新的理由")


def test_confirmed_invalidation_withdraws_open_assignments(flow: Flow) -> None:
    ticket = flow.accept(flow.dispatch(flow.new(), co=("water", "street")))
    ticket = flow.accept(ticket, "water")
    ticket = flow.co_answer(ticket, "water")
    ticket = actions.do_request_invalidation(ticket, flow.user("operator"), reason="恶意诉求")
    ticket = actions.do_confirm_invalidation(ticket, flow.user("supervisor"), confirm=True)
    assert ticket.status == S.INVALID
    statuses = {a.department.code: a.status for a in ticket.assignments.all()}
    assert statuses == {"B01": A.WITHDRAWN, "B02": A.ANSWERED, "D0101": A.WITHDRAWN}
    event = last_event(ticket)
    assert (event.action, event.from_status, event.to_status, event.actor) == (
        "confirm_invalidation",
        S.ACCEPTED,
        S.INVALID,
        flow.user("supervisor"),
    )
    assert event.details["withdrawn_assignments"] == 2


def test_invalidation_request_needs_a_reason(flow: Flow) -> None:
    ticket = flow.new()
    with pytest.raises(InvalidInput, match="reason"):
        actions.do_request_invalidation(ticket, flow.user("operator"), reason="")
    assert not InvalidationRequest.objects.exists()


# --- callback and close ---------------------------------------------------------------------------


def test_satisfied_callback_keeps_replied_and_allows_close(flow: Flow) -> None:
    ticket = flow.to(S.REPLIED)
    before = snapshot(ticket.pk)
    with pytest.raises(ActionNotAllowed, match="尚未回访"):
        feedback_actions.do_close_ticket(ticket, flow.user("operator"))
    assert snapshot(ticket.pk) == before
    ticket = feedback_actions.do_record_callback(
        ticket, flow.user("operator"), resolution=Resolution.PARTLY, satisfaction=Satisfaction.BASICALLY
    )
    assert ticket.status == S.REPLIED
    callback = Callback.objects.get(ticket=ticket)
    assert callback.reply == Reply.objects.get(ticket=ticket)
    assert callback.reopened is False
    ticket = feedback_actions.do_close_ticket(ticket, flow.user("supervisor"), note="办结")
    assert ticket.status == S.CLOSED
    assert ticket.closed_at is not None
    event = last_event(ticket)
    assert (event.action, event.from_status, event.to_status) == ("close", S.REPLIED, S.CLOSED)
    assert event.details["callback"] == callback.pk


def test_unsatisfied_callback_reopens_to_the_lead(flow: Flow, frozen_clock: FrozenClock) -> None:
    frozen_clock.set(sh(2025, 9, 22, 9, 0))
    ticket = flow.to(S.REPLIED)
    frozen_clock.set(sh(2025, 9, 30, 11, 0))
    ticket = flow.callback(ticket, Satisfaction.UNSATISFIED)
    assert ticket.status == S.REOPENED
    assert ticket.reopen_count == 1
    lead = flow.assignment(ticket, "housing")
    assert lead.status == A.ACCEPTED
    assert lead.due_at == sh(2025, 10, 11, 11, 0)  # a new handling period, over the holiday
    assert flow.assignment(ticket, "water").status == A.ANSWERED
    event = last_event(ticket)
    assert (event.action, event.from_status, event.to_status) == ("callback", S.REPLIED, S.REOPENED)
    assert Callback.objects.get(ticket=ticket).reopened is True
    # The old reply's callback does not let it close; the lead replies again, a new callback closes.
    with pytest.raises(ActionNotAllowed):
        feedback_actions.do_close_ticket(ticket, flow.user("operator"))
    ticket = flow.reply(ticket, text="已更换灯具。")
    assert ticket.status == S.REPLIED
    with pytest.raises(ActionNotAllowed, match="尚未回访"):
        feedback_actions.do_close_ticket(ticket, flow.user("operator"))
    ticket = flow.callback(ticket)
    ticket = feedback_actions.do_close_ticket(ticket, flow.user("operator"))
    assert ticket.status == S.CLOSED
    assert ticket.reopen_count == 1


def test_unsatisfied_after_an_answer_on_the_spot_goes_to_dispatch(flow: Flow) -> None:
    ticket = flow.to(S.ANSWERED)
    ticket = flow.callback(ticket, Satisfaction.UNSATISFIED)
    assert ticket.status == S.NEW
    assert ticket.reopen_count == 1
    ticket = flow.dispatch(ticket, co=())
    assert ticket.status == S.DISPATCHED


def test_close_after_an_answer_on_the_spot(flow: Flow) -> None:
    ticket = flow.callback(flow.to(S.ANSWERED))
    ticket = feedback_actions.do_close_ticket(ticket, flow.user("operator"))
    assert ticket.status == S.CLOSED


@pytest.mark.parametrize(("resolution", "satisfaction"), [("fixed", "satisfied"), ("resolved", "happy")])
def test_callback_refuses_unknown_values(flow: Flow, resolution: str, satisfaction: str) -> None:
    ticket = flow.to(S.REPLIED)
    before = snapshot(ticket.pk)
    with pytest.raises(InvalidInput):
        feedback_actions.do_record_callback(
            ticket, flow.user("operator"), resolution=resolution, satisfaction=satisfaction
        )
    assert snapshot(ticket.pk) == before


# --- merge ----------------------------------------------------------------------------------------


def test_merge_withdraws_open_assignments(flow: Flow) -> None:
    target = flow.new()
    ticket = flow.accept(flow.dispatch(flow.new()))
    ticket = actions.do_merge_ticket(ticket, flow.user("operator"), into_ticket_id=target.pk, note="同一路灯")
    assert ticket.status == S.MERGED
    assert ticket.merged_into == target
    assert set(ticket.assignments.values_list("status", flat=True)) == {A.WITHDRAWN}
    event = last_event(ticket)
    assert (event.action, event.from_status, event.to_status) == ("merge", S.ACCEPTED, S.MERGED)
    assert event.details["into_number"] == target.number
    assert event.details["withdrawn_assignments"] == 2
    # The target stays where it was; its timeline names the ticket that joined it.
    assert Ticket.objects.get(pk=target.pk).status == S.NEW
    assert list(TicketEvent.objects.filter(ticket=target).values_list("action", "details__joined")) == [
        ("receive", None),
        ("merge", ticket.pk),
    ]


@pytest.mark.parametrize("target_status", [S.CLOSED, S.MERGED, S.INVALID])
def test_merge_target_must_be_open(flow: Flow, target_status: str) -> None:
    target = flow.to(target_status)
    ticket = flow.new()
    before, target_before = snapshot(ticket.pk), snapshot(target.pk)
    with pytest.raises(ActionNotAllowed, match=target.number):
        actions.do_merge_ticket(ticket, flow.user("operator"), into_ticket_id=target.pk)
    assert snapshot(ticket.pk) == before
    assert snapshot(target.pk) == target_before


@pytest.mark.parametrize("target_status", [S.DISPATCHED, S.RETURNED, S.REOPENED])
def test_merge_into_any_ticket_whose_answer_is_to_come(flow: Flow, target_status: str) -> None:
    target = flow.to(target_status)
    ticket = actions.do_merge_ticket(flow.new(), flow.user("dispatcher"), into_ticket_id=target.pk)
    assert ticket.merged_into_id == target.pk


def test_merge_refuses_self_and_missing_target(flow: Flow) -> None:
    ticket = flow.new()
    before = snapshot(ticket.pk)
    with pytest.raises(InvalidInput, match="不能合并到自身"):  # as the page that asks to confirm says
        actions.do_merge_ticket(ticket, flow.user("operator"), into_ticket_id=ticket.pk)
    with pytest.raises(InvalidInput, match="不存在"):
        actions.do_merge_ticket(ticket, flow.user("operator"), into_ticket_id=999_999)
    assert snapshot(ticket.pk) == before


# --- the timeline ---------------------------------------------------------------------------------


def test_each_action_writes_exactly_one_event(flow: Flow) -> None:
    """A whole life: after every action there is one more event, naming the action, actor and states."""
    op, disp, sup = flow.user("operator"), flow.user("dispatcher"), flow.user("supervisor")
    housing, water, street = flow.user("housing"), flow.user("water"), flow.user("street")
    ticket = flow.new()
    assert [(e.action, e.from_status, e.to_status, e.actor) for e in ticket.events.all()] == [
        ("receive", "", S.NEW, op)
    ]
    ids = {key: dept.pk for key, dept in flow.departments.items()}

    def lead_id(t: Ticket) -> int:
        found = t.lead_assignment
        assert found is not None
        return found.pk

    steps = [
        (
            "request_invalidation",
            op,
            S.NEW,
            lambda t: actions.do_request_invalidation(t, op, reason="疑似骚扰"),
        ),
        (
            "confirm_invalidation",
            sup,
            S.NEW,
            lambda t: actions.do_confirm_invalidation(t, sup, confirm=False),
        ),
        ("dispatch", disp, S.DISPATCHED, lambda t: flow.dispatch(t)),
        ("accept", water, S.DISPATCHED, lambda t: flow.accept(t, "water")),
        (
            "return",
            housing,
            S.RETURNED,
            lambda t: actions.do_return_assignment(t, housing, reason="非本单位"),
        ),
        (
            "review_return",
            disp,
            S.DISPATCHED,
            lambda t: actions.do_review_return(
                t, disp, assignment_id=lead_id(t), uphold=True, lead_department_id=ids["street"]
            ),
        ),
        ("accept", street, S.ACCEPTED, lambda t: flow.accept(t, "street")),
        ("answer", water, S.ACCEPTED, lambda t: flow.co_answer(t, "water")),
        ("reply", street, S.REPLIED, lambda t: flow.reply(t, "street")),
        ("callback", op, S.REOPENED, lambda t: flow.callback(t, Satisfaction.UNSATISFIED)),
        ("reply", street, S.REPLIED, lambda t: flow.reply(t, "street")),
        ("callback", op, S.REPLIED, lambda t: flow.callback(t)),
        ("close", op, S.CLOSED, lambda t: feedback_actions.do_close_ticket(t, op)),
    ]
    for action, actor, to_status, step in steps:
        count = ticket.events.count()
        previous = Ticket.objects.get(pk=ticket.pk).status
        ticket = step(ticket)
        assert ticket.events.count() == count + 1, action
        event = last_event(ticket)
        assert (event.action, event.actor, event.from_status, event.to_status) == (
            action,
            actor,
            previous,
            to_status,
        )
        assert event.at == ticket.updated_at
    changes = ticket.events.exclude(from_status=F("to_status"))
    assert [e.to_status for e in changes] == [
        S.NEW,
        S.DISPATCHED,
        S.RETURNED,
        S.DISPATCHED,
        S.ACCEPTED,
        S.REPLIED,
        S.REOPENED,
        S.REPLIED,
        S.CLOSED,
    ]


# --- ticket numbers -------------------------------------------------------------------------------


def test_ticket_numbers_follow_the_local_day(flow: Flow, frozen_clock: FrozenClock) -> None:
    frozen_clock.set(datetime(2026, 11, 22, 15, 59, tzinfo=UTC))  # 23:59 on the 22nd in Shanghai
    assert flow.new().number == "20261122-000001"
    frozen_clock.set(datetime(2026, 11, 22, 17, 0, tzinfo=UTC))  # 01:00 on the 23rd in Shanghai
    assert [flow.new().number for _ in range(3)] == [
        "20261123-000001",
        "20261123-000002",
        "20261123-000003",
    ]
    frozen_clock.set(datetime(2026, 11, 22, 17, 0, tzinfo=UTC) + timedelta(hours=2))
    assert flow.new().number == "20261123-000004"
    frozen_clock.set(sh(2026, 11, 24, 0, 0))
    assert flow.new().number == "20261124-000001"
    # A refused intake uses no number.
    with pytest.raises(InvalidInput):
        flow.new(title=" ")
    assert flow.new().number == "20261124-000002"


def test_dispatch_recalls_a_ticket_sent_to_the_wrong_unit_before_it_signs(flow: Flow) -> None:
    """撤回派单: the assignments are withdrawn (a co-handler's signed one too), the ticket waits in
    the dispatch queue again and is dispatched anew; once the lead signed, only its return moves it."""
    ticket = flow.dispatch(flow.new(), lead="housing", co=("water",))
    actions.do_accept_assignment(ticket, flow.user("water"))  # the co-handler signed; the lead not yet
    with pytest.raises(InvalidInput, match="reason"):
        actions.do_recall_dispatch(ticket, flow.user("dispatcher"), reason=" ")
    with pytest.raises(Forbidden):
        actions.do_recall_dispatch(ticket, flow.user("operator"), reason="派错了")
    ticket = actions.do_recall_dispatch(ticket, flow.user("dispatcher"), reason="应由街道主办")
    assert ticket.status == S.NEW
    assert set(ticket.assignments.values_list("status", flat=True)) == {A.WITHDRAWN}
    event = last_event(ticket)
    assert (event.action, event.from_status, event.to_status) == ("recall", S.DISPATCHED, S.NEW)
    assert event.details == {"withdrawn": ["B01", "B02"], "reason": "应由街道主办"}
    ticket = flow.dispatch(ticket, lead="street", co=())
    assert ticket.status == S.DISPATCHED
    assert [a.department.code for a in ticket.assignments.filter(status=A.PENDING)] == ["D0101"]

    signed = flow.accept(flow.dispatch(flow.new(), lead="housing", co=()))
    with pytest.raises(ActionNotAllowed, match="不能撤回派单"):
        actions.do_recall_dispatch(signed, flow.user("dispatcher"), reason="派错了")
