"""Working days in the city's calendar: statutory holidays off, make-up weekends (调休) on.

Pure functions over dates. Years that `chinesecalendar` does not know yet fall back to the weekday
rule; the deadline work (issue 3) replaces that fallback with explicit overrides and a flag.
"""

from datetime import date, datetime, timedelta

import chinese_calendar


def is_workday(day: date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def add_workdays(start: date, n: int) -> date:
    """The n-th working day after `start` (start itself does not count)."""
    if n < 0:
        raise ValueError("n must not be negative")
    day = start
    counted = 0
    while counted < n:
        day += timedelta(days=1)
        if is_workday(day):
            counted += 1
    return day


def due_after_workdays(start: datetime, n: int) -> datetime:
    """The same local time of day on the n-th working day after `start` (an aware datetime)."""
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware")
    target = add_workdays(start.date(), n)
    return start.replace(year=target.year, month=target.month, day=target.day)
