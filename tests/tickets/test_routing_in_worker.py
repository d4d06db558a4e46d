"""Intake answers once the appeal is stored; the worker routes the ticket from a task that intake
enqueues in the ticket's own transaction, and a sweep routes any ticket whose task was lost."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from hotline.core import clock
from hotline.core.enums import Channel, EventType, TicketStatus
from hotline.intake.actions import AppealData, do_receive_appeal
from hotline.routing.models import RoutingDecision, RoutingSweepState
from hotline.routing.sweep import UNROUTED_AFTER, route_unrouted, unrouted_tickets
from hotline.tickets import events
from hotline.tickets.models import Ticket, TicketEvent

CALL = {"channel": "web", "title": "路灯不亮", "content": "幸福路12号路灯不亮已经三天。"}
ROUTE_TASK = "hotline.tickets.router.route_ticket"


def worker(*args: str) -> str:
    out = io.StringIO()
    call_command("worker", "--once", *args, stdout=out)
    return out.getvalue()


def use_router(settings, path: str) -> None:
    settings.HOTLINE = {**settings.HOTLINE, "ROUTING": {**settings.HOTLINE["ROUTING"], "ROUTER": path}}


@pytest.mark.django_db(transaction=True)  # as deployed: each request commits
def test_intake_answers_before_routing_and_the_worker_routes_the_ticket(database_tasks, staff, api_as):
    response = api_as(staff["operator"]).post("/appeals", CALL)

    assert response.status_code == 201
    ticket = Ticket.objects.get(pk=response.json()["id"])
    # Stored, answered, not routed yet: its routing waits in the queue.
    assert not RoutingDecision.objects.filter(ticket=ticket).exists()
    task = DBTaskResult.objects.get()
    assert (task.task_path, task.status, task.args_kwargs["args"]) == (ROUTE_TASK, "READY", [ticket.pk])

    worker("--no-sweep")

    task.refresh_from_db()
    assert task.status == "SUCCESSFUL", task.traceback
    assert RoutingDecision.objects.filter(ticket=ticket).count() == 1


@pytest.mark.django_db
def test_the_task_is_stored_in_the_tickets_transaction(database_tasks, staff):
    """With the database queue the task row is written with the ticket, not after the commit: a
    process that dies once the ticket is committed has committed its task as well."""
    with pytest.raises(RuntimeError), transaction.atomic():
        ticket, _created = do_receive_appeal(AppealData(**CALL), staff["operator"])
        assert DBTaskResult.objects.filter(task_path=ROUTE_TASK, args_kwargs__args=[ticket.pk]).exists()
        raise RuntimeError("the transaction fails after the intake")
    # Rolled back together: no ticket, and no task for a ticket that does not exist.
    assert not Ticket.objects.exists() and not DBTaskResult.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_ticket_whose_task_was_lost_is_routed_by_the_sweep(database_tasks, settings, staff, api_as):
    """The crash of issue 20: the ticket stored, its routing never run (here its task row is gone,
    as with a queue emptied or a worker that died holding it)."""
    settings.HOTLINE_ROUTE_SWEEP_INTERVAL = 60
    ticket_id = api_as(staff["operator"]).post("/appeals", CALL).json()["id"]
    DBTaskResult.objects.all().delete()

    # A ticket this recent is left to its own task, which may simply be behind others.
    assert "unrouted sweep enqueued" in worker("--no-sweep")
    assert not RoutingDecision.objects.exists()
    assert RoutingSweepState.objects.get().last_report == {"swept": True, "routed": 0, "failed": 0}

    with clock.frozen_at(clock.now() + timedelta(seconds=UNROUTED_AFTER + 60)):
        assert list(unrouted_tickets()) == [Ticket.objects.get(pk=ticket_id)]
        assert "unrouted sweep enqueued" in worker("--no-sweep")
        assert RoutingDecision.objects.filter(ticket_id=ticket_id).count() == 1
        assert RoutingSweepState.objects.get().last_report == {"swept": True, "routed": 1, "failed": 0}
        assert list(unrouted_tickets()) == []
    sweep = DBTaskResult.objects.filter(task_path="hotline.routing.tasks.sweep_unrouted")
    assert [t.status for t in sweep] == ["SUCCESSFUL", "SUCCESSFUL"]


@pytest.mark.django_db(transaction=True)
def test_a_ticket_is_routed_once_whoever_reaches_it(database_tasks, settings, staff, departments, api_as):
    """The task and the sweep may both reach a ticket, and a task may run after a person acted."""
    settings.HOTLINE_ROUTE_SWEEP_INTERVAL = 60
    client = api_as(staff["operator"])
    routed_id = client.post("/appeals", CALL).json()["id"]
    dispatched_id = client.post("/appeals", {**CALL, "title": "井盖缺失"}).json()["id"]
    later = clock.now() + timedelta(seconds=UNROUTED_AFTER + 60)
    # A dispatcher takes the second ticket before the worker gets to it.
    dispatch = {"lead_department_id": departments["water"].pk}
    assert api_as(staff["dispatcher"]).action(dispatched_id, "dispatch", dispatch).status_code == 200
    with clock.frozen_at(later):
        worker("--no-sweep")  # both tasks, and the sweep, which finds the first ticket unrouted too
    assert RoutingDecision.objects.filter(ticket_id=routed_id).count() == 1
    assert not RoutingDecision.objects.filter(ticket_id=dispatched_id).exists()
    assert not TicketEvent.objects.filter(action=EventType.ROUTE_FAILED).exists()
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


@pytest.mark.django_db
def test_a_failed_routing_is_not_retried_by_the_sweep_and_the_null_router_is_not_swept(settings, staff):
    ticket, _created = do_receive_appeal(AppealData(**{**CALL, "channel": Channel.WEB}), staff["operator"])
    later = clock.now() + timedelta(seconds=UNROUTED_AFTER + 60)
    with clock.frozen_at(later):
        assert list(unrouted_tickets()) == [ticket]  # never routed: the test's commit never came
        events.routing_failed(ticket, error="RuntimeError: boom", router="x", at=later)
        assert list(unrouted_tickets()) == []  # recorded, counted by the queue: a person's now
    other, _created = do_receive_appeal(AppealData(**{**CALL, "title": "井盖缺失"}), staff["operator"])
    use_router(settings, "hotline.tickets.router.NullRouter")
    with clock.frozen_at(later + timedelta(hours=1)):
        assert route_unrouted() == {"swept": False, "routed": 0, "failed": 0}
    assert Ticket.objects.get(pk=other.pk).status == TicketStatus.NEW
