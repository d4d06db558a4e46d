"""The dispatchers' list of extension requests in Chromium: from the home's counter to the list, and
a request approved with a note by keyboard alone; the list then says nothing waits; a refused
decision keeps the note typed."""

from datetime import datetime, timedelta

import pytest

from hotline.core import clock
from hotline.sla.actions import do_request_extension
from hotline.sla.models import Extension
from hotline.tickets.actions import do_accept_assignment, do_dispatch_ticket
from hotline.tickets.models import Ticket
from tests.e2e.conftest import sign_in
from tests.e2e.test_supervision_board import tab_to
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "s3cret-pass"


def asked(staff, departments, days: int) -> tuple[Ticket, Extension, datetime]:
    """The housing bureau's ticket and its request for `days` more days (and the date asked), the
    dispatcher's password set to PASSWORD."""
    dispatcher = staff["dispatcher"]
    dispatcher.set_password(PASSWORD)
    dispatcher.save()
    ticket = do_dispatch_ticket(
        make_ticket(actor=staff["operator"], title="楼顶漏水"),
        dispatcher,
        lead_department_id=departments["housing"].pk,
    )
    ticket = do_accept_assignment(ticket, staff["housing"])
    until = (clock.now() + timedelta(days=days)).replace(second=0, microsecond=0)
    do_request_extension(ticket, staff["housing"], reason="需第三方检测", requested_due_at=until)
    return ticket, Extension.objects.get(), until


def test_a_dispatcher_approves_an_extension_from_the_list_by_keyboard(
    page, live_server, staff, departments, screenshot
) -> None:
    dispatcher = staff["dispatcher"]
    ticket, extension, asked_until = asked(staff, departments, 5)

    sign_in(page, live_server, dispatcher.username, PASSWORD, "/")
    counter = page.locator("a[href='/dispatch/extensions/']", has_text="延期待审批").first
    assert counter.locator("strong").inner_text() == "1"
    counter.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/dispatch/extensions/")
    row = page.locator(f"#extension-{extension.pk}")
    text = row.inner_text()
    assert ticket.number in text and "住建局" in text and "需第三方检测" in text
    assert f"申请延期至 {clock.localtime(asked_until):%Y-%m-%d %H:%M}" in text
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
    assert ticket.assignments.get(role="lead").due_at == asked_until


def test_a_refused_extension_decision_keeps_the_note_typed_on_the_list(
    page, live_server, staff, departments, screenshot
) -> None:
    # The list posted its form as a page: refused (the date given not after the current deadline),
    # the dispatcher got a page of its own saying why, and back on the list their note was gone.
    dispatcher = staff["dispatcher"]
    ticket, extension, _until = asked(staff, departments, 20)
    too_soon = clock.localtime(clock.now() + timedelta(hours=2))

    sign_in(page, live_server, dispatcher.username, PASSWORD, "/dispatch/extensions/")
    row = page.locator(f"#extension-{extension.pk}")
    row.locator("input[name=note]").fill("同意，请按时办结")
    row.locator("input[name=due_at]").fill(f"{too_soon:%Y-%m-%dT%H:%M}")
    row.locator("button.approve").focus()
    page.keyboard.press("Enter")

    alert = row.locator("[role=alert]")
    alert.wait_for()
    assert "工单没有任何改动" in alert.inner_text()
    assert page.url == f"{live_server.url}/dispatch/extensions/"
    assert row.locator("input[name=note]").input_value() == "同意，请按时办结"
    screenshot("dispatch-extension-refused")
    extension.refresh_from_db()
    assert extension.approved is None

    # Corrected in place, the decision goes through and the list says so.
    row.locator("input[name=due_at]").fill("")
    with page.expect_navigation(url=f"{live_server.url}/dispatch/extensions/"):
        row.locator("button.approve").press("Enter")
    assert f"工单 {ticket.number}：已批准延期申请" in page.locator("main").inner_text()
    extension.refresh_from_db()
    assert extension.approved is True and extension.decision_note == "同意，请按时办结"
