"""A weak reply sent back to its unit to answer again (退回重答): from the flagged list, with a reason;
the ticket goes back to its lead (重办 state, not counted as one), the unit reads the reason in its
inbox and replies again, the timeline says who sent it back and why, and the callback waits for the
new reply. Refused where the state machine does not allow it, changing nothing."""

import html

import pytest

from hotline.core.enums import AssignmentRole, AssignmentStatus, EventType, TicketStatus
from hotline.core.errors import ActionNotAllowed, Forbidden
from hotline.feedback.actions import do_return_reply
from hotline.feedback.models import ReplyCheck
from hotline.tickets.models import Ticket
from tests.feedback.test_quality import FORMULA, FULL
from tests.tickets.conftest import Flow

pytestmark = pytest.mark.django_db
S = TicketStatus
REASON = "请写明核查的情况、处理结果和依据。"


@pytest.fixture
def flow(staff, departments) -> Flow:
    return Flow(staff, departments)


def _replied(flow: Flow, text: str) -> Ticket:
    ticket = flow.co_answer(flow.accept(flow.to(S.ACCEPTED), "water"))
    return flow.reply(ticket, text=text)


def _text(response) -> str:
    return html.unescape(response.content.decode())


def test_a_supervisor_sends_a_weak_reply_back_and_the_unit_answers_again(client, flow: Flow) -> None:
    ticket = _replied(flow, FORMULA)
    check = ReplyCheck.objects.get(reply__ticket=ticket)
    assert check.weak
    client.force_login(flow.user("supervisor"))
    listed = _text(client.get("/replies/flagged/"))
    assert "退回重答" in listed and f"/tickets/{ticket.number}/do/return_reply/" in listed

    sent = client.post(
        f"/tickets/{ticket.number}/do/return_reply/",
        {"reason": REASON, "reply_id": check.reply_id, "next": "/replies/flagged/"},
    )

    assert sent.status_code == 302 and sent["Location"] == "/replies/flagged/"
    ticket.refresh_from_db()
    assert ticket.status == S.REOPENED and ticket.reopen_count == 0 and ticket.callback_due_at is None
    lead = ticket.assignments.get(role=AssignmentRole.LEAD)
    assert lead.status == AssignmentStatus.ACCEPTED
    check.refresh_from_db()
    assert check.returned and check.review_note == REASON and check.reviewed_by == flow.user("supervisor")
    event = ticket.events.get(action=EventType.RETURN_REPLY)
    assert (event.from_status, event.to_status, event.details["reason"]) == (S.REPLIED, S.REOPENED, REASON)
    # Off the list of flags waiting for review; on the reviewed one, saying it was sent back.
    assert f'data-number="{ticket.number}"' not in _text(client.get("/replies/flagged/"))
    assert f"退回承办单位重新答复：{REASON}" in _text(client.get("/replies/flagged/?reviewed=1"))
    page = _text(client.get(f"/tickets/{ticket.number}/"))
    assert "退回重答" in page and REASON in page  # on the timeline

    # The unit sees it in its inbox, with the reason, and replies again.
    client.force_login(flow.user("housing"))
    inbox = _text(client.get("/inbox/"))
    assert ticket.number in inbox and f"答复已被退回，请重新答复：{REASON}" in inbox
    flow.reply(ticket, text=FULL)
    ticket.refresh_from_db()
    assert ticket.status == S.REPLIED and ticket.callback_due_at is not None
    assert ticket.replies.count() == 2
    assert "答复已被退回" not in _text(client.get("/inbox/"))


def test_a_reason_is_required_and_only_the_last_reply_is_sent_back(flow: Flow) -> None:
    ticket = _replied(flow, FORMULA)
    supervisor = flow.user("supervisor")
    with pytest.raises(Exception, match="reason"):
        do_return_reply(ticket, supervisor, reason="  ")
    with pytest.raises(ActionNotAllowed, match="已不是"):
        do_return_reply(ticket, supervisor, reason=REASON, reply_id=ticket.replies.get().pk + 1)
    with pytest.raises(Forbidden):
        do_return_reply(ticket, flow.user("housing"), reason=REASON)
    ticket.refresh_from_db()
    assert ticket.status == S.REPLIED and not ticket.events.filter(action=EventType.RETURN_REPLY).exists()


def test_a_closed_ticket_is_not_sent_back(flow: Flow) -> None:
    ticket = flow.to(S.CLOSED)

    with pytest.raises(ActionNotAllowed, match="不能退回重答"):
        do_return_reply(ticket, flow.user("supervisor"), reason=REASON)


def test_an_answer_on_the_spot_has_no_unit_to_send_it_back_to(flow: Flow) -> None:
    ticket = flow.to(S.ANSWERED, kind="consultation")

    with pytest.raises(ActionNotAllowed):
        do_return_reply(ticket, flow.user("supervisor"), reason=REASON)


def test_a_reply_the_check_passed_can_be_sent_back_from_its_ticket_page(client, flow: Flow) -> None:
    # The check is an aid: people read replies it passes as incomplete often enough (docs/adr/0014,
    # the readers' agreement), and the reviewer who reads one so must be able to ask for another.
    ticket = _replied(flow, FULL)
    check = ReplyCheck.objects.get(reply__ticket=ticket)
    assert not check.weak
    client.force_login(flow.user("supervisor"))
    page = _text(client.get(f"/tickets/{ticket.number}/"))
    assert f"/tickets/{ticket.number}/do/return_reply/" in page
    sent = client.post(
        f"/tickets/{ticket.number}/do/return_reply/",
        {"reason": REASON, "reply_id": check.reply_id, "next": f"/tickets/{ticket.number}/"},
    )
    assert sent.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == S.REOPENED

    client.force_login(flow.user("housing"))  # the unit that replied does not send its own back
    flow.reply(ticket, text=FULL)
    assert "/do/return_reply/" not in _text(client.get(f"/tickets/{ticket.number}/"))
