"""Reminders about deadlines: sign-off and first response missed, 50% / 80% of the handling time,
and the daily digest (每日一提醒) on working days only."""

import pytest

from hotline.core.enums import AssignmentStatus, NotificationReason
from hotline.notifications.models import Notification
from hotline.tickets.models import Assignment
from tests.supervision.conftest import at, sweep

pytestmark = pytest.mark.django_db

# Dispatched Monday 2025-03-03 10:00, due Thursday 10:00: 72 hours, so 50% is Tuesday 22:00 and
# 80% is Wednesday 19:36 (a week with no holiday).
DISPATCHED = at(2025, 3, 3, 10)
DUE = at(2025, 3, 6, 10)


def reasons(**filters) -> list[tuple[str, int | None]]:
    return sorted(Notification.objects.filter(**filters).values_list("reason", "level"))


# --- sign-off and first response --------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "fires"),
    [
        (at(2025, 3, 3, 13, 59), False),
        (at(2025, 3, 3, 14, 0), True),
        (at(2025, 3, 4, 9), True),
    ],
)
def test_a_missed_sign_off_is_told_to_the_unit(build, departments, moment, fires):
    _ticket, assignment = build(dispatched=DISPATCHED, due=DUE, sign_due_at=at(2025, 3, 3, 14))

    report = sweep(moment)

    assert report.counts["sign_overdue"] == int(fires)
    rows = Notification.objects.filter(reason=NotificationReason.SIGN_OVERDUE)
    assert rows.count() == int(fires)
    if fires:
        row = rows.get()
        assert (row.department_id, row.role, row.assignment_id) == (
            departments["street"].pk,
            "",
            assignment.pk,
        )
        assert "签收" in row.message


def test_sign_off_reminders_are_sent_once(build):
    build(dispatched=DISPATCHED, due=DUE, sign_due_at=at(2025, 3, 3, 14))

    assert sweep(at(2025, 3, 3, 15)).counts["sign_overdue"] == 1
    assert sweep(at(2025, 3, 3, 16)).counts["sign_overdue"] == 0
    assert sweep(at(2025, 3, 4, 10)).counts["sign_overdue"] == 0
    assert Notification.objects.filter(reason=NotificationReason.SIGN_OVERDUE).count() == 1


def test_no_sign_off_reminder_once_signed_or_without_a_sign_off_deadline(build):
    _t, signed = build(dispatched=DISPATCHED, due=DUE, sign_due_at=at(2025, 3, 3, 14))
    Assignment.objects.filter(pk=signed.pk).update(status=AssignmentStatus.ACCEPTED)
    build(dispatched=DISPATCHED, due=DUE)  # no sign-off deadline: the policies did not set one

    report = sweep(at(2025, 3, 4, 10))

    assert report.counts["sign_overdue"] == 0
    assert report.counts["response_overdue"] == 0


def test_a_missed_first_response_is_told_once(build):
    build(dispatched=DISPATCHED, due=DUE, response_due_at=at(2025, 3, 3, 10, 30))

    assert sweep(at(2025, 3, 3, 10, 29)).counts["response_overdue"] == 0
    assert sweep(at(2025, 3, 3, 10, 30)).counts["response_overdue"] == 1
    assert sweep(at(2025, 3, 3, 11)).counts["response_overdue"] == 0


# --- before the handling deadline -------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(2025, 3, 3, 12), []),
        (at(2025, 3, 4, 21, 59), []),
        (at(2025, 3, 4, 22, 0), [(NotificationReason.DUE_SOON, 50)]),
        (at(2025, 3, 5, 19, 35), [(NotificationReason.DUE_SOON, 50)]),
        # First seen past 80%: the 80% reminder alone, the 50% one would say less.
        (at(2025, 3, 5, 19, 36), [(NotificationReason.DUE_SOON, 80)]),
        (at(2025, 3, 6, 9, 59), [(NotificationReason.DUE_SOON, 80)]),
        # Past the deadline it is no longer "soon": the overdue rules take over.
        (at(2025, 3, 6, 10, 0), []),
    ],
)
def test_due_soon_reminders_at_50_and_80_percent(build, moment, expected):
    build(dispatched=DISPATCHED, due=DUE)

    sweep(moment)

    assert reasons(reason=NotificationReason.DUE_SOON) == expected


def test_due_soon_reminders_follow_the_clock_one_each(build):
    _t, assignment = build(dispatched=DISPATCHED, due=DUE)

    moments = [at(2025, 3, 4, 22), at(2025, 3, 4, 23), at(2025, 3, 5, 20), at(2025, 3, 6, 9)]
    counts = [sweep(m).counts["due_soon"] for m in moments]

    assert counts == [1, 0, 1, 0]
    assert reasons(assignment=assignment) == [
        (NotificationReason.DUE_SOON, 50),
        (NotificationReason.DUE_SOON, 80),
    ]


def test_a_new_deadline_is_reminded_again(build):
    """An extension (or a reopening) gives a new deadline, and its reminders come again."""
    _t, assignment = build(dispatched=DISPATCHED, due=DUE)
    sweep(at(2025, 3, 5, 20))  # 80% of the first deadline
    Assignment.objects.filter(pk=assignment.pk).update(due_at=at(2025, 3, 10, 10))

    # The new span is 168 hours from the dispatch; 80% of it is Sunday 00:24.
    report = sweep(at(2025, 3, 9, 0, 30))

    assert report.counts["due_soon"] == 1
    deadlines = sorted(
        Notification.objects.filter(reason=NotificationReason.DUE_SOON).values_list("deadline", flat=True)
    )
    assert deadlines == [DUE, at(2025, 3, 10, 10)]


def test_configured_shares(build):
    build(dispatched=DISPATCHED, due=DUE)

    sweep(at(2025, 3, 5, 20), DUE_SOON_PERCENTS=[25, 90])

    assert reasons(reason=NotificationReason.DUE_SOON) == [(NotificationReason.DUE_SOON, 25)]


# --- the daily digest -------------------------------------------------------------------------


def test_the_daily_digest_comes_once_per_working_day_per_unit(build, departments):
    build(dispatched=DISPATCHED, due=DUE)
    build(dispatched=DISPATCHED, due=at(2025, 3, 3, 12))  # overdue from the first afternoon
    build(dispatched=DISPATCHED, due=DUE, lead="water")
    daily = {"DAILY_REMINDER_AT": "09:00"}

    assert sweep(at(2025, 3, 4, 8, 59), **daily).counts["daily"] == 0
    assert sweep(at(2025, 3, 4, 9, 0), **daily).counts["daily"] == 2
    assert sweep(at(2025, 3, 4, 17, 0), **daily).counts["daily"] == 0
    assert sweep(at(2025, 3, 5, 9, 30), **daily).counts["daily"] == 2

    street = Notification.objects.filter(reason=NotificationReason.DAILY, department=departments["street"])
    assert street.count() == 2
    message = street.order_by("created_at").first().message
    assert "2 件工单尚未办结" in message
    assert "待签收 2 件" in message
    assert "已超期 1 件" in message


@pytest.mark.parametrize(
    ("moment", "fires"),
    [
        (at(2025, 3, 8, 10), False),  # Saturday
        (at(2025, 9, 28, 10), True),  # Sunday, a make-up working day (调休) before National Day
        (at(2025, 10, 3, 10), False),  # National Day holiday, a Friday
    ],
)
def test_the_daily_digest_follows_the_work_calendar(build, moment, fires):
    build(dispatched=at(2025, 3, 3, 10), due=at(2026, 3, 3, 10))

    assert sweep(moment, DAILY_REMINDER_AT="09:00").counts["daily"] == int(fires)


def test_no_daily_digest_for_units_with_nothing_open(build):
    _t, assignment = build(dispatched=DISPATCHED, due=DUE)
    Assignment.objects.filter(pk=assignment.pk).update(status=AssignmentStatus.ANSWERED)

    assert sweep(at(2025, 3, 4, 10), DAILY_REMINDER_AT="09:00").counts["daily"] == 0
