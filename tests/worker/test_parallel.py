"""Several `hotline worker` processes share one PostgreSQL queue: none runs a job another took."""

import threading
import time
from collections import Counter
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections
from django.tasks import task
from django_tasks_db.models import DBTaskResult

JOBS = 200
_runs: Counter[int] = Counter()
_runs_lock = threading.Lock()


@task()
def record_run(n: int) -> None:
    """Counts its run in memory and in a table whose primary key refuses a second row for `n`."""
    with _runs_lock:
        _runs[n] += 1
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO test_worker_runs (n) VALUES (%s)", [n])
    time.sleep(0.002)  # long enough for the two workers to interleave


@pytest.fixture
def runs_table(transactional_db, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE test_worker_runs (n integer PRIMARY KEY)")
    _runs.clear()
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE test_worker_runs")


def two_workers_at_once() -> None:
    """One round of `hotline worker` in each of two threads started together (each round runs ready
    jobs until none is left, as the worker's loop does); fails with what a worker raised."""
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            start.wait()
            call_command("worker", "--once", "--no-sweep", stdout=StringIO())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors


@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="needs PostgreSQL: workers claim jobs with SELECT ... FOR UPDATE SKIP LOCKED there; SQLite has "
    "one writer at a time, and its in-memory test database is not shared between threads",
)
def test_two_workers_in_parallel_never_run_a_job_twice(runs_table) -> None:
    for n in range(JOBS):
        record_run.enqueue(n)
    assert DBTaskResult.objects.ready().count() == JOBS

    two_workers_at_once()

    results = list(DBTaskResult.objects.filter(task_path__endswith="record_run"))
    assert len(results) == JOBS
    assert {result.status for result in results} == {"SUCCESSFUL"}
    assert all(len(result.worker_ids) == 1 for result in results)  # each claimed once
    assert sorted(_runs) == list(range(JOBS)) and set(_runs.values()) == {1}
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM test_worker_runs")
        assert cursor.fetchone() == (JOBS,)
    # Both took part: the test shows two workers sharing the queue, not one emptying it alone.
    per_worker = Counter(result.worker_ids[0] for result in results)
    assert len(per_worker) == 2, per_worker


class RunsTableRouter:
    """Routes a batch by recording each ticket id in the runs table, which refuses an id twice."""

    def route(self, ticket_id: int) -> None:
        self.route_many([ticket_id])

    def route_many(self, ticket_ids: list[int]) -> None:
        for n in ticket_ids:
            record_run.call(n)


@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="needs PostgreSQL, as above",
)
def test_two_workers_taking_routing_tasks_along_never_route_a_ticket_twice(runs_table, settings) -> None:
    """Each worker takes waiting routing tasks along with the one it runs (core.taken_along):
    the rows one takes are never run or taken by the other."""
    from hotline.tickets.router import route_ticket

    router = f"{__name__}.RunsTableRouter"
    settings.HOTLINE = {**settings.HOTLINE, "ROUTING": {**settings.HOTLINE["ROUTING"], "ROUTER": router}}
    for n in range(JOBS):
        route_ticket.enqueue(n)

    two_workers_at_once()

    results = list(DBTaskResult.objects.filter(task_path__endswith="route_ticket"))
    assert {(r.status, r.return_value) for r in results} == {("SUCCESSFUL", True)}
    assert all(len(r.worker_ids) == 1 for r in results)
    assert sorted(_runs) == list(range(JOBS)) and set(_runs.values()) == {1}
    per_worker = Counter(r.worker_ids[0] for r in results)
    assert len(per_worker) == 2, per_worker
