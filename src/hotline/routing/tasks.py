"""Background work of routing (django.tasks; run by `hotline worker`)."""

from typing import Any

from django.tasks import task

from hotline.core.schedule import enqueue_if_due
from hotline.routing.models import RetrainState, RoutingSweepState
from hotline.routing.retrain import run_retrain
from hotline.routing.sweep import route_unrouted


@task()
def retrain() -> dict[str, Any]:
    """Collect corrections and retrain the models from them and from closed tickets."""
    return run_retrain()


def enqueue_retrain_if_due(interval: float) -> bool:
    """Enqueue one retrain when none was enqueued in the last `interval` seconds (by any worker)."""
    return enqueue_if_due(RetrainState, retrain, interval)


@task()
def sweep_unrouted() -> dict[str, Any]:
    """Route the tickets left unrouted (`routing.sweep`); idempotent, as each is routed only once."""
    report = route_unrouted()
    RoutingSweepState.objects.update_or_create(pk=1, defaults={"last_report": report})
    return report


def enqueue_unrouted_sweep_if_due(interval: float) -> bool:
    """Enqueue one sweep of unrouted tickets when none was enqueued in the last `interval` seconds."""
    return enqueue_if_due(RoutingSweepState, sweep_unrouted, interval)
