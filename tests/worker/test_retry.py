"""`hotline worker` outlives a database error: it logs it, waits and goes on (a worker that exited
would stay gone under `make run`); with --once the error is the command's."""

import logging
import threading
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import OperationalError

from hotline.worker.management.commands import worker as command


class OneRoundWorker:
    """Stands for django-tasks-db's worker: one batch, then stops."""

    runs = 0

    def __init__(self, **kwargs: object) -> None:
        self.running = True
        self.worker_id = "test"

    def configure_signals(self) -> None:
        pass

    def run(self) -> None:
        OneRoundWorker.runs += 1
        self.running = False


@pytest.fixture
def flaky_database(monkeypatch, database_tasks):
    calls = []

    def sweep_if_due(interval: float) -> bool:
        calls.append(interval)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return False

    OneRoundWorker.runs = 0
    monkeypatch.setattr(command, "Worker", OneRoundWorker)
    monkeypatch.setattr(command, "enqueue_sweep_if_due", sweep_if_due)
    monkeypatch.setattr(command, "DB_RETRY_SECONDS", 0)
    # The test's own connection holds its transaction: the retry's reconnect is not this test's.
    monkeypatch.setattr(command, "connections", SimpleNamespace(close_all=lambda: None))
    # Nor load the models (the warm-up closes every connection, the test's own too) or beat from a thread.
    monkeypatch.setattr(command, "warm_up", lambda: {})
    monkeypatch.setattr(command, "start_heartbeat", lambda worker_id: threading.Event())
    monkeypatch.setattr(command, "stop_heartbeat", lambda worker_id, stop: None)
    monkeypatch.setattr(command, "requeue_orphans", lambda stale_after: {"requeued": 0, "failed": 0})
    return calls


@pytest.mark.django_db
def test_a_database_error_is_logged_and_the_worker_goes_on(flaky_database, caplog) -> None:
    with caplog.at_level(logging.ERROR, logger="hotline.worker"):
        call_command("worker", "--poll", "0", stdout=StringIO())
    assert len(flaky_database) == 2  # the failed round, then the next
    assert OneRoundWorker.runs == 1  # the tasks ran in the round after the error
    (record,) = [r for r in caplog.records if "database error" in r.getMessage()]
    assert record.exc_info is not None


@pytest.mark.django_db
def test_with_once_the_error_is_the_commands(flaky_database) -> None:
    with pytest.raises(OperationalError):
        call_command("worker", "--once", stdout=StringIO())
