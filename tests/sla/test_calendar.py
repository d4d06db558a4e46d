"""The work calendar against the State Council's published holidays and make-up working days (调休).

The tables are written out from the published notices for 2024, 2025 and 2026, not read from the library.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hotline.sla.calendar import add_workdays, due_after_workdays, is_workday

SHANGHAI = ZoneInfo("Asia/Shanghai")

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
    assert is_workday(day) is False


@pytest.mark.parametrize("day", _days(MAKE_UP_DAYS), ids=str)
def test_make_up_weekends_are_working_days(day: date) -> None:
    assert day.weekday() >= 5
    assert is_workday(day) is True


@pytest.mark.parametrize("year", sorted(HOLIDAYS))
def test_every_other_day_follows_the_week(year: int) -> None:
    """Outside the two tables, Monday to Friday work and the weekend is off — for every day of the year."""
    off = set(_days({year: HOLIDAYS[year]}))
    on = set(_days({year: MAKE_UP_DAYS[year]}))
    day = date(year, 1, 1)
    while day.year == year:
        expected = day in on or (day.weekday() < 5 and day not in off)
        assert is_workday(day) is expected, day
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
    assert is_workday(day) is expected


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
    assert add_workdays(start, n) == expected


def test_add_workdays_refuses_negative() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_workdays(date(2025, 6, 10), -1)


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
    due = due_after_workdays(start, n)
    assert due == expected
    assert due.utcoffset() == expected.utcoffset()


def test_due_after_workdays_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        due_after_workdays(datetime(2025, 9, 30, 10, 0), 3)  # noqa: DTZ001 - naive on purpose
