"""The callback desk in Chromium: an operator looks up a caller's number, cannot reach one citizen
and tries again, records a satisfied callback and closes the ticket, and reopens another ticket whose
citizen is not satisfied."""

import pytest

from hotline.core.enums import AssignmentStatus, TicketStatus
from hotline.feedback import actions as feedback_actions
from hotline.intake.models import PhoneReveal
from hotline.tickets.actions import do_accept_assignment, do_dispatch_ticket
from hotline.tickets.models import Ticket
from tests.e2e.conftest import sign_in
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "s3cret-pass"


def replied(staff, departments, title: str, text: str) -> Ticket:
    ticket = do_dispatch_ticket(
        make_ticket(actor=staff["operator"], title=title, phone="13812341234"),
        staff["dispatcher"],
        lead_department_id=departments["housing"].pk,
    )
    ticket = do_accept_assignment(ticket, staff["housing"])
    return feedback_actions.do_reply_ticket(ticket, staff["housing"], text=text)


def test_an_operator_calls_back_closes_one_ticket_and_reopens_another(
    page, live_server, staff, departments, screenshot
) -> None:
    operator = staff["operator"]
    operator.set_password(PASSWORD)
    operator.save()
    first = replied(staff, departments, "小区门口路灯不亮", "路灯已更换灯具，恢复照明。")
    second = replied(staff, departments, "楼道积水", "已疏通排水管。")
    handling = do_dispatch_ticket(
        make_ticket(actor=staff["operator"], title="办理中的工单"),
        staff["dispatcher"],
        lead_department_id=departments["water"].pk,
    )

    sign_in(page, live_server, operator.username, PASSWORD, "/callbacks/")
    assert page.locator("nav.site a[href='/callbacks/']").count() == 1
    rows = page.locator("li.callback-row")
    assert rows.count() == 2 and handling.number not in page.inner_text("main")
    assert [rows.nth(i).get_attribute("data-number") for i in range(2)] == [first.number, second.number]
    assert page.locator("#callback-counters .all strong").inner_text() == "2"
    row = page.locator(f"#ticket-{first.pk}")
    assert "138****1234" in row.inner_text() and "路灯已更换灯具" in row.inner_text()
    screenshot("callbacks-desk")

    # The full number, shown in place; the reveal is recorded.
    appeal = first.appeals.get()
    row.locator("button.reveal").click()
    page.locator(f"#phone-{appeal.pk} .phone", has_text="13812341234").wait_for()
    assert PhoneReveal.objects.filter(appeal=appeal, revealed_by=operator).count() == 1

    # Nobody answers: the attempt is counted and the ticket waits after the other one.
    row.locator("form.attempt input[name=note]").fill("无人接听")
    row.locator("button.unreachable").click()
    row.locator("[role=status]", has_text="已记录回访未接通").wait_for()  # in place: the row stays
    assert "1 次未接通，下次" in row.locator(".attempts").inner_text()
    assert page.locator("#callback-counters .waiting strong").inner_text() == "1"
    screenshot("callbacks-unreachable")
    page.reload()
    assert [rows.nth(i).get_attribute("data-number") for i in range(2)] == [second.number, first.number]
    first.refresh_from_db()
    assert first.status == TicketStatus.REPLIED
    assert first.events.filter(action="callback_attempt", details__note="无人接听").count() == 1

    # Called again: satisfied, then closed from the same row.
    row.locator("details.callback summary").click()
    row.locator("select[name=resolution]").select_option("resolved")
    row.locator("select[name=satisfaction]").select_option("satisfied")
    row.locator("textarea[name=note]").fill("第二次接通，居民表示满意")
    screenshot("callbacks-outcome-form")
    row.locator("details.callback button[type=submit]").click()
    row.locator("[role=status]", has_text="已记录回访结果").wait_for()
    assert "已回访：已解决，满意" in row.inner_text()
    assert page.locator("#callback-counters .to_close strong").inner_text() == "1"
    screenshot("callbacks-called-back")
    row.locator("button.close").click()
    page.locator(f"#ticket-{first.pk}.done", has_text="已办结").wait_for()  # off the desk
    first.refresh_from_db()
    assert first.status == TicketStatus.CLOSED
    assert first.callbacks.get().note == "第二次接通，居民表示满意"

    # The other citizen is not satisfied: the ticket goes back to its lead (重办).
    row = page.locator(f"#ticket-{second.pk}")
    row.locator("details.callback summary").click()
    assert "不满意”将退回主办单位重办" in row.inner_text()
    row.locator("select[name=resolution]").select_option("unresolved")
    row.locator("select[name=satisfaction]").select_option("unsatisfied")
    row.locator("details.callback button[type=submit]").click()
    page.locator(f"#ticket-{second.pk}.done", has_text="已记录回访结果").wait_for()  # reopened: off the desk
    page.reload()
    assert "没有待回访的工单" in page.inner_text("main")
    screenshot("callbacks-done")
    second.refresh_from_db()
    assert second.status == TicketStatus.REOPENED
    assert second.assignments.get().status == AssignmentStatus.ACCEPTED
