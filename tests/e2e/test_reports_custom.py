"""A report of chosen days in Chromium: a leader fills the 自选期间 form with a reversed range and
sends it from the keyboard, is told what is wrong, then the right one, reads the report (its kind
said by the report form too) and follows its volume to the tickets it counts with the keyboard."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from hotline.core import clock
from tests.e2e.conftest import sign_in
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "s3cret-pass"


def test_a_leader_asks_for_chosen_days_by_keyboard(page, live_server, staff, screenshot) -> None:
    leader = staff["leader"]
    leader.set_password(PASSWORD)
    leader.save()
    now = clock.now()
    for days_ago in (1, 2, 9):
        with clock.frozen_at(now - timedelta(days=days_ago)):
            make_ticket(actor=staff["operator"], title="路灯不亮")
    today = clock.localtime(now).date()
    first, last = today - timedelta(days=3), today - timedelta(days=1)

    sign_in(page, live_server, leader.username, PASSWORD, "/reports/")

    def ask(start, end) -> None:
        # Chromium's date fields take their parts in the locale's order, and a year may have six
        # digits: the value is set whole; the form is sent from the keyboard.
        for name, day in (("first", start), ("last", end)):
            page.locator(f"#custom-form input[name={name}]").fill(f"{day:%Y-%m-%d}")
        page.locator("#custom-form input[name=last]").focus()
        assert page.locator("#custom-form input[name=first]").input_value() == f"{start:%Y-%m-%d}"
        assert page.locator("#custom-form input[name=last]").input_value() == f"{end:%Y-%m-%d}"
        page.keyboard.press("Enter")  # a form is sent from any of its fields
        page.wait_for_load_state()

    def kind_says_chosen_days() -> None:
        # The report form's kind is the chosen days' (not 日报, its first option), and says where
        # they are chosen, to a screen reader too.
        kind = page.locator("#report-form select[name=kind]")
        assert kind.input_value() == "custom"
        assert kind.locator("option:checked").inner_text() == "自选期间报告"
        expect(kind).to_have_accessible_description("自选期间的起止日期在下方选择")

    ask(last, first)
    assert "早于开始日期" in page.locator("#report-asked").inner_text()
    assert page.locator("#report-title").count() == 0
    kind_says_chosen_days()

    ask(first, last)
    page.wait_for_url("**kind=custom**")
    title = page.locator("#report-title").inner_text()
    assert "自选期间报告" in title and f"{first:%Y-%m-%d}" in title and f"{last:%Y-%m-%d}" in title
    assert "受理量 2 件" in page.locator("#report-volume").inner_text()
    kind_says_chosen_days()
    # The report form sent as it is (查看) shows the same days again.
    page.locator("#report-form button").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "date=" not in page.url  # the chosen days' fields alone, not a kept kind's date
    assert page.locator("#report-title").inner_text() == title
    kind_says_chosen_days()
    page.locator("#report-volume-tickets").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/rankings/tickets/**")
    assert page.locator("main table tbody tr").count() == 2
    screenshot("report-custom-tickets")


def test_the_report_form_shows_the_fields_of_the_kind_chosen(page, live_server, staff) -> None:
    """Of the chosen days the report form shows no date, which they do not use (web/reports.js):
    another kind chosen in the select shows it, and the form then asks for that kind by its date
    alone; the chosen days chosen again hide it, neither focused nor sent."""
    leader = staff["leader"]
    leader.set_password(PASSWORD)
    leader.save()
    today = clock.localtime().date()
    first, last = today - timedelta(days=3), today - timedelta(days=1)
    sign_in(page, live_server, leader.username, PASSWORD, "/reports/")
    page.goto(f"{live_server.url}/reports/?kind=custom&first={first}&last={last}")
    kind = page.locator("#report-form select[name=kind]")
    date = page.locator("#report-form input[name=date]")
    button = page.locator("#report-form button")

    def tab_from_kind() -> str:
        kind.focus()
        page.keyboard.press("Tab")
        return page.evaluate("document.activeElement.name || document.activeElement.tagName")

    expect(date).to_be_hidden()
    expect(page.locator("#date-hint")).to_be_hidden()
    expect(kind).to_have_accessible_description("自选期间的起止日期在下方选择")
    assert tab_from_kind() == "BUTTON"  # the date is not in the keyboard's way

    kind.select_option("monthly")
    expect(date).to_be_visible()
    expect(page.locator("#kind-hint")).to_be_hidden()
    expect(kind).to_have_accessible_description("")
    assert tab_from_kind() == "date"

    kind.select_option("custom")
    expect(date).to_be_hidden()
    expect(kind).to_have_accessible_description("自选期间的起止日期在下方选择")
    assert tab_from_kind() == "BUTTON"

    kind.select_option("monthly")
    date.fill(f"{first:%Y-%m-%d}")
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**kind=monthly**")
    # The month asked for by its date alone: the chosen days were not sent with it.
    assert f"date={first:%Y-%m-%d}" in page.url and "first=" not in page.url and "last=" not in page.url
    assert "月报" in page.locator("#report-title").inner_text()
