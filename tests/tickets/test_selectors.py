"""Read queries: who sees which tickets, and whose phone numbers."""

from typing import Any

import pytest
from django.db.models import Q

from hotline.core.enums import AssignmentStatus, EventType, Role
from hotline.core.errors import NotFound
from hotline.tickets import actions
from hotline.tickets.models import Ticket, TicketEvent, current_lead
from hotline.tickets.selectors import (
    can_see_phone,
    filtered_tickets,
    get_visible_ticket,
    last_events,
    returns_rejected,
    visible_tickets,
)
from tests.tickets.conftest import Flow, FrozenClock, new_user


def test_citywide_roles_see_everything(flow: Flow) -> None:
    tickets = {flow.new().pk, flow.dispatch(flow.new()).pk}
    for key in ("operator", "dispatcher", "supervisor", "leader", "admin"):
        assert set(visible_tickets(flow.user(key)).values_list("pk", flat=True)) == tickets


def test_departments_see_their_assignments_only(flow: Flow) -> None:
    unassigned = flow.new()
    housing_lead = flow.dispatch(flow.new(), lead="housing", co=("water",))
    street_lead = flow.dispatch(flow.new(), lead="street", co=())
    district_lead = flow.dispatch(flow.new(), lead="district", co=())

    def seen(key: str) -> set[int]:
        return set(visible_tickets(flow.user(key)).values_list("pk", flat=True))

    assert seen("housing") == {housing_lead.pk}
    assert seen("water") == {housing_lead.pk}  # co-handlers see it too
    assert seen("street") == {street_lead.pk}
    # The district head sees the district's and the street's tickets.
    assert seen("district_head") == {street_lead.pk, district_lead.pk}
    assert unassigned.pk not in seen("district_head")


def test_an_upheld_return_hides_the_ticket_from_the_department(flow: Flow) -> None:
    ticket = flow.dispatch(flow.new())
    ticket = actions.do_return_assignment(ticket, flow.user("housing"), reason="非本单位")
    assert visible_tickets(flow.user("housing")).filter(pk=ticket.pk).exists()
    lead = flow.assignment(ticket, "housing")
    actions.do_review_return(
        ticket,
        flow.user("dispatcher"),
        assignment_id=lead.pk,
        uphold=True,
        lead_department_id=flow.dept("street").pk,
    )
    assert not visible_tickets(flow.user("housing")).filter(pk=ticket.pk).exists()
    assert visible_tickets(flow.user("street")).filter(pk=ticket.pk).exists()


@pytest.mark.parametrize("end", ["merge", "invalid"])
def test_a_rejected_return_keeps_the_ticket_visible_after_it_ends(flow: Flow, end: str) -> None:
    """The department worked on it (its return was refused), so it keeps seeing it once withdrawn."""
    ticket = flow.dispatch(flow.new())
    ticket = actions.do_return_assignment(ticket, flow.user("housing"), reason="非本单位")
    lead = flow.assignment(ticket, "housing")
    ticket = actions.do_review_return(
        ticket, flow.user("dispatcher"), assignment_id=lead.pk, uphold=False, note="属于本单位职责"
    )
    if end == "merge":
        ticket = actions.do_merge_ticket(ticket, flow.user("operator"), into_ticket_id=flow.new().pk)
    else:
        ticket = actions.do_request_invalidation(ticket, flow.user("operator"), reason="恶意诉求")
        ticket = actions.do_confirm_invalidation(ticket, flow.user("supervisor"), confirm=True)
    lead.refresh_from_db()
    assert lead.status == AssignmentStatus.WITHDRAWN
    assert visible_tickets(flow.user("housing")).filter(pk=ticket.pk).exists()


def test_handler_without_department_sees_nothing(flow: Flow) -> None:
    flow.dispatch(flow.new())
    homeless = new_user(role=Role.HANDLER, department=None)
    assert not visible_tickets(homeless).exists()


def test_get_visible_ticket_hides_what_one_may_not_see(flow: Flow) -> None:
    ticket = flow.dispatch(flow.new(), lead="housing", co=())
    assert get_visible_ticket(flow.user("housing"), ticket.pk) == ticket
    with pytest.raises(NotFound) as hidden:
        get_visible_ticket(flow.user("water"), ticket.pk)
    with pytest.raises(NotFound) as missing:
        get_visible_ticket(flow.user("water"), 999_999)
    # The same answer whether it exists or not.
    assert type(hidden.value) is type(missing.value)


def test_phone_numbers_only_for_roles_that_call_back(flow: Flow) -> None:
    ticket = flow.dispatch(flow.new(), lead="housing", co=())
    assert can_see_phone(flow.user("operator"), ticket)
    assert can_see_phone(flow.user("housing"), ticket)
    assert not can_see_phone(flow.user("leader"), ticket)
    assert not can_see_phone(flow.user("water"), ticket)  # a handler who may not see the ticket


def test_the_list_and_the_ticket_name_the_same_lead(flow: Flow, django_assert_num_queries: Any) -> None:
    """One rule for the lead in force, whether the assignments are prefetched (the list) or not."""
    ticket = flow.dispatch(flow.new(), lead="housing", co=("water",))
    ticket = actions.do_return_assignment(ticket, flow.user("housing"), reason="非本单位")
    returned = Ticket.objects.get(pk=ticket.pk).lead_assignment
    assert returned is not None and returned.department == flow.dept("housing")  # still the lead

    actions.do_review_return(
        ticket,
        flow.user("dispatcher"),
        assignment_id=flow.assignment(ticket, "housing").pk,
        uphold=True,
        lead_department_id=flow.dept("street").pk,
    )

    listed = Ticket.objects.prefetch_related("assignments").get(pk=ticket.pk)
    with django_assert_num_queries(0):
        from_the_list = listed.lead_assignment
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert from_the_list == fresh.lead_assignment == current_lead(fresh.assignments.all())
    assert fresh.lead_assignment is not None
    assert fresh.lead_assignment.department == flow.dept("street")
    assert current_lead([]) is None


def test_the_list_filters_combine(flow: Flow) -> None:
    housing = flow.dispatch(flow.new(title="楼道漏水"), lead="housing", co=())
    flow.dispatch(flow.new(title="路灯不亮"), lead="street", co=())
    flow.new(title="楼道堆物")
    operator = flow.user("operator")

    def found(**filters: Any) -> set[int]:
        return set(filtered_tickets(operator, **filters).values_list("pk", flat=True))

    assert found(text="楼道", statuses=["dispatched"]) == {housing.pk}
    assert found(department_id=flow.dept("housing").pk) == {housing.pk}
    assert len(found()) == 3
    # Never more than the user may see.
    assert set(filtered_tickets(flow.user("water")).values_list("pk", flat=True)) == set()


def test_the_last_event_of_each_ticket_that_matches(flow: Flow, frozen_clock: FrozenClock) -> None:
    # The clock stands still: dispatch and signing are written at the same moment.
    signed = flow.accept(flow.dispatch(flow.new()))
    dispatched = flow.dispatch(flow.new())
    waiting = flow.new()
    moves = Q(action__in=[EventType.DISPATCH, EventType.ACCEPT])

    def last() -> dict[int, str]:
        found = last_events([signed.pk, dispatched.pk, waiting.pk], moves)
        return {ticket: event.action for ticket, event in found.items()}

    # Of two at the same moment, the one written later; a ticket with none is left out.
    assert last() == {signed.pk: EventType.ACCEPT, dispatched.pk: EventType.DISPATCH}
    # The newest first, whatever the order they were written in.
    dispatch = TicketEvent.objects.get(ticket=signed, action=EventType.DISPATCH)
    TicketEvent.objects.filter(pk=dispatch.pk).update(at=dispatch.at.replace(hour=11))
    assert last()[signed.pk] == EventType.DISPATCH
    assert last_events([], moves) == {}


def test_a_rejected_return_is_read_from_the_last_review_of_its_ticket(
    flow: Flow, frozen_clock: FrozenClock
) -> None:
    ticket = flow.dispatch(flow.new())
    untouched = flow.dispatch(flow.new())
    lead = flow.assignment(ticket, "housing")

    def rejected_return(note: str) -> None:
        returned = actions.do_return_assignment(ticket, flow.user("housing"), reason="非本单位")
        actions.do_review_return(
            returned, flow.user("dispatcher"), assignment_id=lead.pk, uphold=False, note=note
        )
        lead.refresh_from_db()

    rejected_return("属于本单位职责")
    assert returns_rejected([lead, flow.assignment(untouched, "housing")]) == {lead.pk: "属于本单位职责"}
    # Rejected again at the same moment: the later review's reason.
    rejected_return("请继续办理")
    assert returns_rejected([lead]) == {lead.pk: "请继续办理"}

    # Upheld at last: the new lead's row says nothing of the old lead's rejections.
    returned = actions.do_return_assignment(ticket, flow.user("housing"), reason="非本单位")
    actions.do_review_return(
        returned,
        flow.user("dispatcher"),
        assignment_id=lead.pk,
        uphold=True,
        lead_department_id=flow.dept("street").pk,
    )
    assert returns_rejected([flow.assignment(ticket, "street")]) == {}
