"""A sweep that catches up (no sweep for an hour or more) writes in windows with index probes; one in
the steady state writes with one statement per rule. Both must come to exactly the same rows."""

from datetime import timedelta

import pytest
from django.db import transaction

from hotline.notifications.models import Notification
from hotline.supervision import sweep as sweep_module
from hotline.supervision.models import Supervision, SweepState
from hotline.tickets.models import TicketEvent
from tests.supervision.conftest import at, sweep

pytestmark = pytest.mark.django_db

NOW = at(2025, 3, 12, 10)  # a Wednesday


@pytest.fixture
def backlog(build):
    """Assignments at every point of the rules: due soon, overdue at each step, unsigned, paused."""
    for days_ago, due in [
        (1, at(2025, 3, 14, 10)),  # 50% gone
        (2, at(2025, 3, 12, 16)),  # 80% gone
        (3, at(2025, 3, 12, 9)),  # just overdue
        (5, at(2025, 3, 10, 10)),  # 1+ working days overdue
        (9, at(2025, 3, 6, 10)),  # 3+
        (12, at(2025, 3, 3, 10)),  # 5+
    ]:
        build(dispatched=NOW - timedelta(days=days_ago), due=due, co=("water",))
    build(dispatched=at(2025, 3, 12, 8), due=at(2025, 3, 17, 8), sign_due_at=at(2025, 3, 12, 9))
    build(dispatched=at(2025, 3, 12, 8), due=at(2025, 3, 17, 8), response_due_at=at(2025, 3, 12, 8, 30))
    build(dispatched=at(2025, 3, 3, 10), due=at(2025, 3, 6, 10), paused_since=at(2025, 3, 4, 10))


class _Undo(Exception):
    pass


def outcome(*, steady: bool) -> tuple[dict[str, int], set[str], int]:
    """Sweep at NOW, read what it wrote, and undo it."""
    seen: tuple[dict[str, int], set[str], int] | None = None
    try:
        with transaction.atomic():
            if steady:
                SweepState.objects.update_or_create(
                    pk=1, defaults={"last_started_at": NOW - timedelta(minutes=5)}
                )
            report = sweep(NOW, DAILY_REMINDER_AT="09:00")
            keys = set(Notification.objects.values_list("dedupe_key", flat=True)) | set(
                Supervision.objects.values_list("dedupe_key", flat=True)
            )
            seen = (dict(report.counts), keys, TicketEvent.objects.filter(action="supervise").count())
            raise _Undo
    except _Undo:
        pass
    assert seen is not None
    return seen


def test_catching_up_and_steady_sweeps_write_the_same(backlog, monkeypatch) -> None:
    monkeypatch.setattr(sweep_module, "FIRST_WINDOW", 2)  # windows of 2, 4, 8, ... assignment ids
    caught_up = outcome(steady=False)
    steady = outcome(steady=True)
    assert caught_up == steady
    counts, keys, events = caught_up
    assert events and keys
    # Every step of the ladder, for the lead and its co-handler (the paused one is left alone).
    assert all(counts[f"escalation_{k}"] == 2 for k in ("reminder", "order", "listing", "elevation")), counts
    assert counts["sign_overdue"] == counts["response_overdue"] == 1


def test_which_sweeps_catch_up(build) -> None:
    assert _catching_up(None) is True
    assert _catching_up(NOW - timedelta(minutes=5)) is False
    assert _catching_up(NOW - timedelta(hours=2)) is True


def _catching_up(last):
    from hotline.supervision.rules import load

    work = sweep_module._Sweep(NOW, load({}), 1)
    state = SweepState(pk=1, last_started_at=last)
    work.run(state)
    return work.catching_up
