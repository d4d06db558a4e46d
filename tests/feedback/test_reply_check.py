"""The reply-quality check in the reply path: every department reply is scored and kept, a weak one
goes out all the same and is flagged with its reasons, a dispatcher or supervisor reviews the
flag, and with the check before closing a flagged reply holds the close back, saying why."""

import pytest

from hotline.core.enums import Satisfaction, TicketStatus
from hotline.core.errors import ActionNotAllowed, Forbidden
from hotline.feedback import actions as feedback_actions
from hotline.feedback.models import ReplyCheck
from tests.feedback.test_quality import FULL
from tests.tickets.conftest import Flow, FrozenClock

pytestmark = pytest.mark.django_db

S = TicketStatus


def _replied(flow: Flow, text: str):
    ticket = flow.to(S.ACCEPTED)
    ticket = flow.accept(ticket, "water")
    ticket = flow.co_answer(ticket)
    return flow.reply(ticket, text=text)


def test_a_weak_reply_is_sent_and_flagged_with_reasons(flow: Flow, frozen_clock: FrozenClock) -> None:
    ticket = _replied(flow, "已处理。")
    assert ticket.status == S.REPLIED  # never held back
    check = ReplyCheck.objects.get(reply__ticket=ticket)
    assert check.weak and check.checked_at == frozen_clock.value
    assert "completeness" in check.reasons and "interpretability" in check.reasons
    assert check.reviewed_at is None


def test_a_full_reply_is_not_flagged(flow: Flow) -> None:
    ticket = _replied(flow, FULL)
    check = ReplyCheck.objects.get(reply__ticket=ticket)
    assert not check.weak and check.reasons == {}
    assert check.relevance > 0.3


def test_answers_on_the_spot_are_not_checked(flow: Flow) -> None:
    ticket = flow.to(S.ANSWERED)
    assert not ReplyCheck.objects.filter(reply__ticket=ticket).exists()


def test_a_supervisor_reviews_a_flag_once(flow: Flow, frozen_clock: FrozenClock) -> None:
    ticket = _replied(flow, "已处理。")
    check = ReplyCheck.objects.get(reply__ticket=ticket)
    with pytest.raises(Forbidden):
        feedback_actions.do_review_reply_check(check, flow.user("housing"))
    done = feedback_actions.do_review_reply_check(check, flow.user("supervisor"), note=" 已电话补充说明 ")
    assert (done.reviewed_by, done.reviewed_at, done.review_note) == (
        flow.user("supervisor"),
        frozen_clock.value,
        "已电话补充说明",
    )
    with pytest.raises(ActionNotAllowed, match="已由"):
        feedback_actions.do_review_reply_check(check, flow.user("dispatcher"))


def test_an_unflagged_reply_needs_no_review(flow: Flow) -> None:
    ticket = _replied(flow, FULL)
    with pytest.raises(ActionNotAllowed):
        feedback_actions.do_review_reply_check(
            ReplyCheck.objects.get(reply__ticket=ticket), flow.user("admin")
        )


def test_by_default_a_weak_reply_does_not_hold_the_close(flow: Flow) -> None:
    ticket = flow.callback(_replied(flow, "已处理。"))
    assert feedback_actions.do_close_ticket(ticket, flow.user("operator")).status == S.CLOSED


def test_checked_before_closing_a_flag_holds_the_close_until_reviewed(flow: Flow, settings) -> None:
    settings.HOTLINE = {
        **settings.HOTLINE,
        "REPLY_CHECK": {**settings.HOTLINE["REPLY_CHECK"], "WHEN": "close"},
    }
    ticket = flow.callback(_replied(flow, "已处理。"), Satisfaction.SATISFIED)
    with pytest.raises(ActionNotAllowed, match=r"答复质量存疑.*完整性"):
        feedback_actions.do_close_ticket(ticket, flow.user("operator"))
    ticket.refresh_from_db()
    assert ticket.status == S.REPLIED
    feedback_actions.do_review_reply_check(
        ReplyCheck.objects.get(reply__ticket=ticket), flow.user("dispatcher")
    )
    assert feedback_actions.do_close_ticket(ticket, flow.user("operator")).status == S.CLOSED


def test_the_api_shows_the_check_with_the_reply(flow: Flow, api_as) -> None:
    ticket = _replied(flow, "已处理。")
    body = api_as(flow.user("supervisor")).get(f"/tickets/{ticket.pk}").json()
    [reply] = body["replies"]
    assert reply["quality"]["weak"] is True
    assert set(reply["quality"]) >= {
        "relevance",
        "completeness",
        "interpretability",
        "reasons",
        "reviewed_at",
    }


def test_the_api_lists_and_reviews_flagged_replies(flow: Flow, api_as) -> None:
    weak = _replied(flow, "已处理。")
    _replied(flow, FULL)
    supervisor = api_as(flow.user("supervisor"))
    page = supervisor.get("/replies/flagged").json()
    assert page["count"] == 1
    [item] = page["items"]
    assert item["ticket"]["number"] == weak.number and item["quality"]["weak"] is True
    reply_id = item["reply_id"]
    done = supervisor.post(f"/replies/{reply_id}/review", {"note": "已补充说明"})
    assert done.status_code == 200 and done.json()["reviewed_by"] == "sup"
    assert supervisor.post(f"/replies/{reply_id}/review", {}).status_code == 409
    assert supervisor.get("/replies/flagged").json()["count"] == 0
    assert supervisor.get("/replies/flagged?reviewed=true").json()["count"] == 1
    handler = api_as(flow.user("housing"))
    assert handler.get("/replies/flagged").status_code == 403
    assert handler.post(f"/replies/{reply_id}/review", {}).status_code == 403


def test_the_api_scores_a_reply_without_storing_it(flow: Flow, api_as) -> None:
    client = api_as(flow.user("housing"))
    response = client.post(
        "/replies/check", {"appeal_title": "路灯不亮", "appeal_text": "幸福路路灯坏了", "reply": "已处理。"}
    )
    assert response.status_code == 200
    assert response.json()["weak"] is True and "completeness" in response.json()["reasons"]
    assert client.post("/replies/check", {"appeal_title": "", "reply": "已处理。"}).status_code == 422
    assert client.post("/replies/check", {"appeal_title": "x"}).status_code == 422
    assert not ReplyCheck.objects.exists()
