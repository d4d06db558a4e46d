"""Migration tickets.0006: the sweep's `supervise` events name their department by code, like those
opened by hand, and going back restores the ids. Migration tickets.0015: the tickets merged into
wait from their earliest call."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.migrations import migrate_to

BEFORE = [("tickets", "0005_invalidation_lapsed_at")]
AFTER = [("tickets", "0006_event_type_vocabulary")]


@pytest.mark.django_db(transaction=True)
def test_the_sweeps_supervise_events_name_the_department_by_code() -> None:
    apps = migrate_to(BEFORE)
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
        apps = migrate_to(AFTER)
        details = dict(apps.get_model("tickets", "TicketEvent").objects.values_list("pk", "details"))
        assert details[swept]["department"] == "D0101"
        assert details[city]["department"] is None
        assert details[by_hand] == {
            "supervision": 3,
            "kind": "order",
            "department": "D0101",
            "text": "请加快",
        }

        apps = migrate_to(BEFORE)
        details = dict(apps.get_model("tickets", "TicketEvent").objects.values_list("pk", "details"))
        assert details[swept]["department"] == street.pk
        assert details[by_hand]["department"] == "D0101"
    finally:
        # Every app back to its latest migration: going back to BEFORE also unapplied the
        # migrations of other apps that came after it, which the tests after this one need.
        executor = MigrationExecutor(connection)
        migrate_to(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_tickets_merged_into_before_the_migration_wait_from_their_earliest_call() -> None:
    """Migration tickets.0015: a ticket that duplicates received before it were merged into (through
    a chain of merges too) waits from the earliest of them; the others from their own receipt."""
    apps = migrate_to([("tickets", "0014_ticketevent_progress")])
    Ticket = apps.get_model("tickets", "Ticket")
    now = timezone.now()

    def ticket(serial: int, hours: int, into=None):
        at = now + timedelta(hours=hours)
        status = "new" if into is None else "merged"
        return Ticket.objects.create(
            number=f"20250101-{serial:06d}",
            title="t",
            content="c",
            status=status,
            merged_into=into,
            created_at=at,
            updated_at=at,
        )

    top = ticket(1, 0)
    middle = ticket(2, -1, into=top)  # received before the ticket it was merged into
    ticket(3, -3, into=middle)  # and a duplicate of it before that
    ticket(4, 2, into=top)  # received after it
    alone = ticket(5, -5)
    try:
        apps = migrate_to([("tickets", "0015_ticket_earliest_received_at")])
        found = dict(
            apps.get_model("tickets", "Ticket").objects.values_list("number", "earliest_received_at")
        )
        assert found[top.number] == found[middle.number] == now - timedelta(hours=3)
        assert found["20250101-000003"] is found["20250101-000004"] is found[alone.number] is None
    finally:
        executor = MigrationExecutor(connection)
        migrate_to(executor.loader.graph.leaf_nodes())
