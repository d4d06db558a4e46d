"""The supervision board in Chromium: a supervisor opens the overdue tab, issues a 督办 with a reason
using only the keyboard, finds it under 督办中 and closes it (销号)."""

from datetime import timedelta

import pytest

from hotline.core import clock
from hotline.core.enums import SupervisionKind, SupervisionReason
from hotline.supervision.models import Supervision
from hotline.tickets.actions import do_dispatch_ticket
from tests.e2e.conftest import sign_in
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "s3cret-pass"


def tab_to(page, locator, start=None, presses: int = 30) -> None:
    """From `start` (or where the focus is), Tab until `locator` has the focus (or fail: it is not
    reachable by keyboard)."""
    if start is not None:
        start.focus()
    for _ in range(presses):
        if locator.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"{locator} cannot be reached with Tab")


def test_a_supervisor_issues_an_order_with_the_keyboard_and_resolves_it(
    page, live_server, staff, departments, screenshot
) -> None:
    supervisor = staff["supervisor"]
    supervisor.set_password(PASSWORD)
    supervisor.save()
    # Dispatched ten days ago (the live server reads the real clock): long past its deadline.
    with clock.frozen_at(clock.now() - timedelta(days=10)):
        ticket = do_dispatch_ticket(
            make_ticket(actor=staff["operator"], title="井盖缺失"),
            staff["dispatcher"],
            lead_department_id=departments["water"].pk,
        )
    assignment = ticket.assignments.get()

    sign_in(page, live_server, supervisor.username, PASSWORD, "/supervision/?view=due_today")
    assert page.locator("nav.site a[href='/supervision/']").count() == 1
    overdue_tab = page.locator("#board-counters .overdue a")
    assert overdue_tab.locator("strong").inner_text() == "1"
    overdue_tab.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/supervision/?view=overdue")
    row = page.locator(f"#row-a{assignment.pk}")
    assert ticket.number in row.inner_text() and "超期 " in row.locator(".clock").inner_text()
    assert "水务局" in row.inner_text()
    screenshot("supervision-overdue")

    # From the filter button, Tab to the row's supervise box; Enter opens it; the kind is 督办.
    summary = row.locator("details.supervise summary")
    tab_to(page, summary, page.locator("#board-filters button"))
    page.keyboard.press("Enter")
    kind = row.locator("select[name=kind]")
    kind.wait_for()
    page.keyboard.press("Tab")
    assert kind.evaluate("element => element === document.activeElement")
    assert kind.input_value() == "order"
    page.keyboard.press("Tab")
    page.keyboard.type("超期多日未办结，请于两日内办结并报送结果")
    screenshot("supervision-order-form")
    # Past the optional deadline (Chromium tabs through its parts: year, month, day, ...).
    tab_to(page, row.locator("details.supervise button[type=submit]"))
    page.keyboard.press("Enter")
    row.locator("[role=status]", has_text="督办已发出").wait_for()  # in place: the row stays
    supervision = Supervision.objects.get()
    assert supervision.kind == SupervisionKind.ORDER and supervision.reason == SupervisionReason.MANUAL
    assert supervision.reason_text == "超期多日未办结，请于两日内办结并报送结果"
    assert supervision.created_by == supervisor and supervision.assignment == assignment
    assert ticket.events.filter(action="supervise", actor=supervisor).count() == 1
    assert "督办" in page.locator(f"#row-a{assignment.pk} ul.open-supervisions").inner_text()

    supervised_tab = page.locator("#board-counters .supervised a")
    assert supervised_tab.locator("strong").inner_text() == "1"
    supervised_tab.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/supervision/?view=supervised")
    row = page.locator(f"#row-s{supervision.pk}")
    assert "超期多日未办结" in row.inner_text() and supervisor.username in row.inner_text()
    screenshot("supervision-supervised")

    resolve = row.locator("form.resolve button[type=submit]")
    tab_to(page, row.locator("form.resolve input[name=note]"), page.locator("#board-filters button"))
    page.keyboard.type("已办结，群众满意")
    page.keyboard.press("Tab")
    assert resolve.evaluate("element => element === document.activeElement")
    page.keyboard.press("Enter")
    row.locator("[role=status]", has_text="督办已销号").wait_for()  # off the tab, said in its place
    assert page.locator("#board-counters .supervised strong").inner_text() == "0"
    supervision.refresh_from_db()
    assert supervision.resolved_by == supervisor and supervision.resolution_note == "已办结，群众满意"
    screenshot("supervision-resolved")


def test_an_order_on_the_co_handlers_row_stays_on_that_row(page, live_server, staff, departments) -> None:
    supervisor = staff["supervisor"]
    supervisor.set_password(PASSWORD)
    supervisor.save()
    with clock.frozen_at(clock.now() - timedelta(days=10)):
        ticket = do_dispatch_ticket(
            make_ticket(actor=staff["operator"], title="雨水井堵塞"),
            staff["dispatcher"],
            lead_department_id=departments["street"].pk,
            co_department_ids=[departments["water"].pk],
        )
    lead, co = ticket.assignments.get(role="lead"), ticket.assignments.get(role="co")

    sign_in(page, live_server, supervisor.username, PASSWORD, "/supervision/?view=overdue")
    row = page.locator(f"#row-a{co.pk}")
    assert "水务局（协办）" in row.inner_text()
    row.locator("details.supervise summary").click()
    row.locator("textarea[name=reason]").fill("协办单位迟迟未反馈")
    row.locator("details.supervise button[type=submit]").click()
    row.locator("[role=status]", has_text="督办已发出").wait_for()
    assert Supervision.objects.get().assignment == co
    assert "督办 · 水务局" in page.locator(f"#row-a{co.pk} ul.open-supervisions").inner_text()
    assert page.locator(f"#row-a{lead.pk}").count() == 1
    assert page.locator(f"#row-a{lead.pk} ul.open-supervisions").count() == 0
