"""The dispatch desk's news in Chromium: new tickets announced in a line with a link to reload while
the dispatcher keeps typing where they were; no check while the tab is hidden; the CSP holds."""

import pytest

from hotline.core.enums import Urgency
from hotline.tickets.models import Ticket
from tests.e2e.conftest import sign_in
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db(transaction=True)

CHECKS = "/dispatch/news/"


def test_new_tickets_are_announced_without_moving_what_the_dispatcher_is_doing(
    page, live_server, staff, waiting, screenshot
) -> None:
    dispatcher = staff["dispatcher"]
    dispatcher.set_password("s3cret-pass")
    dispatcher.save()
    normal, urgent = waiting
    checks: list[str] = []
    page.on("request", lambda request: checks.append(request.url) if CHECKS in request.url else None)

    sign_in(page, live_server, dispatcher.username, "s3cret-pass", "/dispatch/")
    page.evaluate("window.notReloaded = true")
    card = page.locator(f"#ticket-{normal.pk}")
    card.locator("details.manual summary").click()
    note = card.locator("details.manual input[name=note]")
    note.fill("正在写派单意见")
    note.focus()

    # The tab hidden: no check (site.js holds the request).
    page.evaluate("Object.defineProperty(document, 'hidden', {value: true, configurable: true})")
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    page.wait_for_timeout(500)
    assert checks == []

    fresh = make_ticket(actor=staff["operator"], title="燃气泄漏", phone="13900000001")
    Ticket.objects.filter(pk=fresh.pk).update(urgency=Urgency.URGENT)

    # Shown again: it checks at once (and every 30 s after).
    page.evaluate("Object.defineProperty(document, 'hidden', {value: false, configurable: true})")
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    page.locator("#queue-news .notice").wait_for()
    assert len(checks) == 1
    said = page.locator("#queue-news .notice").inner_text()
    assert "有 1 件新工单" in said and "其中 1 件紧急" in said
    assert "3 件工单待派单" in page.locator("#queue-summary").inner_text()  # the count follows
    # Nothing moved under the dispatcher's hands: no card came in, the typing and the focus stay.
    assert page.locator("article.ticket").count() == 2
    assert note.input_value() == "正在写派单意见"
    assert note.evaluate("element => element === document.activeElement")
    assert page.evaluate("window.notReloaded") is True
    screenshot("dispatch-news")

    # By keyboard: the notice's 刷新 link reloads the queue, the new urgent ticket with the urgent.
    link = page.locator("#queue-news a")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    page.locator(f"#ticket-{fresh.pk}").wait_for()
    cards = page.locator("article.ticket")
    shown = [cards.nth(i).get_attribute("data-number") for i in range(cards.count())]
    assert shown == [urgent.number, fresh.number, normal.number]
    assert page.locator("#queue-news .notice").count() == 0
