"""The replies on a ticket's page as the audit of the demo city read them: the saved check's
elements ticked as the flagged list and the check before sending tick them, a reply sent back
naming who sent it back, the check of a draft never ticking a template's blank as written, and the
lead unit told which co-handling units it waits for before it starts typing a reply that would be
refused."""

import html
import re

import pytest

from hotline.core.enums import TicketStatus
from hotline.feedback.actions import do_return_reply
from hotline.feedback.models import Reply
from tests.feedback.test_quality import FORMULA, FULL
from tests.tickets.conftest import Flow

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
S = TicketStatus
# The demo city's first reply template, its ticket fields filled and its handler's blanks not.
TEMPLATE_DRAFT = (
    "张先生您好！您反映的“小区门口路灯不亮”问题已收悉。经住建局核查，【核查情况与原因】。"
    "我单位已【采取的措施】，目前【办理结果】。如有疑问，请致电0731-12345678与我单位联系。"
    "住建局 2026年12月6日"
)


@pytest.fixture
def flow(staff, departments) -> Flow:
    return Flow(staff, departments)


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _elements(page: str) -> list[str]:
    """The checklist of elements as shown ("✓ 问候", "✗ 政策依据", ...), in order."""
    found = re.search(r'<p class="muted reply-elements">(.*?)</p>', page, re.S)
    assert found is not None, "no checklist of elements on the page"
    return re.findall(r"[✓✗] [^<]+", found.group(1))


def _replied(flow: Flow, text: str):
    return flow.reply(flow.co_answer(flow.accept(flow.to(S.ACCEPTED), "water")), text=text)


def test_the_ticket_page_ticks_the_elements_of_the_reply_it_shows(client, flow: Flow) -> None:
    ticket = _replied(flow, FULL)
    client.force_login(flow.user("dispatcher"))
    shown = _elements(_text(client.get(f"/tickets/{ticket.number}/")))
    assert shown == ["✓ 问候", "✓ 办理经过", "✓ 办理结果", "✓ 政策依据", "✓ 联系方式或下一步", "✓ 答复日期"]


def test_the_ticket_page_and_the_flagged_list_tick_the_same_elements(client, flow: Flow) -> None:
    ticket = _replied(flow, FORMULA)  # weak: on the flagged list too
    client.force_login(flow.user("supervisor"))
    on_page = _elements(_text(client.get(f"/tickets/{ticket.number}/")))
    listed = _elements(_text(client.get("/replies/flagged/")))
    assert on_page == listed
    assert "✓ 问候" in on_page and "✗ 政策依据" in on_page


def test_a_reply_sent_back_names_who_sent_it_back_on_the_ticket_page(client, flow: Flow) -> None:
    supervisor = flow.user("supervisor")
    supervisor.last_name, supervisor.first_name = "郭", "强"
    supervisor.save()
    ticket = _replied(flow, FORMULA)
    do_return_reply(ticket, supervisor, reason="请写明核查的情况。")
    client.force_login(flow.user("dispatcher"))
    page = _text(client.get(f"/tickets/{ticket.number}/"))
    assert re.search(r"(郭强|强 郭|郭 强) 已于 \S+ \S+ 退回承办单位重新答复：请写明核查的情况。", page)
    assert "他人 已于" not in page


def test_a_weak_reply_can_be_sent_back_from_the_ticket_page(client, flow: Flow) -> None:
    ticket = _replied(flow, FORMULA)
    client.force_login(flow.user("supervisor"))
    page_url = f"/tickets/{ticket.number}/"
    page = _text(client.get(page_url))
    assert f'action="/tickets/{ticket.number}/do/return_reply/"' in page
    sent = client.post(f"{page_url}do/return_reply/", {"reason": "请写明核查的情况。", "next": page_url})
    assert sent.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == S.REOPENED
    assert "/do/return_reply/" not in _text(client.get(page_url))  # sent back: nothing to send back


def test_a_reviewed_reply_names_its_reviewer_on_the_ticket_page(client, flow: Flow) -> None:
    ticket = _replied(flow, FORMULA)
    client.force_login(flow.user("supervisor"))
    reply = Reply.objects.get(ticket=ticket)
    client.post(f"/replies/{reply.pk}/review/", {"note": "已电话核实"})
    page = _text(client.get(f"/tickets/{ticket.number}/"))
    assert re.search(r"sup 已于 \S+ \S+ 复核：已电话核实", page)


def test_the_check_of_a_draft_does_not_tick_what_a_blank_still_has_to_say(client, flow: Flow) -> None:
    ticket = flow.co_answer(flow.accept(flow.to(S.ACCEPTED), "water"))
    client.force_login(flow.user("housing"))
    url = f"/tickets/{ticket.number}/reply-check/"
    draft = _text(client.post(url, {"text": TEMPLATE_DRAFT}, **HTMX))
    assert "这样发送会被拒绝" in draft
    assert _elements(draft) == [
        "✓ 问候",
        "✗ 办理经过",
        "✗ 办理结果",
        "✗ 政策依据",
        "✓ 联系方式或下一步",
        "✓ 答复日期",
    ]
    filled = (
        TEMPLATE_DRAFT.replace("【核查情况与原因】", "路灯电缆老化短路")
        .replace("【采取的措施】", "更换电缆")
        .replace("【办理结果】", "路灯已恢复照明")
    )
    written = _text(client.post(url, {"text": filled}, **HTMX))
    assert "✓ 办理经过" in written and "✓ 办理结果" in written


def test_the_lead_is_told_which_co_handlers_it_waits_for_instead_of_a_reply_form(client, flow: Flow) -> None:
    ticket = flow.accept(flow.to(S.ACCEPTED), "water")  # the water bureau has not answered yet
    client.force_login(flow.user("housing"))
    page_url = f"/tickets/{ticket.number}/"
    page = _text(client.get(page_url))
    assert 'id="reply-awaits-co"' in page and "协办单位尚未反馈：水务局" in page
    assert 'id="reply-text"' not in page and "发送前检查答复质量" not in page
    assert f"/tickets/{ticket.number}/do/reply/" not in page

    # Posted all the same (the page was open before the co-handler was added): refused, the text
    # kept, the refusal and what follows it two sentences.
    refused = client.post(f"{page_url}do/reply/", {"text": FULL, "next": page_url})
    assert refused.status_code == 409
    body = _text(refused)
    assert "协办单位尚未反馈：水务局。答复未发送" in re.sub(r"<[^>]+>", "", body)
    assert FULL in body
    assert not Reply.objects.filter(ticket=ticket).exists()

    # Once the co-handler has answered, the form is there.
    flow.co_answer(ticket)
    page = _text(client.get(page_url))
    assert 'id="reply-awaits-co"' not in page and 'id="reply-text"' in page
