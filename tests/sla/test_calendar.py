"""The work calendar against the State Council's published holidays and make-up working days (调休),
the overrides administrators enter, working hours, and years nobody knows yet.

The tables are written out from the published notices for 2024, 2025 and 2026, not read from the library.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from hotline.core.enums import DaySource
from hotline.sla.calendar import (
    STATUTORY_YEARS,
    Calendar,
    Override,
    Reckoned,
    UnknownCalendarYear,
    parse_working_hours,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
CITY = Calendar()


# Days off that fall on a weekday, by the notices (国务院办公厅关于…部分节假日安排的通知).
HOLIDAYS = {
    2024: [
        "01-01",  # 元旦
        "02-12", "02-13", "02-14", "02-15", "02-16",  # 春节 02-10..02-17
        "04-04", "04-05",  # 清明 04-04..04-06
        "05-01", "05-02", "05-03",  # 劳动节 05-01..05-05
        "06-10",  # 端午
        "09-16", "09-17",  # 中秋 09-15..09-17
        "10-01", "10-02", "10-03", "10-04", "10-07",  # 国庆 10-01..10-07
    ],
    2025: [
        "01-01",
        "01-28", "01-29", "01-30", "01-31", "02-03", "02-04",  # 春节 01-28..02-04
        "04-04",  # 清明 04-04..04-06
        "05-01", "05-02", "05-05",  # 劳动节 05-01..05-05
        "06-02",  # 端午 05-31..06-02
        "10-01", "10-02", "10-03", "10-06", "10-07", "10-08",  # 国庆+中秋 10-01..10-08
    ],
    2026: [
        "01-01", "01-02",  # 元旦 01-01..01-03
        "02-16", "02-17", "02-18", "02-19", "02-20", "02-23",  # 春节 02-15..02-23
        "04-06",  # 清明 04-04..04-06
        "05-01", "05-04", "05-05",  # 劳动节 05-01..05-05
        "06-19",  # 端午 06-19..06-21
        "09-25",  # 中秋 09-25..09-27
        "10-01", "10-02", "10-05", "10-06", "10-07",  # 国庆 10-01..10-07
    ],
}  # fmt: skip

# Weekend days that are working days.
MAKE_UP_DAYS = {
    2024: ["02-04", "02-18", "04-07", "04-28", "05-11", "09-14", "09-29", "10-12"],
    2025: ["01-26", "02-08", "04-27", "09-28", "10-11"],
    2026: ["01-04", "02-14", "02-28", "05-09", "09-20", "10-10"],
}


def _days(table: dict[int, list[str]]) -> list[date]:
    return [date.fromisoformat(f"{year}-{md}") for year, mds in table.items() for md in mds]


@pytest.mark.parametrize("day", _days(HOLIDAYS), ids=str)
def test_weekday_holidays_are_off(day: date) -> None:
    assert day.weekday() < 5
    assert CITY.is_workday(day) is False
    assert CITY.day(day).source == DaySource.STATUTORY


@pytest.mark.parametrize("day", _days(MAKE_UP_DAYS), ids=str)
def test_make_up_weekends_are_working_days(day: date) -> None:
    assert day.weekday() >= 5
    assert CITY.is_workday(day) is True
    assert CITY.day(day).source == DaySource.STATUTORY


@pytest.mark.parametrize("year", sorted(HOLIDAYS))
def test_every_other_day_follows_the_week(year: int) -> None:
    """Outside the two tables, Monday to Friday work and the weekend is off — for every day of the year."""
    off = set(_days({year: HOLIDAYS[year]}))
    on = set(_days({year: MAKE_UP_DAYS[year]}))
    day = date(year, 1, 1)
    while day.year == year:
        expected = day in on or (day.weekday() < 5 and day not in off)
        assert CITY.is_workday(day) is expected, day
        day += timedelta(days=1)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 9, 28), True),  # Sunday, make-up day before National Day
        (date(2025, 10, 1), False),
        (date(2025, 10, 8), False),  # the eighth day of the 2025 break
        (date(2025, 10, 9), True),
        (date(2025, 10, 11), True),  # Saturday, make-up day
        (date(2025, 10, 12), False),
        (date(2026, 2, 14), True),  # Saturday before the 2026 Spring Festival
        (date(2026, 2, 15), False),
        (date(2026, 2, 23), False),  # Monday, last day of the nine-day break
        (date(2026, 2, 24), True),
        (date(2026, 2, 28), True),  # Saturday, make-up day after it
        (date(2024, 6, 8), False),  # an ordinary Saturday
        (date(2024, 6, 11), True),  # an ordinary Tuesday
    ],
    ids=str,
)
def test_is_workday(day: date, expected: bool) -> None:
    assert CITY.is_workday(day) is expected


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2025, 6, 10), 0, date(2025, 6, 10)),  # zero days: the start itself
        (date(2025, 6, 10), 1, date(2025, 6, 11)),
        (date(2025, 6, 13), 1, date(2025, 6, 16)),  # Friday -> Monday
        (date(2025, 6, 14), 1, date(2025, 6, 16)),  # from a Saturday
        (date(2025, 9, 26), 1, date(2025, 9, 28)),  # Friday -> make-up Sunday
        (date(2025, 9, 30), 1, date(2025, 10, 9)),  # over the eight-day break
        (date(2025, 9, 30), 3, date(2025, 10, 11)),  # ... onto the make-up Saturday
        (date(2025, 9, 30), 5, date(2025, 10, 14)),
        (date(2025, 10, 3), 3, date(2025, 10, 11)),  # from inside the break
        (date(2025, 1, 24), 3, date(2025, 2, 5)),  # 01-26 Sunday works, then the Spring Festival
        (date(2026, 2, 12), 3, date(2026, 2, 24)),  # 02-13, 02-14 (Saturday), then 02-24
        (date(2026, 2, 25), 3, date(2026, 2, 28)),  # onto the make-up Saturday
        (date(2025, 12, 30), 3, date(2026, 1, 5)),  # over the year end: 12-31, 01-04 (Sunday), 01-05
        (date(2024, 4, 30), 1, date(2024, 5, 6)),  # Labour Day 2024
        (date(2024, 5, 10), 1, date(2024, 5, 11)),  # make-up Saturday
        (date(2024, 9, 13), 2, date(2024, 9, 18)),  # 09-14 (Saturday), Mid-Autumn, then 09-18
    ],
    ids=str,
)
def test_add_workdays(start: date, n: int, expected: date) -> None:
    assert CITY.add_workdays(start, n) == Reckoned(expected, assumed=False)


def test_add_workdays_refuses_negative() -> None:
    with pytest.raises(ValueError, match="negative"):
        CITY.add_workdays(date(2025, 6, 10), -1)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (datetime(2025, 9, 30, 10, 0, tzinfo=SHANGHAI), 3, datetime(2025, 10, 11, 10, 0, tzinfo=SHANGHAI)),
        (datetime(2025, 9, 30, 23, 59, tzinfo=SHANGHAI), 5, datetime(2025, 10, 14, 23, 59, tzinfo=SHANGHAI)),
        (datetime(2026, 2, 13, 17, 30, tzinfo=SHANGHAI), 3, datetime(2026, 2, 25, 17, 30, tzinfo=SHANGHAI)),
        (datetime(2024, 6, 7, 8, 0, tzinfo=SHANGHAI), 3, datetime(2024, 6, 13, 8, 0, tzinfo=SHANGHAI)),
    ],
    ids=str,
)
def test_due_after_workdays_keeps_the_time_of_day(start: datetime, n: int, expected: datetime) -> None:
    due = CITY.due_after_workdays(start, n)
    assert due.value == expected and not due.assumed
    due = due.value
    assert due.utcoffset() == expected.utcoffset()


def test_due_after_workdays_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        CITY.due_after_workdays(datetime(2025, 9, 30, 10, 0), 3)  # noqa: DTZ001 - naive on purpose


def test_the_library_knows_the_three_years() -> None:
    """The tables above are only a check if the installed chinesecalendar carries these years."""
    assert {2024, 2025, 2026} <= STATUTORY_YEARS


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2024, 2, 10), date(2024, 2, 17)),  # 春节 2024, make-up 02-04 and 02-18
        (date(2025, 10, 1), date(2025, 10, 8)),  # 国庆+中秋 2025, make-up 09-28 and 10-11
        (date(2026, 2, 15), date(2026, 2, 23)),  # 春节 2026, make-up 02-14 and 02-28
    ],
    ids=str,
)
def test_whole_breaks_are_off(start: date, end: date) -> None:
    day = start
    while day <= end:
        assert CITY.day(day).is_workday is False, day
        day += timedelta(days=1)
    assert CITY.is_workday(start - timedelta(days=1)) or CITY.is_workday(end + timedelta(days=1))


# --- years nobody knows ----------------------------------------------------------------------------


def test_an_unknown_year_is_flagged_not_guessed() -> None:
    monday = date(2099, 1, 5)
    answer = CITY.day(monday)
    assert answer.is_workday is True and answer.assumed and answer.source == DaySource.ASSUMED
    with pytest.raises(UnknownCalendarYear, match="2099") as refused:
        CITY.is_workday(monday)
    assert refused.value.year == 2099


def test_arithmetic_through_an_unknown_year_says_so() -> None:
    last = max(STATUTORY_YEARS)
    inside = CITY.add_workdays(date(last, 6, 1), 3)
    assert not inside.assumed
    across = CITY.add_workdays(date(last, 12, 30), 3)
    assert across.assumed
    due = CITY.due_after_workdays(datetime(last, 12, 30, 10, tzinfo=SHANGHAI), 3)
    assert due.assumed


def test_a_year_entered_by_hand_is_known() -> None:
    """The administrator enters 2099's holidays as overrides and declares the year complete."""
    new_year = Override(date(2099, 1, 1), is_workday=False, reason="元旦")
    calendar = Calendar([new_year], known_years=[2099])
    assert calendar.day(date(2099, 1, 1)).source == DaySource.OVERRIDE
    assert calendar.is_workday(date(2099, 1, 1)) is False  # a Thursday, off
    assert calendar.is_workday(date(2099, 1, 2)) is True  # no override: the weekday rule, not flagged
    assert calendar.day(date(2099, 1, 2)).source == DaySource.WEEKDAY
    assert calendar.add_workdays(date(2098, 12, 31), 1) == Reckoned(date(2099, 1, 2), assumed=False)


def test_an_override_in_an_unknown_year_is_an_answer() -> None:
    calendar = Calendar([Override(date(2099, 1, 3), is_workday=True, reason="调休")])
    assert calendar.is_workday(date(2099, 1, 3)) is True  # a Saturday, declared on
    with pytest.raises(UnknownCalendarYear):
        calendar.is_workday(date(2099, 1, 2))


# --- overrides and jurisdictions -------------------------------------------------------------------

DISTRICT, STREET, OTHER = 10, 11, 20


def test_a_local_holiday_applies_to_its_jurisdiction_and_below() -> None:
    festival = Override(date(2025, 6, 11), is_workday=False, department_id=DISTRICT, reason="泼水节")
    street = Calendar([festival], jurisdiction=[STREET, DISTRICT])
    district = Calendar([festival], jurisdiction=[DISTRICT])
    elsewhere = Calendar([festival], jurisdiction=[OTHER])
    city = Calendar([festival])
    assert street.is_workday(date(2025, 6, 11)) is False
    assert district.day(date(2025, 6, 11)) == street.day(date(2025, 6, 11))
    assert street.day(date(2025, 6, 11)).reason == "泼水节"
    assert elsewhere.is_workday(date(2025, 6, 11)) is True
    assert city.is_workday(date(2025, 6, 11)) is True
    # Deadlines of the street's units skip the day; the rest of the city's do not.
    assert street.add_workdays(date(2025, 6, 10), 1).value == date(2025, 6, 12)
    assert elsewhere.add_workdays(date(2025, 6, 10), 1).value == date(2025, 6, 11)


def test_the_nearest_override_wins() -> None:
    day = date(2025, 6, 14)  # a Saturday
    overrides = [
        Override(day, is_workday=True, reason="全市加班"),
        Override(day, is_workday=False, department_id=DISTRICT, reason="区里不加班"),
        Override(day, is_workday=True, department_id=STREET, reason="街道加班"),
    ]
    assert Calendar(overrides).is_workday(day) is True
    assert Calendar(overrides, jurisdiction=[DISTRICT]).is_workday(day) is False
    assert Calendar(overrides, jurisdiction=[STREET, DISTRICT]).is_workday(day) is True
    assert Calendar(overrides, jurisdiction=[OTHER]).is_workday(day) is True


def test_an_override_beats_the_statutory_calendar() -> None:
    calendar = Calendar([Override(date(2025, 10, 8), is_workday=True, reason="防汛值守")])
    assert calendar.is_workday(date(2025, 10, 8)) is True
    assert calendar.add_workdays(date(2025, 9, 30), 1).value == date(2025, 10, 8)


def test_overrides_that_leave_no_working_day_are_an_error() -> None:
    start = date(2025, 6, 1)
    everything_off = [Override(start + timedelta(days=i), is_workday=False) for i in range(400)]
    with pytest.raises(ValueError, match="没有工作日"):
        Calendar(everything_off).add_workdays(start, 1)


# --- working hours and zones -----------------------------------------------------------------------


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        (local(2025, 6, 10, 9, 0), 2, local(2025, 6, 10, 11, 0)),
        (local(2025, 6, 10, 11, 0), 2, local(2025, 6, 10, 14, 30)),  # over the lunch break
        (local(2025, 6, 10, 12, 30), 1, local(2025, 6, 10, 14, 30)),  # starts in the lunch break
        (local(2025, 6, 10, 7, 0), 1, local(2025, 6, 10, 10, 0)),  # before work
        (local(2025, 6, 10, 17, 0), 2, local(2025, 6, 11, 10, 30)),  # over the night
        (local(2025, 6, 10, 16, 0), 1.5, local(2025, 6, 10, 17, 30)),  # exactly at the end of the day
        (local(2025, 6, 13, 17, 0), 2, local(2025, 6, 16, 10, 30)),  # Friday -> Monday
        (local(2025, 9, 26, 17, 0), 2, local(2025, 9, 28, 10, 30)),  # Friday -> make-up Sunday
        (local(2025, 9, 30, 17, 0), 2, local(2025, 10, 9, 10, 30)),  # over National Day
        (local(2025, 10, 10, 17, 0), 2, local(2025, 10, 11, 10, 30)),  # onto the make-up Saturday
        (local(2024, 2, 9, 16, 0), 3, local(2024, 2, 18, 10, 30)),  # Spring Festival 2024 -> 02-18
        (local(2026, 2, 13, 17, 0), 1, local(2026, 2, 14, 9, 30)),  # onto the make-up Saturday
        (local(2025, 6, 10, 10, 0), 0, local(2025, 6, 10, 10, 0)),
    ],
    ids=str,
)
def test_add_working_time(start: datetime, hours: float, expected: datetime) -> None:
    assert CITY.add_working_time(start, timedelta(hours=hours)) == Reckoned(expected, assumed=False)


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        (local(2025, 6, 10, 9, 0), local(2025, 6, 10, 17, 30), 7),
        (local(2025, 6, 10, 10, 0), local(2025, 6, 10, 14, 0), 2.5),
        (local(2025, 6, 13, 20, 0), local(2025, 6, 16, 8, 0), 0),  # a weekend
        (local(2025, 9, 30, 12, 0), local(2025, 10, 9, 9, 0), 4),  # National Day gives nothing back
        (local(2025, 9, 27, 12, 0), local(2025, 9, 29, 9, 0), 7),  # but the make-up Sunday counts
        (local(2025, 6, 10, 12, 0), local(2025, 6, 10, 10, 0), 0),  # end before start
    ],
    ids=str,
)
def test_working_time_between(start: datetime, end: datetime, hours: float) -> None:
    assert CITY.working_time_between(start, end) == Reckoned(timedelta(hours=hours), assumed=False)


def test_utc_input_gives_the_same_answer() -> None:
    """Asia/Shanghai is UTC+8 all year (no DST): a UTC datetime is the same moment, the same answer."""
    shanghai = local(2025, 9, 30, 17, 0)
    utc = datetime(2025, 9, 30, 9, 0, tzinfo=UTC)
    assert shanghai == utc
    for compute in (
        lambda t: CITY.due_after_workdays(t, 3),
        lambda t: CITY.add_working_time(t, timedelta(hours=2)),
    ):
        from_utc, from_local = compute(utc), compute(shanghai)
        assert from_utc == from_local
        assert from_utc.value.utcoffset() == timedelta(hours=8)
    # Just after midnight in Shanghai is still the previous day in UTC: the city's day counts.
    early = datetime(2025, 9, 30, 16, 30, tzinfo=UTC)  # 2025-10-01 00:30 in Shanghai
    assert CITY.due_after_workdays(early, 1).value == local(2025, 10, 9, 0, 30)


@pytest.mark.parametrize("day", [date(2025, 3, 9), date(2025, 3, 30), date(2025, 11, 2), date(2025, 10, 26)])
def test_no_daylight_saving_jumps(day: date) -> None:
    """Days when other zones change their clocks change nothing here: always +08:00, 24-hour days."""
    start = datetime.combine(day - timedelta(days=2), time(10), tzinfo=SHANGHAI)
    due = CITY.due_after_workdays(start, 3).value
    assert due.utcoffset() == timedelta(hours=8)
    assert due.time() == time(10)
    assert CITY.working_time_between(start, due).value == timedelta(hours=21)


def test_working_hours_are_configurable_and_checked() -> None:
    hours = parse_working_hours([("08:30", "12:00"), ("14:00", "18:00")])
    calendar = Calendar(working_hours=hours)
    assert calendar.add_working_time(local(2025, 6, 10, 11, 0), timedelta(hours=2)).value == local(
        2025, 6, 10, 15, 0
    )
    for bad in ([], [("12:00", "09:00")], [("09:00", "12:00"), ("11:00", "17:00")]):
        with pytest.raises(ValueError, match="working hours"):
            parse_working_hours(bad)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        CITY.add_working_time(datetime(2025, 6, 10, 9, 0), timedelta(hours=1))  # noqa: DTZ001
