"""Fixtures for the ticket tests: a movable clock, and a `flow` that drives tickets through real actions."""

from collections.abc import Iterator
from datetime import datetime
from typing import Any, cast
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from hotline.accounts.models import User
from hotline.core.enums import AssignmentStatus, Kind, Resolution, Satisfaction, TicketStatus
from hotline.directory.models import Department
from hotline.feedback import actions as feedback_actions
from hotline.feedback.models import Callback, Reply
from hotline.taxonomy.models import Category
from hotline.tickets import actions
from hotline.tickets.models import Assignment, InvalidationRequest, Ticket, TicketEvent
from tests.api.conftest import api_as  # noqa: F401  (the API tests' token client)
from tests.factories import CategoryFactory, DepartmentFactory, UserFactory, make_ticket

SHANGHAI = ZoneInfo("Asia/Shanghai")
S = TicketStatus


# factory-boy has no types: these say what its factories return.
def new_user(**kwargs: Any) -> User:
    return cast(User, UserFactory(**kwargs))


def new_department(**kwargs: Any) -> Department:
    return cast(Department, DepartmentFactory(**kwargs))


def new_category(**kwargs: Any) -> Category:
    return cast(Category, CategoryFactory(**kwargs))


class FrozenClock:
    """Stands in for `hotline.core.clock.now`; tests set `.value` to move time."""

    def __init__(self, value: datetime) -> None:
        self.value = value

    def __call__(self) -> datetime:
        return self.value

    def set(self, value: datetime) -> None:
        if value.tzinfo is None:
            raise ValueError("the clock only takes aware datetimes")
        self.value = value


@pytest.fixture
def frozen_clock() -> Iterator[FrozenClock]:
    """The clock stopped at a weekday morning in Shanghai (Tuesday 2025-06-10 09:30)."""
    clock = FrozenClock(datetime(2025, 6, 10, 9, 30, tzinfo=SHANGHAI))
    with mock.patch("hotline.core.clock.now", clock):
        yield clock


def snapshot(ticket_id: int) -> dict[str, Any]:
    """Everything an action may touch on one ticket, to compare before and after a refusal."""
    return {
        "ticket": Ticket.objects.filter(pk=ticket_id).values().get(),
        "assignments": list(Assignment.objects.filter(ticket_id=ticket_id).order_by("pk").values()),
        "events": TicketEvent.objects.filter(ticket_id=ticket_id).count(),
        "replies": Reply.objects.filter(ticket_id=ticket_id).count(),
        "callbacks": Callback.objects.filter(ticket_id=ticket_id).count(),
        "invalidation": list(InvalidationRequest.objects.filter(ticket_id=ticket_id).order_by("pk").values()),
        "tickets_total": Ticket.objects.count(),
        "events_total": TicketEvent.objects.count(),
    }


class Flow:
    """Brings fresh tickets into any status through the real actions, with the usual actors.

    The standard path: operator receives; dispatcher sends it to 住建局 (lead) with 水务局 (co);
    住建局 signs; 水务局 signs and answers; 住建局 replies; the operator calls back.
    """

    def __init__(self, staff: dict[str, User], departments: dict[str, Department]) -> None:
        self.staff = staff
        self.departments = departments

    def user(self, key: str) -> User:
        return self.staff[key]

    def dept(self, key: str) -> Department:
        return self.departments[key]

    def new(self, *, kind: str = Kind.COMPLAINT, **kwargs: Any) -> Ticket:
        return make_ticket(actor=self.staff["operator"], kind=kind, **kwargs)

    def call(self, name: str, phone: str, title: str = "滨江花园20栋楼道灯坏了") -> Ticket:
        """A caller's new ticket about a stairwell light at one address, as the operator takes it."""
        return self.new(
            title=title,
            content=f"{title}，晚上很黑，请尽快修理。",
            phone=phone,
            citizen_name=name,
            address="滨江花园20栋",
        )

    def assignment(self, ticket: Ticket, dept_key: str) -> Assignment:
        """The department's latest assignment on the ticket that is not withdrawn."""
        found = (
            Assignment.objects.filter(ticket=ticket, department=self.departments[dept_key])
            .exclude(status=AssignmentStatus.WITHDRAWN)
            .order_by("-pk")
            .first()
        )
        assert found is not None, f"no assignment of {dept_key} on {ticket.number}"
        return found

    # The steps of the standard path, each one real action.

    def dispatch(
        self, ticket: Ticket, lead: str = "housing", co: tuple[str, ...] = ("water",), **kwargs: Any
    ) -> Ticket:
        return actions.do_dispatch_ticket(
            ticket,
            self.staff["dispatcher"],
            lead_department_id=self.departments[lead].pk,
            co_department_ids=[self.departments[d].pk for d in co],
            **kwargs,
        )

    def accept(self, ticket: Ticket, who: str = "housing") -> Ticket:
        return actions.do_accept_assignment(ticket, self.staff[who])

    def co_answer(self, ticket: Ticket, who: str = "water", text: str = "已配合排查管线。") -> Ticket:
        return actions.do_answer_assignment(ticket, self.staff[who], text=text)

    def reply(self, ticket: Ticket, who: str = "housing", text: str = "路灯已修复。") -> Ticket:
        return feedback_actions.do_reply_ticket(ticket, self.staff[who], text=text)

    def callback(self, ticket: Ticket, satisfaction: str = Satisfaction.SATISFIED) -> Ticket:
        resolution = (
            Resolution.UNRESOLVED if satisfaction == Satisfaction.UNSATISFIED else Resolution.RESOLVED
        )
        return feedback_actions.do_record_callback(
            ticket, self.staff["operator"], resolution=resolution, satisfaction=satisfaction
        )

    def to(self, status: str, *, kind: str = Kind.COMPLAINT) -> Ticket:
        """A fresh ticket in `status`, reached only through actions."""
        if status == S.ANSWERED:
            ticket = self.new(kind=Kind.CONSULTATION)
            return feedback_actions.do_answer_on_spot(
                ticket, self.staff["operator"], text="办理时间为工作日9点至17点。"
            )
        ticket = self.new(kind=kind)
        if status == S.NEW:
            return ticket
        if status == S.MERGED:
            target = self.new(kind=kind)
            return actions.do_merge_ticket(ticket, self.staff["operator"], into_ticket_id=target.pk)
        if status == S.INVALID:
            ticket = actions.do_request_invalidation(ticket, self.staff["operator"], reason="恶意骚扰电话")
            return actions.do_confirm_invalidation(ticket, self.staff["supervisor"], confirm=True)
        ticket = self.dispatch(ticket)
        if status == S.DISPATCHED:
            return ticket
        if status == S.RETURNED:
            return actions.do_return_assignment(ticket, self.staff["housing"], reason="不属于本单位职责")
        ticket = self.accept(ticket)
        if status == S.ACCEPTED:
            return ticket
        ticket = self.accept(ticket, "water")
        ticket = self.co_answer(ticket)
        ticket = self.reply(ticket)
        if status == S.REPLIED:
            return ticket
        if status == S.REOPENED:
            return self.callback(ticket, Satisfaction.UNSATISFIED)
        if status == S.CLOSED:
            ticket = self.callback(ticket)
            return feedback_actions.do_close_ticket(ticket, self.staff["operator"])
        raise AssertionError(f"no path to {status}")


@pytest.fixture
def flow(staff: dict[str, User], departments: dict[str, Department]) -> Flow:
    return Flow(staff, departments)
