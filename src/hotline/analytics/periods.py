"""The periods figures are counted over, and the rates they are given as.

A period is `[start, end)` of aware datetimes; `Period` builds the local days and months of the
city's zone (settings.TIME_ZONE), so a ticket received at 23:59 in Shanghai belongs to that Shanghai
day whatever the server's or the database's zone.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings


def city_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class Period:
    """`[start, end)`, aware datetimes."""

    start: datetime
    end: datetime

    @classmethod
    def days(cls, first: date, last: date) -> "Period":
        """From the start of local day `first` to the end of local day `last`."""
        zone = city_zone()
        return cls(
            datetime.combine(first, time.min, tzinfo=zone),
            datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone),
        )

    @classmethod
    def day(cls, day: date) -> "Period":
        return cls.days(day, day)

    @property
    def first_day(self) -> date:
        """The local day the period starts in."""
        return self.start.astimezone(city_zone()).date()

    @property
    def last_day(self) -> date:
        """The last local day the period reaches into (its end is exclusive)."""
        return (self.end - timedelta(microseconds=1)).astimezone(city_zone()).date()

    def local_days(self) -> list[date]:
        first, last = self.first_day, self.last_day
        return [first + timedelta(days=i) for i in range((last - first).days + 1)]

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        first = date(year, month, 1)
        following = date(year + month // 12, month % 12 + 1, 1)
        return cls.days(first, following - timedelta(days=1))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> "Period":
        """The calendar quarter 1..4 of `year`."""
        first_month = 3 * (quarter - 1) + 1
        return cls(cls.month(year, first_month).start, cls.month(year, first_month + 2).end)

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls.days(date(year, 1, 1), date(year, 12, 31))


@dataclass(frozen=True)
class Rate:
    """A share with the counts behind it; `share` is None when nothing was counted."""

    numerator: int
    denominator: int

    @property
    def share(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    @property
    def percent(self) -> float | None:
        """The share in percent, to one decimal."""
        return None if self.share is None else round(100 * self.share, 1)
