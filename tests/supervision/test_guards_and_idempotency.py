"""Nothing fires for finished tickets, finished or suspended assignments; a second sweep creates nothing."""

import pytest

from hotline.core import clock
from hotline.core.enums import AssignmentStatus, TicketStatus
from hotline.notifications.models import Notification
from hotline.supervision.models import Supervision, SweepState
from hotline.tickets.actions import (
    do_accept_assignment,
    do_confirm_invalidation,
    do_merge_ticket,
    do_request_invalidation,
)
from hotline.tickets.models import Assignment, Ticket, TicketEvent
from tests.supervision.conftest import at, received, sweep

pytestmark = pytest.mark.django_db

DISPATCHED = at(2025, 3, 3, 10)
DUE = at(2025, 3, 6, 10)
LATE = at(2025, 3, 20, 10)  # every rule on deadlines would fire by now
DAILY = {"DAILY_REMINDER_AT": "09:00"}


def deadlines() -> dict:
    return {"sign_due_at": at(2025, 3, 3, 14), "response_due_at": at(2025, 3, 3, 10, 30)}


def nothing_at_all(assignment: Assignment) -> None:
    assert not Notification.objects.exists()
    assert not Supervision.objects.exists()
    assert not TicketEvent.objects.filter(action="supervise").exists()
    assignment.refresh_from_db()
    assert assignment.overdue_at is None


def test_a_suspended_assignment_is_never_reminded_nor_marked_overdue(build):
    _t, assignment = build(dispatched=DISPATCHED, due=DUE, paused_since=at(2025, 3, 3, 11), **deadlines())

    for moment in [at(2025, 3, 5, 20), at(2025, 3, 6, 11), LATE]:
        report = sweep(moment, **DAILY)
        assert report.changed == 0

    nothing_at_all(assignment)


@pytest.mark.parametrize("status", [TicketStatus.CLOSED, TicketStatus.MERGED, TicketStatus.INVALID])
def test_nothing_for_a_finished_ticket_even_with_an_assignment_left_open(build, status):
    ticket, assignment = build(dispatched=DISPATCHED, due=DUE, **deadlines())
    # Data that should not exist (the actions withdraw or answer assignments first), to show that
    # the ticket's state alone is enough.
    Ticket.objects.filter(pk=ticket.pk).update(status=status)

    assert sweep(LATE, **DAILY).changed == 0
    nothing_at_all(assignment)


def test_nothing_for_tickets_merged_or_invalidated_through_the_actions(build, staff):
    target, _a = build(dispatched=DISPATCHED, due=at(2025, 12, 31, 10))
    merged, merged_a = build(dispatched=DISPATCHED, due=DUE, **deadlines())
    invalid, invalid_a = build(dispatched=DISPATCHED, due=DUE, **deadlines())
    with clock.frozen_at(at(2025, 3, 3, 11)):
        do_merge_ticket(merged, staff["dispatcher"], into_ticket_id=target.pk)
        do_request_invalidation(invalid, staff["operator"], reason="恶意重复拨打")
        do_confirm_invalidation(invalid, staff["supervisor"], confirm=True)

    sweep(LATE)

    assert not Supervision.objects.filter(ticket__in=[merged, invalid]).exists()
    assert not Notification.objects.filter(ticket__in=[merged, invalid]).exists()
    for a in (merged_a, invalid_a):
        a.refresh_from_db()
        assert a.status == AssignmentStatus.WITHDRAWN
        assert a.overdue_at is None


@pytest.mark.parametrize(
    "status", [AssignmentStatus.ANSWERED, AssignmentStatus.WITHDRAWN, AssignmentStatus.RETURNED]
)
def test_nothing_for_an_assignment_that_owes_nothing(build, status):
    _t, assignment = build(dispatched=DISPATCHED, due=DUE, **deadlines())
    Assignment.objects.filter(pk=assignment.pk).update(status=status)

    assert sweep(LATE, **DAILY).changed == 0
    nothing_at_all(assignment)


def test_an_accepted_assignment_is_still_supervised(build, staff):
    ticket, _assignment = build(dispatched=DISPATCHED, due=DUE)
    with clock.frozen_at(at(2025, 3, 3, 11)):
        do_accept_assignment(ticket, staff["street"])

    sweep(at(2025, 3, 7, 9))

    assert Supervision.objects.filter(ticket=ticket).count() == 1


def test_a_second_sweep_creates_nothing(build, departments):
    build(dispatched=DISPATCHED, due=DUE, **deadlines())
    build(dispatched=DISPATCHED, due=at(2025, 3, 20, 8), lead="water")
    build(dispatched=DISPATCHED, due=at(2025, 3, 10, 10), lead="housing", co=("water",))
    build(dispatched=DISPATCHED, due=DUE, paused_since=at(2025, 3, 4))
    moment = at(2025, 3, 14, 9, 30)

    first = sweep(moment, **DAILY)
    rows = (Notification.objects.count(), Supervision.objects.count(), TicketEvent.objects.count())
    second = sweep(moment, **DAILY)
    third = sweep(at(2025, 3, 14, 9, 35), **DAILY)

    assert first.created > 0
    assert first.counts["overdue_marked"] == 3
    assert second.changed == 0
    assert third.changed == 0
    assert (Notification.objects.count(), Supervision.objects.count(), TicketEvent.objects.count()) == rows
    assert SweepState.objects.get().last_report["notifications"] == 0


def test_stored_twice_is_stored_once(build):
    """The unique dedupe keys hold even when the NOT EXISTS guard is bypassed (two sweeps racing)."""
    from hotline.notifications.actions import Draft, store_notifications

    ticket, _a = build(dispatched=DISPATCHED, due=DUE)
    draft = Draft(
        key="test:1", reason="other", message="测试", department_id=ticket.assignments.get().department_id
    )

    store_notifications([draft, draft])
    store_notifications([draft])

    assert Notification.objects.filter(dedupe_key__startswith="test:1|").count() == 1


def test_several_units_of_one_ticket_are_each_supervised(build, departments):
    ticket, _lead = build(dispatched=DISPATCHED, due=DUE, lead="housing", co=("water",))

    sweep(at(2025, 3, 7, 9))

    units = set(Supervision.objects.filter(ticket=ticket).values_list("department_id", flat=True))
    assert units == {departments["housing"].pk, departments["water"].pk}


def test_the_report_and_the_sweep_state(build):
    build(dispatched=DISPATCHED, due=DUE)

    report = sweep(at(2025, 3, 7, 9))

    state = SweepState.objects.get()
    assert state.last_started_at == at(2025, 3, 7, 9)
    assert state.last_report["escalation_order"] == 1
    assert report.as_dict()["escalation_order"] == 1
    assert any(line.startswith("escalation_order") and line.endswith(" 1") for line in report.lines())


def test_a_ticket_not_yet_dispatched_has_nothing_to_sweep(staff):
    received(staff, DISPATCHED)

    assert sweep(LATE, **DAILY).changed == 0
