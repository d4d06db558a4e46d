"""A ticket's 告知记录 in Chromium: after the dispatch (转办告知) and the handler's reply on the page
(答复告知), sent by the worker, the operator reads what each appellant was told — the caller by SMS,
a merged letter writer by mail — with every destination masked; a handler's resumed clock tells
both the new date (延期告知)."""

from datetime import timedelta

import pytest

from hotline.citizen_messages.actions import send_due
from hotline.core.enums import Channel
from hotline.intake.actions import AppealData, do_receive_appeal
from hotline.sla.models import Suspension
from hotline.tickets.actions import do_dispatch_ticket, do_merge_ticket
from hotline.tickets.models import Assignment, Ticket
from tests.e2e.conftest import sign_in
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "s3cret-pass"


@pytest.fixture
def dispatched(staff, departments) -> Ticket:
    """A caller's ticket with a letter writer's duplicate merged into it, sent to 住建局."""
    for user in staff.values():
        user.set_password(PASSWORD)
        user.save()
    ticket = make_ticket(actor=staff["operator"], phone="13812341234")
    letter, _created = do_receive_appeal(
        AppealData(
            channel=Channel.MAILBOX,
            title="幸福路路灯坏了",
            content="幸福路12号门口的路灯一周没亮。",
            citizen_name="李女士",
            citizen_email="writer@163.com",
        ),
        None,
    )
    do_merge_ticket(letter, staff["operator"], into_ticket_id=ticket.pk)
    return do_dispatch_ticket(ticket, staff["dispatcher"], lead_department_id=departments["housing"].pk)


def told(page) -> list[list[str]]:
    """The rows of the 告知记录 table: kind, appellant, medium, destination, status."""
    rows = page.locator("#citizen-messages tbody tr")
    return [
        [cell.strip() for cell in rows.nth(i).locator("td").all_inner_texts()[1:6]]
        for i in range(rows.count())
    ]


def test_the_ticket_page_shows_what_each_appellant_was_told_masked(
    page, live_server, staff, dispatched, screenshot
) -> None:
    url = f"/tickets/{dispatched.number}/"
    sign_in(page, live_server, staff["housing"].username, PASSWORD, url)
    with page.expect_navigation():
        page.locator("#do-accept").click()
    assert page.locator("#ticket-status").inner_text() == "办理中"
    page.fill("textarea[name=text]", "已更换路灯灯具，恢复照明。")
    with page.expect_navigation():
        page.locator("form[action$='/do/reply/'] button[type=submit]").click()
    assert page.locator("#ticket-status").inner_text() == "已答复"

    send_due()  # the worker's round: SMS through the log-only sender, mail through Django's
    page.context.clear_cookies()
    sign_in(page, live_server, staff["operator"].username, PASSWORD, url)
    page.locator("#told-title").scroll_into_view_if_needed()
    letter = Ticket.objects.get(merged_into=dispatched)
    assert told(page) == [
        ["受理告知", "张先生", "短信", "138****1234", "已发送"],
        ["转办告知", "张先生", "短信", "138****1234", "已发送"],
        [f"转办告知 （工单 {letter.number}）", "李女士", "电子邮件", "w***@163.com", "已发送"],
        ["答复告知", "张先生", "短信", "138****1234", "已发送"],
        [f"答复告知 （工单 {letter.number}）", "李女士", "电子邮件", "w***@163.com", "已发送"],
    ]
    section = page.locator("section[aria-labelledby=told-title]").inner_text()
    assert "13812341234" not in section and "writer@163.com" not in section
    screenshot("ticket-page-citizen-messages")


def test_a_handler_resumes_the_clock_and_the_appellants_are_told_the_new_date(
    page, live_server, staff, dispatched, screenshot
) -> None:
    """挂起 and 恢复计时 on the ticket page: the deadline moves by the working time the clock stood,
    and the 告知记录 shows the 延期告知 to the caller and to the merged letter writer."""
    url = f"/tickets/{dispatched.number}/"
    sign_in(page, live_server, staff["housing"].username, PASSWORD, url)
    with page.expect_navigation():
        page.locator("#do-accept").click()
    page.locator("summary", has_text="挂起（停止计时）").click()
    page.select_option("select[name=reason]", label="待诉求人补充材料")
    page.fill("form[action$='/do/suspend/'] input[name=note]", "等房产证复印件")
    with page.expect_navigation():
        page.locator("form[action$='/do/suspend/'] button[type=submit]").click()
    # Two weeks pass (working days whatever the day the suite runs) before the material arrives.
    lead = dispatched.lead_assignment
    lead.refresh_from_db()
    before = lead.due_at
    stopped = lead.paused_since - timedelta(days=14)
    Assignment.objects.filter(pk=lead.pk).update(paused_since=stopped)
    Suspension.objects.filter(assignment=lead, ended_at__isnull=True).update(started_at=stopped)
    with page.expect_navigation():
        page.locator("form[action$='/do/resume/'] button[type=submit]").click()
    lead.refresh_from_db()
    assert lead.due_at > before

    page.locator("#told-title").scroll_into_view_if_needed()
    letter = Ticket.objects.get(merged_into=dispatched)
    rows = told(page)
    assert ["延期告知", "张先生", "短信", "138****1234", "待发送"] in rows
    assert [f"延期告知 （工单 {letter.number}）", "李女士", "电子邮件", "w***@163.com", "待发送"] in rows
    screenshot("ticket-page-resumed-clock-told")
