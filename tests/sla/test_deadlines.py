"""Deadlines of an assignment from its terms, across holidays, make-up weekends and suspensions."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hotline.sla.calendar import Calendar, Override
from hotline.sla.deadlines import after_suspension, assignment_deadlines, callback_due
from hotline.sla.policies import Terms

SHANGHAI = ZoneInfo("Asia/Shanghai")
CITY = Calendar()
TERMS = Terms(
    sign_working_hours=2,
    response_minutes=30,
    handling_workdays=3,
    complex_handling_workdays=5,
    callback_workdays=2,
)


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("start", "complex_", "sign", "response", "due"),
    [
        # An ordinary Tuesday morning.
        (
            local(2025, 6, 10, 9, 30),
            False,
            local(2025, 6, 10, 11, 30),
            local(2025, 6, 10, 10, 0),
            local(2025, 6, 13, 9, 30),
        ),
        # The eve of National Day 2025: sign-off after the eight days off, handling on the make-up Saturday.
        (
            local(2025, 9, 30, 16, 0),
            False,
            local(2025, 10, 9, 9, 30),
            local(2025, 9, 30, 16, 30),
            local(2025, 10, 11, 16, 0),
        ),
        (
            local(2025, 9, 30, 16, 0),
            True,
            local(2025, 10, 9, 9, 30),
            local(2025, 9, 30, 16, 30),
            local(2025, 10, 14, 16, 0),
        ),
        # Friday evening before the make-up Sunday 2025-09-28: that Sunday counts.
        (
            local(2025, 9, 26, 20, 0),
            False,
            local(2025, 9, 28, 11, 0),
            local(2025, 9, 26, 20, 30),
            local(2025, 9, 30, 20, 0),
        ),
        # Friday before Spring Festival 2024 (02-10..02-17 off, 02-18 Sunday on).
        (
            local(2024, 2, 9, 17, 0),
            False,
            local(2024, 2, 18, 10, 30),
            local(2024, 2, 9, 17, 30),
            local(2024, 2, 20, 17, 0),
        ),
        # Spring Festival 2026 (02-15..02-23 off, 02-14 and 02-28 Saturdays on).
        (
            local(2026, 2, 13, 12, 0),
            False,
            local(2026, 2, 13, 15, 30),
            local(2026, 2, 13, 12, 30),
            local(2026, 2, 25, 12, 0),
        ),
        # Urgent first response is natural minutes: it runs through the night.
        (
            local(2025, 6, 13, 23, 50),
            False,
            local(2025, 6, 16, 11, 0),
            local(2025, 6, 14, 0, 20),
            local(2025, 6, 18, 23, 50),
        ),
    ],
    ids=str,
)
def test_assignment_deadlines(
    start: datetime, complex_: bool, sign: datetime, response: datetime, due: datetime
) -> None:
    deadlines = assignment_deadlines(CITY, TERMS, start, is_complex=complex_)
    # Signing is the first response: with a response deadline, it is also the latest to sign.
    assert (deadlines.sign_due_at, deadlines.response_due_at, deadlines.due_at) == (
        min(sign, response),
        response,
        due,
    )
    assert not deadlines.assumed
    # Without one, signing is due within the working hours.
    plain = assignment_deadlines(CITY, replace(TERMS, response_minutes=None), start, is_complex=complex_)
    assert (plain.sign_due_at, plain.response_due_at, plain.due_at) == (sign, None, due)
    # The same moment in UTC gives the same deadlines.
    assert assignment_deadlines(CITY, TERMS, start.astimezone(UTC), is_complex=complex_) == deadlines


def test_an_urgent_ticket_on_a_sunday_morning_is_signed_within_its_30_minutes() -> None:
    # Sunday 2026-12-06 08:16: the working hours would give Monday 11:00 for signing; the urgent
    # ticket's first response (signing) is due at 08:46, and so is its sign-off.
    deadlines = assignment_deadlines(CITY, TERMS, local(2026, 12, 6, 8, 16), is_complex=False)
    assert deadlines.response_due_at == local(2026, 12, 6, 8, 46)
    assert deadlines.sign_due_at == local(2026, 12, 6, 8, 46)


def test_no_response_deadline_without_a_term() -> None:
    terms = Terms(2, None, 3, 5, 2)
    assert assignment_deadlines(CITY, terms, local(2025, 6, 10, 9), is_complex=False).response_due_at is None


def test_deadlines_into_an_unknown_year_are_flagged() -> None:
    deadlines = assignment_deadlines(CITY, TERMS, local(2026, 12, 30, 10), is_complex=False)
    assert deadlines.assumed
    entered = Calendar([Override(date(2027, 1, 1), False, reason="元旦")], known_years=[2027])
    deadlines = assignment_deadlines(entered, TERMS, local(2026, 12, 30, 10), is_complex=False)
    assert not deadlines.assumed
    assert deadlines.due_at == local(2027, 1, 5, 10)  # 12-31, (01-01 off), 01-04, 01-05


def test_a_local_holiday_moves_the_deadline() -> None:
    holiday = Calendar(
        [Override(date(2025, 6, 12), False, department_id=5, reason="地方节日")], jurisdiction=[5]
    )
    assert assignment_deadlines(holiday, TERMS, local(2025, 6, 10, 9), is_complex=False).due_at == local(
        2025, 6, 16, 9
    )


def test_callback_due_after_the_reply() -> None:
    assert callback_due(CITY, TERMS, local(2025, 9, 29, 15)).value == local(2025, 10, 9, 15)


@pytest.mark.parametrize(
    ("due", "since", "until", "paused", "moved"),
    [
        # Two whole working days suspended: two working days later.
        (local(2025, 6, 13, 10), local(2025, 6, 10, 10), local(2025, 6, 12, 10), 14, local(2025, 6, 17, 10)),
        # Suspended over a weekend only: nothing given back.
        (local(2025, 6, 18, 10), local(2025, 6, 13, 18), local(2025, 6, 16, 9), 0, local(2025, 6, 18, 10)),
        # Suspended for two hours: the deadline crosses National Day and lands after it.
        (
            local(2025, 9, 30, 16, 0),
            local(2025, 9, 29, 14),
            local(2025, 9, 29, 16),
            2,
            local(2025, 10, 9, 9, 30),
        ),
        # A deadline on the make-up Saturday, suspended for one working hour: still that Saturday.
        (
            local(2025, 10, 11, 10, 0),
            local(2025, 10, 9, 9),
            local(2025, 10, 9, 10),
            1,
            local(2025, 10, 11, 11, 0),
        ),
    ],
    ids=str,
)
def test_after_suspension(
    due: datetime, since: datetime, until: datetime, paused: float, moved: datetime
) -> None:
    resumed = after_suspension(CITY, due, since, until)
    assert resumed.paused == timedelta(hours=paused)
    assert resumed.due_at == moved
    assert not resumed.assumed
