"""A worker killed mid-task does not leave its task RUNNING for ever (worker/liveness.py)."""

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


def test_a_worker_whose_beats_stopped_is_taken_for_dead(queue) -> None:
    beat("gone-worker")
    WorkerBeat.objects.filter(worker_id="gone-worker").update(seen_at=timezone.now() - timedelta(seconds=90))
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
