"""The leader lists (the items of `analytics.reports.leader_items`) of the report periods, made by
the worker and kept (`LeaderList`), so that the reports page reads one row instead of grouping a
quarter's tickets and their appeals (over a second on a million tickets: the repetition counts
distinct callers, which no per-day sum gives).

After each recount of the figures (`analytics.tasks`) the worker makes the list of the period of
each kind that holds today, and of the period before it until one made after that period's end is
kept; the page (`reports.build`) reads the kept list of its period when there is one and counts the
others live. A list is therefore as old as the last recount, as the figures are (`made_at` says
when); a closed period's is made once after its end and stays.
"""

from dataclasses import asdict
from datetime import datetime

from hotline.analytics.models import LeaderList
from hotline.analytics.periods import Period
from hotline.core import clock
from hotline.core.enums import ReportKind


def make(kind: str, period: Period, now: datetime | None = None) -> LeaderList:
    """Count the period's leader list now and keep it in place of the one kept."""
    from hotline.analytics.reports import leader_items

    items = [asdict(item) for item in leader_items(period)]
    row, _created = LeaderList.objects.update_or_create(
        kind=kind,
        first_day=period.first_day,
        defaults={"last_day": period.last_day, "made_at": now or clock.now(), "items": items},
    )
    return row


def refresh(now: datetime | None = None) -> int:
    """The lists of the periods holding today, and of the periods before them when none was made
    after their end. Returns how many were made. Two queries, and five per list made."""
    from hotline.analytics.reports import before, period_of

    now = now or clock.now()
    today = clock.localtime(now).date()
    wanted = []
    for kind in ReportKind.values:
        current = period_of(kind, today)
        wanted += [(kind, current, True), (kind, before(kind, current), False)]
    kept = {
        (row.kind, row.first_day): row.made_at
        for row in LeaderList.objects.filter(first_day__in={p.first_day for _k, p, _c in wanted}).only(
            "kind", "first_day", "made_at"
        )
    }
    made = 0
    for kind, period, running in wanted:
        made_at = kept.get((kind, period.first_day))
        if running or made_at is None or made_at < period.end:
            make(kind, period, now)
            made += 1
    # Lists of periods long past are kept no longer: the page counts an old period live.
    LeaderList.objects.filter(last_day__lt=min(p.first_day for _k, p, _c in wanted)).delete()
    return made


def read(kind: str, period: Period) -> LeaderList | None:
    """The kept list of exactly this period, if any. One query."""
    return LeaderList.objects.filter(kind=kind, first_day=period.first_day, last_day=period.last_day).first()
