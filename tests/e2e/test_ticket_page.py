"""A ticket's page in Chromium: a handler signs with the keyboard and replies, an operator reveals a
caller's number (recorded), and the page speaks English when asked."""

import pytest

from hotline.core.enums import TicketStatus
from hotline.intake.models import PhoneReveal
from hotline.tickets.actions import do_dispatch_ticket
from hotline.tickets.models import Ticket
from tests.e2e.conftest import sign_in
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "s3cret-pass"


@pytest.fixture
def dispatched(staff, departments) -> Ticket:
    for user in staff.values():
        user.set_password(PASSWORD)
        user.save()
    return do_dispatch_ticket(
        make_ticket(actor=staff["operator"], phone="13812341234"),
        staff["dispatcher"],
        lead_department_id=departments["housing"].pk,
    )


def test_a_handler_signs_with_the_keyboard_and_replies_on_the_page(
    page, live_server, staff, dispatched, screenshot
) -> None:
    url = f"/tickets/{dispatched.number}/"
    sign_in(page, live_server, staff["housing"].username, PASSWORD, url)
    assert page.locator("#ticket-status").inner_text() == "已派单"
    assert "13812341234" not in page.inner_text("main")  # masked
    screenshot("ticket-page-dispatched")

    page.locator("#actions-title").click()  # start from the section's heading, then the keyboard
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.locator("#do-accept").evaluate("button => button === document.activeElement"):
            break
    else:
        pytest.fail("the sign button cannot be reached with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}{url}")
    page.locator(".messages").wait_for()
    assert "已签收" in page.locator(".messages").inner_text()
    assert page.locator("#ticket-status").inner_text() == "办理中"

    page.fill("textarea[name=text]", "已更换路灯灯具，恢复照明。")
    page.locator("form[action$='/do/reply/'] button[type=submit]").click()
    page.locator(".messages").wait_for()
    assert page.locator("#ticket-status").inner_text() == "已答复"
    assert "已更换路灯灯具" in page.inner_text("main")
    screenshot("ticket-page-replied")
    dispatched.refresh_from_db()
    assert dispatched.status == TicketStatus.REPLIED


def test_an_operator_reveals_a_number_and_it_is_recorded(
    page, live_server, staff, dispatched, screenshot
) -> None:
    url = f"/tickets/{dispatched.number}/"
    sign_in(page, live_server, staff["operator"].username, PASSWORD, url)
    appeal = dispatched.appeals.get()
    cell = page.locator(f"#phone-{appeal.pk}")
    assert "138****1234" in cell.inner_text()
    cell.locator("button").click()
    page.locator(f"#phone-{appeal.pk} .phone").wait_for()
    assert cell.inner_text().strip() == "13812341234"
    assert list(PhoneReveal.objects.values_list("revealed_by__username", flat=True)) == ["op"]
    screenshot("ticket-page-phone-revealed")


def test_the_page_switches_to_english(page, live_server, staff, dispatched, screenshot) -> None:
    url = f"/tickets/{dispatched.number}/"
    sign_in(page, live_server, staff["dispatcher"].username, PASSWORD, url)
    assert "办理过程" in page.inner_text("main")
    page.get_by_role("button", name="English").click()
    page.locator("#timeline-title", has_text="Timeline").wait_for()
    assert page.locator("#ticket-status").inner_text() == "Dispatched"
    screenshot("ticket-page-english")
    page.get_by_role("button", name="简体中文").click()
    page.locator("#timeline-title", has_text="办理过程").wait_for()


def test_a_handler_of_another_department_gets_no_page(page, live_server, staff, dispatched) -> None:
    sign_in(page, live_server, staff["water"].username, PASSWORD, "/")
    response = page.goto(f"{live_server.url}/tickets/{dispatched.number}/")
    assert response is not None and response.status == 404
    assert dispatched.title not in page.inner_text("main")


def test_the_place_of_a_ticket_is_drawn_on_the_districts(
    page, live_server, staff, departments, screenshot
) -> None:
    from hotline.core.enums import Channel
    from hotline.directory.models import Place
    from hotline.intake.actions import AppealData, do_receive_appeal

    Place.objects.create(
        department=departments["district"], boundary=[[[120, 30], [120.2, 30], [120.2, 30.1], [120, 30.1]]]
    )
    staff["operator"].set_password(PASSWORD)
    staff["operator"].save()
    ticket, _created = do_receive_appeal(
        AppealData(
            channel=Channel.GRID,
            title="井盖缺失",
            content="人民路口井盖缺失",
            latitude=30.05,
            longitude=120.1,
        ),
        staff["operator"],
    )
    sign_in(page, live_server, staff["operator"].username, PASSWORD, f"/tickets/{ticket.number}/")
    page.locator("#ticket-map[data-rendered=true] canvas").first.wait_for()
    screenshot("ticket-page-map")


def test_an_operator_calls_back_the_callers_of_a_merged_ticket_from_its_page(
    page, live_server, staff, departments, screenshot
) -> None:
    """The duplicate's caller's number shows on request like the ticket's own; the callback form
    asks which caller was called and what they said, and names whom each callback reached."""
    from hotline.feedback.actions import do_reply_ticket
    from hotline.tickets.actions import do_accept_assignment, do_merge_ticket

    staff["operator"].set_password(PASSWORD)
    staff["operator"].save()
    target = make_ticket(actor=staff["operator"], phone="13812341234")
    duplicate = make_ticket(actor=staff["operator"], phone="13900002222", title="路灯又坏了")
    do_merge_ticket(duplicate, staff["operator"], into_ticket_id=target.pk)
    target = do_dispatch_ticket(target, staff["dispatcher"], lead_department_id=departments["housing"].pk)
    target = do_reply_ticket(
        do_accept_assignment(target, staff["housing"]), staff["housing"], text="已修复。"
    )
    theirs = duplicate.appeals.get()

    sign_in(page, live_server, staff["operator"].username, PASSWORD, f"/tickets/{target.number}/")
    cell = page.locator(f"#phone-{theirs.pk}")
    cell.locator("button").click()
    page.locator(f"#phone-{theirs.pk} .phone").wait_for()
    assert cell.inner_text().strip() == "13900002222"
    assert list(PhoneReveal.objects.values_list("appeal_id", flat=True)) == [theirs.pk]

    form = page.locator("form[action$='/do/callback/']")
    assert form.locator("select[name=appeal_id]").input_value() == ""
    assert form.locator("select[name=resolution]").input_value() == ""
    form.locator("button[type=submit]").click()  # nothing chosen: the browser asks first
    assert not target.callbacks.exists()
    form.locator("select[name=appeal_id]").select_option(str(theirs.pk))
    form.locator("select[name=resolution]").select_option("resolved")
    form.locator("select[name=satisfaction]").select_option("satisfied")
    screenshot("ticket-page-callback-whom")
    form.locator("button[type=submit]").click()
    page.locator(".messages").wait_for()
    assert target.callbacks.get().appeal == theirs
    assert "诉求人：张先生 139****2222" in page.locator("p.callback").inner_text()
