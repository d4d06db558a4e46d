"""The figures of a period: kept per day by the worker, read by the pages in a fixed number of queries.

`recount(first, last)` counts local days from the tickets (`facts.count_facts`) and keeps them
(`DailyFigure`, `FigureDay`), replacing what was kept; the worker recounts the recent days, today
so far included, every few minutes and every kept day once a day (`analytics.tasks`), because a
ticket received last week may be replied or closed today. `read(period)` sums the kept days and
counts any other day live (a day the worker has not kept yet: a fresh database, a worker that is
not running), so a figure is never missing, only as old as the last recount; `Figures.counted_at`
says how old.
"""

from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Sum

from hotline.analytics.facts import MEASURES, Counts, FactKey, count_facts
from hotline.analytics.models import DailyFigure, FigureDay
from hotline.analytics.periods import Period, city_zone
from hotline.core import clock
from hotline.core.enums import FigureDimension

# Days counted from the tickets in one go (one month: bounded memory, whatever the backlog).
CHUNK_DAYS = 31


@dataclass
class Figures:
    """The measures of a period: for the city, per slice (dimension -> key -> counts) when asked
    for, and for the city per local day."""

    period: Period
    city: Counts = field(default_factory=Counts)
    slices: dict[str, dict[int, Counts]] = field(default_factory=dict)
    days: dict[date, Counts] = field(default_factory=dict)
    # When the oldest of the kept days was counted; None when every day was counted live.
    counted_at: datetime | None = None

    def of(self, dimension: str) -> dict[int, Counts]:
        return self.slices.get(dimension, {})

    def day(self, day: date) -> Counts:
        return self.days.get(day, Counts())


def _check_days(period: Period) -> None:
    zone = city_zone()
    for moment in (period.start, period.end):
        if moment.astimezone(zone).timetz().replace(tzinfo=None) != time.min:
            raise ValueError(f"figures are kept per local day; {moment.isoformat()} is not a midnight")


def _spans(days: list[date]) -> list[tuple[date, date]]:
    """Consecutive runs of the (sorted) days, as (first, last)."""
    spans: list[tuple[date, date]] = []
    for day in days:
        if spans and spans[-1][1] + timedelta(days=1) == day:
            spans[-1] = (spans[-1][0], day)
        else:
            spans.append((day, day))
    return spans


def _kept(period: Period) -> dict[date, datetime]:
    """The period's kept days and when each was counted. One query."""
    return dict(
        FigureDay.objects.filter(day__gte=period.first_day, day__lte=period.last_day).values_list(
            "day", "counted_at"
        )
    )


def _live(period: Period, kept: Collection[date]) -> Iterator[tuple[FactKey, Counts]]:
    """The facts of the period's days that are not kept, counted now, a run of days at a time."""
    for first, last in _spans([day for day in period.local_days() if day not in kept]):
        yield from count_facts(Period.days(first, last)).items()


def read(period: Period, *, slices: bool = True) -> Figures:
    """The figures of a period of whole local days. Queries: one for the kept days, one for their
    daily city rows, one for their slices (when asked for), and four per run of days not kept
    (none while the worker keeps them)."""
    _check_days(period)
    figures = Figures(period)
    kept = _kept(period)
    if kept:
        figures.counted_at = min(kept.values())
        rows = DailyFigure.objects.filter(day__gte=period.first_day, day__lte=period.last_day)
        for row in rows.filter(dimension=FigureDimension.CITY).values("day", *MEASURES):
            day = row.pop("day")
            figures.days[day] = Counts(**row)
        if slices:
            sums: Any = (
                rows.exclude(dimension=FigureDimension.CITY)
                .values("dimension", "key")
                .annotate(**{name: Sum(name) for name in MEASURES})
                .order_by()
            )
            for row in sums:
                figures.slices.setdefault(row.pop("dimension"), {}).setdefault(row.pop("key"), Counts()).add(
                    row
                )
    for (day, dimension, key), counts in _live(period, kept):
        if dimension == FigureDimension.CITY:
            figures.days[day] = counts
        elif slices:
            figures.slices.setdefault(dimension, {}).setdefault(key, Counts()).add(counts)
    for counts in figures.days.values():
        figures.city.add(counts)
    return figures


def recount(first: date, last: date) -> int:
    """Count the local days `first`..`last` from the tickets and keep them, in place of what was
    kept for them; today as it stands so far, and no later day. Returns the number of days kept."""
    last = min(last, clock.localtime().date())
    kept = 0
    while first <= last:
        chunk_last = min(last, first + timedelta(days=CHUNK_DAYS - 1))
        facts = count_facts(Period.days(first, chunk_last))
        days = Period.days(first, chunk_last).local_days()
        now = clock.now()
        with transaction.atomic():
            DailyFigure.objects.filter(day__gte=first, day__lte=chunk_last).delete()
            FigureDay.objects.filter(day__gte=first, day__lte=chunk_last).delete()
            FigureDay.objects.bulk_create([FigureDay(day=day, counted_at=now) for day in days])
            DailyFigure.objects.bulk_create(
                [
                    DailyFigure(day_id=day, dimension=dimension, key=key, **counts.as_dict())
                    for (day, dimension, key), counts in facts.items()
                ],
                batch_size=2000,
            )
        kept += len(days)
        first = chunk_last + timedelta(days=1)
    return kept


def received_by_day(period: Period, dimension: str, keys: list[int]) -> dict[int, dict[date, int]]:
    """The tickets received per local day of the period for each slice key of `dimension`, kept
    days read, the others counted live (as `read` does); a day with none received is missing.
    Two queries, and four per run of days not kept."""
    found: dict[int, dict[date, int]] = {key: {} for key in keys}
    kept = _kept(period)
    if kept:
        rows = DailyFigure.objects.filter(
            day__gte=period.first_day, day__lte=period.last_day, dimension=dimension, key__in=keys
        ).values_list("key", "day", "received")
        for key, day, received in rows:
            found[key][day] = received
    for (day, fact_dimension, key), counts in _live(period, kept):
        if fact_dimension == dimension and key in found and counts.received:
            found[key][day] = counts.received
    return found
