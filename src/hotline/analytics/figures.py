"""The figures of a period: kept per day by the worker, read by the pages in a fixed number of queries.

`recount(first, last)` counts local days from the tickets (`facts.count_facts`) and keeps them
(`DailyFigure`, `FigureDay`), replacing what was kept; the worker recounts the recent days, today
so far included, every few minutes and every kept day once a day (`analytics.tasks`), because a
ticket received last week may be replied or closed today. `read(period)` sums the kept days before
today and counts any other day live: today always (what was kept of it is up to one recount
interval old, and the overview's 今日受理 must equal the list it links to, which is counted now),
and a day the worker has not kept yet (a fresh database, a worker that is not running). So a figure
is never missing, today's is exact and an earlier day's is as old as the last recount;
`Figures.counted_at` says how old. Only the days that can hold a measure are counted live: none
before the first ticket or after the latest reception, answer or callback (a year's ranking reaches
months past today and a year before the city began; counting those empty days cost three scans
each).
"""

from collections.abc import Collection, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import Max, Min, Sum

from hotline.analytics.facts import MEASURES, Counts, FactKey, count_facts
from hotline.analytics.models import DailyFigure, FigureDay
from hotline.analytics.periods import Period, city_zone
from hotline.core import clock
from hotline.core.enums import AssignmentRole, AssignmentStatus, FigureDimension
from hotline.feedback.models import Callback
from hotline.tickets.models import Assignment, Ticket

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

    def add_counted(
        self, counted: Iterable[tuple[FactKey, Counts]], wanted: Collection[str] | None = None
    ) -> None:
        """Facts counted live (`facts.count_facts`) for days not held yet: the city's as days, and
        in the city's total; the slices' added up (every dimension, or only the `wanted` ones)."""
        for (day, dimension, key), counts in counted:
            if dimension == FigureDimension.CITY:
                self.days[day] = counts
                self.city.add(counts)
            elif wanted is None or dimension in wanted:
                self.slices.setdefault(dimension, {}).setdefault(key, Counts()).add(counts)


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


def _last_readable(period: Period) -> date:
    """The period's last day that may be read from what was kept: the day before today at the
    latest (today is counted live, and so is any later day a test's clock kept)."""
    return min(period.last_day, clock.localtime().date() - timedelta(days=1))


def _kept(period: Period) -> dict[date, datetime]:
    """The period's kept days before today and when each was counted. One query."""
    return dict(
        FigureDay.objects.filter(day__gte=period.first_day, day__lte=_last_readable(period)).values_list(
            "day", "counted_at"
        )
    )


def _fact_days() -> tuple[date, date] | None:
    """The first and the last local day that can hold a measure: from the first ticket's reception
    to the latest reception, lead answer or counted callback (each measure belongs to the day of
    one of them); None when there is no ticket. Three index lookups."""
    bounds = Ticket.objects.aggregate(first=Min("created_at"), last=Max("created_at"))
    if bounds["first"] is None:
        return None
    last = max(
        moment
        for moment in (
            bounds["last"],
            Assignment.objects.filter(role=AssignmentRole.LEAD, status=AssignmentStatus.ANSWERED).aggregate(
                last=Max("answered_at")
            )["last"],
            Callback.objects.filter(counted=True).aggregate(last=Max("called_at"))["last"],
        )
        if moment is not None
    )
    return clock.localtime(bounds["first"]).date(), clock.localtime(last).date()


def _live(period: Period, kept: Collection[date]) -> Iterator[tuple[FactKey, Counts]]:
    """The facts of the period's days that are not kept, counted now, a run of days at a time;
    days that cannot hold one are not counted."""
    missing = [day for day in period.local_days() if day not in kept]
    if not missing or (bounds := _fact_days()) is None:
        return
    first_day, last_day = bounds
    for first, last in _spans([day for day in missing if first_day <= day <= last_day]):
        yield from count_facts(Period.days(first, last)).items()


def read(period: Period, *, slices: bool | Collection[str] = True) -> Figures:
    """The figures of a period of whole local days; per slice of every dimension (`slices` True),
    of the dimensions named, or none (False). Queries: one for the kept days, one for their daily
    city rows, one for their slices (when asked for), and, for days not kept (today, when the
    period holds it, and none other while the worker keeps them), three for the days that can hold
    a measure and five per run of those."""
    _check_days(period)
    figures = Figures(period)
    kept = _kept(period)
    if kept:
        figures.counted_at = min(kept.values())
        # A kept day's rows go with its FigureDay: up to the last kept day read, none of today's.
        rows = DailyFigure.objects.filter(day__gte=period.first_day, day__lte=max(kept))
        for row in rows.filter(dimension=FigureDimension.CITY).values("day", *MEASURES):
            day = row.pop("day")
            figures.days[day] = Counts(**row)
        if slices:
            sliced = (
                rows.filter(dimension__in=list(slices))
                if not isinstance(slices, bool)
                else rows.exclude(dimension=FigureDimension.CITY)
            )
            sums: Any = (
                sliced.values("dimension", "key")
                .annotate(**{name: Sum(name) for name in MEASURES})
                .order_by()
            )
            for row in sums:
                figures.slices.setdefault(row.pop("dimension"), {}).setdefault(row.pop("key"), Counts()).add(
                    row
                )
    for counts in figures.days.values():
        figures.city.add(counts)
    wanted: Collection[str] | None = (None if slices else ()) if isinstance(slices, bool) else set(slices)
    figures.add_counted(_live(period, kept), wanted)
    return figures


def recount(first: date, last: date, *, threads: int | None = None) -> int:
    """Count the local days `first`..`last` from the tickets and keep them, in place of what was
    kept for them; today as it stands so far, and no later day. Returns the number of days kept.

    On PostgreSQL the months are counted `threads` at a time (HOTLINE_FIGURES_THREADS), each on a
    connection of its own thread, and kept in order by this one: a month is mostly the database's
    work, so two halve the first recount of the day on two cores (docs/benchmarks.md). The other
    connections see what is committed, as the worker's recount reads it; a caller whose tickets are
    not committed yet (a test's transaction) counts with `threads=1`."""
    last = min(last, clock.localtime().date())
    chunks: list[Period] = []
    while first <= last:
        chunk_last = min(last, first + timedelta(days=CHUNK_DAYS - 1))
        chunks.append(Period.days(first, chunk_last))
        first = chunk_last + timedelta(days=1)
    if threads is None:
        threads = int(getattr(settings, "HOTLINE_FIGURES_THREADS", 1))
    if connection.vendor != "postgresql" or len(chunks) < 2:
        threads = 1
    if threads <= 1:
        counted: Iterator[dict[FactKey, Counts]] = map(count_facts, chunks)
        return sum(_keep(chunk, facts) for chunk, facts in zip(chunks, counted, strict=True))
    with ThreadPoolExecutor(threads, thread_name_prefix="recount") as pool:
        counted = pool.map(_count_on_own_connection, chunks)
        return sum(_keep(chunk, facts) for chunk, facts in zip(chunks, counted, strict=True))


def _count_on_own_connection(period: Period) -> dict[FactKey, Counts]:
    try:
        return count_facts(period)
    finally:
        connections.close_all()  # this thread's own: the pool's threads end with the recount


def _keep(period: Period, facts: dict[FactKey, Counts]) -> int:
    """Keep the counted days of `period` in place of what was kept for them; how many days."""
    days = period.local_days()
    first, last = days[0], days[-1]
    now = clock.now()
    with transaction.atomic():
        DailyFigure.objects.filter(day__gte=first, day__lte=last).delete()
        FigureDay.objects.filter(day__gte=first, day__lte=last).delete()
        FigureDay.objects.bulk_create([FigureDay(day=day, counted_at=now) for day in days])
        DailyFigure.objects.bulk_create(
            [
                DailyFigure(day_id=day, dimension=dimension, key=key, **counts.as_dict())
                for (day, dimension, key), counts in facts.items()
            ],
            batch_size=2000,
        )
    return len(days)


def received_by_day(period: Period, dimension: str, keys: list[int]) -> dict[int, dict[date, int]]:
    """The tickets received per local day of the period for each slice key of `dimension`, kept
    days read, the others counted live (as `read` does); a day with none received is missing.
    Two queries, and for days not kept three and five per run of those that can hold a measure."""
    found: dict[int, dict[date, int]] = {key: {} for key in keys}
    kept = _kept(period)
    if kept:
        rows = DailyFigure.objects.filter(
            day__gte=period.first_day, day__lte=max(kept), dimension=dimension, key__in=keys
        ).values_list("key", "day", "received")
        for key, day, received in rows:
            found[key][day] = received
    for (day, fact_dimension, key), counts in _live(period, kept):
        if fact_dimension == dimension and key in found and counts.received:
            found[key][day] = counts.received
    return found
