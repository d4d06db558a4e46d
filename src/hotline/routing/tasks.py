"""Background work of routing (django.tasks; run by `hotline worker`)."""

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.tasks import task

from hotline.core import clock
from hotline.routing.models import RetrainState
from hotline.routing.retrain import run_retrain


@task()
def retrain() -> dict[str, Any]:
    """Collect corrections and retrain the models from them and from closed tickets."""
    return run_retrain()


def enqueue_retrain_if_due(interval: float) -> bool:
    """Enqueue one retrain when none was enqueued in the last `interval` seconds (by any worker)."""
    with transaction.atomic():
        RetrainState.objects.get_or_create(pk=1)
        state = RetrainState.objects.select_for_update(skip_locked=True).filter(pk=1).first()
        if state is None:
            return False
        now = clock.now()
        if state.last_enqueued_at is not None and now - state.last_enqueued_at < timedelta(seconds=interval):
            return False
        state.last_enqueued_at = now
        state.save(update_fields=["last_enqueued_at"])
        transaction.on_commit(retrain.enqueue)
    return True
