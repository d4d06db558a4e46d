"""The operator's console in Chromium: a call taken with the keyboard only (Tab from field to field,
Enter in the address), the caller's history and smart dispatch's reading appearing as the operator
types, the number to read out, and Alt+N for the next call."""

import re

import pytest

from hotline.core.enums import TicketStatus
from hotline.tickets.models import Ticket
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def focused_id(page) -> str:
    return page.evaluate("() => document.activeElement && document.activeElement.id")


def test_an_operator_takes_a_call_with_the_keyboard(page, live_server, staff, waiting, screenshot) -> None:
    operator = staff["operator"]
    operator.set_password("s3cret-pass")
    operator.save()

    sign_in(page, live_server, operator.username, "s3cret-pass", "/console/")
    assert page.locator("nav.site a[href='/console/']").count() == 1
    assert focused_id(page) == "id_citizen_phone"  # ready for the caller's number

    keyboard = page.keyboard
    keyboard.type("13812341234")
    # The caller has called before: the earlier tickets appear, masked.
    history = page.locator("#console-caller li.caller-ticket")
    history.first.wait_for()
    assert history.count() == 2
    assert "138****1234" in page.inner_text("#console-caller")
    assert "13812341234" not in page.inner_text("#console-caller")

    keyboard.press("Tab")
    assert focused_id(page) == "id_citizen_name"
    keyboard.type("王先生")
    keyboard.press("Tab")  # kind: a complaint, as it is
    keyboard.press("Tab")  # urgency
    keyboard.press("Tab")
    assert focused_id(page) == "id_title"
    keyboard.type("幸福路路灯还是不亮")
    keyboard.press("Tab")
    assert focused_id(page) == "id_content"
    keyboard.type("幸福路12号门口的路灯上周报过，现在还是不亮，晚上很黑")
    keyboard.press("End")  # a key the page hears (the text above is inserted, not keyed)
    page.locator("#suggest-category").wait_for()
    keyboard.press("Tab")
    assert focused_id(page) == "id_address"
    keyboard.type("幸福路12号")
    keyboard.press("End")
    # The open tickets at the same road, each with a button to attach the call to it.
    similar = page.locator("#console-suggest li.similar-ticket")
    similar.first.wait_for()
    assert {similar.nth(i).get_attribute("data-number") for i in range(similar.count())} == {
        t.number for t in waiting
    }
    assert page.locator("#console-suggest button.attach").count() == 2
    screenshot("console-typing")

    keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/console/\?done=.*"))
    ticket = Ticket.objects.latest("pk")
    assert ticket.title == "幸福路路灯还是不亮" and ticket.status in (
        TicketStatus.NEW,
        TicketStatus.DISPATCHED,
    )
    assert ticket.appeals.get().citizen_name == "王先生"
    assert page.inner_text("#console-number") == ticket.number
    assert page.locator(f"#console-done a[href='/tickets/{ticket.number}/']").count() == 1
    assert page.input_value("#id_title") == "" and focused_id(page) == "id_citizen_phone"
    screenshot("console-received")

    # Half-way through the next call, Alt+N starts over: every field empty, the cursor on the phone.
    keyboard.type("1390000")
    keyboard.press("Tab")
    keyboard.type("赵女士")
    page.locator("#id_title").fill("测试")
    keyboard.press("Alt+N")
    for field in ("citizen_phone", "citizen_name", "title", "content", "address"):
        assert page.input_value(f"#id_{field}") == "", field
    assert page.input_value("#id_channel") == "phone" and page.input_value("#id_kind") == "complaint"
    assert focused_id(page) == "id_citizen_phone"
    assert page.locator("#console-done").count() == 0
    screenshot("console-new-call")


def test_a_call_is_attached_to_an_open_ticket_with_one_click(
    page, live_server, staff, waiting, screenshot
) -> None:
    operator = staff["operator"]
    operator.set_password("s3cret-pass")
    operator.save()
    sign_in(page, live_server, operator.username, "s3cret-pass", "/console/")
    page.fill("#id_citizen_phone", "13700007777")
    page.fill("#id_title", "路灯不亮")
    page.fill("#id_content", "门口路灯坏了")
    page.fill("#id_address", "幸福路12号")
    page.locator("#id_address").press("End")
    target = waiting[0]
    button = page.locator(f"#console-suggest li.similar-ticket[data-number='{target.number}'] button.attach")
    button.click()
    page.wait_for_url(re.compile(r".*/console/\?done=.*"))
    assert page.inner_text("#console-number") == target.number
    new = Ticket.objects.latest("pk")
    assert new.status == TicketStatus.MERGED and new.merged_into_id == target.pk
    screenshot("console-attached")
