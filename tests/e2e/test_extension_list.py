"""The dispatchers' list of extension requests in Chromium: from the home's counter to the list, and
a request approved with a note by keyboard alone; the list then says nothing waits."""

from datetime import timedelta

import pytest

from hotline.core import clock
from hotline.sla.actions import do_request_extension
from hotline.sla.models import Extension
from hotline.tickets.actions import do_accept_assignment, do_dispatch_ticket
from tests.e2e.conftest import sign_in
from tests.e2e.test_supervision_board import tab_to
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "s3cret-pass"


def test_a_dispatcher_approves_an_extension_from_the_list_by_keyboard(
    page, live_server, staff, departments, screenshot
) -> None:
    dispatcher = staff["dispatcher"]
    dispatcher.set_password(PASSWORD)
    dispatcher.save()
    ticket = do_dispatch_ticket(
        make_ticket(actor=staff["operator"], title="楼顶漏水"),
        dispatcher,
        lead_department_id=departments["housing"].pk,
    )
    ticket = do_accept_assignment(ticket, staff["housing"])
    asked = (clock.now() + timedelta(days=5)).replace(second=0, microsecond=0)
    do_request_extension(ticket, staff["housing"], reason="需第三方检测", requested_due_at=asked)
    extension = Extension.objects.get()

    sign_in(page, live_server, dispatcher.username, PASSWORD, "/")
    counter = page.locator("a[href='/dispatch/extensions/']", has_text="延期待审批").first
    assert counter.locator("strong").inner_text() == "1"
    counter.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/dispatch/extensions/")
    row = page.locator(f"#extension-{extension.pk}")
    text = row.inner_text()
    assert ticket.number in text and "住建局" in text and "需第三方检测" in text
    assert f"申请延期至 {clock.localtime(asked):%Y-%m-%d %H:%M}" in text
    screenshot("dispatch-extensions")

    note = row.locator("input[name=note]")
    tab_to(page, note, start=page.locator("main h1").first, presses=40)
    page.keyboard.type("同意，请按时办结")
    # Past the date's own fields (Chromium makes year, month, day, hour and minute each a stop).
    tab_to(page, row.locator("button.approve"), presses=10)
    # The list posts and comes back to itself: wait for that load, not for a URL it already has.
    with page.expect_navigation(url=f"{live_server.url}/dispatch/extensions/"):
        page.keyboard.press("Enter")

    body = page.locator("main").inner_text()
    assert f"工单 {ticket.number}：已批准延期申请" in body
    assert "没有待审批的延期申请" in body
    extension.refresh_from_db()
    assert extension.approved is True and extension.decision_note == "同意，请按时办结"
    assert ticket.assignments.get(role="lead").due_at == asked
