"""A backlog of routing tasks is worked through in batches: the task that runs takes the next waiting
ones along (`core.taken_along`), and each of them ends with its own ticket's outcome."""

import io
from collections.abc import Sequence

import pytest
from django.core.management import call_command
from django.tasks import TaskContext
from django_tasks_db.models import DBTaskResult

from hotline.core.enums import EventType
from hotline.core.taken_along import finish, give_back, take_along
from hotline.intake.actions import AppealData, do_receive_appeal
from hotline.tickets.models import TicketEvent
from hotline.tickets.router import ROUTE_BATCH, route_ticket

ROUTE_TASK = "hotline.tickets.router.route_ticket"
ROUTER = f"{__name__}.RecordingRouter"


class RecordingRouter:
    """Routes nothing, remembers each call; refuses the tickets in `failing`."""

    batches: list[list[int]] = []
    failing: set[int] = set()
    stop: type[BaseException] | None = None

    def route(self, ticket_id: int) -> None:
        self.route_many([ticket_id])

    def route_many(self, ticket_ids: Sequence[int]) -> None:
        type(self).batches.append(list(ticket_ids))
        if self.stop is not None:
            raise self.stop()
        if self.failing & set(ticket_ids):
            raise RuntimeError("refused")


@pytest.fixture
def recording(settings, database_tasks):
    settings.HOTLINE = {**settings.HOTLINE, "ROUTING": {**settings.HOTLINE["ROUTING"], "ROUTER": ROUTER}}
    RecordingRouter.batches, RecordingRouter.failing, RecordingRouter.stop = [], set(), None
    yield RecordingRouter
    RecordingRouter.batches, RecordingRouter.failing, RecordingRouter.stop = [], set(), None


def receive(n: int, operator) -> list[int]:
    return [
        do_receive_appeal(
            AppealData(channel="web", title=f"路灯不亮{i}", content="幸福路路灯不亮。"), operator
        )[0].pk
        for i in range(n)
    ]


def worker() -> None:
    call_command("worker", "--once", "--no-sweep", stdout=io.StringIO())


def outcomes() -> dict[int, tuple[str, object]]:
    return {
        row.args_kwargs["args"][0]: (row.status, row.return_value)
        for row in DBTaskResult.objects.filter(task_path=ROUTE_TASK)
    }


@pytest.mark.django_db(transaction=True)
def test_a_backlog_of_new_tickets_is_routed_in_one_batch_in_the_queues_order(recording, staff):
    ids = receive(5, staff["operator"])

    worker()

    assert recording.batches == [ids]
    assert outcomes() == {pk: ("SUCCESSFUL", True) for pk in ids}


@pytest.mark.django_db(transaction=True)
def test_a_ticket_that_fails_in_the_batch_fails_alone_and_its_task_says_so(recording, staff):
    ids = receive(3, staff["operator"])
    recording.failing = {ids[1]}

    worker()

    # The batch failed, so each ticket was routed alone: only the one at fault failed.
    assert recording.batches == [ids, [ids[0]], [ids[1]], [ids[2]]]
    assert outcomes() == {
        ids[0]: ("SUCCESSFUL", True),
        ids[1]: ("SUCCESSFUL", False),
        ids[2]: ("SUCCESSFUL", True),
    }
    failed = TicketEvent.objects.filter(action=EventType.ROUTE_FAILED)
    assert list(failed.values_list("ticket_id", flat=True)) == [ids[1]]


@pytest.mark.django_db(transaction=True)
def test_a_task_given_back_by_a_dead_worker_runs_alone(recording, staff):
    ids = receive(3, staff["operator"])
    # The second one's worker died while it ran it; liveness put it back with that worker's id.
    DBTaskResult.objects.filter(args_kwargs__args=[ids[1]]).update(worker_ids=["dead-worker"])

    worker()

    assert recording.batches == [[ids[0], ids[2]], [ids[1]]]
    assert {status for status, _value in outcomes().values()} == {"SUCCESSFUL"}
    assert DBTaskResult.objects.get(args_kwargs__args=[ids[1]]).worker_ids[0] == "dead-worker"


@pytest.mark.django_db(transaction=True)
def test_no_more_than_a_batch_is_taken_along(recording, staff):
    ids = receive(ROUTE_BATCH + 3, staff["operator"])

    worker()

    assert recording.batches == [ids[:ROUTE_BATCH], ids[ROUTE_BATCH:]]


def claimed(ticket_id: int, worker_id: str) -> TaskContext:
    """The context of `ticket_id`'s routing task as a worker runs it once it claimed the row."""
    row = DBTaskResult.objects.get(args_kwargs__args=[ticket_id])
    row.claim(worker_id)
    return TaskContext(task_result=row.task_result)


@pytest.mark.django_db
def test_tasks_taken_along_belong_to_the_worker_until_finished_or_given_back(recording, staff):
    ids = receive(4, staff["operator"])
    context = claimed(ids[0], "worker-a")

    taken = take_along(context, 2)

    assert [t.args for t in taken] == [[ids[1]], [ids[2]]]
    rows = {row.args_kwargs["args"][0]: row for row in DBTaskResult.objects.all()}
    assert [(rows[pk].status, rows[pk].worker_ids) for pk in ids[1:]] == [
        ("RUNNING", ["worker-a"]),
        ("RUNNING", ["worker-a"]),
        ("READY", []),
    ]
    # Another worker running the last task finds nothing more to take.
    assert take_along(claimed(ids[3], "worker-b"), 10) == []

    give_back(taken[:1])
    finish(taken[1:], True)
    rows = {row.args_kwargs["args"][0]: row for row in DBTaskResult.objects.all()}
    assert (rows[ids[1]].status, rows[ids[1]].worker_ids, rows[ids[1]].started_at) == ("READY", [], None)
    assert (rows[ids[2]].status, rows[ids[2]].return_value) == ("SUCCESSFUL", True)


@pytest.mark.django_db
def test_a_routing_task_stopped_midway_gives_back_what_it_took(recording, staff):
    ids = receive(3, staff["operator"])
    recording.stop = SystemExit

    with pytest.raises(SystemExit):
        route_ticket.call(claimed(ids[0], "worker-a"), ids[0])

    assert recording.batches == [ids]
    waiting = DBTaskResult.objects.filter(args_kwargs__args__in=[[ids[1]], [ids[2]]])
    assert {(row.status, tuple(row.worker_ids)) for row in waiting} == {("READY", ())}


@pytest.mark.django_db
def test_without_the_database_queue_each_ticket_is_routed_alone(
    settings, staff, django_capture_on_commit_callbacks
):
    """The immediate backend (the tests' default) runs each task as it is enqueued: nothing waits."""
    settings.HOTLINE = {**settings.HOTLINE, "ROUTING": {**settings.HOTLINE["ROUTING"], "ROUTER": ROUTER}}
    RecordingRouter.batches = []
    with django_capture_on_commit_callbacks(execute=True):
        ids = receive(2, staff["operator"])
    assert RecordingRouter.batches == [[ids[0]], [ids[1]]]
    assert not DBTaskResult.objects.exists()
