"""A reply that keeps a template's blank (【核查情况】): the check before sending says it will be
refused, in the refusal's own words (one rule: `feedback.actions.blanks_refusal`), and the refused
reply comes back on the ticket's page with the text as typed and the reason beside it."""

import re

import pytest

from hotline.core.enums import TicketStatus
from hotline.feedback.models import Reply
from tests.tickets.conftest import Flow

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
S = TicketStatus
DRAFT = (
    "张先生您好！您反映的路灯问题已收悉。经核查【核查情况】，我单位已更换灯具，目前路灯已恢复照明。"
    "依据《城市道路照明设施管理规定》办理。如有疑问请致电0571-88886666。住建局 2026年12月6日"
)


@pytest.fixture
def ready(staff, departments):
    flow = Flow(staff, departments)
    return flow, flow.co_answer(flow.accept(flow.to(S.ACCEPTED), "water"))


def test_the_check_before_sending_says_a_blank_will_be_refused(client, ready) -> None:
    flow, ticket = ready
    client.force_login(flow.user("housing"))
    body = client.post(f"/tickets/{ticket.number}/reply-check/", {"text": DRAFT}, **HTMX).content.decode()
    assert "答复中还有模板的空白未填写：【核查情况】" in body and "这样发送会被拒绝" in body
    assert "仍可发送" not in body and "合格" not in body
    filled = DRAFT.replace("【核查情况】", "，灯具老化损坏")
    body = client.post(f"/tickets/{ticket.number}/reply-check/", {"text": filled}, **HTMX).content.decode()
    assert "空白未填写" not in body


def test_a_refused_reply_keeps_the_text_on_the_ticket_page(client, ready) -> None:
    flow, ticket = ready
    client.force_login(flow.user("housing"))
    page = f"/tickets/{ticket.number}/"
    response = client.post(f"{page}do/reply/", {"text": DRAFT, "next": page})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="reply-refused"' in html and "答复中还有模板的空白未填写：【核查情况】" in html
    assert f">{DRAFT}</textarea>" in html  # the text as typed, in the reply box
    assert 'id="ticket-status"' in html  # the ticket's page, not a dead end
    assert f'name="next" value="{page}"' in html and "/do/reply/" not in html.split("<form")[0]
    assert f'name="next" value="{page}do/' not in html  # its forms come back to the page, not here
    assert not Reply.objects.filter(ticket=ticket).exists()
    ticket.refresh_from_db()
    assert ticket.status == S.ACCEPTED
    # Posted from elsewhere (no `next` on the page), the refusal page stays as it was.
    elsewhere = client.post(f"{page}do/reply/", {"text": DRAFT, "next": "/inbox/"})
    assert elsewhere.status_code == 422 and "操作未完成" in elsewhere.content.decode()
    # The keyboard starts at the reason (read out there), not at 返回.
    assert re.search(
        r'<p class="error" role="alert" tabindex="-1" autofocus>内容：答复中还有', elsewhere.content.decode()
    )
    # And with htmx, the fragment beside the form.
    fragment = client.post(f"{page}do/reply/", {"text": DRAFT, "next": page}, **HTMX)
    assert fragment.status_code == 422 and "<html" not in fragment.content.decode()
