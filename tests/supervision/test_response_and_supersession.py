"""An urgent ticket's missed first response is supervised (a 催办 on the board and the timeline, closed
by signing), and each step up the ladder closes the lower steps still open on the same assignment."""

import pytest
from django.utils import translation

from hotline.core import clock
from hotline.core.enums import AssignmentStatus, NotificationReason, Role, SupervisionKind, SupervisionReason
from hotline.notifications.models import Notification
from hotline.supervision.actions import do_open_supervision
from hotline.supervision.models import Supervision
from hotline.tickets.models import Assignment, TicketEvent
from tests.supervision.conftest import at, sweep

pytestmark = pytest.mark.django_db

K = SupervisionKind
DISPATCHED = at(2025, 3, 3, 10)
RESPONSE = at(2025, 3, 3, 10, 30)
DUE = at(2025, 3, 6, 10)


def test_a_missed_first_response_opens_a_reminder_on_the_board_and_the_timeline(build, departments):
    ticket, assignment = build(dispatched=DISPATCHED, due=DUE, response_due_at=RESPONSE, sign_due_at=RESPONSE)

    assert sweep(at(2025, 3, 3, 10, 29)).counts["response_reminded"] == 0
    report = sweep(at(2025, 3, 3, 10, 34))

    assert report.counts["response_reminded"] == 1
    found = Supervision.objects.get()
    assert (found.kind, found.reason, found.assignment_id, found.department_id, found.resolved_at) == (
        K.REMINDER,
        SupervisionReason.RESPONSE_OVERDUE,
        assignment.pk,
        departments["street"].pk,
        None,
    )
    assert found.assignment_due_at == RESPONSE
    # Named with the unit: a lead and a co-handler both late made two lines the same.
    unit = departments["street"].name
    assert (
        found.reason_text == f"工单 {ticket.number}「{ticket.title}」：{unit}首次响应时限已过仍未签收，催办。"
    )
    event = TicketEvent.objects.get(ticket=ticket, action="supervise")
    assert event.details["reason"] == SupervisionReason.RESPONSE_OVERDUE
    # The unit is told once (the response rule), not a second time for the sign-off deadline that
    # is the same moment, nor by the 催办; the supervisors are told of the 催办.
    told = Notification.objects.filter(department=departments["street"])
    assert list(told.values_list("reason", flat=True)) == [NotificationReason.RESPONSE_OVERDUE]
    assert report.counts["sign_overdue"] == 0
    assert Notification.objects.filter(
        reason=NotificationReason.SUPERVISION, role=Role.SUPERVISOR, department__isnull=True
    ).exists()
    # Once only.
    assert sweep(at(2025, 3, 3, 11)).counts["response_reminded"] == 0


def test_signing_closes_the_response_reminder(build):
    _ticket, assignment = build(dispatched=DISPATCHED, due=DUE, response_due_at=RESPONSE)
    sweep(at(2025, 3, 3, 10, 34))
    Assignment.objects.filter(pk=assignment.pk).update(status=AssignmentStatus.ACCEPTED)

    sweep(at(2025, 3, 3, 10, 40))

    found = Supervision.objects.get()
    assert found.resolved_at == at(2025, 3, 3, 10, 40)
    assert "签收" in found.resolution_note


def open_kinds(assignment: Assignment) -> list[str]:
    return sorted(
        Supervision.objects.filter(assignment=assignment, resolved_at__isnull=True).values_list(
            "kind", flat=True
        )
    )


def test_each_step_up_the_ladder_closes_the_lower_steps(build):
    _t, assignment = build(dispatched=DISPATCHED, due=DUE)

    sweep(at(2025, 3, 6, 11))  # 催办
    assert open_kinds(assignment) == [K.REMINDER]
    report = sweep(at(2025, 3, 7, 9))  # 督办

    assert report.counts["superseded"] == 1
    assert open_kinds(assignment) == [K.ORDER]
    reminder = Supervision.objects.get(kind=K.REMINDER)
    assert reminder.resolved_at == at(2025, 3, 7, 9)
    assert "督办" in reminder.resolution_note

    for moment in (at(2025, 3, 11, 9), at(2025, 3, 13, 9)):  # 挂牌, then 提级
        sweep(moment)
    assert open_kinds(assignment) == [K.ELEVATION]
    assert Supervision.objects.count() == 4


def test_the_sweep_writes_each_lower_step_it_closes_on_the_timeline(build, staff):
    ticket, assignment = build(dispatched=DISPATCHED, due=DUE)
    sweep(at(2025, 3, 6, 11))  # 催办 by the sweep
    with clock.frozen_at(at(2025, 3, 6, 15)):
        by_hand = do_open_supervision(ticket, staff["supervisor"], kind=K.REMINDER, reason="请加快")

    report = sweep(at(2025, 3, 7, 9))  # 督办: both 催办 close

    assert report.counts["superseded"] == 2
    reminders = Supervision.objects.filter(assignment=assignment, kind=K.REMINDER)
    closed = TicketEvent.objects.filter(ticket=ticket, action="resolve_supervision").order_by("pk")
    assert sorted(e.details["supervision"] for e in closed) == sorted(r.pk for r in reminders)
    assert by_hand.pk in [e.details["supervision"] for e in closed]
    for event in closed:
        # As the sweep writes its other lines: by no one, marked as the sweep's, at the sweep's time.
        assert (event.actor, event.at, event.details["by"]) == (None, at(2025, 3, 7, 9), "sweep")
        assert event.details["kind"] == K.REMINDER
        # The same note as the record's, and as a step up by hand would write.
        assert event.details["note"] == "已升级为督办，自动销号"
    assert set(reminders.values_list("resolution_note", flat=True)) == {"已升级为督办，自动销号"}
    assert report.counts["events"] == 1 + 2  # the 督办's line and the two closings

    for moment in (at(2025, 3, 11, 9), at(2025, 3, 13, 9)):  # 挂牌, then 提级
        sweep(moment)
    notes = TicketEvent.objects.filter(ticket=ticket, action="resolve_supervision").values_list(
        "details__kind", "details__note"
    )
    assert sorted(notes) == sorted(
        [
            (K.REMINDER, "已升级为督办，自动销号"),
            (K.REMINDER, "已升级为督办，自动销号"),
            (K.ORDER, "已升级为挂牌督办，自动销号"),
            (K.LISTING, "已升级为提级办理，自动销号"),
        ]
    )


def test_an_elevation_by_hand_closes_the_lower_steps_on_its_assignment_and_says_so(build, staff):
    ticket, assignment = build(dispatched=DISPATCHED, due=DUE)
    sweep(at(2025, 3, 7, 9))  # 督办 by the sweep
    with clock.frozen_at(at(2025, 3, 7, 10)):
        reminder = do_open_supervision(ticket, staff["supervisor"], kind=K.REMINDER, reason="请加快")
        do_open_supervision(ticket, staff["supervisor"], kind=K.ELEVATION, reason="提级")

    assert open_kinds(assignment) == [K.ELEVATION]
    reminder.refresh_from_db()
    assert reminder.resolved_at == at(2025, 3, 7, 10)
    assert reminder.resolved_by == staff["supervisor"]
    closed = TicketEvent.objects.filter(ticket=ticket, action="resolve_supervision")
    assert sorted(e.details["kind"] for e in closed) == [K.ORDER, K.REMINDER]
    assert all("提级办理" in e.details["note"] for e in closed)


def test_a_step_up_by_hand_in_english_stores_the_note_in_the_citys_language(build, staff):
    ticket, _assignment = build(dispatched=DISPATCHED, due=DUE)
    with clock.frozen_at(at(2025, 3, 7, 10)), translation.override("en"):
        reminder = do_open_supervision(ticket, staff["supervisor"], kind=K.REMINDER, reason="请加快")
        do_open_supervision(ticket, staff["supervisor"], kind=K.ORDER, reason="督办")

    reminder.refresh_from_db()
    assert reminder.resolution_note == "已升级为督办，自动销号"
    closed = TicketEvent.objects.get(ticket=ticket, action="resolve_supervision")
    assert closed.details["note"] == "已升级为督办，自动销号"
