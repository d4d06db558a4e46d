"""Overdue: marked once, then 催办 -> 督办 -> 挂牌督办 -> 提级办理 by working days past the deadline."""

import pytest

from hotline.core.enums import (
    NotificationReason,
    Role,
    SupervisionKind,
    SupervisionReason,
    TicketStatus,
)
from hotline.notifications.models import Notification
from hotline.supervision.models import Supervision
from hotline.supervision.sweep import overdue_bound
from hotline.tickets.models import Assignment, TicketEvent
from tests.supervision.conftest import at
from tests.supervision.conftest import sweep as sweep_with

pytestmark = pytest.mark.django_db

K = SupervisionKind
DISPATCHED = at(2025, 3, 3, 10)
# Thursday 10:00. Working days after it: Fri 7 (1), Mon 10 (2), Tue 11 (3), Wed 12 (4), Thu 13 (5).
DUE = at(2025, 3, 6, 10)


def sweep(moment, **overrides):
    """Without the reminders before the deadline, which are not what these tests look at."""
    return sweep_with(moment, **{"DUE_SOON_PERCENTS": [], **overrides})


def kinds(**filters) -> list[str]:
    return sorted(Supervision.objects.filter(**filters).values_list("kind", flat=True))


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(2025, 3, 6, 9, 59), []),
        (at(2025, 3, 6, 10, 0), [K.REMINDER]),
        (at(2025, 3, 6, 23, 59), [K.REMINDER]),
        (at(2025, 3, 7, 0, 0), [K.ORDER]),
        (at(2025, 3, 9, 12, 0), [K.ORDER]),  # Sunday: no working day has begun since Friday
        (at(2025, 3, 10, 23, 0), [K.ORDER]),
        (at(2025, 3, 11, 0, 0), [K.LISTING]),
        (at(2025, 3, 12, 18, 0), [K.LISTING]),
        (at(2025, 3, 13, 0, 0), [K.ELEVATION]),
        (at(2025, 4, 30, 0, 0), [K.ELEVATION]),
    ],
)
def test_the_highest_step_reached_when_first_seen(build, moment, expected):
    build(dispatched=DISPATCHED, due=DUE)

    sweep(moment)

    assert kinds() == sorted(expected)


def test_the_ladder_step_by_step_each_step_once(build):
    _t, assignment = build(dispatched=DISPATCHED, due=DUE)
    moments = [
        at(2025, 3, 6, 9),
        at(2025, 3, 6, 11),
        at(2025, 3, 6, 15),
        at(2025, 3, 7, 9),
        at(2025, 3, 10, 9),
        at(2025, 3, 11, 9),
        at(2025, 3, 12, 9),
        at(2025, 3, 13, 9),
        at(2025, 3, 14, 9),
    ]

    created = [sweep(m).created for m in moments]

    assert kinds(assignment=assignment) == sorted([K.REMINDER, K.ORDER, K.LISTING, K.ELEVATION])
    # Each step: one supervision and its notifications (listing: the head and the leaders).
    assert [c > 0 for c in created] == [False, True, False, True, False, True, False, True, False]


def test_overdue_is_marked_once_at_the_first_sweep_past_the_deadline(build):
    _t, assignment = build(dispatched=DISPATCHED, due=DUE)

    assert sweep(at(2025, 3, 6, 9)).counts["overdue_marked"] == 0
    assert sweep(at(2025, 3, 6, 10, 5)).counts["overdue_marked"] == 1
    assert sweep(at(2025, 3, 7, 10)).counts["overdue_marked"] == 0

    assignment.refresh_from_db()
    assert assignment.overdue_at == at(2025, 3, 6, 10, 5)


def test_each_step_is_addressed_as_the_ladder_says(build, departments):
    ticket, _assignment = build(dispatched=DISPATCHED, due=DUE, lead="street")
    for moment in [at(2025, 3, 6, 11), at(2025, 3, 7, 9), at(2025, 3, 11, 9), at(2025, 3, 13, 9)]:
        sweep(moment)

    by_kind = {s.kind: s for s in Supervision.objects.filter(ticket=ticket)}
    street, district = departments["street"].pk, departments["district"].pk
    assert by_kind[K.REMINDER].department_id == street
    assert by_kind[K.ORDER].department_id == street
    assert by_kind[K.LISTING].department_id == street
    assert by_kind[K.LISTING].is_public
    # 提级办理: the level above takes the matter over.
    assert by_kind[K.ELEVATION].department_id == district
    assert all(s.reason == SupervisionReason.OVERDUE and s.created_by is None for s in by_kind.values())
    assert all(s.assignment_due_at == DUE for s in by_kind.values())

    audiences = {
        (n.supervision.kind, n.department_id, n.role)
        for n in Notification.objects.filter(reason=NotificationReason.SUPERVISION).select_related(
            "supervision"
        )
    }
    assert audiences == {
        (K.REMINDER, street, ""),
        (K.ORDER, street, Role.HEAD),
        (K.LISTING, street, Role.HEAD),
        (K.LISTING, None, Role.LEADER),
        (K.ELEVATION, district, Role.HEAD),
    }


def test_elevation_from_the_top_level_goes_to_the_city(build):
    ticket, _assignment = build(dispatched=DISPATCHED, due=DUE, lead="housing")  # a city bureau

    sweep(at(2025, 3, 20, 9))

    elevation = Supervision.objects.get(ticket=ticket)
    assert elevation.kind == K.ELEVATION
    assert elevation.department is None
    note = Notification.objects.get(supervision=elevation)
    assert (note.department_id, note.role) == (None, Role.LEADER)


def test_supervising_writes_the_timeline_but_leaves_the_status(build):
    ticket, _assignment = build(dispatched=DISPATCHED, due=DUE)

    sweep(at(2025, 3, 7, 9))

    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.DISPATCHED
    event = TicketEvent.objects.get(ticket=ticket, action="supervise")
    assert event.from_status == event.to_status == TicketStatus.DISPATCHED
    assert event.actor is None
    assert event.details["kind"] == K.ORDER
    supervision = Supervision.objects.get(ticket=ticket)
    assert event.details["supervision"] == supervision.pk
    # The department by its code, as in a supervision opened by hand (one shape per event type).
    assert event.details["department"] == supervision.department.code
    assert event.details["by"] == "sweep"


def test_a_holiday_does_not_count_as_working_days_overdue(build):
    """Due the day before National Day 2025 (Oct 1-8 off): the first working day after is Oct 9."""
    build(dispatched=at(2025, 9, 26, 10), due=at(2025, 9, 30, 10))

    sweep(at(2025, 10, 8, 23))
    assert kinds() == [K.REMINDER]

    sweep(at(2025, 10, 9, 0))
    assert kinds() == sorted([K.REMINDER, K.ORDER])

    # Saturday Oct 11 is a make-up working day: the third working day after the deadline.
    sweep(at(2025, 10, 11, 9))
    assert kinds() == sorted([K.REMINDER, K.ORDER, K.LISTING])


def test_an_extended_deadline_is_a_new_case(build):
    _t, assignment = build(dispatched=DISPATCHED, due=DUE)
    sweep(at(2025, 3, 6, 11))
    Assignment.objects.filter(pk=assignment.pk).update(due_at=at(2025, 3, 10, 10), overdue_at=None)

    assert sweep(at(2025, 3, 7, 9)).created == 0
    report = sweep(at(2025, 3, 10, 11))

    assert report.counts["escalation_reminder"] == 1
    assert sorted(Supervision.objects.values_list("assignment_due_at", flat=True)) == [
        DUE,
        at(2025, 3, 10, 10),
    ]


def test_steps_are_configuration(build):
    build(dispatched=DISPATCHED, due=DUE)

    # No 挂牌; elevation after 2 working days.
    sweep(at(2025, 3, 10, 9), ESCALATION_WORKDAYS={"listing": None, "elevation": 2})

    assert kinds() == [K.ELEVATION]


@pytest.mark.parametrize(
    ("now", "days", "bound"),
    [
        (at(2025, 3, 6, 15), 0, None),
        (at(2025, 3, 6, 15), 1, at(2025, 3, 6)),  # due before Thursday: Thursday is its 1st working day
        (at(2025, 3, 10, 8), 1, at(2025, 3, 10)),  # Monday: due by Friday (or the weekend)
        (at(2025, 3, 10, 8), 2, at(2025, 3, 7)),
        (at(2025, 3, 9, 8), 1, at(2025, 3, 7)),  # Sunday: Friday is the last working day begun
        (at(2025, 10, 9, 8), 1, at(2025, 10, 9)),  # after National Day: due by Sep 30 or during it
    ],
)
def test_overdue_bound(now, days, bound):
    if bound is None:
        assert now < overdue_bound(now, days) <= now.replace(microsecond=1)
    else:
        assert overdue_bound(now, days) == bound
