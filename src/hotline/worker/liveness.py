"""Workers that die mid-task: find the tasks they held and give them back to the queue.

django-tasks-db marks a task RUNNING when a worker claims it and SUCCESSFUL or FAILED when the
worker is done. A worker killed in between (`kill -9`, the OOM killer, a machine lost) leaves the
row RUNNING for ever: its routing, its recount, its export would never happen. So each worker beats
(`WorkerBeat.seen_at`) from a thread of its own, also while a long task runs, and every worker,
between rounds, looks for RUNNING tasks whose worker has not beaten for `stale_after` seconds:

- such a task goes back to READY and runs again: every Hotline task is idempotent (DESIGN rule 3),
  so a second run of one that had half happened does no harm;
- a task that has already taken `max_attempts` workers down with it is FAILED instead, with a
  message that says so, so that a task that kills its worker (memory, a crash in native code)
  cannot kill every worker in turn.
"""

import logging
import os
import socket
import threading
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from hotline.worker.models import WorkerBeat

logger = logging.getLogger("hotline.worker")

BEAT_SECONDS = 10.0
# A worker that has not beaten for this long is taken for dead; several missed beats, so that a
# slow database or a busy machine is not mistaken for a death.
STALE_AFTER = 60.0
MAX_ATTEMPTS = 3
# Beats of workers gone for this long are forgotten.
FORGET_AFTER = timedelta(days=1)


class WorkerLost(Exception):
    """The reason a task is failed after it took `max_attempts` workers down with it."""


def beat(worker_id: str, *, started_at: datetime | None = None) -> None:
    """Record that worker `worker_id` (this process) is alive now."""
    now = timezone.now()
    defaults = {"host": socket.gethostname()[:255], "pid": os.getpid(), "seen_at": now}
    if started_at is not None:
        defaults["started_at"] = started_at
    WorkerBeat.objects.update_or_create(
        worker_id=worker_id, defaults=defaults, create_defaults={**defaults, "started_at": started_at or now}
    )


def start_heartbeat(worker_id: str, every: float = BEAT_SECONDS) -> threading.Event:
    """Beat now, then every `every` seconds from a daemon thread; set the returned event to stop.

    The thread has its own database connection (Django's are per thread) and closes it after each
    beat, so a database restart costs it one missed beat, not a broken connection for ever."""
    beat(worker_id, started_at=timezone.now())
    stop = threading.Event()

    def run() -> None:
        while not stop.wait(every):
            try:
                beat(worker_id)
            except Exception:
                logger.exception("worker %s: heartbeat failed", worker_id[:8])
            finally:
                connection.close()

    threading.Thread(target=run, name="hotline-heartbeat", daemon=True).start()
    return stop


def stop_heartbeat(worker_id: str, stop: threading.Event) -> None:
    """A worker that ends normally says so, so that nobody waits for its beats to go stale."""
    stop.set()
    WorkerBeat.objects.filter(worker_id=worker_id).delete()


def requeue_orphans(*, stale_after: float = STALE_AFTER, max_attempts: int = MAX_ATTEMPTS) -> dict[str, int]:
    """Give back the RUNNING tasks of dead workers; returns how many went back and how many failed.

    A worker is dead when its last beat is older than `stale_after` seconds, or when it never beat
    (a worker of a version before the beats) and the task started that long ago."""
    now = timezone.now()
    cutoff = now - timedelta(seconds=stale_after)
    alive = set(WorkerBeat.objects.filter(seen_at__gte=cutoff).values_list("worker_id", flat=True))
    requeued = failed = 0
    with transaction.atomic():
        running = (
            DBTaskResult.objects.select_for_update(skip_locked=True)
            .filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff)
            .only("id", "worker_ids", "task_path", "started_at")
        )
        for row in running:
            holder = row.worker_ids[-1] if row.worker_ids else ""
            if holder in alive:
                continue
            if len(row.worker_ids) >= max_attempts:
                DBTaskResult.objects.filter(pk=row.pk).update(
                    status=TaskResultStatus.FAILED,
                    finished_at=now,
                    exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                    traceback=(
                        f"{WorkerLost.__qualname__}: the {len(row.worker_ids)} workers that ran this task "
                        f"all stopped beating while it ran ({', '.join(w[:8] for w in row.worker_ids)}); "
                        "not run again"
                    ),
                )
                failed += 1
                logger.error(
                    "task %s (%s) failed: its workers died %s times", row.pk, row.task_path, max_attempts
                )
            else:
                DBTaskResult.objects.filter(pk=row.pk).update(
                    status=TaskResultStatus.READY, run_after=now, started_at=None
                )
                requeued += 1
                logger.warning(
                    "task %s (%s) given back to the queue: worker %s stopped beating",
                    row.pk,
                    row.task_path,
                    holder[:8],
                )
    WorkerBeat.objects.filter(seen_at__lt=now - FORGET_AFTER).delete()
    return {"requeued": requeued, "failed": failed}
