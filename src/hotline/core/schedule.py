"""One schedule shared by every worker: enqueue a task when its interval has passed since the last time.

The time of the last enqueue is kept in a one-row state table (pk=1, `last_enqueued_at`), so several
`hotline worker` processes against one database enqueue a task once per interval between them. The
row is locked with SKIP LOCKED: when another worker holds it (or the task itself is running and
holds it), there is nothing to add.
"""

from datetime import timedelta
from typing import Any

from django.db import models, transaction

from hotline.core import clock


def enqueue_if_due(state_model: type[models.Model], task: Any, interval: float) -> bool:
    """Enqueue `task` (after commit) when the state row says `interval` seconds have passed."""
    with transaction.atomic():
        state_model._default_manager.get_or_create(pk=1)
        state: Any = state_model._default_manager.select_for_update(skip_locked=True).filter(pk=1).first()
        if state is None:
            return False
        now = clock.now()
        if state.last_enqueued_at is not None and now - state.last_enqueued_at < timedelta(seconds=interval):
            return False
        state.last_enqueued_at = now
        state.save(update_fields=["last_enqueued_at"])
        transaction.on_commit(task.enqueue)
    return True
