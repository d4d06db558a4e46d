"""The staff pages on a phone's screen (375x740) in Chromium: nothing wider than the screen (a wide
table scrolls by itself, a text box keeps to the page), text columns that read as lines, touch
targets of about 44px, and a navigation that wraps between its links, not inside them."""

import pytest

from hotline.citizen_messages.actions import send_due
from hotline.core.enums import Channel
from hotline.intake.actions import AppealData, do_receive_appeal
from hotline.tickets.actions import do_dispatch_ticket, do_merge_ticket
from hotline.tickets.models import Ticket
from tests.e2e.conftest import sign_in
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "s3cret-pass"
PHONE = {"width": 375, "height": 740}
LONG = "我是滨江小区的居民，创新大道146号人行道上的井盖不见了，只放了几块砖头挡着，晚上看不清很危险。"

# How far the page reaches past the screen's right edge (0: not at all).
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"

# The controls of the page's main part lower than `min` pixels (shown ones).
LOW_TARGETS = """(min) => Array.from(document.querySelectorAll("main button, main select, main summary, "
    + "main input:not([type=hidden]):not([type=checkbox]):not([type=radio])"))
  .filter(e => e.getClientRects().length > 0)
  .filter(e => e.getBoundingClientRect().height < min)
  .map(e => e.outerHTML.slice(0, 80) + " " + Math.round(e.getBoundingClientRect().height))"""

# The navigation's links broken over two lines.
BROKEN_LINKS = """Array.from(document.querySelectorAll("nav.site a"))
  .filter(a => a.getClientRects().length > 1).map(a => a.textContent)"""


@pytest.fixture
def ticket(staff, departments) -> Ticket:
    """A caller's ticket with a letter writer's duplicate merged into it, sent to 住建局, the
    citizens told (告知记录): every table of the page has rows."""
    for user in staff.values():
        user.set_password(PASSWORD)
        user.save()
    ticket = make_ticket(actor=staff["operator"], phone="13812341234", content=LONG * 2)
    letter, _created = do_receive_appeal(
        AppealData(
            channel=Channel.MAILBOX,
            title="创新大道井盖缺失存在安全隐患",
            content=LONG,
            citizen_name="李女士",
            citizen_email="writer@163.com",
        ),
        None,
    )
    do_merge_ticket(letter, staff["operator"], into_ticket_id=ticket.pk)
    ticket = do_dispatch_ticket(
        ticket,
        staff["dispatcher"],
        lead_department_id=departments["housing"].pk,
        co_department_ids=[departments["water"].pk],
    )
    send_due()
    return ticket


def test_the_ticket_page_fits_a_phone(page, live_server, staff, ticket, screenshot) -> None:
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, staff["housing"].username, PASSWORD, f"/tickets/{ticket.number}/")
    assert page.locator("#citizen-messages tbody tr").count() >= 1
    for details in page.locator("main details").all():  # the forms' text boxes, shown
        details.evaluate("details => { details.open = true; }")
    assert page.evaluate(OVERFLOW) <= 0
    widths = page.locator("main textarea").evaluate_all(
        "boxes => boxes.map(b => b.getBoundingClientRect().right)"
    )
    assert widths and max(widths) <= PHONE["width"]
    # The appeal's text reads as lines, not one or two characters a line.
    content = page.locator("#appeals tbody tr").first.locator("td").last
    assert content.bounding_box()["width"] >= 150
    assert page.evaluate(BROKEN_LINKS) == []
    assert page.evaluate(LOW_TARGETS, 40) == []
    screenshot("small-ticket-page")


def test_the_inbox_and_the_search_fit_a_phone(page, live_server, staff, ticket, screenshot) -> None:
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, staff["housing"].username, PASSWORD, "/inbox/")
    assert page.locator("li.inbox-row").count() == 1
    assert page.evaluate(OVERFLOW) <= 0
    assert page.evaluate(LOW_TARGETS, 40) == []
    assert page.evaluate(BROKEN_LINKS) == []
    screenshot("small-inbox")
    page.locator("details.return summary").click()
    assert page.evaluate(OVERFLOW) <= 0
    assert page.evaluate(LOW_TARGETS, 40) == []
    screenshot("small-inbox-open")

    page.goto(f"{live_server.url}/tickets/?q=")
    assert page.locator("#results tbody tr").count() >= 1
    assert page.evaluate(OVERFLOW) <= 0  # the table scrolls in its own box
    screenshot("small-search")
