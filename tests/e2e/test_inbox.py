"""The department inbox in Chromium: a handler signs for a ticket with the keyboard and replies with a
template, and the list shows each new state."""

import pytest

from hotline.core.enums import AssignmentStatus, TicketStatus
from hotline.feedback.models import Reply
from hotline.knowledge.models import ReplyTemplate
from hotline.tickets.actions import do_dispatch_ticket
from tests.e2e.conftest import sign_in
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_handler_signs_with_the_keyboard_and_replies_with_a_template(
    page, live_server, staff, departments, screenshot
) -> None:
    handler = staff["housing"]
    handler.set_password("s3cret-pass")
    handler.save()
    ticket = do_dispatch_ticket(
        make_ticket(actor=staff["operator"]),
        staff["dispatcher"],
        lead_department_id=departments["housing"].pk,
    )
    other = do_dispatch_ticket(
        make_ticket(actor=staff["operator"], title="停水", content="建设街停水两天"),
        staff["dispatcher"],
        lead_department_id=departments["water"].pk,
    )
    lead = ticket.assignments.get()
    ReplyTemplate.objects.create(
        name="处理完毕",
        department=departments["housing"],
        text="{诉求人}您好，您反映的问题已收悉。经现场核查，【办理经过】。感谢您对我们工作的理解与支持。",
    )

    sign_in(page, live_server, handler.username, "s3cret-pass", "/inbox/")
    assert page.locator("nav.site a[href='/inbox/']").count() == 1
    rows = page.locator("li.inbox-row")
    assert rows.count() == 1 and other.number not in page.inner_text("main")
    row = page.locator(f"#assignment-{lead.pk}")
    assert "待签收" in row.inner_text() and "剩 " in row.locator(".clock").inner_text()
    assert page.locator("#inbox-counters .pending strong").inner_text() == "1"

    # From the filter form's button, Tab moves to the row's sign button; Enter signs.
    accept = row.locator("button.accept")
    page.locator("#inbox-filters button").focus()
    for _ in range(10):
        page.keyboard.press("Tab")
        if accept.evaluate("button => button === document.activeElement"):
            break
    else:
        pytest.fail("the sign button cannot be reached with Tab")
    page.keyboard.press("Enter")
    page.locator(f"#assignment-{lead.pk}[data-state=accepted]").wait_for()
    # Signed in place: the row says so, and the keyboard goes on to its next control.
    assert f"工单 {ticket.number}：已签收" in row.locator("[role=status]").inner_text()
    summary = row.locator("details.reply summary")
    for _ in range(50):  # polled: the pages' CSP refuses wait_for_function
        if summary.evaluate("summary => summary === document.activeElement"):
            break
        page.wait_for_timeout(100)
    else:
        pytest.fail("the focus did not go on to the row's next control")
    assert "办理中" in row.inner_text()
    assert page.locator("#inbox-counters .accepted strong").inner_text() == "1"
    lead.refresh_from_db()
    assert lead.status == AssignmentStatus.ACCEPTED and lead.accepted_by == handler
    screenshot("inbox-accepted")

    # The reply: the department's template fills the box, its blank left unwritten is refused, the
    # handler writes it and sends the reply.
    row.locator("details.reply summary").click()
    row.locator("button.reply-templates-open").click()
    row.locator("button[data-set-field]", has_text="套用").click()
    box = row.locator("details.reply textarea[name=text]")
    assert box.input_value().endswith("经现场核查，【办理经过】。感谢您对我们工作的理解与支持。")
    row.locator("details.reply button[type=submit]").click()
    row.locator(".error, [role=alert]", has_text="【办理经过】").first.wait_for()
    assert Reply.objects.filter(ticket=ticket).count() == 0
    template = box.input_value().replace("【办理经过】", "路面已修复")
    box.fill(template)
    box.press("End")
    box.type("（住建局 张工）")
    screenshot("inbox-reply")
    row.locator("details.reply button[type=submit]").click()
    page.locator(f"#assignment-{lead.pk}.done", has_text="已答复诉求人").wait_for()
    page.reload()
    assert page.locator(f"#assignment-{lead.pk}").count() == 0  # its part is done: off the list
    assert "没有待办的派单" in page.inner_text("main")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.REPLIED
    assert Reply.objects.get(ticket=ticket).text == template + "（住建局 张工）"
    assert ticket.events.get(action="reply").actor == handler
    screenshot("inbox-replied")
