"""Migration supervision.0010: the open supervisions that a later, higher step on the same assignment
took over are closed; the others stay open."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.migrations import migrate_to

BEFORE = [("supervision", "0009_response_overdue_reminder")]
AFTER = [("supervision", "0010_supersede_lower_steps")]


@pytest.mark.django_db(transaction=True)
def test_lower_steps_taken_over_by_a_later_higher_one_are_closed() -> None:
    apps = migrate_to(BEFORE)
    Department = apps.get_model("directory", "Department")
    Ticket = apps.get_model("tickets", "Ticket")
    Assignment = apps.get_model("tickets", "Assignment")
    Supervision = apps.get_model("supervision", "Supervision")
    now = timezone.now()
    street = Department.objects.create(code="D0101", name="和平街道", level="street")
    water = Department.objects.create(code="B02", name="水务局", level="city")
    ticket = Ticket.objects.create(
        number="20250101-000001", title="t", content="c", created_at=now, updated_at=now
    )

    def part(department):
        return Assignment.objects.create(
            ticket=ticket, department=department, role="lead", dispatched_at=now, due_at=now
        )

    lead, co = part(street), part(water)

    def opened(assignment, kind, hours):
        return Supervision.objects.create(
            ticket=ticket,
            assignment=assignment,
            department=assignment.department,
            kind=kind,
            reason="overdue",
            reason_text="x",
            created_at=now + timedelta(hours=hours),
            dedupe_key=f"{assignment.pk}:{kind}:{hours}",
        ).pk

    taken_over = [opened(lead, "reminder", 0), opened(lead, "order", 1)]
    listing = opened(lead, "listing", 2)
    after_it = opened(lead, "reminder", 3)  # a reminder call on a listed ticket: its own
    co_reminder = opened(co, "reminder", 0)  # another assignment's
    try:
        apps = migrate_to(AFTER)
        state = dict(apps.get_model("supervision", "Supervision").objects.values_list("pk", "resolved_at"))
        assert all(state[pk] is not None for pk in taken_over)
        assert state[listing] is None and state[after_it] is None and state[co_reminder] is None
    finally:
        executor = MigrationExecutor(connection)
        migrate_to(executor.loader.graph.leaf_nodes())
