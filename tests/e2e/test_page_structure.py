"""The pages' structure in Chromium, as a keyboard and a screen reader use it: the skip link first,
past the header and the navigation; the desk's rows as headings; the portal's refused appeal focused
on its error summary, whose links lead to the fields."""

import pytest

from hotline.tickets.actions import do_dispatch_ticket
from tests.e2e.conftest import sign_in
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "s3cret-pass"
ACTIVE = "(() => { const e = document.activeElement; return [e.tagName.toLowerCase(), e.id]; })()"


def focused(page, wanted: list[str], wait_ms: int = 3000) -> list[str]:
    """The focused element's [tag, id] once it is `wanted` (polled: the CSP refuses wait_for_function)."""
    found = page.evaluate(ACTIVE)
    for _ in range(wait_ms // 100):
        if found == wanted:
            break
        page.wait_for_timeout(100)
        found = page.evaluate(ACTIVE)
    return found


def test_the_skip_link_and_the_rows_headings(page, live_server, staff, departments, screenshot) -> None:
    handler = staff["housing"]
    handler.set_password(PASSWORD)
    handler.save()
    tickets = [
        do_dispatch_ticket(
            make_ticket(actor=staff["operator"], title=title),
            staff["dispatcher"],
            lead_department_id=departments["housing"].pk,
        )
        for title in ("路灯不亮", "井盖缺失")
    ]
    sign_in(page, live_server, handler.username, PASSWORD, "/inbox/")

    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    assert skip.evaluate("link => link === document.activeElement")
    assert skip.inner_text() == "跳到正文" and skip.bounding_box()["y"] >= 0  # shown once focused
    screenshot("skip-link")
    page.keyboard.press("Enter")
    assert focused(page, ["main", "main"]) == ["main", "main"]
    page.keyboard.press("Tab")  # the page's own first control, not the header's or the navigation's
    assert page.evaluate("document.activeElement.closest('main') !== null")
    assert page.evaluate("document.activeElement.closest('#inbox-counters') !== null")

    headings = page.get_by_role("heading", level=2).all_inner_texts()
    for ticket in tickets:
        assert any(ticket.number in h and ticket.title in h for h in headings), headings


def test_a_refused_appeal_opens_on_its_error_summary(page, live_server, screenshot) -> None:
    page.goto(f"{live_server.url}/portal/")
    page.fill("#id_content", "幸福路12号门口的路灯连续三晚不亮。")
    page.fill("#id_phone", "123")
    page.locator("main form button[type=submit]").click()
    page.locator("#error-summary").wait_for()
    assert focused(page, ["div", "error-summary"]) == ["div", "error-summary"]
    summary = page.locator("#error-summary")
    assert "标题：请填写标题" in summary.inner_text() and "联系电话：" in summary.inner_text()
    assert page.input_value("#id_content") == "幸福路12号门口的路灯连续三晚不亮。"  # kept as typed
    phone = page.locator("#id_phone")
    assert phone.get_attribute("aria-invalid") == "true"
    assert "11 位手机号码" in page.locator(f"#{phone.get_attribute('aria-describedby')}").inner_text()
    screenshot("portal-error-summary")
    summary.get_by_role("link", name="标题：请填写标题").click()
    assert focused(page, ["input", "id_title"]) == ["input", "id_title"]
