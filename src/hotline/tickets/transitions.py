"""The state machine's kernel: which action may start from which state, and the preamble every
action shares (`transition`: one transaction, the actor's role, the ticket's row lock, the state).

The actions themselves live with the stage of the loop they belong to (`intake.actions`,
`tickets.actions`, `sla.actions`, `feedback.actions`); each is a function decorated with
`@transition(name)` that writes exactly one timeline event through `tickets.events`.
"""

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Concatenate

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from hotline.accounts.models import User
from hotline.accounts.permissions import ACTION_ROLES, action_label, department_scope, require_role
from hotline.core.api import MAX_ID
from hotline.core.enums import TERMINAL_STATUSES, AssignmentRole, AssignmentStatus, TicketStatus
from hotline.core.errors import ActionNotAllowed, Forbidden, InvalidInput
from hotline.directory.models import Department
from hotline.taxonomy.models import Category
from hotline.tickets.models import Assignment, InvalidationRequest, Ticket

S = TicketStatus

# Where each action may start from. The API, the pages and the tests read this table too. A
# reopened ticket goes back to its lead only (its co-handlers have answered and stay answered), so
# there is nothing to sign for, no co-handler answer and no co-handler return to review in
# `reopened`; a lead's return moves the ticket to `returned`.
ALLOWED_FROM: dict[str, frozenset[str]] = {
    "dispatch": frozenset({S.NEW}),
    "accept": frozenset({S.DISPATCHED, S.ACCEPTED}),
    "return": frozenset({S.DISPATCHED, S.ACCEPTED, S.REOPENED}),
    "review_return": frozenset({S.RETURNED, S.DISPATCHED, S.ACCEPTED}),
    # Before the lead department signs: once it has, only its return moves the ticket elsewhere.
    "recall": frozenset({S.DISPATCHED}),
    "answer": frozenset({S.DISPATCHED, S.ACCEPTED}),
    "reply": frozenset({S.ACCEPTED, S.REOPENED}),
    # A reply sent back to its lead to answer again (退回重答), before it is closed.
    "return_reply": frozenset({S.REPLIED}),
    "answer_on_spot": frozenset({S.NEW}),
    "request_invalidation": frozenset({S.NEW, S.DISPATCHED, S.ACCEPTED, S.RETURNED, S.REOPENED}),
    "confirm_invalidation": frozenset({S.NEW, S.DISPATCHED, S.ACCEPTED, S.RETURNED, S.REOPENED}),
    "callback": frozenset({S.REPLIED, S.ANSWERED}),
    "callback_attempt": frozenset({S.REPLIED, S.ANSWERED}),
    "close": frozenset({S.REPLIED, S.ANSWERED}),
    "merge": frozenset({S.NEW, S.DISPATCHED, S.ACCEPTED, S.RETURNED, S.REOPENED}),
    # A merge found wrong: the duplicate leaves the ticket it joined and waits for dispatch again.
    "unmerge": frozenset({S.MERGED}),
    # Linked from a ticket still at work, to any other: a new complaint may follow up a closed one.
    "link": frozenset(set(S.values) - TERMINAL_STATUSES),
    "unlink": frozenset(set(S.values) - TERMINAL_STATUSES),
    "suspend": frozenset({S.DISPATCHED, S.ACCEPTED, S.REOPENED}),
    "progress": frozenset({S.DISPATCHED, S.ACCEPTED, S.REOPENED}),
    "resume": frozenset({S.DISPATCHED, S.ACCEPTED, S.REOPENED}),
    "request_extension": frozenset({S.DISPATCHED, S.ACCEPTED, S.REOPENED}),
    # A ticket waiting for the review of its lead's return is decided on after it is re-dispatched.
    "review_extension": frozenset({S.DISPATCHED, S.ACCEPTED, S.REOPENED}),
}


def check_state(ticket: Ticket, action: str) -> None:
    if ticket.status not in ALLOWED_FROM[action]:
        raise ActionNotAllowed(
            _("工单 %(number)s 当前状态为“%(status)s”，不能%(action)s")
            % {"number": ticket.number, "status": ticket.get_status_display(), "action": action_label(action)}
        )


def locked(ticket: Ticket) -> Ticket:
    """Re-read the ticket under a row lock, so two actions on one ticket run one after the other."""
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


def transition[**P, R](
    name: str, *, lock: bool = True
) -> Callable[[Callable[Concatenate[Ticket, User, P], R]], Callable[Concatenate[Ticket, User, P], R]]:
    """Make a function `(ticket, actor, **fields)` the action `name`: it runs in one transaction,
    after the actor's role is checked (`accounts.permissions.ACTION_ROLES`), the ticket's row is
    locked and re-read, and its state is checked against `ALLOWED_FROM[name]`; after it, the
    extension requests it made moot are withdrawn (`sla.withdrawals`). `lock=False` leaves
    locking and the state check to an action that locks more than one row (merge)."""

    def wrap(action: Callable[Concatenate[Ticket, User, P], R]) -> Callable[Concatenate[Ticket, User, P], R]:
        @functools.wraps(action)
        def run(ticket: Ticket, actor: User, /, *args: P.args, **kwargs: P.kwargs) -> R:
            with transaction.atomic():
                require_role(actor, name)
                if lock:
                    ticket = locked(ticket)
                    check_state(ticket, name)
                result = action(ticket, actor, *args, **kwargs)
                # Imported here: `sla` builds on this module. Requests for more time that the
                # action made moot are withdrawn in its name, not left waiting forever.
                from hotline.sla.withdrawals import withdraw_moot_extensions

                withdraw_moot_extensions(ticket.pk, actor, name)
                return result

        if lock:
            _LOCKING[run] = (name, action)
        return run

    return wrap


# The actions that lock their ticket: what `on_locked` may run, by the function `transition` made.
_LOCKING: dict[Callable[..., object], tuple[str, Callable[..., object]]] = {}


def on_locked[**P, R](
    run: Callable[Concatenate[Ticket, User, P], R],
    ticket: Ticket,
    actor: User,
    /,
    *args: P.args,
    **kwargs: P.kwargs,
) -> R:
    """Run the action `run` (a `@transition`) on `ticket`, whose row the caller has locked in the
    transaction it is in (routing locks its tickets before it decides, then dispatches the sure
    ones): the role and the state are checked as `transition` checks them, but the ticket is not
    read again and no savepoint is taken; a failure fails the caller's transaction."""
    from hotline.sla.withdrawals import withdraw_moot_extensions  # as in `transition`

    name, action = _LOCKING[run]
    require_role(actor, name)
    check_state(ticket, name)
    result = action(ticket, actor, *args, **kwargs)
    withdraw_moot_extensions(ticket.pk, actor, name)
    return result  # type: ignore[return-value]


def move(ticket: Ticket, to_status: str, at: datetime) -> str:
    """Put the ticket in `to_status` (possibly the one it is in) at `at` and save it; returns the
    status it came from. An invalidation request nobody can decide any more lapses."""
    from_status = ticket.status
    ticket.status = to_status
    ticket.updated_at = at
    if to_status == S.CLOSED:
        ticket.closed_at = at
    if to_status not in ALLOWED_FROM["confirm_invalidation"]:
        pending_invalidations(ticket).update(lapsed_at=at)
    ticket.save()
    return from_status


def pending_invalidations(ticket: Ticket) -> QuerySet[InvalidationRequest]:
    return ticket.invalidation_requests.filter(confirmed__isnull=True, lapsed_at__isnull=True)


# --- what the actions check ----------------------------------------------------------------------


def require_text(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(_("%(field)s: 不能为空") % {"field": field})
    return value


def active_category(category_id: int) -> Category:
    category = Category.objects.filter(pk=category_id, is_active=True).first()
    if category is None:
        raise InvalidInput(_("category_id: 分类 %(id)s 不存在") % {"id": category_id})
    return category


def active_department(department_id: int, field: str) -> Department:
    try:
        return Department.objects.get(pk=department_id, is_active=True)
    except Department.DoesNotExist:
        raise no_department(department_id, field) from None


def active_departments(department_ids: Iterable[int]) -> dict[int, Department]:
    """The active departments among `department_ids`, by id, in one query (`listed` takes them out
    in order). An id no key can hold is no department (`pk__in` would pass it to the driver, which
    refuses it, where `pk=` finds nothing)."""
    ids = [pk for pk in department_ids if 1 <= pk <= MAX_ID]
    return {d.pk: d for d in Department.objects.filter(pk__in=ids, is_active=True)}


def listed(found: dict[int, Department], department_ids: Iterable[int], field: str) -> list[Department]:
    """The departments `department_ids` in that order from `found` (`active_departments`); the first
    that is not there is refused, naming `field`."""
    ids = list(department_ids)
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise no_department(missing[0], field)
    return [found[pk] for pk in ids]


def no_department(department_id: int, field: str) -> InvalidInput:
    return InvalidInput(
        _("%(field)s: 承办单位 %(id)s 不存在或已停用") % {"field": field, "id": department_id}
    )


def answer(assignment: Assignment, actor: User, text: str, at: datetime) -> None:
    """The department's part is done: its answer (a co-handler's to the lead, the lead's to the citizen)."""
    assignment.status = AssignmentStatus.ANSWERED
    assignment.answer = text
    assignment.answered_at = at
    assignment.answered_by = actor
    assignment.save()


def not_suspended(assignment: Assignment) -> None:
    if assignment.paused_since is not None:
        raise ActionNotAllowed(
            _("%(department)s的派单已挂起（计时已停止），请先恢复计时（resume）")
            % {"department": assignment.department.name}
        )


# --- what a user may do now ----------------------------------------------------------------------


@dataclass(frozen=True)
class Needs:
    """The assignment an action works on, as `actor_assignment` picks it: one in the actor's scope
    in one of `statuses`, running or suspended when `paused` says so, of `role` when the action
    refuses the other role outright."""

    statuses: frozenset[str]
    paused: bool | None = None
    role: str | None = None

    def met_by(self, assignment: Assignment) -> bool:
        return (
            assignment.status in self.statuses
            and (self.paused is None or (assignment.paused_since is not None) == self.paused)
            and (self.role is None or assignment.role == self.role)
        )


A = AssignmentStatus

# The actions that work on an assignment, and the assignment each needs: `actor_assignment` picks it
# by this table, `allowed_actions` offers the action by it (with, for answer and reply, the role the
# action insists on); tests/tickets/test_allowed_actions.py checks that an action offered is not
# refused for its department and one not offered is.
ASSIGNMENT_NEEDS: dict[str, Needs] = {
    "accept": Needs(frozenset({A.PENDING})),
    "return": Needs(frozenset({A.PENDING, A.ACCEPTED})),
    "answer": Needs(frozenset({A.ACCEPTED}), role=AssignmentRole.CO),
    "reply": Needs(frozenset({A.ACCEPTED}), role=AssignmentRole.LEAD),
    "suspend": Needs(frozenset({A.ACCEPTED}), paused=False),
    "progress": Needs(frozenset({A.ACCEPTED})),
    "resume": Needs(frozenset({A.ACCEPTED}), paused=True),
    "request_extension": Needs(frozenset({A.ACCEPTED})),
}


def _why_not(ticket: Ticket, scope: set[int] | None, action: str, needs: Needs) -> str:
    """Why the user's unit has no assignment `action` can work on, by the state of its own (the lead's
    first): signed for already (a second click, another tab), returned, paused, ..."""
    mine = ticket.assignments.all() if scope is None else ticket.assignments.filter(department_id__in=scope)
    own = mine.order_by("-role", "pk").first()  # "lead" sorts after "co": the lead's first
    if own is None:
        return _("工单 %(number)s 没有您单位可执行此操作的派单") % {"number": ticket.number}
    if own.status in needs.statuses and needs.paused is not None:
        state = _("已挂起") if own.paused_since is not None else _("未挂起")
    else:
        state = str(AssignmentStatus(own.status).label)
    return _("工单 %(number)s 您单位的派单%(state)s，不能%(action)s") % {
        "number": ticket.number,
        "state": state,
        "action": action_label(action),
    }


def actor_assignment(
    ticket: Ticket, actor: User, action: str, assignment_id: int | None = None
) -> Assignment:
    """The assignment a department user does `action` on (`ASSIGNMENT_NEEDS` says which statuses,
    whether running or suspended, and for answer and reply which role): the given one, or the only
    one in their scope; of two, the one of the action's role, else the lead's. The action itself
    insists on the role where it must, with its own message."""
    needs = ASSIGNMENT_NEEDS[action]
    scope = department_scope(actor)
    candidates = ticket.assignments.filter(status__in=list(needs.statuses)).select_related("department")
    if needs.paused is not None:
        candidates = candidates.filter(paused_since__isnull=not needs.paused)
    if scope is not None:
        candidates = candidates.filter(department_id__in=scope)
    if assignment_id is not None:
        candidates = candidates.filter(pk=assignment_id)
    found = list(candidates.order_by("role", "pk"))  # "co" sorts before "lead"; prefer lead below
    if not found:
        if not ticket.assignments.filter(department_id__in=scope or set()).exists():
            raise Forbidden(_("工单 %(number)s 不属于您的单位") % {"number": ticket.number})
        named = ticket.assignments.filter(pk=assignment_id).first() if assignment_id is not None else None
        if named is not None and scope is not None and named.department_id not in scope:
            raise Forbidden(_("派单 %(id)s 不属于您的单位") % {"id": assignment_id})
        raise ActionNotAllowed(_why_not(ticket, scope, action, needs))
    if assignment_id is None and needs.role is not None:
        # A head acting for the lead and a co-handler answers as the one the action is for.
        found = [a for a in found if a.role == needs.role] or found
    leads = [a for a in found if a.role == AssignmentRole.LEAD]
    if assignment_id is None and len(found) > 1 and len(leads) != 1:
        raise InvalidInput(_("assignment_id: 您的单位在此工单上有多个派单，请指明 assignment_id"))
    return leads[0] if assignment_id is None and leads else found[0]


def allowed_actions(user: User, ticket: Ticket) -> list[str]:
    """The actions `user` may take on `ticket` now, in the order of ALLOWED_FROM: the ticket's state
    allows them, the user's role may do them, and an action on an assignment finds one in the
    user's department scope that it can work on (for a citywide role, any on the ticket).

    The one answer for the API, the pages and the tests. It lives here, beside ALLOWED_FROM and
    `actor_assignment`, because it must say what they say: it never offers an action that the state,
    the role or the department would refuse. What depends on the action's fields or on the rest of
    the ticket (a suspended clock, co-handlers still to answer, a pending extension, who asked for
    an invalidation) is checked when the action runs. Reads `ticket.assignments.all()`, so a ticket
    loaded with its assignments costs no query.
    """
    if not user.is_active:
        return []
    possible = [
        name
        for name, states in ALLOWED_FROM.items()
        if ticket.status in states and user.role in ACTION_ROLES[name]
    ]
    if not any(name in ASSIGNMENT_NEEDS for name in possible):
        return possible
    scope = department_scope(user)
    mine = [a for a in ticket.assignments.all() if scope is None or a.department_id in scope]
    return [
        name
        for name in possible
        if name not in ASSIGNMENT_NEEDS or any(ASSIGNMENT_NEEDS[name].met_by(a) for a in mine)
    ]
