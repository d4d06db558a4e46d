"""The whole loop through the pages only, in Chromium: a citizen submits on the portal, an operator
takes a call on the console, a dispatcher dispatches both, the department signs and replies in its
inbox, the callback desk closes one ticket and reopens the other, and the citizen sees the result
on the portal. Each person has their own browser context, as on their own computer or phone."""

import re

import pytest

from hotline.core.enums import TicketStatus
from hotline.routing.models import RoutingSettings
from hotline.tickets.models import Ticket
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "s3cret-pass"
CITIZEN_PHONE = "13912345678"


@pytest.fixture
def people(browser, staff):
    """A browser context per person: signed-in staff keep their own session."""
    for user in staff.values():
        user.set_password(PASSWORD)
        user.save()
    RoutingSettings.objects.create(auto_dispatch=False, threshold=0.9)  # every ticket waits for dispatch
    contexts = []

    def open_page(**options):
        context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


def test_the_loop_runs_through_the_pages(people, live_server, staff, departments, screenshot_of) -> None:
    url = live_server.url

    # 1. A citizen reports on the portal from a phone.
    citizen = people(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    citizen.goto(f"{url}/portal/")
    citizen.select_option("#id_kind", "complaint")
    citizen.fill("#id_title", "小区门口路灯不亮")
    citizen.fill("#id_content", "幸福路12号门口的路灯连续三晚不亮。")
    citizen.fill("#id_address", "幸福路12号")
    citizen.fill("#id_phone", CITIZEN_PHONE)
    citizen.get_by_role("button", name="提交").click()
    citizen.locator("#ticket-number").wait_for()
    web_number = citizen.locator("#ticket-number").inner_text().strip()
    screenshot_of(citizen, "loop-1-portal-submitted")

    # 2. An operator takes a phone call on the console.
    operator = people()
    sign_in(operator, live_server, staff["operator"].username, PASSWORD, "/console/")
    operator.fill("#id_citizen_phone", "13700001111")
    operator.fill("#id_title", "夜间施工噪音")
    operator.fill("#id_content", "建设街工地每晚施工到凌晨，噪音很大。")
    operator.fill("#id_address", "建设街8号")
    operator.locator("#id_address").press("Enter")
    operator.wait_for_url(re.compile(r".*/console/\?done=.*"))
    call_number = operator.locator("#console-number").inner_text().strip()
    screenshot_of(operator, "loop-2-console-received")
    web, call = Ticket.objects.get(number=web_number), Ticket.objects.get(number=call_number)
    assert web.status == call.status == TicketStatus.NEW

    # 3. The dispatcher sends both to the housing bureau from the tickets' pages.
    dispatcher = people()
    sign_in(dispatcher, live_server, staff["dispatcher"].username, PASSWORD, "/dispatch/")
    assert web_number in dispatcher.inner_text("main") and call_number in dispatcher.inner_text("main")
    for number in (web_number, call_number):
        dispatcher.goto(f"{url}/tickets/{number}/")
        form = dispatcher.locator("form[action$='/do/dispatch/']")
        form.locator("select[name=lead_department_id]").select_option(str(departments["housing"].pk))
        form.locator("button[type=submit]").click()
        dispatcher.locator("#ticket-status", has_text="已派单").wait_for()
    screenshot_of(dispatcher, "loop-3-dispatched")

    # 4. The housing bureau signs and replies in its inbox.
    handler = people()
    sign_in(handler, live_server, staff["housing"].username, PASSWORD, "/inbox/")
    for ticket, text in ((web, "已更换灯具，路灯恢复照明。"), (call, "已要求工地夜间停工。")):
        lead = ticket.assignments.get()
        row = handler.locator(f"#assignment-{lead.pk}")
        row.locator("button.accept").click()
        handler.locator(f"#assignment-{lead.pk}[data-state=accepted]").wait_for()
        row = handler.locator(f"#assignment-{lead.pk}")
        row.locator("details.reply summary").click()
        row.locator("details.reply textarea[name=text]").fill(text)
        row.locator("details.reply button[type=submit]").click()
        # Replied, the row is done in place: it says so where it was.
        handler.locator(f"#assignment-{lead.pk}.done", has_text=f"{ticket.number}：已答复诉求人").wait_for()
    screenshot_of(handler, "loop-4-inbox-replied")
    web.refresh_from_db()
    call.refresh_from_db()
    assert web.status == call.status == TicketStatus.REPLIED

    # 5. The callback desk: the citizen of the portal is satisfied (closed), the caller is not (reopened).
    operator.goto(f"{url}/callbacks/")
    for ticket, satisfaction in ((web, "satisfied"), (call, "unsatisfied")):
        row = operator.locator(f"#ticket-{ticket.pk}")
        row.locator("details.callback summary").click()
        row.locator("select[name=resolution]").select_option(
            "resolved" if satisfaction == "satisfied" else "unresolved"
        )
        row.locator("select[name=satisfaction]").select_option(satisfaction)
        row.locator("details.callback button[type=submit]").click()
        operator.locator(
            f"#ticket-{ticket.pk} [role=status]", has_text=f"{ticket.number}：已记录回访结果"
        ).wait_for()
    operator.locator(f"#ticket-{web.pk} button.close").click()
    operator.locator(f"#ticket-{web.pk}.done", has_text=f"{web.number}：已办结").wait_for()
    screenshot_of(operator, "loop-5-callbacks")
    web.refresh_from_db()
    call.refresh_from_db()
    assert web.status == TicketStatus.CLOSED
    assert call.status == TicketStatus.REOPENED

    # 6. The citizen sees the answer and the close on the portal.
    citizen.goto(f"{url}/portal/track/")
    citizen.fill("#id_number", web_number)
    citizen.fill("#id_last4", CITIZEN_PHONE[-4:])
    citizen.get_by_role("button", name="查询").click()
    citizen.locator("#public-status").wait_for()
    assert citizen.locator("#public-status").inner_text() == "已办结"
    assert "已更换灯具" in citizen.inner_text("main")
    screenshot_of(citizen, "loop-6-portal-tracked")
