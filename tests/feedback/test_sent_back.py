"""The reason a unit reads in its inbox while its reply sent back (退回重答) waits for a new one
(`feedback.selectors.sent_back`): from the last event that reopened the ticket, only when that was
the send-back."""

import pytest

from hotline.core.enums import Satisfaction, TicketStatus
from hotline.feedback.actions import do_return_reply
from hotline.feedback.selectors import sent_back
from hotline.tickets.models import Ticket
from tests.tickets.conftest import Flow

pytestmark = pytest.mark.django_db
S = TicketStatus


def _replied(flow: Flow) -> Ticket:
    return flow.reply(flow.co_answer(flow.accept(flow.to(S.ACCEPTED), "water")))


def test_the_reason_of_the_send_back_that_reopened_the_ticket(flow: Flow) -> None:
    ticket = _replied(flow)
    other = _replied(flow)
    assert sent_back([ticket.pk, other.pk]) == {}

    ticket = do_return_reply(ticket, flow.user("supervisor"), reason="请写明处理结果")
    assert sent_back([ticket.pk, other.pk]) == {ticket.pk: "请写明处理结果"}

    # Answered again, then reopened by the citizen's callback (重办): no longer a send-back.
    ticket = flow.callback(flow.reply(ticket), Satisfaction.UNSATISFIED)
    assert ticket.status == S.REOPENED
    assert sent_back([ticket.pk]) == {}
