"""A worker killed mid-task does not leave its task RUNNING for ever (worker/liveness.py)."""

import logging
import os
import subprocess
import sys
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.tasks import task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from hotline.worker.liveness import beat, requeue_orphans
from hotline.worker.models import WorkerBeat

# The worker closes the connection between rounds (django-tasks-db), as a long-lived process must:
# on PostgreSQL that would end a test transaction, so these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)

_ran: list[int] = []


@task()
def remember(n: int) -> int:
    _ran.append(n)
    return n


@pytest.fixture
def queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    _ran.clear()


def held(n: int, *workers: str, started_ago: float = 300) -> DBTaskResult:
    """Task `remember(n)` as a worker leaves it when it dies: claimed, RUNNING, never finished."""
    result = remember.enqueue(n)
    row = DBTaskResult.objects.get(pk=result.id)
    row.status = "RUNNING"
    row.worker_ids = list(workers)
    row.started_at = timezone.now() - timedelta(seconds=started_ago)
    row.save()
    return row


def test_a_dead_workers_task_goes_back_to_the_queue_and_runs(queue) -> None:
    row = held(1, "dead-worker")
    out = StringIO()
    call_command("worker", "--once", "--no-sweep", stdout=out)

    row.refresh_from_db()
    assert row.status == "SUCCESSFUL" and row.return_value == 1
    assert _ran == [1]
    assert row.worker_ids[0] == "dead-worker" and len(row.worker_ids) == 2  # run again by this worker
    assert "tasks of dead workers: 1 requeued, 0 failed" in out.getvalue()


def test_a_task_of_a_worker_that_still_beats_is_left_alone(queue) -> None:
    beat("busy-worker")  # e.g. a retrain that runs for minutes
    row = held(2, "busy-worker")
    assert requeue_orphans(stale_after=60) == {"requeued": 0, "failed": 0}
    row.refresh_from_db()
    assert row.status == "RUNNING" and _ran == []


def stale(worker_id: str, *, seconds: float = 90, **fields) -> None:
    """A worker whose last beat was `seconds` ago; `fields` overwrite its row (pid, space, ...)."""
    beat(worker_id)
    WorkerBeat.objects.filter(worker_id=worker_id).update(
        seen_at=timezone.now() - timedelta(seconds=seconds), **fields
    )


def dead_pid() -> int:
    """The pid of a process that has ended (and been reaped)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_worker_whose_beats_stopped_is_taken_for_dead(queue) -> None:
    stale("gone-worker", pid=dead_pid())  # killed on this machine
    row = held(3, "gone-worker")
    assert requeue_orphans(stale_after=60) == {"requeued": 1, "failed": 0}
    row.refresh_from_db()
    assert row.status == "READY" and row.started_at is None
    assert DBTaskResult.objects.ready().filter(pk=row.pk).exists()


def test_a_task_just_started_is_not_taken_from_a_worker_that_has_not_beaten_yet(queue) -> None:
    row = held(4, "new-worker", started_ago=5)
    assert requeue_orphans(stale_after=60) == {"requeued": 0, "failed": 0}
    row.refresh_from_db()
    assert row.status == "RUNNING"


def test_a_task_that_took_three_workers_down_fails_instead_of_killing_a_fourth(queue) -> None:
    row = held(5, "first", "second", "third")
    assert requeue_orphans(stale_after=60, max_attempts=3) == {"requeued": 0, "failed": 1}
    row.refresh_from_db()
    assert row.status == "FAILED" and row.finished_at is not None
    assert row.exception_class_path == "hotline.worker.liveness.WorkerLost"
    assert "3 workers" in row.traceback and "not run again" in row.traceback
    call_command("worker", "--once", "--no-sweep", stdout=StringIO())
    assert _ran == []


def test_a_finished_task_is_never_touched(queue) -> None:
    row = held(6, "dead-worker")
    DBTaskResult.objects.filter(pk=row.pk).update(status="SUCCESSFUL", finished_at=timezone.now())
    assert requeue_orphans(stale_after=60) == {"requeued": 0, "failed": 0}
    row.refresh_from_db()
    assert row.status == "SUCCESSFUL"


def test_beats_of_workers_long_gone_are_forgotten(queue) -> None:
    beat("old")
    beat("recent")
    WorkerBeat.objects.filter(worker_id="old").update(seen_at=timezone.now() - timedelta(days=2))
    requeue_orphans()
    assert list(WorkerBeat.objects.values_list("worker_id", flat=True)) == ["recent"]


def test_a_worker_on_another_machine_is_judged_by_its_beats(queue) -> None:
    stale("elsewhere", host="worker-2", space="another-boot/pid:[1]", pid=os.getpid())
    held(8, "elsewhere")
    assert requeue_orphans(stale_after=60) == {"requeued": 1, "failed": 0}


def test_a_worker_whose_beats_stopped_but_whose_process_runs_keeps_its_task(queue, caplog) -> None:
    """Its heartbeat stalled (the database slow for its thread, the machine swapping, the process
    stopped and continued): the process on this machine is the one that beat, so the task is not
    run a second time beside it."""
    stale("stalled", seconds=600)  # this process, whose beats stopped ten minutes ago
    row = held(9, "stalled")
    with caplog.at_level(logging.WARNING, logger="hotline.worker"):
        assert requeue_orphans(stale_after=60) == {"requeued": 0, "failed": 0}
    row.refresh_from_db()
    assert row.status == "RUNNING" and _ran == []
    assert (
        f"worker stalled: it stopped beating 600 s ago but its process {os.getpid()} still runs"
        in caplog.text
    )


def test_a_pid_taken_by_a_later_process_is_not_the_worker(queue) -> None:
    """The dead worker's pid now names another process (this one, started after the worker's
    beats): the worker is dead all the same."""
    long_ago = timezone.now() - timedelta(hours=20)
    stale("reused", seconds=19 * 3600, started_at=long_ago)
    held(10, "reused")
    assert requeue_orphans(stale_after=60) == {"requeued": 1, "failed": 0}


def test_of_two_workers_only_the_dead_ones_task_runs_again(queue) -> None:
    """Two workers' rows as the database holds them: one beats while it runs a long task, the
    other was killed mid-task; one round of a third worker runs only the second's task."""
    beat("alive")
    busy = held(11, "alive")
    stale("killed", pid=dead_pid())
    orphan = held(12, "killed")
    call_command("worker", "--once", "--no-sweep", stdout=StringIO())

    busy.refresh_from_db()
    orphan.refresh_from_db()
    assert busy.status == "RUNNING" and busy.worker_ids == ["alive"]
    assert orphan.status == "SUCCESSFUL" and orphan.worker_ids[0] == "killed"
    assert _ran == [12]
