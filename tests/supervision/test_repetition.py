"""Repetition: the same place, the same problem or (reviewed as reasonable) the same citizen reported
3 times in 30 days -> one 督办 on a ticket that a department is handling; a ticket returned twice ->
督办.

The repetition orders rest on what the counters found (supervision.repetition), as in the worker's
sweep task: `counted_sweep` brings them up to date first."""

from datetime import timedelta

import pytest

from hotline.core import clock
from hotline.core.enums import RepetitionKind, Role, SupervisionKind, SupervisionReason, TicketStatus
from hotline.notifications.models import Notification
from hotline.supervision.actions import do_review_repetition
from hotline.supervision.models import Repetition, Supervision
from hotline.tickets.actions import (
    do_dispatch_ticket,
    do_merge_ticket,
    do_return_assignment,
    do_review_return,
)
from hotline.tickets.models import Ticket
from tests.factories import CategoryFactory
from tests.supervision.conftest import at, counted_sweep, received, sweep

pytestmark = pytest.mark.django_db

START = at(2025, 3, 3, 10)
ADDRESS = "东湖区湖滨街道滨江花园20栋"
# Three problems at one building, as callers report them.
PROBLEMS = ["电梯又坏了", "楼道灯坏了", "垃圾没人清运"]


def at_the_building(staff, days: list[int], *, phones: list[str] | None = None) -> list[Ticket]:
    """Tickets about the building received `days` after START, each from another caller by default."""
    phones = phones or [f"1390000{100 + i}" for i in range(len(days))]
    return [
        received(
            staff,
            START + timedelta(days=d),
            address=ADDRESS,
            title=PROBLEMS[i % len(PROBLEMS)],
            phone=phones[i],
        )
        for i, d in enumerate(days)
    ]


def dispatch(ticket: Ticket, staff, department, moment) -> None:
    with clock.frozen_at(moment):
        do_dispatch_ticket(ticket, staff["dispatcher"], lead_department_id=department.pk)


def orders(*reasons: str) -> list[Supervision]:
    return list(Supervision.objects.filter(reason__in=reasons).order_by("pk"))


def test_three_callers_at_one_address_open_one_order_once_a_department_handles_it(client, staff, departments):
    first, *newer = at_the_building(staff, [0, 1, 2])

    # Every ticket still waits for dispatch: no unit to supervise yet, so no order.
    assert counted_sweep(START + timedelta(days=3)).counts["repeated"] == 0
    [flag] = Repetition.objects.filter(kind=RepetitionKind.PLACE, cleared_at__isnull=True)
    assert flag.count == 3

    # Once one of them is dispatched, the repetition still holding, the order goes to that ticket's unit.
    dispatch(first, staff, departments["water"], START + timedelta(days=3, hours=1))
    report = counted_sweep(START + timedelta(days=3, hours=2))
    assert report.counts["repeated"] == 1
    (order,) = orders(SupervisionReason.REPEATED_PLACE)
    assert (order.ticket, order.department, order.kind) == (
        first,
        departments["water"],
        SupervisionKind.ORDER,
    )
    assert order.assignment == first.assignments.get(role="lead")
    assert order.subject == f"place:{flag.pk}"
    assert order.get_reason_display() == "同一地址重复反映"
    assert order.reason_text.startswith(f"同一地址（{ADDRESS}）30 天内 3 位诉求人反映")
    assert first.number in order.reason_text
    audiences = set(Notification.objects.filter(supervision=order).values_list("department_id", "role"))
    assert audiences == {(departments["water"].pk, Role.HEAD), (None, Role.SUPERVISOR)}
    # The ticket's timeline names what repeated.
    client.force_login(staff["dispatcher"])
    with clock.frozen_at(START + timedelta(days=3, hours=2)):
        page = client.get(f"/tickets/{first.number}/").content.decode()
    assert "同一地址重复反映" in page and "同一问题重复反映" not in page

    # Once per repetition: a fourth caller changes nothing.
    at_the_building(staff, [4], phones=["13900009999"])
    assert counted_sweep(START + timedelta(days=5)).counts["repeated"] == 0
    assert newer and len(orders(SupervisionReason.REPEATED_PLACE)) == 1


@pytest.mark.parametrize(
    ("days", "fires"),
    [
        ([0, 10], False),  # twice only
        ([0, 15, 31], False),  # three times, but over more than 30 days
        ([2, 15, 31], True),
    ],
)
def test_the_count_and_the_window(staff, departments, days, fires):
    tickets = at_the_building(staff, days)
    dispatch(tickets[0], staff, departments["water"], START + timedelta(days=days[-1], hours=1))

    assert counted_sweep(START + timedelta(days=31, hours=2)).counts["repeated"] == int(fires)


def test_the_same_address_written_differently(staff, departments):
    tickets = [
        received(staff, START + timedelta(days=i), address=address, title=title, phone=f"1370000000{i}")
        for i, (address, title) in enumerate(
            zip(
                ["幸福路 12号", "幸福路12号", " 幸福路12号 ", "幸福路１２号"],
                [*PROBLEMS, "水管漏水"],
                strict=True,
            )
        )
    ]
    dispatch(tickets[0], staff, departments["water"], START + timedelta(days=3, hours=1))

    report = counted_sweep(START + timedelta(days=4))

    # The full-width digits are another address to this rule: three of the four count.
    assert report.counts["repeated"] == 1
    (order,) = orders(SupervisionReason.REPEATED_PLACE)
    assert order.ticket == tickets[0] and "3 位诉求人" in order.reason_text


def test_no_order_when_every_report_is_finished(staff):
    tickets = at_the_building(staff, [0, 1, 2])
    Ticket.objects.filter(pk__in=[t.pk for t in tickets]).update(status=TicketStatus.CLOSED)

    assert counted_sweep(START + timedelta(days=3)).counts["repeated"] == 0


def test_the_same_category_on_the_same_street_is_not_one_problem(staff, departments):
    """Three street lights out at three addresses of one street: three problems, no order."""
    category = CategoryFactory(name="路灯")
    tickets = [
        received(
            staff,
            START + timedelta(days=d),
            category_id=category.pk,
            area_id=departments["street"].pk,
            title=title,
            phone=f"1360000000{d}",
        )
        for d, title in enumerate(["人民路路灯不亮", "公园东门积水", "学校门口占道经营"])
    ]
    for ticket in tickets:
        dispatch(ticket, staff, departments["water"], START + timedelta(days=3))

    assert counted_sweep(START + timedelta(days=3, hours=1)).counts["repeated"] == 0
    assert orders(*REPEAT_REASONS) == []


def test_one_caller_counts_once_at_a_place(staff, departments):
    """Three calls about three problems at one building from one caller: a matter of the caller
    (for a person to review), not a place that a department is supervised about."""
    tickets = at_the_building(staff, [0, 1, 2], phones=["13900001111"] * 3)
    dispatch(tickets[0], staff, departments["water"], START + timedelta(days=2, hours=1))

    assert counted_sweep(START + timedelta(days=3)).counts["repeated"] == 0
    assert not Repetition.objects.filter(kind=RepetitionKind.PLACE).exists()
    [flag] = Repetition.objects.filter(kind=RepetitionKind.CITIZEN)
    assert flag.needs_review and flag.count == 3


def test_a_merged_duplicate_counts_as_the_appeal_of_its_caller(staff, departments):
    original, duplicate, _again = at_the_building(
        staff, [0, 1, 2], phones=["13900000001", "13900000002", "13900000001"]
    )
    dispatch(original, staff, departments["water"], START + timedelta(hours=1))
    with clock.frozen_at(START + timedelta(days=1, hours=1)):
        do_merge_ticket(duplicate, staff["dispatcher"], into_ticket_id=original.pk)

    # Three appeals from two callers, one merged: two.
    assert counted_sweep(START + timedelta(days=3)).counts["repeated"] == 0
    assert not Repetition.objects.filter(kind=RepetitionKind.PLACE).exists()

    received(staff, START + timedelta(days=4), address=ADDRESS, title="水管漏水", phone="13900000003")
    assert counted_sweep(START + timedelta(days=5)).counts["repeated"] == 1
    [flag] = Repetition.objects.filter(kind=RepetitionKind.PLACE)
    assert flag.count == 3 and flag.tickets.count() == 4
    (order,) = orders(SupervisionReason.REPEATED_PLACE)
    # The only ticket a department is handling: the original (the merged one joined it).
    assert order.ticket == original and "3 位诉求人" in order.reason_text


def test_a_citizen_repeating_is_supervised_only_once_a_person_finds_it_reasonable(staff, departments):
    tickets = [
        received(staff, START + timedelta(days=d), title=title, phone="13900005678")
        for d, title in enumerate(PROBLEMS)
    ]
    dispatch(tickets[1], staff, departments["housing"], START + timedelta(days=2, hours=1))

    assert counted_sweep(START + timedelta(days=3)).counts["repeated"] == 0
    [flag] = Repetition.objects.filter(kind=RepetitionKind.CITIZEN)
    with clock.frozen_at(START + timedelta(days=3, hours=1)):
        do_review_repetition(flag, staff["supervisor"], outcome="reasonable", note="电梯一直没修好")

    assert counted_sweep(START + timedelta(days=3, hours=2)).counts["repeated"] == 1
    (order,) = orders(SupervisionReason.REPEATED_CITIZEN)
    assert order.ticket == tickets[1] and order.department == departments["housing"]
    assert order.get_reason_display() == "同一市民重复反映"
    assert order.reason_text.startswith("同一市民 30 天内反映 3 次")
    assert "5678" not in order.reason_text


def test_a_citizen_found_unreasonable_is_not_supervised(staff, departments):
    tickets = [
        received(staff, START + timedelta(days=d), title=title, phone="13900005678")
        for d, title in enumerate(PROBLEMS)
    ]
    dispatch(tickets[1], staff, departments["housing"], START + timedelta(days=2, hours=1))
    counted_sweep(START + timedelta(days=3))
    [flag] = Repetition.objects.filter(kind=RepetitionKind.CITIZEN)
    with clock.frozen_at(START + timedelta(days=3, hours=1)):
        do_review_repetition(flag, staff["supervisor"], outcome="unreasonable")

    assert counted_sweep(START + timedelta(days=3, hours=2)).counts["repeated"] == 0


REPEAT_REASONS = (
    SupervisionReason.REPEATED,
    SupervisionReason.REPEATED_PLACE,
    SupervisionReason.REPEATED_CITIZEN,
)


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
