"""What the admin takes for the deadline configuration: terms above 0 and at most about a year (a
policy of 30000 working days made every dispatch it applied to fail: the deadline fell past the
last moment Hotline stores), and calendar days and years within the range Hotline takes in."""

import html

import pytest
from django.test import Client

from hotline.core.enums import Kind
from hotline.sla.models import CalendarOverride, CalendarYear, DeadlinePolicy
from hotline.tickets.actions import do_dispatch_ticket
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db

TERMS = [
    "sign_working_hours",
    "response_minutes",
    "handling_workdays",
    "complex_handling_workdays",
    "callback_workdays",
]


def add_policy(client: Client, **terms: object) -> str:
    page = client.post(
        "/admin/sla/deadlinepolicy/add/",
        {"name": "投诉件", "kind": Kind.COMPLAINT, "is_active": "on", **terms},
    )
    return html.unescape(page.content.decode()) if page.status_code == 200 else ""


@pytest.mark.parametrize("term", TERMS)
def test_a_term_of_zero_is_refused(root, term) -> None:
    assert "时限必须大于 0" in add_policy(root, **{term: 0})
    assert not DeadlinePolicy.objects.exists()


@pytest.mark.parametrize(
    ("term", "limit"),
    [
        ("sign_working_hours", 1750),
        ("handling_workdays", 250),
        ("complex_handling_workdays", 250),
        ("callback_workdays", 250),
    ],
)
def test_a_term_longer_than_a_year_is_refused(root, term, limit) -> None:
    assert f"不能超过 {limit}（约一年）" in add_policy(root, **{term: limit + 1})
    assert not DeadlinePolicy.objects.exists()
    assert add_policy(root, **{term: limit}) == ""


def test_tickets_are_dispatched_under_the_longest_terms(root, staff, departments) -> None:
    longest = {"sign_working_hours": 1750, "handling_workdays": 250, "complex_handling_workdays": 250}
    assert add_policy(root, **longest, callback_workdays=250) == ""
    ticket = make_ticket(actor=staff["operator"], kind=Kind.COMPLAINT)

    do_dispatch_ticket(ticket, staff["dispatcher"], lead_department_id=departments["housing"].pk)

    assignment = ticket.assignments.get()
    assert assignment.due_at.year - ticket.created_at.year in (1, 2)


@pytest.mark.parametrize("day", ["0001-01-01", "1999-12-31", "2101-01-01", "9999-12-31"])
def test_a_calendar_day_outside_the_range_is_refused(root, day) -> None:
    page = root.post("/admin/sla/calendaroverride/add/", {"day": day, "reason": "春节", "is_workday": ""})

    assert "须在 2000-01-01 至 2100-12-31 之间" in html.unescape(page.content.decode())
    assert not CalendarOverride.objects.exists()


@pytest.mark.parametrize("year", ["0", "1999", "2101", "9999"])
def test_a_calendar_year_outside_the_range_is_refused(root, year) -> None:
    page = root.post("/admin/sla/calendaryear/add/", {"year": year, "note": ""})

    assert "须在 2000-01-01 至 2100-12-31 之间" in html.unescape(page.content.decode())
    assert not CalendarYear.objects.exists()
    assert root.post("/admin/sla/calendaryear/add/", {"year": "2100", "note": ""}).status_code == 302


def test_a_citywide_day_entered_twice_is_said_in_words(root) -> None:
    form = {"day": "2026-12-29", "reason": "调休", "is_workday": "on"}
    assert root.post("/admin/sla/calendaroverride/add/", form).status_code == 302

    page = html.unescape(root.post("/admin/sla/calendaroverride/add/", form).content.decode())

    assert "全市已有这一天的日历例外" in page and "calendar_override_unique_citywide_day" not in page
    assert CalendarOverride.objects.count() == 1
