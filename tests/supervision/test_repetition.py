"""Repetition: the same issue reported 3 times in 30 days, or a ticket returned twice -> 督办."""

from datetime import timedelta

import pytest

from hotline.core import clock
from hotline.core.enums import Role, SupervisionKind, SupervisionReason, TicketStatus
from hotline.notifications.models import Notification
from hotline.supervision.models import Supervision
from hotline.tickets.actions import do_dispatch_ticket, do_return_assignment, do_review_return
from hotline.tickets.models import Ticket
from tests.factories import CategoryFactory
from tests.supervision.conftest import at, received, sweep

pytestmark = pytest.mark.django_db

START = at(2025, 3, 3, 10)


@pytest.fixture
def category(db):
    return CategoryFactory(name="路灯")


def same_place(staff, departments, category, days: list[int], **kw) -> list[Ticket]:
    """Tickets about one category in one area, received `days` after START."""
    return [
        received(
            staff,
            START + timedelta(days=d),
            category_id=category.pk,
            area_id=departments["street"].pk,
            **kw,
        )
        for d in days
    ]


def orders(reason: str) -> list[Supervision]:
    return list(Supervision.objects.filter(reason=reason).order_by("pk"))


def test_three_reports_in_30_days_open_one_order_on_the_latest(staff, departments, category):
    tickets = same_place(staff, departments, category, [0, 10, 20])

    report = sweep(START + timedelta(days=21))

    assert report.counts["repeated"] == 1
    (order,) = orders(SupervisionReason.REPEATED)
    assert order.kind == SupervisionKind.ORDER
    assert order.ticket == tickets[-1]
    assert "3 次" in order.reason_text
    assert order.subject == f"ca:{category.pk}:{departments['street'].pk}"
    # Not dispatched yet: addressed to the city's supervisors.
    assert order.department is None
    note = Notification.objects.get(supervision=order)
    assert (note.department_id, note.role) == (None, Role.SUPERVISOR)


def test_once_per_issue_within_the_window(staff, departments, category):
    same_place(staff, departments, category, [0, 1, 2])
    sweep(START + timedelta(days=3))

    same_place(staff, departments, category, [4])  # a fourth report: the order is already open
    assert sweep(START + timedelta(days=5)).counts["repeated"] == 0
    assert len(orders(SupervisionReason.REPEATED)) == 1


@pytest.mark.parametrize(
    ("days", "fires"),
    [
        ([0, 10], False),  # twice only
        ([0, 15, 31], False),  # three times, but over more than 30 days
        ([2, 15, 31], True),
    ],
)
def test_the_count_and_the_window(staff, departments, category, days, fires):
    same_place(staff, departments, category, days)

    assert sweep(START + timedelta(days=31, hours=1)).counts["repeated"] == int(fires)


def test_the_same_address_written_differently(staff):
    for i, address in enumerate(["幸福路 12号", "幸福路12号", " 幸福路12号 ", "幸福路１２号"]):
        received(staff, START + timedelta(days=i), address=address)

    report = sweep(START + timedelta(days=4))

    # The full-width digits are another address to this rule: three of the four count.
    assert report.counts["repeated"] == 1
    (order,) = orders(SupervisionReason.REPEATED)
    assert order.subject.startswith("addr:")
    assert "同一地址" in order.reason_text


def test_no_order_when_every_report_is_finished(staff, departments, category):
    tickets = same_place(staff, departments, category, [0, 1, 2])
    Ticket.objects.filter(pk__in=[t.pk for t in tickets]).update(status=TicketStatus.CLOSED)

    assert sweep(START + timedelta(days=3)).counts["repeated"] == 0


def test_the_order_goes_to_the_lead_unit_at_work(staff, departments, category):
    *_, latest = same_place(staff, departments, category, [0, 1, 2])
    with clock.frozen_at(START + timedelta(days=2, hours=1)):
        do_dispatch_ticket(latest, staff["dispatcher"], lead_department_id=departments["water"].pk)

    sweep(START + timedelta(days=3))

    (order,) = orders(SupervisionReason.REPEATED)
    assert order.department == departments["water"]
    audiences = set(Notification.objects.filter(supervision=order).values_list("department_id", "role"))
    assert audiences == {(departments["water"].pk, Role.HEAD), (None, Role.SUPERVISOR)}


# --- returned twice -----------------------------------------------------------------------------


def returned(ticket: Ticket, by, dispatcher, *, then_to=None) -> None:
    assignment = ticket.lead_assignment
    do_return_assignment(ticket, by, reason="不属于本单位职责")
    if then_to is not None:
        do_review_return(
            ticket, dispatcher, assignment_id=assignment.pk, uphold=True, lead_department_id=then_to.pk
        )


def test_a_ticket_returned_twice_gets_an_order(staff, departments):
    ticket = received(staff, START)
    with clock.frozen_at(START + timedelta(hours=1)):
        do_dispatch_ticket(ticket, staff["dispatcher"], lead_department_id=departments["housing"].pk)
        returned(ticket, staff["housing"], staff["dispatcher"], then_to=departments["water"])

    assert sweep(START + timedelta(hours=2)).counts["returned"] == 0

    with clock.frozen_at(START + timedelta(hours=3)):
        returned(ticket, staff["water"], staff["dispatcher"], then_to=departments["street"])

    assert sweep(START + timedelta(hours=4)).counts["returned"] == 1
    assert sweep(START + timedelta(hours=5)).counts["returned"] == 0
    (order,) = orders(SupervisionReason.RETURNED)
    assert order.ticket == ticket
    assert order.department == departments["street"]
    assert "2 次" in order.reason_text
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.DISPATCHED


def test_returns_long_ago_are_not_looked_at(staff, departments):
    ticket = received(staff, START)
    with clock.frozen_at(START + timedelta(hours=1)):
        do_dispatch_ticket(ticket, staff["dispatcher"], lead_department_id=departments["housing"].pk)
        returned(ticket, staff["housing"], staff["dispatcher"], then_to=departments["water"])
        returned(ticket, staff["water"], staff["dispatcher"])

    assert sweep(START + timedelta(days=31)).counts["returned"] == 0
    assert sweep(START + timedelta(days=29)).counts["returned"] == 1
