"""The rankings (红黑榜) in Chromium: a leader goes from the overview to the month's ranking of
departments, switches to areas with the keyboard, and drills from a department's 及时率 down to the
ticket answered late."""

from datetime import timedelta

import pytest

from hotline.analytics.models import FigureSettings
from hotline.core import clock
from hotline.feedback import actions as feedback_actions
from hotline.tickets.actions import do_accept_assignment, do_dispatch_ticket
from tests.e2e.conftest import sign_in
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "s3cret-pass"


def test_a_leader_ranks_the_month_and_drills_down(page, live_server, staff, departments, screenshot) -> None:
    FigureSettings.objects.update_or_create(pk=1, defaults={"min_received": 1})
    leader = staff["leader"]
    leader.set_password(PASSWORD)
    leader.save()
    now = clock.now()
    answered = {}
    # 住建局 answers one ticket in time and one late; 水务局 answers its one in time.
    for name, department, late in (
        ("on time", "housing", False),
        ("late", "housing", True),
        ("water", "water", False),
    ):
        with clock.frozen_at(now - timedelta(hours=2)):
            ticket = do_dispatch_ticket(
                make_ticket(actor=staff["operator"], title=f"工单 {name}"),
                staff["dispatcher"],
                lead_department_id=departments[department].pk,
            )
            ticket = do_accept_assignment(ticket, staff[department])
        lead = ticket.assignments.get()
        if late:
            lead.due_at = now - timedelta(hours=1)
            lead.save(update_fields=["due_at"])
        with clock.frozen_at(now - timedelta(minutes=30)):
            answered[name] = feedback_actions.do_reply_ticket(ticket, staff[department], text="已处理。")

    sign_in(page, live_server, leader.username, PASSWORD, "/overview/")
    page.click("nav.site a[href='/rankings/']")
    page.wait_for_url(f"{live_server.url}/rankings/")
    rows = page.locator("#ranking tbody tr")
    assert rows.count() == 2
    names = [rows.nth(i).locator("th[scope=row]").inner_text() for i in range(2)]  # each row's header
    assert names == ["水务局", "住建局"]  # all in time beats half in time
    assert page.locator("#red-list li").count() == 2
    screenshot("rankings")

    # Areas instead, with the keyboard: the select, then Enter on the button.
    page.select_option("select[name=dimension]", "area")
    page.locator("#rankings-form button").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**dimension=area**")
    assert page.locator("#ranking tbody").inner_text().strip() != ""

    page.go_back()
    page.wait_for_url("**/rankings/")
    housing = page.locator(f"#row-{departments['housing'].pk}")
    housing.locator("td a[href*='rate=on_time']").click()  # its 及时率: 50% (after its 受理量's link)
    page.wait_for_url("**/rankings/tickets/**")
    assert "及时率" in page.locator("h1").inner_text()
    assert page.locator("#drill tbody tr").count() == 2
    page.click("#only-missed")
    page.wait_for_url("**missed=1**")
    drilled = page.locator("#drill tbody tr")
    assert drilled.count() == 1 and answered["late"].number in drilled.inner_text()
    screenshot("rankings-drill-down")
