"""The reply-quality check on the staff pages: the handler checks a draft before sending, the
ticket page shows each reply's scores and reasons, and dispatchers and supervisors find the flagged
replies in one list and review them there or on the ticket."""

import pytest

from hotline.core.enums import TicketStatus
from hotline.feedback.models import ReplyCheck
from tests.feedback.test_quality import FORMULA, FULL
from tests.tickets.conftest import Flow

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
S = TicketStatus


@pytest.fixture
def flow(staff, departments) -> Flow:
    return Flow(staff, departments)


def _replied(flow: Flow, text: str):
    ticket = flow.to(S.ACCEPTED)
    ticket = flow.co_answer(flow.accept(ticket, "water"))
    return flow.reply(ticket, text=text)


def test_a_handler_checks_a_draft_before_sending_and_nothing_is_stored(client, flow: Flow) -> None:
    ticket = flow.co_answer(flow.accept(flow.to(S.ACCEPTED), "water"))
    client.force_login(flow.user("housing"))
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert "发送前检查答复质量" in page
    weak = client.post(f"/tickets/{ticket.number}/reply-check/", {"text": FORMULA}, **HTMX)
    assert weak.status_code == 200
    body = weak.content.decode()
    assert "质量存疑" in body and "没有说明原因" in body and "仍可发送" in body
    assert "✗ 政策依据" in body  # the elements, as a checklist beside the scores
    good = client.post(f"/tickets/{ticket.number}/reply-check/", {"text": FULL}, **HTMX).content.decode()
    assert "合格" in good and "质量存疑" not in good
    assert not ReplyCheck.objects.exists()
    assert ticket.replies.count() == 0


def test_the_draft_check_is_for_those_who_reply(client, flow: Flow) -> None:
    ticket = flow.to(S.ACCEPTED)
    client.force_login(flow.user("operator"))
    assert client.post(f"/tickets/{ticket.number}/reply-check/", {"text": FULL}).status_code == 403


def test_the_ticket_page_shows_the_check_and_a_supervisor_reviews_it(client, flow: Flow) -> None:
    ticket = _replied(flow, FORMULA)
    reply = ticket.replies.get()
    client.force_login(flow.user("housing"))
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert "质量存疑" in page and "完整性" in page
    assert "已复核" not in page  # a handler cannot review their own reply

    client.force_login(flow.user("supervisor"))
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert f'id="reply-quality-{reply.pk}"' in page and "复核意见" in page
    done = client.post(f"/replies/{reply.pk}/review/", {"note": "已补充电话说明"}, **HTMX)
    assert done.status_code == 200
    assert "已于" in done.content.decode() and "已补充电话说明" in done.content.decode()
    check = ReplyCheck.objects.get(reply=reply)
    assert check.reviewed_by == flow.user("supervisor")


def test_the_flagged_list(client, flow: Flow) -> None:
    weak = _replied(flow, FORMULA)
    good = _replied(flow, FULL)
    client.force_login(flow.user("dispatcher"))
    page = client.get("/replies/flagged/").content.decode()
    assert weak.number in page and good.number not in page
    reply = weak.replies.get()
    response = client.post(f"/replies/{reply.pk}/review/", {"next": "/replies/flagged/"})
    assert response.status_code == 302
    assert weak.number not in client.get("/replies/flagged/").content.decode()
    assert weak.number in client.get("/replies/flagged/?reviewed=1").content.decode()
    # Reviewed once: a second review is refused with the reason.
    again = client.post(f"/replies/{reply.pk}/review/", **HTMX)
    assert again.status_code == 409 and "已由" in again.content.decode()


def test_the_flagged_list_is_for_dispatch_and_supervision(client, flow: Flow) -> None:
    _replied(flow, FORMULA)
    for who in ("operator", "housing", "leader"):
        client.force_login(flow.user(who))
        assert client.get("/replies/flagged/").status_code == 403
    client.force_login(flow.user("housing"))
    reply = ReplyCheck.objects.get().reply
    assert client.post(f"/replies/{reply.pk}/review/").status_code == 403
    assert ReplyCheck.objects.get().reviewed_at is None
