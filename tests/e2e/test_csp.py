"""Every staff page and the portal in Chromium with the Content-Security-Policy in force: no
violation reported (issue 20: no 'unsafe-inline', so no inline code, handlers or styles)."""

from datetime import timedelta

import pytest

from hotline.core import clock
from hotline.core.enums import Role
from hotline.sla.models import Extension
from hotline.tickets.actions import do_accept_assignment, do_dispatch_ticket
from tests.e2e.conftest import csp_violations, sign_in
from tests.factories import UserFactory, make_ticket

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "s3cret-pass"


def visit(page, url: str) -> None:
    page.goto(url)
    # The charts and the htmx panels load after the document: wait until the page is quiet.
    page.wait_for_load_state("networkidle")


def test_no_page_violates_the_policy(browser, live_server, staff, returned) -> None:
    UserFactory(username="root", role=Role.ADMIN, is_staff=True, is_superuser=True, password=PASSWORD)
    staff["water"].set_password(PASSWORD)
    staff["water"].save()
    number = returned.number

    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.set_default_timeout(15_000)
    violations = csp_violations(page)
    seen: dict[str, list[str]] = {}

    def check(path: str) -> None:
        visit(page, f"{live_server.url}{path}")
        seen[path] = list(violations)
        violations.clear()

    # The public pages, before anyone signs in.
    for path in ("/portal/", "/portal/track/", "/stats/", "/login/"):
        check(path)
    sign_in(page, live_server, "root", PASSWORD, "/")
    for path in (
        "/",
        "/tickets/",
        f"/tickets/{number}/",
        "/console/",
        "/dispatch/",
        "/dispatch/returns/",
        "/callbacks/",
        "/supervision/",
        "/overview/",
        "/admin/",
        "/admin/tickets/ticketevent/",
        "/api/v1/docs",
    ):
        check(path)
    # The console's panels come by htmx as the operator types; the language switch is site.js's.
    visit(page, f"{live_server.url}/console/")
    page.fill("#id_citizen_phone", "13812341234")
    page.fill("#id_title", "路灯不亮")
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="English").click()
    # The switch posts and comes back to the same URL: wait for the page in English, not the URL.
    page.locator("html[lang=en]").wait_for()
    seen["/console/ (typing, switching language)"] = list(violations)
    violations.clear()
    context.close()

    # A department's inbox, as its handler sees it.
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.set_default_timeout(15_000)
    violations = csp_violations(page)
    sign_in(page, live_server, staff["water"].username, PASSWORD, "/inbox/")
    page.wait_for_load_state("networkidle")
    seen["/inbox/"] = list(violations)
    context.close()

    assert {path: found for path, found in seen.items() if found} == {}


def test_the_inbox_forms_do_not_violate_the_policy(browser, live_server, staff, departments) -> None:
    """A form sent from an inbox row: the row swapped in place (and htmx's request indicators)
    must not bring an inline style with it. Here 申请延期, the one the audit caught."""
    handler = staff["water"]
    handler.set_password(PASSWORD)
    handler.save()
    ticket = do_dispatch_ticket(
        make_ticket(actor=staff["operator"], title="停水", content="建设街停水两天"),
        staff["dispatcher"],
        lead_department_id=departments["water"].pk,
    )
    ticket = do_accept_assignment(ticket, handler)
    lead = ticket.assignments.get()

    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.set_default_timeout(15_000)
    violations = csp_violations(page)
    sign_in(page, live_server, handler.username, PASSWORD, "/inbox/")
    page.wait_for_load_state("networkidle")
    row = page.locator(f"#assignment-{lead.pk}")
    # The handler drags the reply box taller (the browser writes the size in its style attribute),
    # then asks for more time: the row swapped in place must not carry that style over.
    row.locator("details.reply summary").click()
    box = row.locator("details.reply textarea[name=text]").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] - 2, box["y"] + box["height"] - 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] - 2, box["y"] + box["height"] + 80, steps=5)
    page.mouse.up()
    assert row.locator("details.reply textarea[name=text]").get_attribute("style")
    row.locator("details.extension summary").click()
    asked = clock.localtime(lead.due_at + timedelta(days=3))
    row.locator("input[name=requested_due_at]").fill(f"{asked:%Y-%m-%dT%H:%M}")
    row.locator("details.extension textarea[name=reason]").fill("需协调供水管网改造，施工期较长")
    row.locator("details.extension button[type=submit]").click()
    page.locator(f"#assignment-{lead.pk} .extension-asked").wait_for()
    page.wait_for_load_state("networkidle")
    assert Extension.objects.filter(assignment=lead).exists()
    context.close()

    assert violations == []
