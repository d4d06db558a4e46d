"""A unit is told what was decided of what it asked or sent (审核结果): its request for more time,
its return (退单), its reply sent back (退回重答); once each, in its 消息, in the reader's language."""

from datetime import timedelta

import pytest
from django.utils import translation

from hotline.core import clock
from hotline.core.enums import AssignmentRole, NotificationReason, TicketStatus
from hotline.feedback.actions import do_return_reply
from hotline.notifications.models import Notification
from hotline.sla.actions import do_request_extension, do_review_extension
from hotline.supervision import wording
from hotline.supervision.sweep import run_sweep
from hotline.tickets.actions import do_return_assignment, do_review_return
from tests.supervision.conftest import QUIET
from tests.tickets.conftest import Flow

pytestmark = pytest.mark.django_db
S = TicketStatus


@pytest.fixture
def flow(staff, departments) -> Flow:
    return Flow(staff, departments)


def told(flow: Flow) -> list[Notification]:
    run_sweep(overrides=QUIET)
    return list(
        Notification.objects.filter(reason=NotificationReason.DECISION, channel="inbox").order_by("pk")
    )


def test_a_refused_request_for_more_time_is_told_to_the_unit_once(flow: Flow) -> None:
    ticket = flow.to(S.ACCEPTED)
    lead = ticket.assignments.get(role=AssignmentRole.LEAD)
    do_request_extension(
        ticket,
        flow.user("housing"),
        reason="需协调多个部门",
        requested_due_at=lead.due_at + timedelta(days=5),
    )
    do_review_extension(ticket, flow.user("dispatcher"), approve=False, note="理由不充分，请按原时限办理。")

    (notice,) = told(flow)
    assert notice.department == lead.department and notice.ticket == ticket
    assert (
        notice.message
        == f"工单 {ticket.number}「{ticket.title}」的延期申请未获批准：理由不充分，请按原时限办理。"
    )
    with translation.override("en"):
        english = wording.shown(notice.message)
    assert ticket.number in english and "理由不充分" in english and "延期" not in english
    assert len(told(flow)) == 1  # once, however many sweeps


def test_an_approved_request_says_the_new_deadline(flow: Flow) -> None:
    ticket = flow.to(S.ACCEPTED)
    lead = ticket.assignments.get(role=AssignmentRole.LEAD)
    wanted = lead.due_at + timedelta(days=5)
    do_request_extension(ticket, flow.user("housing"), reason="需协调多个部门", requested_due_at=wanted)
    do_review_extension(ticket, flow.user("dispatcher"), approve=True)
    (notice,) = told(flow)
    lead.refresh_from_db()
    assert f"延期申请已批准，新的办理时限 {clock.localtime(lead.due_at):%Y-%m-%d %H:%M}。" in notice.message


def test_a_rejected_return_and_a_reply_sent_back_are_told_to_the_unit(flow: Flow) -> None:
    ticket = flow.to(S.ACCEPTED)
    lead = ticket.assignments.get(role=AssignmentRole.LEAD)
    do_return_assignment(ticket, flow.user("housing"), reason="不属于本单位职责")
    do_review_return(
        ticket, flow.user("dispatcher"), assignment_id=lead.pk, uphold=False, note="路灯归住建局管理。"
    )
    (rejected,) = told(flow)
    assert rejected.department == lead.department
    assert rejected.message.endswith("的退单未获支持，请继续办理：路灯归住建局管理。")

    ticket = flow.reply(flow.co_answer(flow.accept(ticket, "water")))  # still signed for by housing
    do_return_reply(ticket, flow.user("supervisor"), reason="请写明处理结果。")
    sent_back = told(flow)[-1]
    assert sent_back.department == lead.department
    assert sent_back.message.endswith("的答复被退回，请重新答复：请写明处理结果。")
