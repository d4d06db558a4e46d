"""A department's day on its inbox in Chromium, with the keyboard: asking for more time on a row
already overdue, the date picker takes no day the action would refuse, and the reason typed stays."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from hotline.core import clock
from hotline.sla.models import Extension
from hotline.tickets.actions import do_accept_assignment, do_dispatch_ticket
from tests.e2e.conftest import sign_in
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db(transaction=True)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_an_overdue_rows_request_for_more_time_takes_no_day_already_past(
    page, live_server, staff, departments, screenshot
) -> None:
    handler = staff["housing"]
    handler.set_password("s3cret-pass")
    handler.save()
    with clock.frozen_at(clock.now() - timedelta(days=12)):
        ticket = do_dispatch_ticket(
            make_ticket(actor=staff["operator"]),
            staff["dispatcher"],
            lead_department_id=departments["housing"].pk,
        )
        ticket = do_accept_assignment(ticket, handler)
    lead = ticket.assignments.get()
    assert lead.due_at < clock.now() - timedelta(days=2)  # overdue by days

    sign_in(page, live_server, handler.username, "s3cret-pass", "/inbox/")
    row = page.locator(f"#assignment-{lead.pk}")
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/do/request_extension/" in r.url else None)

    row.locator("details.extension summary").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    day = row.locator("details.extension input[name=requested_due_at]")
    assert day.evaluate("field => field === document.activeElement")
    # A day after the deadline but before now: the action would refuse it once sent.
    yesterday = (clock.now() - timedelta(days=1)).astimezone(SHANGHAI)
    day.fill(f"{yesterday:%Y-%m-%dT%H:%M}")
    # (Tab walks through the picker's year, month, day, hour and minute before it leaves it.)
    row.locator("details.extension textarea").focus()
    page.keyboard.type("需协调多个部门联合勘查")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    # The browser says so at the field, sends nothing, and the reason stays as typed.
    assert day.evaluate("field => field.validity.rangeUnderflow")
    assert asked == [] and not Extension.objects.filter(assignment=lead).exists()
    assert row.locator("details.extension textarea").input_value() == "需协调多个部门联合勘查"
    screenshot("inbox-day-extension-past")

    later = (clock.now() + timedelta(days=7)).astimezone(SHANGHAI)
    day.fill(f"{later:%Y-%m-%dT%H:%M}")
    row.locator("details.extension button[type=submit]").focus()
    page.keyboard.press("Enter")
    row.locator(".extension-asked").wait_for()
    assert f"工单 {ticket.number}：已提交延期申请，等待审批" in row.locator("[role=status]").inner_text()
    assert Extension.objects.get(assignment=lead).reason == "需协调多个部门联合勘查"


def test_after_returning_the_last_row_the_keyboard_stays_on_what_was_said(
    page, live_server, staff, departments
) -> None:
    # The row stays (returned, waiting for dispatch's review) without a control left to take the
    # focus, and no row follows it: the focus fell to the page's body, and Tab started again at the top.
    handler = staff["housing"]
    handler.set_password("s3cret-pass")
    handler.save()
    ticket = do_dispatch_ticket(
        make_ticket(actor=staff["operator"]),
        staff["dispatcher"],
        lead_department_id=departments["housing"].pk,
    )
    lead = ticket.assignments.get()

    sign_in(page, live_server, handler.username, "s3cret-pass", "/inbox/")
    row = page.locator(f"#assignment-{lead.pk}")
    row.locator("details.return summary").click()
    row.locator("details.return textarea[name=reason]").fill("不属于本单位职责")
    row.locator("details.return textarea[name=reason]").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.locator(f"#assignment-{lead.pk}[data-state=returned]").wait_for()
    status = row.locator("[role=status]")
    for _ in range(50):  # polled: the pages' CSP refuses wait_for_function
        if status.evaluate("el => el === document.activeElement"):
            break
        page.wait_for_timeout(100)
    else:
        active = page.evaluate("document.activeElement.tagName + ' ' + document.activeElement.className")
        pytest.fail(f"the focus is on {active}, not on what the row says")
