"""A double tap on a slow network, on a phone in Chromium: the citizen's rating goes once, and the
page says it was taken. Sent twice, the second sending answered 409 这件诉求目前不能评价：已评价过, the
answer the browser shows (it drops the first's), though the first was recorded."""

import pytest

from hotline.core.enums import Channel, Satisfaction
from hotline.feedback import actions as feedback_actions
from hotline.feedback.models import Callback
from hotline.intake.actions import AppealData, do_receive_appeal
from hotline.tickets import actions
from tests.e2e.test_grid import phone

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = "13912345678"
# About a phone's connection on a bad day: every request takes 1.5 s to answer.
SLOW = {"offline": False, "latency": 1500, "downloadThroughput": 50_000, "uploadThroughput": 50_000}


@pytest.fixture(autouse=True)
def _no_routing(settings):
    settings.HOTLINE = {
        **settings.HOTLINE,
        "ROUTING": {**settings.HOTLINE["ROUTING"], "ROUTER": "hotline.tickets.router.NullRouter"},
    }


def double_tap(page, button) -> None:
    """Two taps on `button`, 0.3 s apart, at its place: the second while the first sending is under way."""
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.touchscreen.tap(x, y)
    page.wait_for_timeout(300)
    page.touchscreen.tap(x, y)


def test_a_rating_tapped_twice_on_a_slow_network_is_sent_once(
    browser, live_server, staff, departments
) -> None:
    ticket, _created = do_receive_appeal(
        AppealData(
            channel=Channel.WEB,
            title="小区门口路灯不亮",
            content="幸福路12号门口的路灯连续三晚不亮。",
            citizen_phone=PHONE,
        ),
        None,
    )
    ticket = actions.do_dispatch_ticket(
        ticket, staff["dispatcher"], lead_department_id=departments["housing"].pk
    )
    ticket = actions.do_accept_assignment(ticket, staff["housing"])
    feedback_actions.do_reply_ticket(ticket, staff["housing"], text="路灯已于今日修复，感谢您的反映。")

    context, page = phone(browser)
    try:
        page.goto(f"{live_server.url}/portal/track/")
        page.fill("#id_number", ticket.number)
        page.fill("#id_last4", PHONE[-4:])
        page.get_by_role("button", name="查询").click()
        page.get_by_label("已解决").check()
        page.get_by_label("满意", exact=True).check()
        sent: list[str] = []
        page.on("request", lambda request: sent.append(request.url) if request.method == "POST" else None)
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", SLOW)
        double_tap(page, page.get_by_role("button", name="提交评价"))
        page.get_by_role("status").filter(has_text="感谢您的评价").wait_for()
        assert len(sent) == 1, sent
    finally:
        context.close()
    assert Callback.objects.get(ticket=ticket).satisfaction == Satisfaction.SATISFIED
