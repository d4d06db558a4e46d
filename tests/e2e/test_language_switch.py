"""The language switch in Chromium: on the citizen's appeal form, arrow keys on the switch change
nothing (a select that sent its form on change did so on the first arrow key, and the form lost what
had been typed, WCAG 3.2.2); pressed, it switches, and what had been typed is there in the other
language. The grid worker's page and the public statistics,
which had no switch, have one; the statistics lead back to the portal."""

import pytest
from playwright.sync_api import expect

from hotline.core.enums import Role
from tests.e2e.conftest import sign_in
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_switch_acts_only_when_pressed(page, live_server, screenshot) -> None:
    page.goto(f"{live_server.url}/portal/")
    page.fill("#id_title", "小区路灯不亮")
    english = page.locator("form.language").get_by_role("button", name="English")
    english.focus()
    for key in ("ArrowDown", "ArrowUp", "End", "Home", "ArrowDown"):
        page.keyboard.press(key)
    page.wait_for_timeout(500)  # what a change of page would take
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.input_value("#id_title") == "小区路灯不亮"
    page.keyboard.press("Enter")
    page.locator("html[lang=en]").wait_for()
    assert page.url == f"{live_server.url}/portal/"
    screenshot("portal-english")
    page.locator("form.language").get_by_role("button", name="简体中文").click()
    page.locator("html[lang=zh-hans]").wait_for()


def test_the_grid_page_and_the_statistics_have_a_switch(page, live_server, departments, screenshot) -> None:
    community = DepartmentFactory(
        code="D010101", name="幸福社区", level="community", parent=departments["street"], is_area=True
    )
    UserFactory(username="grid1", role=Role.GRID, department=community)
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, live_server, "grid1", "pass-1234", "/grid/report/")
    page.locator("form.language").get_by_role("button", name="English").click()
    page.locator("html[lang=en]").wait_for()
    assert page.url == f"{live_server.url}/grid/report/"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot("grid-english")

    page.goto(f"{live_server.url}/stats/")  # in the language chosen on the other pages
    assert page.locator("html").get_attribute("lang") == "en"
    page.locator("nav.language").get_by_role("link", name="简体中文").click()
    page.locator("html[lang=zh-hans]").wait_for()
    assert page.url == f"{live_server.url}/stats/?lang=zh-hans"
    page.locator("nav.language").get_by_role("link", name="English").click()
    page.locator("html[lang=en]").wait_for()
    assert page.url == f"{live_server.url}/stats/?lang=en"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot("stats-english")
    page.locator("header a[href='/portal/']").click()
    page.wait_for_url(f"{live_server.url}/portal/")


def test_what_was_typed_is_kept_across_the_switch(page, live_server, staff) -> None:
    page.goto(f"{live_server.url}/portal/")
    page.select_option("#id_kind", "suggestion")
    page.fill("#id_title", "小区路灯不亮")
    page.fill("#id_content", "幸福路12号门口的路灯坏了一周，晚上很黑。")
    page.fill("#id_phone", "13800138000")
    page.locator("form.language").get_by_role("button", name="English").click()
    page.locator("html[lang=en]").wait_for()
    expect(page.locator("#id_title")).to_have_value("小区路灯不亮")
    assert page.input_value("#id_kind") == "suggestion"
    assert page.input_value("#id_content") == "幸福路12号门口的路灯坏了一周，晚上很黑。"
    assert page.input_value("#id_phone") == "13800138000"
    assert page.evaluate("sessionStorage.getItem('hotline-typed')") is None  # kept for one reload only

    page.reload()  # nothing put back twice: a reload starts empty
    page.locator("html[lang=en]").wait_for()
    assert page.input_value("#id_title") == ""

    # A staff page too: the operator's notes of a call.
    sign_in(page, live_server, "op", "pass-1234", "/console/")
    page.fill("#id_title", "噪音扰民")
    page.locator("form.language").get_by_role("button", name="简体中文").click()
    page.locator("html[lang=zh-hans]").wait_for()
    expect(page.locator("#id_title")).to_have_value("噪音扰民")
