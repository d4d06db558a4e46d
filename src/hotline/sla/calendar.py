"""Working days and working hours in the city's calendar: statutory holidays off, make-up weekends
(调休) on, and the overrides that administrators enter for the whole city or one jurisdiction.

Pure: a `Calendar` is built from what it needs (overrides, the years entered by hand, the working
hours, the zone) and never reads the database or the settings; `sla.selectors` builds one from the
database. Every answer says how it was reached (`DaySource`): a day of a year that neither
`chinesecalendar` nor an administrator knows is not guessed silently — `Calendar.day()` marks it
`assumed` (weekday rule), the date arithmetic carries that mark into its result (`Reckoned.assumed`)
and `Calendar.is_workday()` refuses to answer (`UnknownCalendarYear`).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

import chinese_calendar

from hotline.core.enums import DaySource
from hotline.core.i18n import gettext as _

# The years whose State Council notice the installed `chinesecalendar` carries.
STATUTORY_YEARS: frozenset[int] = frozenset(d.year for d in chinese_calendar.holidays)

DEFAULT_WORKING_HOURS: tuple[tuple[time, time], ...] = ((time(9), time(12)), (time(13, 30), time(17, 30)))
DEFAULT_ZONE = ZoneInfo("Asia/Shanghai")

# No real calendar has this many days off in a row; more means the overrides are wrong, and a
# deadline computed through them would be meaningless.
MAX_DAYS_OFF_IN_A_ROW = 366


class UnknownCalendarYear(ValueError):
    """A date in a year whose holidays nobody has entered yet."""

    def __init__(self, year: int) -> None:
        super().__init__(
            _(
                "%(year)s 年的节假日安排未知：chinesecalendar 只收录 %(first)s–%(last)s 年；"
                "请在管理后台录入 %(year)s 年的放假与调休安排并登记该年度，或升级 chinesecalendar"
            )
            % {"year": year, "first": min(STATUTORY_YEARS), "last": max(STATUTORY_YEARS)}
        )
        self.year = year


@dataclass(frozen=True)
class Override:
    """A day that an administrator declares off (a local holiday) or on (a make-up day).

    `department_id` None: the whole city; otherwise that jurisdiction and the units under it.
    """

    day: date
    is_workday: bool
    department_id: int | None = None
    reason: str = ""


@dataclass(frozen=True)
class Day:
    day: date
    is_workday: bool
    source: DaySource
    reason: str = ""

    @property
    def assumed(self) -> bool:
        return self.source == DaySource.ASSUMED


@dataclass(frozen=True)
class Reckoned[T]:
    """A computed date or time, and whether any day it went through was assumed (weekday rule)."""

    value: T
    assumed: bool = False


class Calendar:
    """One jurisdiction's calendar. Immutable; every method is a pure function of its arguments.

    `jurisdiction` lists department ids from the most specific (the handling unit) up to the top of
    its tree: an override of a nearer unit wins over one further up, which wins over a city-wide
    one, which wins over the statutory calendar. Overrides of units outside the chain are ignored.
    `known_years` are years that an administrator has entered completely by hand: their days
    without an override follow the weekday rule without being flagged.
    """

    def __init__(
        self,
        overrides: Iterable[Override] = (),
        *,
        known_years: Iterable[int] = (),
        jurisdiction: Iterable[int] = (),
        working_hours: Iterable[tuple[time, time]] = DEFAULT_WORKING_HOURS,
        zone: tzinfo = DEFAULT_ZONE,
    ) -> None:
        chain = list(jurisdiction)
        rank = {dept: i for i, dept in enumerate(chain)}
        best: dict[date, tuple[int, Override]] = {}
        for o in overrides:
            if o.department_id is None:
                r = len(chain)
            elif o.department_id in rank:
                r = rank[o.department_id]
            else:
                continue
            if o.day not in best or r < best[o.day][0]:
                best[o.day] = (r, o)
        self._overrides = {day: o for day, (_r, o) in best.items()}
        self.known_years = frozenset(known_years) | STATUTORY_YEARS
        self.working_hours = _check_hours(tuple(working_hours))
        self.zone = zone

    # days -------------------------------------------------------------------------------------

    def day(self, day: date) -> Day:
        """Whether `day` is a working day, and why."""
        if (o := self._overrides.get(day)) is not None:
            return Day(day, o.is_workday, DaySource.OVERRIDE, o.reason)
        if day.year in STATUTORY_YEARS:
            on = bool(chinese_calendar.is_workday(day))
            weekday = day.weekday() < 5
            return Day(day, on, DaySource.WEEKDAY if on == weekday else DaySource.STATUTORY)
        source = DaySource.WEEKDAY if day.year in self.known_years else DaySource.ASSUMED
        return Day(day, day.weekday() < 5, source)

    def is_workday(self, day: date) -> bool:
        """Strict: raises `UnknownCalendarYear` rather than assume."""
        answer = self.day(day)
        if answer.assumed:
            raise UnknownCalendarYear(day.year)
        return answer.is_workday

    def add_workdays(self, start: date, n: int) -> Reckoned[date]:
        """The n-th working day after `start` (start itself does not count; n = 0 gives `start`)."""
        if n < 0:
            raise ValueError("n must not be negative")
        day, counted, off, assumed = start, 0, 0, False
        while counted < n:
            day += timedelta(days=1)
            answer = self.day(day)
            assumed |= answer.assumed
            if answer.is_workday:
                counted, off = counted + 1, 0
            else:
                off = _one_more_day_off(off, day)
        return Reckoned(day, assumed)

    # moments ----------------------------------------------------------------------------------

    def local(self, moment: datetime) -> datetime:
        """`moment` in the calendar's zone; refuses naive datetimes (their zone is a guess)."""
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("datetimes must be timezone-aware")
        return moment.astimezone(self.zone)

    def due_after_workdays(self, start: datetime, n: int) -> Reckoned[datetime]:
        """The same local time of day on the n-th working day after `start`'s local day."""
        local = self.local(start)
        target = self.add_workdays(local.date(), n)
        moment = datetime.combine(target.value, local.timetz().replace(tzinfo=None), tzinfo=self.zone)
        return Reckoned(moment, target.assumed)

    def add_working_time(self, start: datetime, amount: timedelta) -> Reckoned[datetime]:
        """The moment when `amount` of working time (working days, within working hours) has
        passed since `start`. Time outside working hours does not count, so two working hours
        from Friday 17:00 end on the next working day at 10:30."""
        if amount < timedelta(0):
            raise ValueError("amount must not be negative")
        local = self.local(start)
        if amount == timedelta(0):
            return Reckoned(local)
        remaining, day, since, off, assumed = amount, local.date(), local.timetz(), 0, False
        while True:
            answer = self.day(day)
            assumed |= answer.assumed
            if answer.is_workday:
                off = 0
                for begin, end in self.working_hours:
                    begin = max(begin, since.replace(tzinfo=None))
                    if begin >= end:
                        continue
                    span = self._at(day, end) - self._at(day, begin)
                    if remaining <= span:
                        return Reckoned(self._at(day, begin) + remaining, assumed)
                    remaining -= span
            else:
                off = _one_more_day_off(off, day)
            day, since = day + timedelta(days=1), time.min

    def working_time_between(self, start: datetime, end: datetime) -> Reckoned[timedelta]:
        """Working time from `start` to `end` (zero when `end` is not after `start`)."""
        first, last = self.local(start), self.local(end)
        total, assumed = timedelta(0), False
        day = first.date()
        while day <= last.date():
            answer = self.day(day)
            assumed |= answer.assumed
            if answer.is_workday:
                for begin, finish in self.working_hours:
                    lo, hi = max(self._at(day, begin), first), min(self._at(day, finish), last)
                    if hi > lo:
                        total += hi - lo
            day += timedelta(days=1)
        return Reckoned(total, assumed)

    def _at(self, day: date, moment: time) -> datetime:
        return datetime.combine(day, moment, tzinfo=self.zone)


def _one_more_day_off(off: int, day: date) -> int:
    off += 1
    if off > MAX_DAYS_OFF_IN_A_ROW:
        raise ValueError(
            _("没有工作日：%(day)s 之前连续 %(count)s 天都不是工作日，请检查日历例外")
            % {"day": day, "count": MAX_DAYS_OFF_IN_A_ROW}
        )
    return off


def _check_hours(hours: tuple[tuple[time, time], ...]) -> tuple[tuple[time, time], ...]:
    """Working hours must be non-empty, ordered periods that do not overlap."""
    if not hours:
        raise ValueError("working hours must have at least one period")
    previous = time.min
    for i, (begin, end) in enumerate(hours):
        if not begin < end or (i and begin < previous):
            raise ValueError(f"working hours must be ordered, non-overlapping periods: {hours}")
        previous = end
    return hours


def parse_working_hours(spec: Iterable[Iterable[str]]) -> tuple[tuple[time, time], ...]:
    """("09:00", "12:00"), ... as written in settings.HOTLINE["WORKING_HOURS"]."""
    periods = []
    for period in spec:
        begin, end = (time.fromisoformat(str(t)) for t in period)
        periods.append((begin, end))
    return _check_hours(tuple(periods))
