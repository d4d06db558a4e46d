"""The dispatcher's day at the desk: what a card tells before deciding (the ticket a link away, how
long it has waited, the suggestions under their heading), news of tickets that came in since the
page was loaded, and the page that asks to confirm a merge refusing what the merge would refuse."""

import re
from datetime import timedelta

import pytest

from hotline.core import clock
from hotline.core.enums import TicketStatus, Urgency
from hotline.tickets.models import Ticket
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def card(page: str, ticket: Ticket) -> str:
    found = page[page.index(f'id="ticket-{ticket.pk}"') :]
    return found[: found.index("</article>")]


# --- the card -----------------------------------------------------------------------------------------


def test_a_card_links_its_ticket_and_says_how_long_it_has_waited_in_one_form(client, staff) -> None:
    now = clock.now()
    with clock.frozen_at(now - timedelta(hours=12, minutes=21)):
        ticket = make_ticket(actor=staff["operator"])
    client.force_login(staff["dispatcher"])
    with clock.frozen_at(now):
        page = client.get("/dispatch/").content.decode()
    header = card(page, ticket)
    header = header[: header.index("</header>")]
    assert f'<a href="/tickets/{ticket.number}/">{ticket.number}</a>' in header
    assert "（已等待 12 小时 21 分钟）" in header
    assert "，21" not in header  # not timesince's "12 小时，21 分钟"


def test_the_suggestions_have_a_heading_of_their_own(client, staff, waiting) -> None:
    client.force_login(staff["dispatcher"])
    page = client.get("/dispatch/").content.decode()
    shown = card(page, waiting[0])
    heading = re.search(r'<h3 id="suggestions-(\d+)">建议派往</h3>\s*<ol class="suggestions"', shown)
    assert heading is not None and heading[1] == str(waiting[0].pk)
    assert shown.index('id="similar-') < shown.index("建议派往")  # after the 相似工单 block, not in it
    assert f'<ol class="suggestions" aria-labelledby="suggestions-{waiting[0].pk}">' in shown


# --- news of the queue -----------------------------------------------------------------------------


def poll_url(page: str) -> str:
    found = re.search(r'<div id="queue-news"[^>]*hx-get="([^"]+)"', page)
    assert found is not None, "the page checks for news"
    return found[1].replace("&amp;", "&")


def test_the_desk_checks_for_new_tickets_and_says_so_without_touching_the_queue(
    client, staff, waiting
) -> None:
    client.force_login(staff["dispatcher"])
    page = client.get("/dispatch/").content.decode()
    # Inside a live region that stays: what a check brings is read out.
    assert '<div role="status" aria-live="polite" class="queue-news"><div id="queue-news"' in page
    news = page[page.index('<div id="queue-news"') :]
    news = news[: news.index(">")]
    # Every 30 s, and at once when the tab is shown again; site.js holds it while the tab is hidden.
    assert 'hx-trigger="every 30s, visibilitychange from:document"' in news and "data-poll" in news
    url = poll_url(page)

    # Nothing new: nothing to swap (the notice and the focus stay as they are).
    assert client.get(url, **HTMX).status_code == 204

    urgent = make_ticket(actor=staff["operator"], title="燃气泄漏", phone="13900000001")
    Ticket.objects.filter(pk=urgent.pk).update(urgency=Urgency.URGENT)
    make_ticket(actor=staff["operator"], title="噪音扰民", phone="13900000002")
    response = client.get(url, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    notice = body[body.index('<div id="queue-news"') :]
    assert "有 2 件新工单" in notice and "其中 1 件紧急" in notice
    assert '<a href="/dispatch/">刷新</a>' in notice  # the dispatcher reloads when ready
    assert urgent.number not in body  # no card comes in under the dispatcher's hands
    # The count at the top follows, swapped out of band.
    assert 'id="queue-summary" hx-swap-oob="true"' in body and "4 件工单待派单" in body

    # Asked again with what it now shows: nothing changed, nothing swapped.
    assert client.get(poll_url(body), **HTMX).status_code == 204


def test_the_news_counts_tickets_that_left_the_queue_too(client, staff, departments, waiting) -> None:
    from hotline.tickets.actions import do_dispatch_ticket

    client.force_login(staff["dispatcher"])
    url = poll_url(client.get("/dispatch/").content.decode())
    do_dispatch_ticket(waiting[0], staff["dispatcher"], lead_department_id=departments["housing"].pk)
    body = client.get(url, **HTMX).content.decode()
    assert "1 件工单待派单" in body and "新工单" not in body


def test_only_dispatchers_get_the_news(client, staff, waiting) -> None:
    client.force_login(staff["dispatcher"])
    url = poll_url(client.get("/dispatch/").content.decode())
    client.force_login(staff["housing"])
    assert client.get(url, **HTMX).status_code == 403


# --- the page that asks to confirm a merge ------------------------------------------------------------


def test_the_merge_page_refuses_what_the_merge_would_refuse(client, staff, waiting) -> None:
    lamp, road = waiting
    client.force_login(staff["dispatcher"])

    def asked(ticket: Ticket, into: Ticket) -> str:
        response = client.get(f"/dispatch/{ticket.pk}/merge/", {"into_ticket_id": into.pk})
        page = response.content.decode()
        assert response.status_code in (409, 422), page
        assert "确认合并至" not in page and 'name="confirm"' not in page
        assert f'href="/dispatch/#ticket-{ticket.pk}"' in page  # back to the card
        return page

    assert "不能合并到自身" in asked(lamp, lamp)
    assert f"将 {lamp.number} 合并至 {lamp.number}" not in asked(lamp, lamp)

    Ticket.objects.filter(pk=road.pk).update(status=TicketStatus.CLOSED)
    road.refresh_from_db()
    assert "不能并入" in asked(lamp, road)

    Ticket.objects.filter(pk=road.pk).update(status=TicketStatus.NEW)
    Ticket.objects.filter(pk=lamp.pk).update(status=TicketStatus.MERGED, merged_into=road)
    lamp.refresh_from_db()
    assert "不能合并" in asked(lamp, road)  # the duplicate itself was merged already
