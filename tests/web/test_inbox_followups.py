"""The inbox after an audit of the staff pages: the reply's quality checked from the row as on the
ticket's page, and its verdict shown once sent; a ticket sent back to answer again named as its page
names it; the heading's count and an urgent row's deadlines as the rest of the page says them; the
return review's refusal naming its field as the form does; the dispatchers' way to the extensions."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest

from hotline.core.enums import TicketStatus
from hotline.feedback.actions import do_return_reply
from hotline.feedback.models import ReplyCheck
from hotline.tickets.actions import do_accept_assignment
from tests.feedback.test_quality import FORMULA, FULL
from tests.web.conftest import NOW
from tests.web.test_deadlines_shown import urgent
from tests.web.test_inbox import dispatched, form_of, in_place, part, row_html

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_now")]

HTMX = {"HTTP_HX_REQUEST": "true"}


class Buttons(HTMLParser):
    """The attributes of a fragment's buttons, and the ids of its elements."""

    def __init__(self) -> None:
        super().__init__()
        self.buttons: list[dict[str, str | None]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(str(a["id"]))
        if tag == "button":
            self.buttons.append(a)


def _accepted(staff, departments, **kwargs):
    return do_accept_assignment(
        dispatched(staff, departments, ago=timedelta(hours=2), lead="housing", **kwargs), staff["housing"]
    )


def test_the_inbox_reply_form_offers_the_check_before_sending(client, staff, departments) -> None:
    """The ticket page's check (`reply_preview`, the same fragment): from the row's own reply box."""
    ticket = _accepted(staff, departments)
    lead = part(ticket, "B01")
    client.force_login(staff["housing"])
    row = row_html(client.get("/inbox/").content.decode(), lead)
    parsed = Buttons()
    parsed.feed(row)
    checks = [b for b in parsed.buttons if (b.get("hx-post") or "").endswith("/reply-check/")]
    assert len(checks) == 1, row
    button = checks[0]
    assert button["hx-post"] == f"/tickets/{ticket.number}/reply-check/"
    assert button["hx-include"] == "closest form" and button["type"] == "button"
    target = str(button["hx-target"]).removeprefix("#")
    assert target in parsed.ids and target != "reply-preview"  # one per row, not the ticket page's
    assert "发送前检查答复质量" in row

    response = client.post(button["hx-post"], {"text": FORMULA}, **HTMX)
    assert response.status_code == 200
    assert "质量存疑" in response.content.decode() and "仍可发送" in response.content.decode()
    assert not ReplyCheck.objects.exists()
    # Each row shows its own: ids in the fragment would repeat on a page of rows checked.
    blank = client.post(button["hx-post"], {"text": "您好，【核查情况】。"}, **HTMX).content.decode()
    assert " id=" not in response.content.decode() and " id=" not in blank and "模板空白未填" in blank


@pytest.mark.parametrize(("text", "weak"), [(FORMULA, True), (FULL, False)])
def test_a_reply_sent_from_the_inbox_shows_its_verdict(client, staff, departments, text, weak) -> None:
    """Sent in place, the row's line says it was sent and what the check stored: weak, with its
    reasons, or not."""
    ticket = _accepted(staff, departments, title="幸福路12号小区门口路灯不亮")
    lead = part(ticket, "B01")
    client.force_login(staff["housing"])
    form = form_of(client.get("/inbox/").content.decode(), lead, "reply")
    response = in_place(client, form, f"assignment-{lead.pk}", text=text)
    assert response.status_code == 200
    body = response.content.decode()
    line = row_html(body, lead)
    assert 'class="inbox-row done"' in line and "已答复诉求人" in line
    check = ReplyCheck.objects.get(reply__ticket=ticket)
    assert check.weak is weak
    assert f'id="reply-quality-{check.reply_id}"' in body
    if weak:
        assert "质量存疑" in body and "没有说明原因" in body
    else:
        assert "合格" in body and "质量存疑" not in body


def test_a_reply_sent_back_is_named_as_the_tickets_page_names_it(client, staff, departments) -> None:
    ticket = _accepted(staff, departments)
    lead = part(ticket, "B01")
    client.force_login(staff["housing"])
    form = form_of(client.get("/inbox/").content.decode(), lead, "reply")
    assert in_place(client, form, f"assignment-{lead.pk}", text=FULL).status_code == 200
    ticket.refresh_from_db()
    do_return_reply(ticket, staff["dispatcher"], reason="请说明修复的时间")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.REOPENED

    ticket_page = client.get(f"/tickets/{ticket.number}/").content.decode()
    status = re.search(r'id="ticket-status">([^<]+)<', ticket_page)
    assert status is not None and status.group(1) == "重办"
    row = row_html(client.get("/inbox/").content.decode(), lead)
    state = re.search(r'<span class="state">([^<]+)</span>', row)
    assert state is not None and state.group(1) == "重办", row


def test_the_heading_count_follows_a_row_changed_in_place(client, staff, departments) -> None:
    """Under 待签收 a signed row leaves the list: the count above it says so, as the counters do."""
    first = dispatched(staff, departments, ago=timedelta(hours=2), lead="housing", title="先派的")
    dispatched(staff, departments, ago=timedelta(hours=1), lead="housing", title="后派的")
    client.force_login(staff["housing"])
    page = client.get("/inbox/?status=pending").content.decode()
    assert re.search(r'id="inbox-summary">\s*2 件派单', page), page
    lead = part(first, "B01")
    response = in_place(client, form_of(page, lead, "accept"), f"assignment-{lead.pk}")
    body = response.content.decode()
    assert re.search(r'<p class="muted" id="inbox-summary" hx-swap-oob="true">\s*1 件派单', body), body


def test_an_urgent_row_past_its_handling_deadline_names_its_first_response(
    client, staff, departments
) -> None:
    """Its sign-off deadline is its first response's: the details say 首次响应时限, as the clock and
    the ticket's page do, not 签收时限."""
    ticket = urgent(staff, departments, ago=timedelta(days=6))
    lead = part(ticket, "B01")
    assert lead.sign_due_at == lead.response_due_at < lead.due_at < NOW
    client.force_login(staff["housing"])
    row = row_html(client.get("/inbox/").content.decode(), lead)
    assert "签收时限" not in row, row
    assert re.search(r"首次响应时限 [\d-]+ [\d:]+（签收即响应）\s*（已超时）", row), row


def test_refusing_a_rejection_without_a_note_names_the_forms_field(client, staff, returned) -> None:
    client.force_login(staff["dispatcher"])
    lead = returned.assignments.get(department__code="B01")
    for headers in (HTMX, {}):
        response = client.post(f"/dispatch/returns/{lead.pk}/", {"decision": "reject", "note": ""}, **headers)
        assert response.status_code == 422
        page = response.content.decode()
        assert "审核意见（驳回时必填）" in page  # the form's label
        assert "审核意见：驳回退单须写明理由" in page
        assert "说明：驳回退单" not in page


@pytest.mark.parametrize(
    ("role", "shown"),
    [("dispatcher", True), ("supervisor", False), ("admin", False), ("housing", False)],
)
def test_those_who_approve_extensions_without_the_board_have_a_link_to_them(
    client, staff, role, shown
) -> None:
    client.force_login(staff[role])
    page = client.get("/").content.decode()
    nav = re.search(r'<nav class="site">.*?</nav>', page, re.S)
    assert nav is not None
    assert ('href="/dispatch/extensions/"' in nav.group(0)) is shown


def test_upholding_without_a_new_lead_names_the_forms_field(client, staff, returned) -> None:
    client.force_login(staff["dispatcher"])
    lead = returned.assignments.get(department__code="B01")
    response = client.post(f"/dispatch/returns/{lead.pk}/", {"decision": "uphold", "note": "派错了"}, **HTMX)
    assert response.status_code == 422
    page = response.content.decode()
    assert "新的主办单位：支持退单时必须指定新的主办单位" in page
    assert "主办单位：支持退单" not in page.replace("新的主办单位：", "")
