"""Background work of routing (django.tasks; run by `hotline worker`)."""

from typing import Any

from django.tasks import task

from hotline.core.schedule import enqueue_if_due
from hotline.routing.models import RetrainState
from hotline.routing.retrain import run_retrain


@task()
def retrain() -> dict[str, Any]:
    """Collect corrections and retrain the models from them and from closed tickets."""
    return run_retrain()


def enqueue_retrain_if_due(interval: float) -> bool:
    """Enqueue one retrain when none was enqueued in the last `interval` seconds (by any worker)."""
    return enqueue_if_due(RetrainState, retrain, interval)
