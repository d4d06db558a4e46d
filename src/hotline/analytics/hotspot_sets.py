"""The hot spots the pages show, found by the worker and kept (`HotspotSet`, `Hotspot`), so that the
overview and the reports read a few rows instead of grouping a month of appeals.

- "recent": the last `RECENT_WINDOW_DAYS` days up to the run, refreshed every
  HOTLINE_HOTSPOT_INTERVAL seconds (`analytics.tasks`); only the newest is kept. The overview and
  the early warnings read it.
- a report kind ("daily", "weekly", "monthly", "quarterly"): the period of that report holding
  today, and the one before, made once a day; a report reads the set of exactly its period.
"""

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Min, Prefetch

from hotline.analytics import hotspots
from hotline.analytics.models import Hotspot, HotspotSet
from hotline.analytics.periods import Period
from hotline.core import clock
from hotline.core.enums import ReportKind
from hotline.dedup.embedders import configured_embedder
from hotline.intake.models import Appeal

RECENT = "recent"
RECENT_WINDOW_DAYS = 30
# Hot spots kept per set (each with its appeals); the pages show the first ten or twenty.
KEPT = 50


def make_set(
    scope: str, since: datetime, until: datetime, *, embed_limit: int | None = None, top: int = KEPT
) -> HotspotSet:
    """Find the hot spots of `[since, until)` and keep them as the set of `scope`, replacing the set
    of the same scope and period (and, for "recent", every older recent set). The finding runs
    outside any transaction (it may embed); the writing is one."""
    started = time.perf_counter()
    embedder = configured_embedder()
    found = hotspots.find(since, until, top=top, embedder=embedder, embed_limit=embed_limit)
    appeals = Appeal.objects.filter(received_at__gte=since, received_at__lt=until).count()
    with transaction.atomic():
        made = HotspotSet.objects.create(
            scope=scope,
            since=since,
            until=until,
            made_at=clock.now(),
            model=embedder.name,
            appeals=appeals,
            seconds=round(time.perf_counter() - started, 3),
        )
        rows = Hotspot.objects.bulk_create(
            [
                Hotspot(
                    set=made,
                    rank=rank,
                    heat=spot.heat,
                    first_time=spot.first_time,
                    last_time=spot.last_time,
                    place=spot.place[:200],
                    crowd=spot.crowd[:20],
                    people=spot.people,
                    description=spot.description[:200],
                    n_appeals=spot.n_appeals,
                    likes=spot.likes,
                    dislikes=spot.dislikes,
                    recent=spot.recent,
                    growth=spot.growth,
                    area_id=spot.area_id,
                    category_id=spot.category_id,
                    latitude=spot.latitude,
                    longitude=spot.longitude,
                    parts=spot.parts,
                )
                for rank, spot in enumerate(found, 1)
            ]
        )
        through = Hotspot.appeals.through
        through.objects.bulk_create(
            [
                through(hotspot_id=row.pk, appeal_id=appeal.id)
                for row, spot in zip(rows, found, strict=True)
                for appeal in spot.appeals
            ],
            batch_size=5000,
        )
        older = HotspotSet.objects.filter(scope=scope).exclude(pk=made.pk)
        if scope != RECENT:
            older = older.filter(since=since, until=until)
        older.delete()
    return made


def make_recent(now: datetime | None = None, *, embed_limit: int | None = None) -> HotspotSet:
    now = now or clock.now()
    return make_set(RECENT, now - timedelta(days=RECENT_WINDOW_DAYS), now, embed_limit=embed_limit)


def make_report_sets(today: datetime | None = None, *, embed_limit: int | None = None) -> int:
    """The sets of the report periods holding today and of the periods before them. How many."""
    from hotline.analytics.reports import before, period_of

    day = clock.localtime(today or clock.now()).date()
    made = 0
    for kind in ReportKind.values:
        period = period_of(kind, day)
        for each in (period, before(kind, period)):
            make_set(kind, each.start, each.end, embed_limit=embed_limit)
            made += 1
    return made


@dataclass(frozen=True)
class Kept:
    """A kept set and its hot spots, the hottest first (with their appeals' ids prefetched when
    asked for)."""

    set: HotspotSet
    hotspots: list[Hotspot]


def _kept(found: HotspotSet | None, limit: int | None, appeals: bool) -> Kept | None:
    if found is None:
        return None
    # `key_appeal`: the lowest id among its appeals, which names the hot spot in a link
    # (`recent_holding`): a set's rows are replaced at every refresh, its appeals stay. The
    # aggregate makes it a GROUP BY query, which Django gives no Meta.ordering: by rank, said.
    rows = (
        found.hotspots.select_related("area", "category")
        .annotate(key_appeal=Min("appeals"))
        .order_by("rank", "pk")
    )
    if appeals:
        rows = rows.prefetch_related(
            Prefetch(
                "appeals",
                queryset=Appeal.objects.only(
                    "pk", "external_id", "received_at", "citizen_phone", "citizen_name"
                ).order_by("received_at", "pk"),
            )
        )
    return Kept(found, list(rows[:limit] if limit else rows))


def recent_set(limit: int | None = None, *, appeals: bool = True) -> Kept | None:
    """The newest recent set: its first `limit` hot spots, with their appeals' ids unless
    `appeals` is False (the pages show none). Two or three queries."""
    return _kept(HotspotSet.objects.filter(scope=RECENT).order_by("-made_at", "-pk").first(), limit, appeals)


def recent_holding(appeal_id: int) -> Hotspot | None:
    """The hot spot of the newest recent set that holds this appeal, or None: what a link to a hot
    spot (by `key_appeal`) finds after the set was refreshed, while the hot spot keeps the appeal.
    Two queries."""
    found = HotspotSet.objects.filter(scope=RECENT).order_by("-made_at", "-pk").first()
    if found is None:
        return None
    return found.hotspots.filter(appeals=appeal_id).select_related("set", "area", "category").first()


def set_for(kind: str, period: Period, limit: int | None = None, *, appeals: bool = True) -> Kept | None:
    """The kept set of exactly this report period; None if it was never made. Two or three queries."""
    return _kept(
        HotspotSet.objects.filter(scope=kind, since=period.start, until=period.end)
        .order_by("-made_at", "-pk")
        .first(),
        limit,
        appeals,
    )
