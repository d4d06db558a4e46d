"""Every action from every status: allowed ones succeed as the table says, the others change nothing."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from hotline.accounts.models import User
from hotline.accounts.permissions import ACTION_ROLES, action_label
from hotline.core.enums import (
    TERMINAL_STATUSES,
    AssignmentRole,
    AssignmentStatus,
    Kind,
    Role,
    SuspensionReason,
    TicketStatus,
)
from hotline.core.errors import ActionNotAllowed, Forbidden
from hotline.feedback import actions as feedback_actions
from hotline.intake import actions as intake_actions
from hotline.intake.actions import AppealData
from hotline.intake.models import Appeal
from hotline.sla import actions as sla_actions
from hotline.tickets import actions
from hotline.tickets.models import Assignment, Ticket, TicketEvent, linked_ids
from hotline.tickets.transitions import ALLOWED_FROM, on_locked
from tests.tickets.conftest import Flow, new_user, snapshot

S = TicketStatus
Call = Callable[[User], Ticket]


def _returned(ticket: Ticket) -> Assignment | None:
    return ticket.assignments.filter(status=AssignmentStatus.RETURNED).first()


def _co_water(flow: Flow, ticket: Ticket) -> Assignment | None:
    return (
        ticket.assignments.filter(department=flow.dept("water"), role=AssignmentRole.CO)
        .exclude(status=AssignmentStatus.WITHDRAWN)
        .first()
    )


# --- how to try each action ------------------------------------------------------------------------
# `prepare` runs only in allowed states and sets up what the action needs without changing the status;
# `bind` fixes the arguments (it may create other objects, e.g. a merge target) and returns the call.


def _prepare_accept(flow: Flow, ticket: Ticket) -> Ticket:
    return ticket


def _actor_accept(flow: Flow, ticket: Ticket) -> User:
    pending = ticket.assignments.filter(status=AssignmentStatus.PENDING).order_by("-role").first()
    if pending is None:
        return flow.user("housing")
    return flow.user("housing" if pending.department == flow.dept("housing") else "water")


def _prepare_review(flow: Flow, ticket: Ticket) -> Ticket:
    if _returned(ticket) is None:
        # A co-handler's return leaves the ticket where it is and waits for review.
        ticket = actions.do_return_assignment(ticket, flow.user("water"), reason="不属于本单位职责")
    return ticket


def _bind_review(flow: Flow, ticket: Ticket) -> Call:
    returned = _returned(ticket)
    any_assignment = ticket.assignments.order_by("pk").first()
    target = returned or any_assignment
    assignment_id = target.pk if target else 0
    lead = flow.dept("street").pk if returned and returned.role == AssignmentRole.LEAD else None
    return lambda actor: actions.do_review_return(
        ticket, actor, assignment_id=assignment_id, uphold=True, lead_department_id=lead
    )


def _prepare_answer(flow: Flow, ticket: Ticket) -> Ticket:
    co = _co_water(flow, ticket)
    if co is not None and co.status == AssignmentStatus.PENDING:
        ticket = flow.accept(ticket, "water")
    return ticket


def _prepare_reply(flow: Flow, ticket: Ticket) -> Ticket:
    ticket = _prepare_answer(flow, ticket)
    co = _co_water(flow, ticket)
    if co is not None and co.status == AssignmentStatus.ACCEPTED:
        ticket = flow.co_answer(ticket)
    return ticket


def _prepare_confirm(flow: Flow, ticket: Ticket) -> Ticket:
    return actions.do_request_invalidation(ticket, flow.user("operator"), reason="反复拨打骚扰")


def _prepare_close(flow: Flow, ticket: Ticket) -> Ticket:
    return flow.callback(ticket)


def _bind_merge(flow: Flow, ticket: Ticket) -> Call:
    target = flow.new()
    return lambda actor: actions.do_merge_ticket(ticket, actor, into_ticket_id=target.pk)


def _bind_link(flow: Flow, ticket: Ticket) -> Call:
    other = flow.new()
    return lambda actor: actions.do_link_tickets(ticket, actor, other_ticket_id=other.pk, note="同一小区")


def _prepare_unlink(flow: Flow, ticket: Ticket) -> Ticket:
    return actions.do_link_tickets(ticket, flow.user("operator"), other_ticket_id=flow.new().pk)


def _bind_unlink(flow: Flow, ticket: Ticket) -> Call:
    other = next(iter(linked_ids(ticket.pk)), None) or flow.new().pk
    return lambda actor: actions.do_unlink_tickets(ticket, actor, other_ticket_id=other)


def _actor_working(flow: Flow, ticket: Ticket) -> User:
    """The department with an accepted assignment: the co-handler once it signed, else the lead."""
    co = _co_water(flow, ticket)
    return flow.user("water" if co is not None and co.status == AssignmentStatus.ACCEPTED else "housing")


def _prepare_resume(flow: Flow, ticket: Ticket) -> Ticket:
    ticket = _prepare_answer(flow, ticket)
    return sla_actions.do_suspend_assignment(
        ticket, _actor_working(flow, ticket), reason=SuspensionReason.CITIZEN_UNREACHABLE
    )


def _request(flow: Flow, ticket: Ticket, actor: User) -> Ticket:
    return sla_actions.do_request_extension(
        ticket, actor, reason="需协调多个部门现场勘查", requested_due_at=datetime(2099, 1, 5, 17, tzinfo=UTC)
    )


def _prepare_review_extension(flow: Flow, ticket: Ticket) -> Ticket:
    ticket = _prepare_answer(flow, ticket)
    return _request(flow, ticket, _actor_working(flow, ticket))


@dataclass(frozen=True)
class Way:
    bind: Callable[[Flow, Ticket], Call]
    actor: Callable[[Flow, Ticket], User]
    # status before -> status after, for every status the action is expected to start from
    results: dict[str, str]
    prepare: Callable[[Flow, Ticket], Ticket] = field(default=lambda flow, ticket: ticket)


def _fixed(key: str) -> Callable[[Flow, Ticket], User]:
    return lambda flow, ticket: flow.user(key)


HANDLING = (S.NEW, S.DISPATCHED, S.ACCEPTED, S.RETURNED, S.REOPENED)

WAYS: dict[str, Way] = {
    "dispatch": Way(
        bind=lambda flow, t: (
            lambda actor: actions.do_dispatch_ticket(
                t,
                actor,
                lead_department_id=flow.dept("housing").pk,
                co_department_ids=[flow.dept("water").pk],
            )
        ),
        actor=_fixed("dispatcher"),
        results={S.NEW: S.DISPATCHED},
    ),
    "accept": Way(
        bind=lambda flow, t: lambda actor: actions.do_accept_assignment(t, actor),
        actor=_actor_accept,
        results={S.DISPATCHED: S.ACCEPTED, S.ACCEPTED: S.ACCEPTED},
    ),
    "return": Way(
        bind=lambda flow, t: lambda actor: actions.do_return_assignment(t, actor, reason="不属于本单位职责"),
        actor=_fixed("housing"),
        results={S.DISPATCHED: S.RETURNED, S.ACCEPTED: S.RETURNED, S.REOPENED: S.RETURNED},
    ),
    "review_return": Way(
        prepare=_prepare_review,
        bind=_bind_review,
        actor=_fixed("dispatcher"),
        results={S.RETURNED: S.DISPATCHED, S.DISPATCHED: S.DISPATCHED, S.ACCEPTED: S.ACCEPTED},
    ),
    "answer": Way(
        prepare=_prepare_answer,
        bind=lambda flow, t: lambda actor: actions.do_answer_assignment(t, actor, text="已配合排查。"),
        actor=_fixed("water"),
        results={S.DISPATCHED: S.DISPATCHED, S.ACCEPTED: S.ACCEPTED},
    ),
    "reply": Way(
        prepare=_prepare_reply,
        bind=lambda flow, t: lambda actor: feedback_actions.do_reply_ticket(t, actor, text="已修复。"),
        actor=_fixed("housing"),
        results={S.ACCEPTED: S.REPLIED, S.REOPENED: S.REPLIED},
    ),
    "return_reply": Way(
        bind=lambda flow, t: (
            lambda actor: feedback_actions.do_return_reply(t, actor, reason="请写明维修完成的日期。")
        ),
        actor=_fixed("supervisor"),
        results={S.REPLIED: S.REOPENED},
    ),
    "answer_on_spot": Way(
        bind=lambda flow, t: (
            lambda actor: feedback_actions.do_answer_on_spot(t, actor, text="请携带身份证办理。")
        ),
        actor=_fixed("operator"),
        results={S.NEW: S.ANSWERED},
    ),
    "request_invalidation": Way(
        bind=lambda flow, t: lambda actor: actions.do_request_invalidation(t, actor, reason="恶意诉求"),
        actor=_fixed("operator"),
        results={s: s for s in HANDLING},
    ),
    "confirm_invalidation": Way(
        prepare=_prepare_confirm,
        bind=lambda flow, t: lambda actor: actions.do_confirm_invalidation(t, actor, confirm=True),
        actor=_fixed("supervisor"),
        results=dict.fromkeys(HANDLING, S.INVALID),
    ),
    "callback": Way(
        bind=lambda flow, t: (
            lambda actor: feedback_actions.do_record_callback(
                t, actor, resolution="resolved", satisfaction="satisfied"
            )
        ),
        actor=_fixed("operator"),
        results={S.REPLIED: S.REPLIED, S.ANSWERED: S.ANSWERED},
    ),
    "callback_attempt": Way(
        bind=lambda flow, t: (
            lambda actor: feedback_actions.do_record_callback_attempt(t, actor, note="无人接听")
        ),
        actor=_fixed("operator"),
        results={S.REPLIED: S.REPLIED, S.ANSWERED: S.ANSWERED},
    ),
    "close": Way(
        prepare=_prepare_close,
        bind=lambda flow, t: lambda actor: feedback_actions.do_close_ticket(t, actor),
        actor=_fixed("operator"),
        results={S.REPLIED: S.CLOSED, S.ANSWERED: S.CLOSED},
    ),
    "merge": Way(
        bind=_bind_merge,
        actor=_fixed("operator"),
        results=dict.fromkeys(HANDLING, S.MERGED),
    ),
    "recall": Way(
        bind=lambda flow, t: lambda actor: actions.do_recall_dispatch(t, actor, reason="派错了单位"),
        actor=_fixed("dispatcher"),
        results={S.DISPATCHED: S.NEW},
    ),
    "unmerge": Way(
        bind=lambda flow, t: lambda actor: actions.do_unmerge_ticket(t, actor, note="不是同一问题"),
        actor=_fixed("dispatcher"),
        results={S.MERGED: S.NEW},
    ),
    "link": Way(
        bind=_bind_link,
        actor=_fixed("operator"),
        results={s: s for s in S.values if s not in TERMINAL_STATUSES},
    ),
    "unlink": Way(
        prepare=_prepare_unlink,
        bind=_bind_unlink,
        actor=_fixed("dispatcher"),
        results={s: s for s in S.values if s not in TERMINAL_STATUSES},
    ),
    "progress": Way(
        prepare=_prepare_answer,
        bind=lambda flow, t: (
            lambda actor: actions.do_record_progress(t, actor, text="已约市民周三现场查看", contacted=True)
        ),
        actor=_actor_working,
        results={s: s for s in (S.DISPATCHED, S.ACCEPTED, S.REOPENED)},
    ),
    "suspend": Way(
        prepare=_prepare_answer,
        bind=lambda flow, t: (
            lambda actor: sla_actions.do_suspend_assignment(
                t, actor, reason=SuspensionReason.AWAITING_MATERIAL
            )
        ),
        actor=_actor_working,
        results={s: s for s in (S.DISPATCHED, S.ACCEPTED, S.REOPENED)},
    ),
    "resume": Way(
        prepare=_prepare_resume,
        bind=lambda flow, t: lambda actor: sla_actions.do_resume_assignment(t, actor),
        actor=_fixed("dispatcher"),
        results={s: s for s in (S.DISPATCHED, S.ACCEPTED, S.REOPENED)},
    ),
    "request_extension": Way(
        prepare=_prepare_answer,
        bind=lambda flow, t: lambda actor: _request(flow, t, actor),
        actor=_actor_working,
        results={s: s for s in (S.DISPATCHED, S.ACCEPTED, S.REOPENED)},
    ),
    "review_extension": Way(
        prepare=_prepare_review_extension,
        bind=lambda flow, t: lambda actor: sla_actions.do_review_extension(t, actor, approve=True),
        actor=_fixed("supervisor"),
        results={s: s for s in (S.DISPATCHED, S.ACCEPTED, S.REOPENED)},
    ),
}

CASES = [(action, status) for action in WAYS for status in S.values]


def test_every_action_is_covered_and_the_table_matches() -> None:
    # receive makes a ticket; supervising leaves its state alone (supervision.actions); the rest act on
    # other records (warnings, repetitions, reply checks, knowledge articles, typical cases, reply
    # templates, published suggestions, kept reports), make an appeal, or read (the city's figures,
    # a unit's own, the staff's tickets through the API).
    not_on_a_ticket = {
        "receive",
        "grid_report",
        "supervise",
        "resolve_supervision",
        "review_repetition",
        "decide_warning",
        "review_reply",
        "review_article",
        "edit_article",
        "mark_case",
        "resend_citizen_message",
        "view_figures",
        "view_unit_figures",
        "remake_report",
        "manage_reply_templates",
        "publish_suggestion",
        "read_tickets",
    }
    assert set(WAYS) == set(ALLOWED_FROM) == set(ACTION_ROLES) - not_on_a_ticket
    for action, way in WAYS.items():
        assert set(way.results) == set(ALLOWED_FROM[action]), action


@pytest.mark.parametrize(("action", "status"), CASES)
def test_action_from_status(flow: Flow, action: str, status: str) -> None:
    way = WAYS[action]
    # Consultations take every path, including the on-the-spot answer.
    ticket = flow.to(status, kind=Kind.CONSULTATION)
    assert ticket.status == status
    if status not in ALLOWED_FROM[action]:
        call = way.bind(flow, ticket)
        actor = way.actor(flow, ticket)
        before = snapshot(ticket.pk)
        with pytest.raises(ActionNotAllowed) as refused:
            call(actor)
        assert snapshot(ticket.pk) == before
        assert ticket.number in refused.value.message
        assert ticket.get_status_display() in refused.value.message
        assert f"不能{action_label(action)}" in refused.value.message  # the action in words
        return

    ticket = way.prepare(flow, ticket)
    assert ticket.status == status, "prepare must not change the status"
    call = way.bind(flow, ticket)
    actor = way.actor(flow, ticket)
    last_event = TicketEvent.objects.filter(ticket=ticket).order_by("-pk").first()
    assert last_event is not None
    result = call(actor)
    expected = way.results[status]
    assert result.status == expected
    assert Ticket.objects.get(pk=ticket.pk).status == expected
    new_events = list(TicketEvent.objects.filter(ticket=ticket, pk__gt=last_event.pk))
    assert [(e.action, e.from_status, e.to_status, e.actor_id) for e in new_events] == [
        (action, status, expected, actor.pk)
    ]


# --- roles ------------------------------------------------------------------------------------------

ROLE_CASES = [(action, role) for action in WAYS for role in Role.values if role not in ACTION_ROLES[action]]


def _user_with_role(flow: Flow, role: str) -> User:
    department = flow.dept("housing") if role in {Role.HANDLER, Role.HEAD} else None
    return new_user(role=role, department=department)


@pytest.mark.parametrize(("action", "role"), ROLE_CASES)
def test_role_not_allowed_changes_nothing(flow: Flow, action: str, role: str) -> None:
    way = WAYS[action]
    start = next(iter(way.results))
    ticket = way.prepare(flow, flow.to(start, kind=Kind.CONSULTATION))
    call = way.bind(flow, ticket)
    actor = _user_with_role(flow, role)
    before = snapshot(ticket.pk)
    with pytest.raises(Forbidden) as refused:
        call(actor)
    assert snapshot(ticket.pk) == before
    assert action_label(action) in refused.value.message


@pytest.mark.parametrize("action", list(WAYS))
def test_inactive_account_is_refused(flow: Flow, action: str) -> None:
    way = WAYS[action]
    start = next(iter(way.results))
    ticket = way.prepare(flow, flow.to(start, kind=Kind.CONSULTATION))
    call = way.bind(flow, ticket)
    actor = way.actor(flow, ticket)
    actor.is_active = False
    actor.save()
    before = snapshot(ticket.pk)
    with pytest.raises(Forbidden, match="停用"):
        call(actor)
    assert snapshot(ticket.pk) == before


@pytest.mark.parametrize("role", [r for r in Role.values if r not in ACTION_ROLES["receive"]])
def test_receive_refuses_other_roles(flow: Flow, role: str) -> None:
    actor = _user_with_role(flow, role)
    with pytest.raises(Forbidden):
        intake_actions.do_receive_appeal(
            AppealData(channel="phone", title="噪音", content="夜间施工噪音"), actor
        )
    assert Ticket.objects.count() == 0
    assert Appeal.objects.count() == 0
    assert TicketEvent.objects.count() == 0


def _locked(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


def test_on_locked_runs_the_action_on_the_callers_lock(flow: Flow) -> None:
    """What routing uses to dispatch the tickets it locked: the same action, not a second read of
    the ticket nor a savepoint."""
    ticket = flow.new()
    with transaction.atomic():
        mine = _locked(ticket)
        with CaptureQueriesContext(connection) as queries:
            on_locked(
                actions.do_dispatch_ticket,
                mine,
                flow.user("dispatcher"),
                lead_department_id=flow.dept("housing").pk,
            )
    statements = [q["sql"] for q in queries.captured_queries]
    assert not [s for s in statements if s.startswith('SELECT "tickets_ticket"')]
    assert not [s for s in statements if "SAVEPOINT" in s]
    ticket.refresh_from_db()
    assert ticket.status == S.DISPATCHED
    assert ticket.events.filter(action="dispatch", actor=flow.user("dispatcher")).count() == 1


def test_on_locked_checks_the_role_and_the_state(flow: Flow) -> None:
    ticket = flow.new()
    fields = {"lead_department_id": flow.dept("housing").pk}
    with pytest.raises(Forbidden), transaction.atomic():
        on_locked(actions.do_dispatch_ticket, _locked(ticket), flow.user("street"), **fields)
    dispatched = flow.dispatch(ticket)
    with pytest.raises(ActionNotAllowed), transaction.atomic():
        on_locked(actions.do_dispatch_ticket, _locked(dispatched), flow.user("dispatcher"), **fields)
    assert Assignment.objects.filter(ticket=ticket).count() == 2  # the one dispatch: lead and co


def test_every_action_has_a_name_in_words() -> None:
    """A refusal names the action as people call it, never by its code: each one the roles or the
    states govern has a label of its own."""
    for action in set(ACTION_ROLES) | set(ALLOWED_FROM):
        assert action_label(action) != action, action
