"""A grid worker on patrol, on a phone's screen in Chromium: the page takes the phone's location by
itself, a photo from the camera and the report, and shows the ticket's number; without the
location (permission refused) it says so and the worker types the place instead."""

import re

import pytest

from hotline.core.enums import Channel, Role
from hotline.intake.models import Appeal, Attachment
from tests.e2e.conftest import csp_violations, sign_in
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(2000)
HERE = {"latitude": 31.230416, "longitude": 121.473701, "accuracy": 12}


@pytest.fixture(autouse=True)
def _no_routing(settings):
    settings.HOTLINE = {
        **settings.HOTLINE,
        "ROUTING": {**settings.HOTLINE["ROUTING"], "ROUTER": "hotline.tickets.router.NullRouter"},
    }


@pytest.fixture
def grid_worker(departments):
    community = DepartmentFactory(
        code="D010101", name="幸福社区", level="community", parent=departments["street"], is_area=True
    )
    return UserFactory(username="grid1", role=Role.GRID, department=community, first_name="王网格")


def phone(browser, **extra):
    context = browser.new_context(
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        **extra,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def test_a_grid_worker_reports_with_the_phones_location_and_a_photo(
    browser, live_server, grid_worker, screenshot_of
) -> None:
    context, page = phone(browser, geolocation=HERE, permissions=["geolocation"])
    violations = csp_violations(page)
    try:
        sign_in(page, live_server, "grid1", "pass-1234", "/grid/report/")
        status = page.locator("#location-status")
        status.filter(has_text="已定位 31.23042, 121.47370").wait_for()
        assert "精度约 12 米" in status.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.fill("#id_title", "人行道井盖破损")
        page.fill("#id_content", "幸福路 12 号门前人行道井盖破损，已有行人绊倒。")
        page.set_input_files(
            "#id_photo", files=[{"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": JPEG}]
        )
        screenshot_of(page, "grid-1-form")
        page.get_by_role("button", name="上报").click()
        page.locator("#ticket-number").wait_for()
        number = page.locator("#ticket-number").inner_text().strip()
        assert re.fullmatch(r"\d{8}-\d{6}", number)
        screenshot_of(page, "grid-2-reported")
        appeal = Appeal.objects.select_related("ticket").get(ticket__number=number)
        assert appeal.channel == Channel.GRID and appeal.ticket.area.name == "幸福社区"
        assert (round(appeal.latitude, 5), round(appeal.longitude, 5)) == (31.23042, 121.4737)
        assert Attachment.objects.filter(appeal=appeal, content_type="image/jpeg").count() == 1
        page.locator("ul.reports").filter(has_text=number).wait_for()
    finally:
        context.close()
    assert violations == [], f"Content-Security-Policy violations: {violations}"


def test_without_the_location_the_worker_types_the_place(
    browser, live_server, grid_worker, screenshot_of
) -> None:
    context, page = phone(browser)  # no permission: the browser refuses the location
    violations = csp_violations(page)
    try:
        sign_in(page, live_server, "grid1", "pass-1234", "/grid/report/")
        page.locator("#location-status.failed").wait_for()
        page.fill("#id_title", "占道经营")
        page.fill("#id_content", "菜市场东门外流动摊贩占用盲道。")
        page.get_by_role("button", name="上报").click()
        page.get_by_role("alert").filter(has_text="请填写地点").wait_for()
        assert not Appeal.objects.exists()
        page.fill("#id_address", "菜市场东门")
        page.get_by_role("button", name="上报").click()
        page.locator("#ticket-number").wait_for()
        screenshot_of(page, "grid-3-typed-place")
        appeal = Appeal.objects.get()
        assert (appeal.address, appeal.latitude) == ("菜市场东门", None)
    finally:
        context.close()
    assert violations == [], f"Content-Security-Policy violations: {violations}"


# The phone answers late, and with an error (a timeout on patrol): while the worker is typing.
LATE_FAILURE = """navigator.geolocation.getCurrentPosition = function (ok, fail) {
  setTimeout(function () { fail({code: 3, message: "timeout"}); }, 700);
};"""


def test_a_failed_location_leaves_the_focus_where_the_worker_is(browser, live_server, grid_worker) -> None:
    """The status says it (a live region); the focus is not taken to the place: on opening, it would
    pop up the phone's keyboard, and while typing, it would split the text between two fields."""
    context, page = phone(browser)  # no permission: the browser refuses the location
    violations = csp_violations(page)
    try:
        sign_in(page, live_server, "grid1", "pass-1234", "/grid/report/")
        status = page.locator("#location-status.failed")
        status.wait_for()
        assert status.get_attribute("aria-live") == "polite"
        assert page.evaluate("document.activeElement === document.body")

        page.add_init_script(LATE_FAILURE)
        page.reload()
        page.locator("#id_title").focus()
        page.keyboard.type("占道经营摊贩", delay=150)  # the failure comes while typing
        status.wait_for()
        page.keyboard.type("占用盲道")
        assert page.input_value("#id_title") == "占道经营摊贩占用盲道"
        assert page.input_value("#id_address") == ""
        assert page.evaluate("document.activeElement.id") == "id_title"
    finally:
        context.close()
    assert violations == [], f"Content-Security-Policy violations: {violations}"


def test_the_location_is_said_in_the_pages_own_words(browser, live_server, grid_worker) -> None:
    """The sentences come whole from the page (translated there), brackets and all: none is glued
    into them by the script (a full-width "（" in English)."""
    context, page = phone(browser, geolocation=HERE, permissions=["geolocation"])
    try:
        sign_in(page, live_server, "grid1", "pass-1234", "/grid/report/")
        status = page.locator("#location-status")
        status.filter(has_text="已定位 31.23042, 121.47370（精度约 12 米）").wait_for()
        # As an English page would write them.
        page.evaluate(
            """() => { const s = document.getElementById("location-status");
              s.dataset.locatedAccuracy = "Located %(position)s (accuracy about %(m)s m)"; }"""
        )
        page.get_by_role("button", name="重新定位").click()
        status.filter(has_text="Located").wait_for()
        assert status.inner_text() == "Located 31.23042, 121.47370 (accuracy about 12 m)"
    finally:
        context.close()


def one_line(page, selector: str) -> bool:
    """The element's text sits on one line: an inline element broken across lines has a box per line."""
    return page.eval_on_selector(selector, "e => e.getClientRects().length") == 1


def test_a_ticket_number_is_never_broken_on_a_phone(browser, live_server, grid_worker, screenshot_of) -> None:
    """At 390 px the number after 工单编号 moves to a line of its own rather than break inside
    ("20261206-0000" / "03"): on the report's receipt, on its page and in my reports."""
    context, page = phone(browser)
    try:
        sign_in(page, live_server, "grid1", "pass-1234", "/grid/report/")
        page.locator("#location-status.failed").wait_for()
        page.fill("#id_title", "人行道井盖破损")
        page.fill("#id_content", "幸福路 12 号门前人行道井盖破损。")
        page.fill("#id_address", "幸福路12号")
        page.get_by_role("button", name="上报").click()
        page.locator("#ticket-number").wait_for()
        screenshot_of(page, "grid-4-number-whole")
        number = page.locator("#ticket-number").inner_text().strip()
        assert re.fullmatch(r"\d{8}-\d{6}", number)
        assert one_line(page, "#ticket-number")
        assert one_line(page, "ul.reports .number-small")

        page.locator("#ticket-number").click()  # the report's own page: its progress
        page.wait_for_url(f"{live_server.url}/tickets/{number}/")
        page.locator("#public-status").wait_for()
        assert one_line(page, "h1 .number")
        screenshot_of(page, "grid-5-report-page")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390

        page.get_by_role("link", name="我的上报").click()
        page.wait_for_url(f"{live_server.url}/grid/reports/")
        assert page.locator("ul.reports .number-small").inner_text() == number
        assert one_line(page, "ul.reports .number-small")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
