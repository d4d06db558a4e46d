"""Reply templates in Chromium: a unit head writes one with the keyboard (previewed with the unit's
phone), a handler applies it on a ticket, the check before sending says the blank left would be
refused, the refused reply comes back with the text kept, and the filled reply is sent."""

import pytest

from hotline.core.enums import Role, TicketStatus
from hotline.knowledge.models import ReplyTemplate
from hotline.tickets.actions import do_accept_assignment, do_dispatch_ticket
from hotline.tickets.models import Ticket
from tests.e2e.conftest import sign_in
from tests.factories import UserFactory, make_ticket

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "s3cret-pass"
PHONE = "0571-88880000"


@pytest.fixture
def accepted(staff, departments) -> Ticket:
    departments["housing"].phone = PHONE
    departments["housing"].save()
    UserFactory(username="head_housing", role=Role.HEAD, department=departments["housing"])
    for user in type(staff["housing"]).objects.all():
        user.set_password(PASSWORD)
        user.save()
    ticket = do_dispatch_ticket(
        make_ticket(actor=staff["operator"]),
        staff["dispatcher"],
        lead_department_id=departments["housing"].pk,
    )
    return do_accept_assignment(ticket, staff["housing"])


def test_a_head_writes_a_template_and_a_handler_applies_it(
    page, live_server, staff, accepted, screenshot
) -> None:
    sign_in(page, live_server, "head_housing", PASSWORD, "/")
    page.get_by_role("link", name="答复模板").click()
    page.get_by_role("link", name="新建答复模板").click()
    page.focus("#id_name")
    page.keyboard.type("路灯维修答复")
    page.keyboard.press("Tab")  # the category: every one
    page.keyboard.press("Tab")  # the unit: the head's own, chosen already
    page.keyboard.press("Tab")
    page.keyboard.type(
        "{诉求人}您好！您反映的“{诉求标题}”已收悉。经核查，【核查情况】。我局已更换灯具，路灯已恢复照明。"
    )
    page.keyboard.type("如有疑问，请致电{联系电话}。")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "template-preview-button"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    preview = page.locator("#template-preview").inner_text()
    assert f"请致电{PHONE}" in preview and "张先生您好" in preview and "【核查情况】" in preview
    screenshot("reply-template-preview")
    page.focus("#template-preview-button")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "template-save"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "已保存" in page.locator(".messages").inner_text()
    assert "路灯维修答复" in page.locator("#reply-templates-table").inner_text()
    template = ReplyTemplate.objects.get()
    assert template.department_id == staff["housing"].department_id

    # The handler applies it.
    page.context.clear_cookies()
    url = f"/tickets/{accepted.number}/"
    sign_in(page, live_server, staff["housing"].username, PASSWORD, url)
    page.click("#reply-templates-open")
    page.locator("#reply-text-templates button", has_text="套用").first.click()
    typed = page.input_value("#reply-text")
    assert typed.startswith("张先生您好！") and f"请致电{PHONE}。" in typed and "【核查情况】" in typed

    # Checked before sending: the blank is named, and "may still be sent" is not said.
    page.click("#reply-check")
    page.locator("#reply-preview .refused").wait_for()
    said = page.locator("#reply-preview").inner_text()
    assert "答复中还有模板的空白未填写：【核查情况】" in said and "仍可发送" not in said
    screenshot("reply-check-blank")

    # Sent anyway: refused, and the text is still in the box, the reason beside it.
    with page.expect_navigation():
        page.locator("form[action$='/do/reply/'] button[type=submit]").click()
    assert "【核查情况】" in page.locator("#reply-refused").inner_text()
    assert page.input_value("#reply-text") == typed
    screenshot("reply-refused-kept")

    page.fill("#reply-text", typed.replace("【核查情况】", "路灯灯具老化损坏"))
    with page.expect_navigation():
        page.locator("form[action$='/do/reply/'] button[type=submit]").click()
    assert page.locator("#ticket-status").inner_text() == "已答复"
    accepted.refresh_from_db()
    assert accepted.status == TicketStatus.REPLIED
    assert f"请致电{PHONE}。" in accepted.replies.get().text
