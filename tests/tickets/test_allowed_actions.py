"""allowed_actions: the state, the role and the department's own assignments, and the actions agree."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from django.db import transaction

from hotline.accounts.models import User
from hotline.accounts.permissions import ACTION_ROLES
from hotline.core.enums import Role, SuspensionReason
from hotline.core.errors import ActionNotAllowed, Forbidden, HotlineError
from hotline.feedback import actions as feedback_actions
from hotline.sla import actions as sla_actions
from hotline.tickets import actions
from hotline.tickets.models import Ticket
from hotline.tickets.transitions import ALLOWED_FROM, ASSIGNMENT_NEEDS, allowed_actions
from tests.tickets.conftest import SHANGHAI, Flow, S, new_user

pytestmark = pytest.mark.django_db

DEPARTMENT_ACTIONS = set(ASSIGNMENT_NEEDS)


def offered(flow: Flow, ticket: Ticket, who: str) -> set[str]:
    ticket.refresh_from_db()
    return set(allowed_actions(flow.user(who), ticket))


def suspend(flow: Flow, ticket: Ticket, who: str = "housing") -> Ticket:
    return sla_actions.do_suspend_assignment(
        ticket, flow.user(who), reason=SuspensionReason.CITIZEN_UNREACHABLE, note=""
    )


def test_a_handler_of_another_department_gets_no_department_action(flow: Flow) -> None:
    ticket = flow.dispatch(flow.new())  # housing leads, water co-handles

    assert offered(flow, ticket, "street") == set()
    assert offered(flow, ticket, "district_head") == set()


def test_the_lead_department_may_accept_a_dispatched_ticket(flow: Flow) -> None:
    ticket = flow.dispatch(flow.new())

    assert offered(flow, ticket, "housing") == {"accept", "return"}
    assert offered(flow, ticket, "water") == {"accept", "return"}


def test_a_co_handler_does_not_get_reply_and_the_lead_does_not_get_answer(flow: Flow) -> None:
    ticket = flow.accept(flow.accept(flow.dispatch(flow.new())), "water")

    housing, water = offered(flow, ticket, "housing"), offered(flow, ticket, "water")

    assert housing & DEPARTMENT_ACTIONS == {"return", "reply", "progress", "suspend", "request_extension"}
    assert water & DEPARTMENT_ACTIONS == {"return", "answer", "progress", "suspend", "request_extension"}


def test_a_department_that_signed_is_not_offered_to_sign_again(flow: Flow) -> None:
    ticket = flow.accept(flow.dispatch(flow.new()))  # housing signed, water not yet

    assert "accept" not in offered(flow, ticket, "housing")
    assert "accept" in offered(flow, ticket, "water")
    assert "reply" in offered(flow, ticket, "housing")  # the co-handler's answer is checked on reply


def test_resume_needs_a_suspended_assignment_and_suspend_a_running_one(flow: Flow) -> None:
    ticket = flow.accept(flow.accept(flow.dispatch(flow.new())), "water")
    assert "resume" not in offered(flow, ticket, "housing")
    assert "resume" not in offered(flow, ticket, "dispatcher")  # nothing to restart

    suspend(flow, ticket)

    housing = offered(flow, ticket, "housing")
    assert "resume" in housing
    assert "suspend" not in housing
    water = offered(flow, ticket, "water")  # water's clock still runs
    assert "suspend" in water
    assert "resume" not in water
    assert "resume" in offered(flow, ticket, "dispatcher")
    assert "resume" in offered(flow, ticket, "supervisor")


def test_a_head_acts_for_the_departments_below(flow: Flow) -> None:
    ticket = flow.dispatch(flow.new(), lead="street", co=())

    assert offered(flow, ticket, "district_head") == {"accept", "return"}
    assert offered(flow, ticket, "street") == {"accept", "return"}
    assert offered(flow, ticket, "housing") == set()


def test_a_returned_assignment_offers_nothing_more_to_its_department(flow: Flow) -> None:
    ticket = flow.dispatch(flow.new())
    actions.do_return_assignment(ticket, flow.user("water"), reason="不属于本单位职责")

    assert offered(flow, ticket, "water") & DEPARTMENT_ACTIONS == set()
    assert offered(flow, ticket, "housing") == {"accept", "return"}


def test_a_reopened_ticket_goes_to_its_lead_only(flow: Flow) -> None:
    ticket = flow.to(S.REOPENED)

    assert offered(flow, ticket, "housing") & DEPARTMENT_ACTIONS == {
        "return",
        "reply",
        "progress",
        "suspend",
        "request_extension",
    }
    assert offered(flow, ticket, "water") & DEPARTMENT_ACTIONS == set()  # answered, and stays answered


def test_citywide_roles_are_not_limited_by_a_department(flow: Flow) -> None:
    ticket = flow.dispatch(flow.new())

    assert offered(flow, ticket, "operator") == {"request_invalidation", "merge", "link", "unlink"}
    assert offered(flow, ticket, "dispatcher") == {
        "review_return",
        "recall",  # before the lead signs
        "request_invalidation",
        "confirm_invalidation",
        "merge",
        "link",
        "unlink",
        "review_extension",
    }
    assert offered(flow, ticket, "leader") == set()


def test_a_deactivated_account_is_offered_nothing(flow: Flow) -> None:
    ticket = flow.dispatch(flow.new())
    housing = flow.user("housing")
    housing.is_active = False
    housing.save()

    assert offered(flow, ticket, "housing") == set()


def test_a_handler_without_a_department_is_offered_no_department_action(flow: Flow) -> None:
    ticket = flow.dispatch(flow.new())
    homeless = new_user(role=Role.HANDLER, department=None)

    assert set(allowed_actions(homeless, ticket)) == set()


def test_the_order_is_that_of_allowed_from(flow: Flow) -> None:
    ticket = flow.accept(flow.dispatch(flow.new()))

    names = allowed_actions(flow.user("admin"), ticket)

    assert names == [n for n in ALLOWED_FROM if n in names]


# --- the actions agree ---------------------------------------------------------------------------

RUN: dict[str, Callable[[Ticket, User], Any]] = {
    "accept": lambda t, u: actions.do_accept_assignment(t, u),
    "return": lambda t, u: actions.do_return_assignment(t, u, reason="不属于本单位职责"),
    "answer": lambda t, u: actions.do_answer_assignment(t, u, text="已配合排查。"),
    "reply": lambda t, u: feedback_actions.do_reply_ticket(t, u, text="已修复。"),
    "suspend": lambda t, u: sla_actions.do_suspend_assignment(
        t, u, reason=SuspensionReason.AWAITING_MATERIAL
    ),
    "resume": lambda t, u: sla_actions.do_resume_assignment(t, u),
    "progress": lambda t, u: actions.do_record_progress(t, u, text="已电话联系市民，约定周三现场查看"),
    "request_extension": lambda t, u: sla_actions.do_request_extension(
        t, u, reason="需协调", requested_due_at=datetime(2099, 1, 1, 17, tzinfo=SHANGHAI)
    ),
}

# What an action says when the user's department has no assignment it could work on.
SCOPE_REFUSALS = (
    "不属于您的单位",
    "没有您单位可执行此操作的派单",
    "您单位的派单",
    "主办单位请使用",
    "只有主办单位可以答复",
)


class _Undo(Exception):
    pass


def attempt(name: str, ticket: Ticket, user: User) -> HotlineError | None:
    """Run the action and undo it; the error it raised, if any."""
    try:
        with transaction.atomic():
            RUN[name](Ticket.objects.get(pk=ticket.pk), user)
            raise _Undo
    except _Undo:
        return None
    except HotlineError as error:
        return error


def _dispatched(flow: Flow) -> Ticket:
    return flow.dispatch(flow.new())


def _lead_signed(flow: Flow) -> Ticket:
    return flow.accept(_dispatched(flow))


def _both_signed(flow: Flow) -> Ticket:
    return flow.accept(_lead_signed(flow), "water")


def _lead_suspended(flow: Flow) -> Ticket:
    return suspend(flow, _both_signed(flow))


def _co_answered(flow: Flow) -> Ticket:
    return flow.co_answer(_both_signed(flow))


def _co_returned(flow: Flow) -> Ticket:
    return actions.do_return_assignment(_dispatched(flow), flow.user("water"), reason="不属于本单位职责")


def _street_led(flow: Flow) -> Ticket:
    return flow.dispatch(flow.new(), lead="street", co=("housing",))


def _head_holds_lead_and_co(flow: Flow) -> Ticket:
    """The district's head acts for the street (lead) and the district (co), both signed."""
    ticket = flow.dispatch(flow.new(), lead="street", co=("district",))
    head = flow.user("district_head")
    return actions.do_accept_assignment(actions.do_accept_assignment(ticket, head), head)


SCENARIOS: dict[str, Callable[[Flow], Ticket]] = {
    "dispatched": _dispatched,
    "lead signed": _lead_signed,
    "both signed": _both_signed,
    "lead suspended": _lead_suspended,
    "co answered": _co_answered,
    "reopened": lambda flow: flow.to(S.REOPENED),
    "co returned": _co_returned,
    "street led": _street_led,
    "head holds lead and co": _head_holds_lead_and_co,
}


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_what_is_offered_is_not_refused_for_the_department_and_the_rest_is(flow: Flow, scenario: str) -> None:
    ticket = SCENARIOS[scenario](flow)
    ticket.refresh_from_db()
    checked = 0
    for who, user in flow.staff.items():
        names = set(allowed_actions(user, ticket))
        for name in DEPARTMENT_ACTIONS:
            if ticket.status not in ALLOWED_FROM[name] or user.role not in ACTION_ROLES[name]:
                continue  # the state and the role are the transition's own checks
            error = attempt(name, ticket, user)
            if name in names:
                assert not isinstance(error, Forbidden), (who, name, error)
                assert error is None or not any(m in error.message for m in SCOPE_REFUSALS), (
                    who,
                    name,
                    error,
                )
            else:
                assert isinstance(error, Forbidden | ActionNotAllowed), (who, name, error)
            checked += 1
    assert checked > 0
