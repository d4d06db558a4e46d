"""Migration tickets.0006: the sweep's `supervise` events name their department by code, like those
opened by hand, and going back restores the ids."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("tickets", "0005_invalidation_lapsed_at")]
AFTER = [("tickets", "0006_event_type_vocabulary")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_sweeps_supervise_events_name_the_department_by_code() -> None:
    apps = _migrate(BEFORE)
    Department = apps.get_model("directory", "Department")
    Ticket = apps.get_model("tickets", "Ticket")
    TicketEvent = apps.get_model("tickets", "TicketEvent")
    now = timezone.now()
    street = Department.objects.create(code="D0101", name="和平街道", level="street")
    ticket = Ticket.objects.create(
        number="20250101-000001", title="t", content="c", created_at=now, updated_at=now
    )

    def event(details):
        return TicketEvent.objects.create(
            ticket=ticket, action="supervise", at=now, from_status="new", to_status="new", details=details
        ).pk

    swept = event({"supervision": 1, "kind": "reminder", "department": street.pk, "by": "sweep"})
    city = event({"supervision": 2, "kind": "order", "department": None, "by": "sweep"})
    by_hand = event({"supervision": 3, "kind": "order", "department": "D0101", "text": "请加快"})
    try:
        apps = _migrate(AFTER)
        details = dict(apps.get_model("tickets", "TicketEvent").objects.values_list("pk", "details"))
        assert details[swept]["department"] == "D0101"
        assert details[city]["department"] is None
        assert details[by_hand] == {
            "supervision": 3,
            "kind": "order",
            "department": "D0101",
            "text": "请加快",
        }

        apps = _migrate(BEFORE)
        details = dict(apps.get_model("tickets", "TicketEvent").objects.values_list("pk", "details"))
        assert details[swept]["department"] == street.pk
        assert details[by_hand]["department"] == "D0101"
    finally:
        # Every app back to its latest migration: going back to BEFORE also unapplied the
        # migrations of other apps that came after it, which the tests after this one need.
        executor = MigrationExecutor(connection)
        _migrate(executor.loader.graph.leaf_nodes())
