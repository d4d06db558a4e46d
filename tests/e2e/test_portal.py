"""The citizen portal on a phone-sized screen in Chromium: a citizen submits an appeal and reads its
number; the staff dispatch, sign and reply through the real actions; the citizen tracks it with the
number and the phone's last four digits, reads the reply and rates it."""

import re

import pytest

from hotline.core.enums import Satisfaction, TicketStatus
from hotline.feedback import actions as feedback_actions
from hotline.feedback.models import Callback
from hotline.tickets import actions
from hotline.tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = "13912345678"


@pytest.fixture
def page(browser):
    """A phone's screen (390x844, touch) instead of the desktop's; the shared `screenshot` fixture
    takes this page."""
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
    yield page
    context.close()


@pytest.fixture(autouse=True)
def _no_routing(settings):
    # The staff's steps below are the test's; no router dispatches the ticket on its own meanwhile.
    settings.HOTLINE = {
        **settings.HOTLINE,
        "ROUTING": {**settings.HOTLINE["ROUTING"], "ROUTER": "hotline.tickets.router.NullRouter"},
    }


def test_a_citizen_submits_on_a_phone_tracks_the_ticket_and_rates_the_reply(
    page, screenshot, live_server, staff, departments
):
    page.goto(f"{live_server.url}/portal/")
    # One column that fits the screen: nothing wider than the viewport.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    button = page.get_by_role("button", name="提交")
    assert button.bounding_box()["height"] >= 44
    page.select_option("#id_kind", "help")
    page.fill("#id_title", "小区门口路灯不亮")
    page.fill("#id_content", "幸福路12号门口的路灯连续三晚不亮，老人夜里出行不便。")
    page.fill("#id_address", "幸福路12号")
    page.fill("#id_phone", "1391234")
    screenshot("portal-1-form")
    button.click()
    page.get_by_role("alert").filter(has_text="请填写 11 位手机号码").wait_for()
    assert Ticket.objects.count() == 0
    page.fill("#id_phone", PHONE)
    page.get_by_role("button", name="提交").click()
    page.locator("#ticket-number").wait_for()
    number = page.locator("#ticket-number").inner_text().strip()
    assert re.fullmatch(r"\d{8}-\d{6}", number)
    screenshot("portal-2-number")

    ticket = Ticket.objects.get(number=number)
    assert ticket.kind == "help"
    ticket = actions.do_dispatch_ticket(
        ticket, staff["dispatcher"], lead_department_id=departments["housing"].pk, note="内部备注"
    )
    ticket = actions.do_accept_assignment(ticket, staff["housing"])
    feedback_actions.do_reply_ticket(ticket, staff["housing"], text="路灯已于今日修复，感谢您的反映。")

    page.get_by_role("link", name="查询进度").first.click()
    page.fill("#id_number", number)
    page.fill("#id_last4", "0000")
    page.get_by_role("button", name="查询").click()
    page.get_by_role("alert").filter(has_text="未找到该工单").wait_for()
    page.fill("#id_number", number)
    page.fill("#id_last4", PHONE[-4:])
    page.get_by_role("button", name="查询").click()
    page.locator("#public-status").wait_for()
    assert page.locator("#public-status").inner_text() == "已答复"
    timeline = page.locator("ol.timeline").inner_text()
    assert "已转交 住建局 办理" in timeline and "住建局 已答复" in timeline
    assert "路灯已于今日修复" in page.content()
    assert "h_housing" not in page.content() and "内部备注" not in page.content()
    screenshot("portal-3-track")

    page.get_by_label("已解决").check()
    page.get_by_label("满意", exact=True).check()
    page.get_by_role("button", name="提交评价").click()
    page.get_by_role("status").filter(has_text="感谢您的评价").wait_for()
    assert "回访：满意" in page.locator("ol.timeline").inner_text()
    assert page.get_by_role("button", name="提交评价").count() == 0
    screenshot("portal-4-rated")

    callback = Callback.objects.get(ticket=ticket)
    assert callback.satisfaction == Satisfaction.SATISFIED
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.REPLIED
