"""A dispatcher's day in Chromium: what a refusal leaves of what they typed."""

from datetime import timedelta

import pytest

from hotline.core import clock
from hotline.sla.actions import do_request_extension
from hotline.sla.models import Extension
from hotline.tickets.actions import do_accept_assignment, do_dispatch_ticket
from tests.e2e.conftest import sign_in
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "s3cret-pass"


def test_a_refused_extension_decision_keeps_the_note_typed_on_the_list(
    page, live_server, staff, departments, screenshot
) -> None:
    # The list posted its form as a page: refused (the date given not after the current deadline),
    # the dispatcher got a page of its own saying why, and back on the list their note was gone.
    dispatcher = staff["dispatcher"]
    dispatcher.set_password(PASSWORD)
    dispatcher.save()
    ticket = do_dispatch_ticket(
        make_ticket(actor=staff["operator"], title="楼顶漏水"),
        dispatcher,
        lead_department_id=departments["housing"].pk,
    )
    ticket = do_accept_assignment(ticket, staff["housing"])
    asked = (clock.now() + timedelta(days=20)).replace(second=0, microsecond=0)
    do_request_extension(ticket, staff["housing"], reason="需第三方检测", requested_due_at=asked)
    extension = Extension.objects.get()
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
