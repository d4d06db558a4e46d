"""Merged and linked tickets on the pages: every appellant of a merged ticket on the callback desk,
each called back before the ticket can be closed; un-merging from the duplicate's page; linking
related tickets by number and seeing the link from both sides."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hotline.core import clock
from hotline.core.enums import TicketStatus
from hotline.tickets.actions import do_merge_ticket
from hotline.tickets.models import Ticket, linked_ids
from tests.factories import make_ticket
from tests.tickets.conftest import Flow
from tests.web.test_callbacks import desk, form_of, offered, row_html

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 6, 11, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
S = TicketStatus


@pytest.fixture
def flow(staff, departments) -> Flow:
    return Flow(staff, departments)


@pytest.fixture
def merged(flow: Flow) -> dict[str, Ticket]:
    """张先生's ticket, replied yesterday, with 李女士's duplicate merged into it."""
    with clock.frozen_at(NOW - timedelta(days=1)):
        operator = flow.user("operator")
        target = make_ticket(actor=operator, phone="13800000001")
        duplicate = make_ticket(actor=operator, phone="13900000002", title="路灯又坏了")
        do_merge_ticket(duplicate, operator, into_ticket_id=target.pk)
        target = flow.reply(flow.accept(flow.dispatch(target, co=())))
    return {"target": target, "duplicate": duplicate}


def test_the_desk_calls_every_appellant_before_the_ticket_closes(client, flow, merged) -> None:
    target, duplicate = merged["target"], merged["duplicate"]
    client.force_login(flow.user("operator"))
    with clock.frozen_at(NOW):
        page = desk(client)
        row = row_html(page, target)
        assert "138****0001" in row and "139****0002" in row
        assert f"（合并自 {duplicate.number}）" in row
        form = form_of(page, target, "callback")
        own, theirs = target.appeals.get(), duplicate.appeals.get()
        assert f'<option value="{own.pk}" selected>' in row  # the first to call
        response = client.post(
            form["action"],
            {**form["fields"], "appeal_id": own.pk, "resolution": "resolved", "satisfaction": "satisfied"},
        )
        assert response.status_code == 302

        # 张先生 reached; 李女士 is still owed the call, and is the one the form picks now.
        page = desk(client)
        row = row_html(page, target)
        assert offered(page, target) == {"callback", "callback_attempt"}
        assert "已回访：已解决，满意" in row and f'<option value="{theirs.pk}" selected>' in row
        attempt = form_of(page, target, "callback_attempt")
        assert (
            client.post(attempt["action"], {**attempt["fields"], "appeal_id": theirs.pk}).status_code == 302
        )

        page = desk(client)
        assert offered(page, target) == {"close"}
        assert "未接通 1 次" in row_html(page, target)
        close = form_of(page, target, "close")
        assert client.post(close["action"], close["fields"]).status_code == 302
    target.refresh_from_db()
    assert target.status == S.CLOSED


def test_closing_early_is_refused_with_who_is_left(client, flow, merged) -> None:
    target = merged["target"]
    flow.callback(target)
    client.force_login(flow.user("operator"))
    response = client.post(f"/tickets/{target.number}/do/close/", {})
    assert response.status_code == 409
    assert "还有诉求人未回访" in response.content.decode() and "139****0002" in response.content.decode()


def test_a_merge_is_undone_from_the_duplicates_page(client, flow, merged) -> None:
    target, duplicate = merged["target"], merged["duplicate"]
    client.force_login(flow.user("dispatcher"))
    html = client.get(f"/tickets/{target.number}/").content.decode()
    assert f'href="/tickets/{duplicate.number}/"' in html  # the merged caller links to the duplicate
    html = client.get(f"/tickets/{duplicate.number}/").content.decode()
    assert 'id="unmerge-form"' in html

    url = f"/tickets/{duplicate.number}/do/unmerge/"
    assert client.post(url, {"note": ""}).status_code == 422
    response = client.post(
        url, {"note": "不是同一个路灯", "next": f"/tickets/{duplicate.number}/"}, follow=True
    )
    assert response.redirect_chain == [(f"/tickets/{duplicate.number}/", 302)]
    duplicate.refresh_from_db()
    assert duplicate.status == S.NEW and duplicate.merged_into is None
    [line] = [r for r in response.context["timeline"] if r.label == "撤销合并"]
    assert dict(line.facts) == {"说明": "不是同一个路灯", "原合并至": target.number}
    html = client.get(f"/tickets/{target.number}/").content.decode()
    assert "由重复工单" not in html and f"移出工单：{duplicate.number}" in html


def test_related_tickets_are_linked_by_number_and_shown_on_both(client, flow, merged) -> None:
    target = merged["target"]
    other = make_ticket(actor=flow.user("operator"), title="同一小区电梯故障")
    client.force_login(flow.user("operator"))
    response = client.post(
        f"/tickets/{other.number}/do/link/", {"other_number": target.number, "note": "同一小区"}
    )
    assert response.status_code == 302
    assert linked_ids(other.pk) == {target.pk}
    for ticket, shown in ((other, target), (target, other)):
        html = client.get(f"/tickets/{ticket.number}/").content.decode()
        links = html[html.index('id="links"') :]
        assert f'data-number="{shown.number}"' in links[: links.index("</ul>")]
    assert (
        client.post(f"/tickets/{other.number}/do/link/", {"other_number": "20990101-000001"}).status_code
        == 404
    )
    response = client.post(f"/tickets/{other.number}/do/unlink/", {"other_number": target.number})
    assert response.status_code == 302 and linked_ids(other.pk) == set()
