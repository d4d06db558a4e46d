"""Background work of supervision (django.tasks; run by `hotline worker`)."""

from typing import Any

from django.tasks import task

from hotline.core.schedule import enqueue_if_due
from hotline.supervision.models import SweepState
from hotline.supervision.sweep import run_counted_sweep


@task()
def sweep() -> dict[str, Any]:
    """The repetition counters brought up to date, then one supervision sweep (which opens orders on
    the repeated issues); idempotent, so a sweep enqueued twice does its work once."""
    repetitions, report = run_counted_sweep()
    return {**report.as_dict(), "repetitions": repetitions.as_dict()}


def enqueue_sweep_if_due(interval: float) -> bool:
    """Enqueue one sweep when none was enqueued in the last `interval` seconds (by any worker);
    a sweep holding the state row means one is running right now."""
    return enqueue_if_due(SweepState, sweep, interval)
