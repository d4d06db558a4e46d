"""The sweep and the deadline actions together: a suspended assignment is left alone while its clock
stands still, and an approved extension is the deadline the sweep goes by."""

import pytest

from hotline.core import clock
from hotline.core.enums import NotificationReason, SuspensionReason
from hotline.notifications.models import Notification
from hotline.sla.actions import (
    do_request_extension,
    do_resume_assignment,
    do_review_extension,
    do_suspend_assignment,
)
from hotline.supervision.models import Supervision
from hotline.tickets.actions import do_accept_assignment
from tests.supervision.conftest import at, sweep

pytestmark = pytest.mark.django_db

DISPATCHED = at(2025, 3, 3, 10)  # a Monday
DUE = at(2025, 3, 6, 10)


@pytest.fixture
def signed(build, staff):
    ticket, assignment = build(dispatched=DISPATCHED, due=DUE)
    with clock.frozen_at(at(2025, 3, 3, 11)):
        do_accept_assignment(ticket, staff["street"])
    return ticket, assignment


def test_suspended_then_resumed(signed, staff):
    ticket, assignment = signed
    with clock.frozen_at(at(2025, 3, 4, 9)):
        do_suspend_assignment(ticket, staff["street"], reason=SuspensionReason.AWAITING_MATERIAL)
    # Past the deadline, twice over: nothing, while the clock stands still.
    for moment in (at(2025, 3, 6, 11), at(2025, 3, 12, 11)):
        assert sweep(moment).changed == 0
    assignment.refresh_from_db()
    assert assignment.overdue_at is None
    # Resumed on 03-12 at 09:00: six working days (42 working hours) given back, due 03-14 10:00.
    with clock.frozen_at(at(2025, 3, 12, 9)):
        do_resume_assignment(ticket, staff["street"])
    assignment.refresh_from_db()
    assert assignment.due_at == at(2025, 3, 14, 10)
    assert sweep(at(2025, 3, 13, 11)).counts["overdue_marked"] == 0
    report = sweep(at(2025, 3, 14, 11))
    assert report.counts["overdue_marked"] == 1
    assert report.counts["escalation_reminder"] == 1
    assert Supervision.objects.get().assignment_due_at == at(2025, 3, 14, 10)


def test_the_extended_deadline_counts(signed, staff):
    ticket, assignment = signed
    with clock.frozen_at(at(2025, 3, 5, 15)):
        do_request_extension(
            ticket, staff["street"], reason="需协调燃气公司", requested_due_at=at(2025, 3, 12, 17)
        )
        do_review_extension(ticket, staff["supervisor"], approve=True)
    assignment.refresh_from_db()
    assert (assignment.original_due_at, assignment.due_at) == (DUE, at(2025, 3, 12, 17))
    # The original deadline passes: not overdue, no escalation.
    report = sweep(at(2025, 3, 7, 11))
    assert report.counts["overdue_marked"] == 0
    assert not Supervision.objects.exists()
    # Reminded against the new deadline (50% of dispatch -> 03-12 17:00 is gone by 03-08 01:30).
    sweep(at(2025, 3, 9, 12))
    reminded = Notification.objects.filter(reason=NotificationReason.DUE_SOON)
    assert list(reminded.values_list("deadline", flat=True).distinct()) == [at(2025, 3, 12, 17)]
    report = sweep(at(2025, 3, 12, 18))
    assert report.counts["overdue_marked"] == 1
    assert Supervision.objects.get().assignment_due_at == at(2025, 3, 12, 17)


def test_an_extension_after_the_deadline_lifts_the_overdue_mark(signed, staff):
    ticket, assignment = signed
    assert sweep(at(2025, 3, 6, 11)).counts["overdue_marked"] == 1
    with clock.frozen_at(at(2025, 3, 6, 12)):
        do_request_extension(ticket, staff["street"], reason="材料不全", requested_due_at=at(2025, 3, 10, 17))
        do_review_extension(ticket, staff["dispatcher"], approve=True)
    assignment.refresh_from_db()
    assert assignment.overdue_at is None
    assert sweep(at(2025, 3, 7, 11)).counts["overdue_marked"] == 0


def test_the_ticket_page_gives_the_sweeps_reason_in_words(signed, staff, client):
    ticket, _assignment = signed
    assert sweep(at(2025, 3, 7, 11)).counts["overdue_marked"] == 1  # a day late: 督办
    client.force_login(staff["supervisor"])
    html = client.get(f"/tickets/{ticket.number}/").content.decode()
    timeline = html[html.index('id="timeline"') :]
    assert "督办" in timeline
    assert "理由：超期未办结" in timeline and "overdue" not in timeline
