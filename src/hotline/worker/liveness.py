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

Beats can stop while the worker lives: its heartbeat thread stalled (the database slow for it, the
machine swapping, the process stopped with SIGSTOP and continued). Its task would then run twice at
once. So a worker whose beats stopped but whose process is seen running is left its task (with a
warning each round): a worker in the same process space (the machine's boot and the pid namespace,
`process_space`, written with each beat) whose pid names a process that started before its first
beat — a pid taken by a later process is not the worker. Workers on other machines or in other
containers are judged by their beats alone.
"""

import functools
import logging
import os
import socket
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

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


# How far a process's start time read from /proc may lie after the true one (the boot time there
# is in whole seconds).
_START_SLACK = timedelta(seconds=2)


@functools.cache
def process_space() -> str:
    """Where this process's pid means this process: the kernel's boot id and the pid namespace
    (another machine, a reboot or another container gives another); "" where /proc does not say."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
        namespace = os.readlink("/proc/self/ns/pid")
    except OSError:
        return ""
    return f"{boot}/{namespace}"[:64]


def process_started(pid: int) -> datetime | None:
    """When process `pid` of this space started; None when there is none (or only a zombie)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        boot = next(
            int(line.split()[1])
            for line in Path("/proc/stat").read_text().splitlines()
            if line.startswith("btime ")
        )
    except (OSError, StopIteration, ValueError):
        return None
    fields = stat.rsplit(")", 1)[1].split()  # the name in parentheses may hold spaces
    if fields[0] in ("Z", "X"):
        return None
    return datetime.fromtimestamp(boot + int(fields[19]) / os.sysconf("SC_CLK_TCK"), UTC)


def still_running(worker: WorkerBeat) -> bool:
    """Whether the process of a worker whose beats stopped is seen running: same space, and its pid
    names a process that started before the worker's first beat."""
    if not worker.space or worker.space != process_space():
        return False
    started = process_started(worker.pid)
    return started is not None and started <= worker.started_at + _START_SLACK


def beat(worker_id: str, *, started_at: datetime | None = None) -> None:
    """Record that worker `worker_id` (this process) is alive now."""
    now = timezone.now()
    defaults = {
        "host": socket.gethostname()[:255],
        "pid": os.getpid(),
        "space": process_space(),
        "seen_at": now,
    }
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
    beats = {b.worker_id: b for b in WorkerBeat.objects.all()}
    alive = {w for w, b in beats.items() if b.seen_at >= cutoff}
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
            if holder in beats and still_running(beats[holder]):
                logger.warning(
                    "task %s (%s) left with worker %s: it stopped beating %.0f s ago but its process %s "
                    "still runs",
                    row.pk,
                    row.task_path,
                    holder[:8],
                    (now - beats[holder].seen_at).total_seconds(),
                    beats[holder].pid,
                )
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
