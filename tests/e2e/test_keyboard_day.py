"""A day's work by keyboard alone, where the keyboard audit found it failing: a decision with a button
for each outcome is not taken by Enter in its note; a page that comes back after an action opens on
the message that says what was done; what an action on a desk's row did is said in a live region a
screen reader reads; the operator hears the number to tell the caller, and why a call was refused."""

import re
from datetime import timedelta

import pytest

from hotline.core import clock
from hotline.core.enums import TicketStatus
from hotline.dedup.indexing import embed_missing
from hotline.sla.actions import do_request_extension
from hotline.sla.models import Extension
from hotline.tickets.actions import do_accept_assignment, do_dispatch_ticket
from hotline.tickets.models import Ticket
from tests.e2e.conftest import sign_in
from tests.e2e.test_supervision_board import tab_to
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "s3cret-pass"


def is_focused(locator) -> bool:
    return locator.evaluate("element => element === document.activeElement")


def test_a_note_ended_with_enter_decides_nothing_and_the_decision_is_announced(
    page, live_server, staff, departments
) -> None:
    dispatcher = staff["dispatcher"]
    dispatcher.set_password(PASSWORD)
    dispatcher.save()
    asked = (clock.now() + timedelta(days=5)).replace(second=0, microsecond=0)
    ticket, other = (
        do_request_extension(
            do_accept_assignment(
                do_dispatch_ticket(
                    make_ticket(actor=staff["operator"], title=title),
                    dispatcher,
                    lead_department_id=departments["housing"].pk,
                ),
                staff["housing"],
            ),
            staff["housing"],
            reason="需第三方检测",
            requested_due_at=asked,
        )
        for title in ("楼顶漏水", "外墙脱落")
    )
    extension = Extension.objects.get(assignment__ticket=ticket)

    sign_in(page, live_server, dispatcher.username, PASSWORD, "/dispatch/extensions/")
    row = page.locator(f"#extension-{extension.pk}")
    tab_to(page, row.locator("input[name=note]"), start=page.locator("main h1").first, presses=40)
    page.keyboard.type("理由不充分，请按原时限办结")
    # Enter at the end of the note: the form has a button for each outcome, and would otherwise
    # "click" the first, 批准延期, the opposite of what the note says.
    page.keyboard.press("Enter")
    page.wait_for_timeout(500)
    extension.refresh_from_db()
    assert extension.approved is None
    assert page.url == f"{live_server.url}/dispatch/extensions/"
    assert row.locator("input[name=note]").input_value() == "理由不充分，请按原时限办结"

    tab_to(page, row.locator("button.refuse"), presses=12)  # past the date's own fields
    with page.expect_navigation(url=f"{live_server.url}/dispatch/extensions/"):
        page.keyboard.press("Enter")
    extension.refresh_from_db()
    assert extension.approved is False
    # The list comes back with what was done: the keyboard (and a screen reader) starts there,
    # not at the top of the page before the header.
    messages = page.locator("main .messages")
    assert f"工单 {ticket.number}" in messages.inner_text()
    assert is_focused(messages)
    page.keyboard.press("Tab")  # on to the request still to decide
    assert is_focused(page.locator(f"#extensions a[href='/tickets/{other.number}/']"))


def test_the_number_to_tell_the_caller_is_read_with_the_phone_field(page, live_server, staff) -> None:
    from playwright.sync_api import expect

    operator = staff["operator"]
    operator.set_password(PASSWORD)
    operator.save()
    sign_in(page, live_server, operator.username, PASSWORD, "/console/")
    page.fill("#id_citizen_phone", "13812341234")
    page.fill("#id_title", "小区门口路灯不亮")
    page.fill("#id_content", "幸福路12号小区门口的路灯三晚不亮")
    page.locator("#id_address").focus()
    page.keyboard.type("幸福路12号")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/console/\?done=.*"))
    number = Ticket.objects.latest("pk").number
    phone = page.locator("#id_citizen_phone")
    # Ready for the next call, and what a screen reader says on arriving there is the number the
    # operator must tell this caller (the message shown above the form is not announced on load).
    assert is_focused(phone)
    expect(phone).to_have_accessible_description(re.compile(re.escape(number)))
    # A new call forgets it.
    page.keyboard.press("Alt+N")
    expect(phone).to_have_accessible_description("")


def test_what_a_row_action_did_is_said_in_a_live_region_already_there(
    page, live_server, staff, departments
) -> None:
    """The row comes back whole (its own status message new with it, which a screen reader does not
    read: a live region is read when what is in it changes) and the keyboard moves on; what was done
    is said in the page's own live region, there since the page opened."""
    handler = staff["housing"]
    handler.set_password(PASSWORD)
    handler.save()
    ticket = do_dispatch_ticket(
        make_ticket(actor=staff["operator"], title="路灯不亮"),
        staff["dispatcher"],
        lead_department_id=departments["housing"].pk,
    )
    sign_in(page, live_server, handler.username, PASSWORD, "/inbox/")
    page.evaluate("window.liveAtLoad = document.getElementById('announcement')")
    row = page.locator(f"#assignment-{ticket.assignments.get().pk}")
    tab_to(page, row.locator("button.accept"), start=page.locator("#inbox-filters button"))
    page.keyboard.press("Enter")
    row.locator("[role=status]").wait_for()
    said = f"工单 {ticket.number}：已签收"
    for _ in range(30):  # polled: the pages' CSP refuses wait_for_function
        if page.evaluate(
            "window.liveAtLoad && window.liveAtLoad.isConnected && window.liveAtLoad.textContent"
        ):
            break
        page.wait_for_timeout(100)
    assert page.evaluate("window.liveAtLoad.textContent") == said
    assert page.evaluate("window.liveAtLoad.getAttribute('role')") == "status"


def test_a_call_refused_opens_on_why(page, live_server, staff, waiting) -> None:
    """The ticket the call was to join was answered meanwhile: the console comes back with the call as
    typed and why it was not taken, where the keyboard (and a screen reader) starts."""
    operator = staff["operator"]
    operator.set_password(PASSWORD)
    operator.save()
    embed_missing()
    target = waiting[0]
    sign_in(page, live_server, operator.username, PASSWORD, "/console/")
    page.keyboard.type("13700007777")
    page.locator("#id_title").focus()
    page.keyboard.type("小区门口路灯不亮")
    page.keyboard.press("Tab")
    page.keyboard.type("幸福路12号小区门口路灯不亮，晚上很黑，请尽快处理。")
    page.locator(f"#console-similar li[data-number='{target.number}'] button.attach").wait_for()
    Ticket.objects.filter(pk=target.pk).update(status=TicketStatus.CLOSED)  # closed by someone else
    page.keyboard.press("Alt+D")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    refused = page.locator("#console-error")
    assert "未创建工单" in refused.inner_text()
    assert is_focused(refused)
    assert page.input_value("#id_title") == "小区门口路灯不亮"
    page.keyboard.press("Tab")  # on to the form, to take the call otherwise
    assert page.evaluate("document.activeElement.form && document.activeElement.form.id") == "console-form"
