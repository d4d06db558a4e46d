"""Background work of analytics (django.tasks; run by `hotline worker`): keep the daily figures,
and the hot spots and early warnings.

Each recount keeps the last `RECENT_DAYS` days up to today so far (this month and the last: what the
overview and the monthly figures show, and where tickets still change) and, when any is missing,
every day since the first ticket (the first run on a city's backlog); once per local day it
recounts every day, as an old ticket may still be closed, merged or found invalid, and then makes
the day's volume forecasts (`analytics.outlooks`). After each recount it makes the leader lists of
the running report periods (`analytics.leader_lists`).

Each recount also enqueues the refresh of the hot spots and warnings when HOTLINE_HOTSPOT_INTERVAL
seconds (1800; 0: never) have passed since the last (`HotspotState`, shared by the workers): the
recent hot spots (`analytics.hotspot_sets`), once a day those of the report periods, and then the
look for spikes and fast-growing hot spots (`analytics.early_warning`). The finding embeds at most
`EMBED_LIMIT` tickets that duplicate search has not embedded yet, so a backlog does not hold the
worker for hours (the embedding sweep catches up, and the next refresh sees them).
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.tasks import task

from hotline.analytics import early_warning, hotspot_sets
from hotline.analytics.figures import recount
from hotline.analytics.leader_lists import refresh as refresh_leader_lists
from hotline.analytics.models import FigureDay, FiguresState, HotspotState
from hotline.analytics.outlooks import make_forecasts
from hotline.core import clock
from hotline.core.schedule import enqueue_if_due
from hotline.tickets.models import Ticket

RECENT_DAYS = 62
DEFAULT_INTERVAL = 600
DEFAULT_HOTSPOT_INTERVAL = 1800
EMBED_LIMIT = 500


def recount_due() -> dict[str, Any]:
    """One recount as the module's docstring says, under the state row's lock (so two never
    overlap); returns its report, which is also kept on the state row."""
    started = clock.now()
    today = clock.localtime(started).date()
    # A caller inside a transaction of its own (the demo's generator, a test) holds tickets that
    # the recount's other connections cannot see: they would keep its days empty. Its months are
    # counted on this connection, one after the other.
    threads = 1 if transaction.get_connection().in_atomic_block else None
    with transaction.atomic():
        FiguresState.objects.get_or_create(pk=1)
        state = FiguresState.objects.select_for_update().get(pk=1)
        first_ticket = Ticket.objects.order_by("created_at").values_list("created_at", flat=True).first()
        if first_ticket is None:
            report: dict[str, Any] = {"days": 0}
        else:
            start = clock.localtime(first_ticket).date()
            full = state.last_full_on != today
            recent_from = start if full else max(start, today - timedelta(days=RECENT_DAYS))
            days = recount(recent_from, today, threads=threads)
            # Old days never kept (a backlog loaded before the worker first ran): from the first.
            some_missing = (
                FigureDay.objects.filter(day__gte=start, day__lt=recent_from).count()
                < (recent_from - start).days
            )
            if some_missing:
                days += recount(start, recent_from - timedelta(days=1), threads=threads)
            report = {"days": days, "full": full, "leader_lists": refresh_leader_lists(started)}
            if full:
                state.last_full_on = today
                made = make_forecasts(today)
                report["forecast"] = made is not None
        report["seconds"] = round((clock.now() - started).total_seconds(), 3)
        state.last_report = report
        state.save(update_fields=["last_full_on", "last_report"])
    return report


@task()
def recount_figures() -> dict[str, Any]:
    report = recount_due()
    interval = float(getattr(settings, "HOTLINE_HOTSPOT_INTERVAL", DEFAULT_HOTSPOT_INTERVAL))
    if interval > 0:
        enqueue_if_due(HotspotState, refresh_hotspots, interval)
    return report


def refresh_due() -> dict[str, Any]:
    """The recent hot spots, the report periods' once a local day, then the warnings; the report
    is kept on the state row. Not in one transaction: the finding may embed for a while, and each
    set is written in one of its own."""
    started = clock.now()
    today = clock.localtime(started).date()
    recent = hotspot_sets.make_recent(started, embed_limit=EMBED_LIMIT)
    report: dict[str, Any] = {"recent": recent.hotspots.count()}
    state, _created = HotspotState.objects.get_or_create(pk=1)
    if state.periods_on != today:
        report["periods"] = hotspot_sets.make_report_sets(started, embed_limit=EMBED_LIMIT)
        state.periods_on = today
    report["warnings"] = early_warning.scan(started, hotspot_sets.recent_set())
    report["seconds"] = round((clock.now() - started).total_seconds(), 3)
    state.last_report = report
    state.save(update_fields=["periods_on", "last_report"])
    return report


@task()
def refresh_hotspots() -> dict[str, Any]:
    return refresh_due()


def enqueue_recount_if_due(interval: float) -> bool:
    """Enqueue one recount when none was enqueued in the last `interval` seconds (by any worker)."""
    return enqueue_if_due(FiguresState, recount_figures, interval)
