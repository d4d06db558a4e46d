"""A photo chosen on a phone stays chosen when the form comes back for a wrong field, in Chromium at
390px: on the grid worker's report page (no location, no place typed) and on the citizens' portal
(a bad phone number); the corrected form, sent without choosing the photo again, arrives with it."""

import re

import pytest

from hotline.core.enums import Role
from hotline.intake.models import Appeal, Attachment
from tests.e2e.conftest import csp_violations, sign_in
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(2000)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(2000)


@pytest.fixture(autouse=True)
def _no_routing(settings):
    settings.HOTLINE = {
        **settings.HOTLINE,
        "ROUTING": {**settings.HOTLINE["ROUTING"], "ROUTER": "hotline.tickets.router.NullRouter"},
    }


def phone(browser):
    context = browser.new_context(
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def test_the_grid_report_keeps_its_photo_when_the_place_is_missing(
    browser, live_server, departments, screenshot_of
) -> None:
    community = DepartmentFactory(
        code="D010101", name="幸福社区", level="community", parent=departments["street"], is_area=True
    )
    UserFactory(username="grid1", role=Role.GRID, department=community)
    context, page = phone(browser)  # no permission to locate: the place must be typed
    violations = csp_violations(page)
    try:
        sign_in(page, live_server, "grid1", "pass-1234", "/grid/report/")
        page.fill("#id_title", "人行道井盖破损")
        page.fill("#id_content", "幸福路 12 号门前人行道井盖破损，已有行人绊倒。")
        page.set_input_files(
            "#id_photo", files=[{"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": JPEG}]
        )
        page.get_by_role("button", name="上报").click()
        page.get_by_role("alert").filter(has_text="没有取得手机定位：请填写地点").wait_for()
        kept = page.locator("#kept-photo")
        kept.filter(has_text="已选择照片：IMG_0001.jpg（无需重新选择）").wait_for()
        assert page.get_by_label("不用这张照片").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot_of(page, "pending-photo-grid")
        page.fill("#id_address", "幸福路 12 号")
        page.get_by_role("button", name="上报").click()
        page.locator("#ticket-number").wait_for()
        number = page.locator("#ticket-number").inner_text().strip()
        appeal = Appeal.objects.get(ticket__number=number)
        attachment = Attachment.objects.get(appeal=appeal)
        assert (attachment.content_type, attachment.size) == ("image/jpeg", len(JPEG))
        assert page.locator("#kept-photo").count() == 0
    finally:
        context.close()
    assert violations == [], f"Content-Security-Policy violations: {violations}"


def test_the_portal_keeps_its_photo_when_the_phone_is_wrong(browser, live_server, screenshot_of) -> None:
    context, page = phone(browser)
    violations = csp_violations(page)
    try:
        page.goto(f"{live_server.url}/portal/")
        page.fill("#id_title", "小区门口路灯不亮")
        page.fill("#id_content", "幸福路12号门口的路灯连续三晚不亮，老人夜里出行不便。")
        page.fill("#id_phone", "1391234")
        page.set_input_files(
            "#id_photo", files=[{"name": "门口.png", "mimeType": "image/png", "buffer": PNG}]
        )
        page.get_by_role("button", name="提交").click()
        page.get_by_role("alert").filter(has_text="请填写 11 位手机号码").wait_for()
        page.locator("#kept-photo").filter(has_text="已选择照片：门口.png（无需重新选择）").wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot_of(page, "pending-photo-portal")
        page.fill("#id_phone", "13912345678")
        page.get_by_role("button", name="提交").click()
        page.locator("#ticket-number").wait_for()
        number = page.locator("#ticket-number").inner_text().strip()
        assert re.fullmatch(r"\d{8}-\d{6}", number)
        attachment = Attachment.objects.get(appeal__ticket__number=number)
        assert (attachment.content_type, attachment.size) == ("image/png", len(PNG))
    finally:
        context.close()
    assert violations == [], f"Content-Security-Policy violations: {violations}"
