"""`hotline sweep` and `hotline worker` (one round with --once)."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_tasks_db.models import DBTaskResult

from hotline.core import clock
from hotline.supervision.models import Supervision, SweepState
from tests.supervision.conftest import at

DISPATCHED = at(2025, 3, 3, 10)
DUE = at(2025, 3, 6, 10)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_sweep_prints_its_report(build):
    build(dispatched=DISPATCHED, due=DUE)

    out = run("sweep", "--at", "2025-03-07T09:00:00+08:00")

    assert out.startswith("sweep at 2025-03-07 09:00:00+0800")
    assert "escalation_order" in out
    assert Supervision.objects.get().kind == "order"

    again = json.loads(run("sweep", "--json", "--at", "2025-03-07T09:00:00+08:00"))
    assert again["escalation_order"] == 0
    assert again["notifications"] == 0


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["yesterday", "2025-03-07T09:00:00"])
def test_sweep_wants_a_moment_with_a_zone(value):
    with pytest.raises(CommandError, match="须为带时区"):
        run("sweep", "--at", value)


@pytest.mark.django_db
def test_worker_once_enqueues_the_sweep_when_it_is_due(
    build, immediate_tasks, django_capture_on_commit_callbacks
):
    build(dispatched=DISPATCHED, due=DUE)

    with clock.frozen_at(at(2025, 3, 7, 9)), django_capture_on_commit_callbacks(execute=True) as enqueued:
        first = run("worker", "--once", "--sweep-interval", "300")
    # Enqueued when the schedule's row was saved; the immediate backend runs it there and then.
    assert "sweep enqueued" in first
    assert len(enqueued) == 1
    assert Supervision.objects.get().kind == "order"
    state = SweepState.objects.get()
    assert state.last_enqueued_at == at(2025, 3, 7, 9)
    assert state.last_started_at == at(2025, 3, 7, 9)

    with clock.frozen_at(at(2025, 3, 7, 9, 4)):
        assert run("worker", "--once", "--sweep-interval", "300") == ""
    with clock.frozen_at(at(2025, 3, 7, 9, 5)):
        assert "sweep enqueued" in run("worker", "--once", "--sweep-interval", "300")
    with clock.frozen_at(at(2025, 3, 7, 9, 10)):
        assert run("worker", "--once", "--no-sweep") == ""


@pytest.mark.django_db
def test_worker_refuses_to_loop_without_a_queue(immediate_tasks):
    with pytest.raises(CommandError, match="DatabaseBackend"):
        run("worker", "--sweep-interval", "1")
    with pytest.raises(CommandError):
        run("worker", "--once", "--sweep-interval", "0")


@pytest.mark.django_db(transaction=True)
def test_worker_once_runs_the_sweep_through_the_database_queue(database_tasks, build):
    """With django-tasks-db, as deployed: the round enqueues the sweep and its worker runs it."""
    _ticket, assignment = build(dispatched=DISPATCHED, due=DUE)

    run("worker", "--once")

    # The intake queued a routing task, which the round ran too (and found nothing to do: the
    # ticket was dispatched before it ran).
    assert list(DBTaskResult.objects.values_list("task_path", "status").order_by("task_path")) == [
        ("hotline.supervision.tasks.sweep", "SUCCESSFUL"),
        ("hotline.tickets.router.route_ticket", "SUCCESSFUL"),
    ]
    result = DBTaskResult.objects.get(task_path__endswith="sweep")
    assert result.task_path == "hotline.supervision.tasks.sweep"
    assert result.status == "SUCCESSFUL", result.traceback
    assert result.return_value["escalation_elevation"] == 1  # long overdue by the real clock
    assignment.refresh_from_db()
    assert assignment.overdue_at is not None
    state = SweepState.objects.get()
    assert state.last_finished_at is not None
