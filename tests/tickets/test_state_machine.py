"""Random sequences of every ticket action, by right and wrong actors, checked against the invariants.

Each example builds a small city inside a savepoint and rolls it back at the end, so examples do not
see each other. A refused action must leave the whole database as it was; an accepted one must write
exactly one timeline event, on its own ticket.
"""

import os
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from hotline.accounts.models import User
from hotline.core.enums import (
    OPEN_ASSIGNMENT_STATUSES,
    TERMINAL_STATUSES,
    AssignmentRole,
    AssignmentStatus,
    Channel,
    Kind,
    Resolution,
    Role,
    Satisfaction,
    TicketStatus,
)
from hotline.core.errors import HotlineError
from hotline.directory.models import Department
from hotline.feedback import actions as feedback_actions
from hotline.feedback.models import Callback, Reply
from hotline.intake import actions as intake_actions
from hotline.intake.models import Appeal
from hotline.tickets import actions, transitions
from hotline.tickets.models import Assignment, DailySequence, InvalidationRequest, Ticket, TicketEvent

S = TicketStatus
A = AssignmentStatus

DEPARTMENTS = ["housing", "water", "parks", "district", "street", "closed_down"]
USERS: dict[str, tuple[str, str | None]] = {
    "operator": (Role.OPERATOR, None),
    "operator2": (Role.OPERATOR, None),
    "dispatcher": (Role.DISPATCHER, None),
    "supervisor": (Role.SUPERVISOR, None),
    "leader": (Role.LEADER, None),
    "admin": (Role.ADMIN, None),
    "h_housing": (Role.HANDLER, "housing"),
    "h_water": (Role.HANDLER, "water"),
    "h_parks": (Role.HANDLER, "parks"),
    "h_street": (Role.HANDLER, "street"),
    "head_district": (Role.HEAD, "district"),
}
# Who works for each department when the machine picks the "right" actor.
DEPT_USER = {
    "housing": "h_housing",
    "water": "h_water",
    "parks": "h_parks",
    "street": "h_street",
    "district": "head_district",
}
# Where the lead assignment stands while the ticket is in each handling status.
LEAD_STATUS: dict[str, str] = {
    S.DISPATCHED: A.PENDING,
    S.ACCEPTED: A.ACCEPTED,
    S.REOPENED: A.ACCEPTED,
    S.RETURNED: A.RETURNED,
}

SMART = "smart"  # let the machine pick the actor the action needs
actors = st.one_of(st.just(SMART), st.sampled_from(sorted(USERS)))
# Ticket and assignment choices lean to 0 (the newest open ticket), so that one ticket gets far.
picks = st.one_of(st.just(0), st.integers(min_value=0, max_value=50))
MAX_OPEN_TICKETS = 3
MAX_TICKETS = 8
departments = st.sampled_from(DEPARTMENTS)
OPEN_DEPARTMENTS = [d for d in DEPARTMENTS if d != "closed_down"]
open_departments = st.sampled_from(OPEN_DEPARTMENTS)
kinds = st.sampled_from([Kind.CONSULTATION, Kind.COMPLAINT, Kind.HELP])
path = st.lists(st.tuples(st.integers(min_value=0, max_value=5), open_departments), min_size=1, max_size=10)
texts = st.sampled_from(["已处理。", "已到现场核实并整改。", "   "])

# Which (action, from status) pairs ever succeeded, over the whole run; read at the end of the test.
SUCCEEDED: Counter[tuple[str, str]] = Counter()
REACHED: Counter[str] = Counter()


def world() -> dict[str, Any]:
    """Every row the actions write."""
    return {
        "tickets": list(Ticket.objects.order_by("pk").values()),
        "assignments": list(Assignment.objects.order_by("pk").values()),
        "events": list(TicketEvent.objects.order_by("pk").values_list("pk", flat=True)),
        "replies": Reply.objects.count(),
        "callbacks": Callback.objects.count(),
        "invalidation": list(InvalidationRequest.objects.order_by("pk").values()),
        "appeals": Appeal.objects.count(),
        "sequence": list(DailySequence.objects.values_list("day", "last")),
    }


class TicketMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.depts: dict[str, Department] = {}
        for i, key in enumerate(DEPARTMENTS):
            parent = self.depts.get("district") if key == "street" else None
            self.depts[key] = Department.objects.create(
                code=f"M{i:02d}", name=key, level="city", parent=parent, is_active=key != "closed_down"
            )
        self.users: dict[str, User] = {
            key: User.objects.create(
                username=key, role=role, department=self.depts.get(dept) if dept else None
            )
            for key, (role, dept) in USERS.items()
        }
        self.tickets: list[int] = []
        self.status: dict[int, str] = {}
        self.changes: dict[int, int] = {}
        self.terminal: dict[int, dict[str, Any]] = {}
        self.turn = 0

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # --- helpers ---------------------------------------------------------------------------------

    def _ticket(self, pick: int) -> Ticket:
        """Pick 0 is the newest ticket still open, then older open ones, then the finished ones."""
        live = [pk for pk in reversed(self.tickets) if self.status[pk] not in TERMINAL_STATUSES]
        done = [pk for pk in reversed(self.tickets) if self.status[pk] in TERMINAL_STATUSES]
        order = live + done
        return Ticket.objects.get(pk=order[pick % len(order)])

    def _open_tickets(self) -> int:
        return sum(1 for pk in self.tickets if self.status[pk] not in TERMINAL_STATUSES)

    def _actor(self, who: str, default: str) -> User:
        return self.users[default if who == SMART else who]

    def _dept_actor(self, who: str, ticket: Ticket, statuses: set[str], role: str | None = None) -> User:
        if who != SMART:
            return self.users[who]
        found = ticket.assignments.filter(status__in=list(statuses)).select_related("department")
        if role is not None:
            found = found.filter(role=role)
        assignment = found.order_by("-role", "pk").first()  # "lead" first
        if assignment is None:
            return self.users["h_housing"]
        return self.users[DEPT_USER[assignment.department.name]]

    def _assignment_id(self, ticket: Ticket, pick: int | None) -> int | None:
        if pick is None:
            return None
        ids = list(ticket.assignments.order_by("pk").values_list("pk", flat=True))
        return ids[pick % len(ids)] if ids and pick < 40 else 999_999

    def _attempt(self, action: str, ticket: Ticket | None, call: Callable[[], Any]) -> None:
        before = world()
        try:
            result = call()
        except HotlineError as refused:
            assert refused.message
            assert world() == before, f"refused {action} ({refused.message}) changed the database"
            return
        new_events = list(TicketEvent.objects.filter(pk__gt=max(before["events"], default=0)))
        if action == "receive":
            made, created = result
            if not created:
                assert world() == before, "a repeated contact changed the database"
                assert made.pk in self.tickets
                return
            assert [(e.ticket_id, e.action, e.from_status, e.to_status) for e in new_events] == [
                (made.pk, "receive", "", S.NEW)
            ]
            self.tickets.append(made.pk)
            self.status[made.pk] = S.NEW
            self.changes[made.pk] = 1
            SUCCEEDED[("receive", "")] += 1
            REACHED[S.NEW] += 1
            return
        assert ticket is not None
        previous = self.status[ticket.pk]
        now_status = Ticket.objects.values_list("status", flat=True).get(pk=ticket.pk)
        assert [(e.ticket_id, e.action, e.from_status, e.to_status) for e in new_events] == [
            (ticket.pk, action, previous, now_status)
        ], f"{action} must write exactly one event"
        assert result.status == now_status
        SUCCEEDED[(action, previous)] += 1
        REACHED[now_status] += 1
        if now_status != previous:
            self.changes[ticket.pk] += 1
            self.status[ticket.pk] = now_status
        if now_status in TERMINAL_STATUSES:
            self.terminal[ticket.pk] = {
                "ticket": Ticket.objects.filter(pk=ticket.pk).values().get(),
                "assignments": list(Assignment.objects.filter(ticket=ticket).order_by("pk").values()),
                "events": TicketEvent.objects.filter(ticket=ticket).count(),
            }

    # --- rules -----------------------------------------------------------------------------------

    @initialize(kind=kinds)
    def first_call(self, kind: str) -> None:
        self.receive(kind=kind, external_id=None, channel=Channel.PHONE, who=SMART)

    @precondition(lambda self: self._open_tickets() < MAX_OPEN_TICKETS and len(self.tickets) < MAX_TICKETS)
    @rule(
        kind=kinds,
        external_id=st.none() | st.sampled_from(["X1", "X2", "X3"]),
        channel=st.sampled_from([Channel.PHONE, Channel.WEB, "pigeon"]),
        who=actors,
    )
    def receive(self, kind: str, external_id: str | None, channel: str, who: str) -> None:
        data = intake_actions.AppealData(
            channel=channel, title="诉求", content="内容", kind=kind, external_id=external_id
        )
        actor = self._actor(who, "operator")
        self._attempt("receive", None, lambda: intake_actions.do_receive_appeal(data, actor))

    @precondition(lambda self: self.tickets)
    @rule(
        pick=picks,
        who=actors,
        lead=departments,
        co=st.lists(departments, max_size=2),
        is_complex=st.booleans(),
    )
    def dispatch(self, pick: int, who: str, lead: str, co: list[str], is_complex: bool) -> None:
        ticket = self._ticket(pick)
        actor = self._actor(who, "dispatcher")
        self._attempt(
            "dispatch",
            ticket,
            lambda: actions.do_dispatch_ticket(
                ticket,
                actor,
                lead_department_id=self.depts[lead].pk,
                co_department_ids=[self.depts[d].pk for d in co],
                is_complex=is_complex,
            ),
        )

    @precondition(lambda self: self.tickets)
    @rule(pick=picks, who=actors, assignment=st.none() | picks)
    def accept(self, pick: int, who: str, assignment: int | None) -> None:
        ticket = self._ticket(pick)
        actor = self._dept_actor(who, ticket, {A.PENDING})
        assignment_id = self._assignment_id(ticket, assignment)
        self._attempt(
            "accept", ticket, lambda: actions.do_accept_assignment(ticket, actor, assignment_id=assignment_id)
        )

    @precondition(lambda self: self.tickets)
    @rule(pick=picks, who=actors, reason=texts, assignment=st.none() | picks)
    def return_assignment(self, pick: int, who: str, reason: str, assignment: int | None) -> None:
        ticket = self._ticket(pick)
        actor = self._dept_actor(who, ticket, {A.PENDING, A.ACCEPTED})
        assignment_id = self._assignment_id(ticket, assignment)
        self._attempt(
            "return",
            ticket,
            lambda: actions.do_return_assignment(ticket, actor, reason=reason, assignment_id=assignment_id),
        )

    @precondition(lambda self: self.tickets)
    @rule(
        pick=picks,
        who=actors,
        assignment=st.none() | picks,
        uphold=st.booleans(),
        lead=st.none() | departments,
        co=st.lists(departments, max_size=2),
    )
    def review_return(
        self, pick: int, who: str, assignment: int | None, uphold: bool, lead: str | None, co: list[str]
    ) -> None:
        ticket = self._ticket(pick)
        actor = self._actor(who, "dispatcher")
        if assignment is None:  # the returned one, if any
            returned = ticket.assignments.filter(status=A.RETURNED).first()
            assignment_id = returned.pk if returned else 0
        else:
            assignment_id = self._assignment_id(ticket, assignment) or 0
        self._attempt(
            "review_return",
            ticket,
            lambda: actions.do_review_return(
                ticket,
                actor,
                assignment_id=assignment_id,
                uphold=uphold,
                lead_department_id=self.depts[lead].pk if lead else None,
                co_department_ids=[self.depts[d].pk for d in co],
            ),
        )

    @precondition(lambda self: self.tickets)
    @rule(pick=picks, who=actors, text=texts, assignment=st.none() | picks)
    def answer(self, pick: int, who: str, text: str, assignment: int | None) -> None:
        ticket = self._ticket(pick)
        actor = self._dept_actor(who, ticket, {A.ACCEPTED}, AssignmentRole.CO)
        assignment_id = self._assignment_id(ticket, assignment)
        self._attempt(
            "answer",
            ticket,
            lambda: actions.do_answer_assignment(ticket, actor, text=text, assignment_id=assignment_id),
        )

    @precondition(lambda self: self.tickets)
    @rule(pick=picks, who=actors, text=texts)
    def reply(self, pick: int, who: str, text: str) -> None:
        ticket = self._ticket(pick)
        actor = self._dept_actor(who, ticket, {A.ACCEPTED}, AssignmentRole.LEAD)
        self._attempt("reply", ticket, lambda: feedback_actions.do_reply_ticket(ticket, actor, text=text))

    @precondition(lambda self: self.tickets)
    @rule(pick=picks, who=actors, text=texts)
    def answer_on_spot(self, pick: int, who: str, text: str) -> None:
        ticket = self._ticket(pick)
        actor = self._actor(who, "operator")
        self._attempt(
            "answer_on_spot", ticket, lambda: feedback_actions.do_answer_on_spot(ticket, actor, text=text)
        )

    @precondition(lambda self: self.tickets)
    @rule(pick=picks, who=actors, reason=texts)
    def request_invalidation(self, pick: int, who: str, reason: str) -> None:
        ticket = self._ticket(pick)
        actor = self._actor(who, "operator")
        self._attempt(
            "request_invalidation",
            ticket,
            lambda: actions.do_request_invalidation(ticket, actor, reason=reason),
        )

    @precondition(lambda self: self.tickets)
    @rule(pick=picks, who=actors, confirm=st.booleans())
    def confirm_invalidation(self, pick: int, who: str, confirm: bool) -> None:
        ticket = self._ticket(pick)
        actor = self._actor(who, "supervisor")
        self._attempt(
            "confirm_invalidation",
            ticket,
            lambda: actions.do_confirm_invalidation(ticket, actor, confirm=confirm),
        )

    @precondition(lambda self: self.tickets)
    @rule(
        pick=picks,
        who=actors,
        resolution=st.sampled_from([*Resolution.values, "maybe"]),
        satisfaction=st.sampled_from(Satisfaction.values),
    )
    def callback(self, pick: int, who: str, resolution: str, satisfaction: str) -> None:
        ticket = self._ticket(pick)
        actor = self._actor(who, "operator")
        self._attempt(
            "callback",
            ticket,
            lambda: feedback_actions.do_record_callback(
                ticket, actor, resolution=resolution, satisfaction=satisfaction
            ),
        )

    @precondition(lambda self: self.tickets)
    @rule(pick=picks, who=actors)
    def close(self, pick: int, who: str) -> None:
        ticket = self._ticket(pick)
        actor = self._actor(who, "operator")
        self._attempt("close", ticket, lambda: feedback_actions.do_close_ticket(ticket, actor))

    @precondition(lambda self: self.tickets)
    @rule(pick=picks, who=actors, into=picks)
    def merge(self, pick: int, who: str, into: int) -> None:
        """Into another ticket, open or finished; `into` 0 and a single ticket try the ticket itself."""
        ticket = self._ticket(pick)
        target = self._ticket(pick + into)
        actor = self._actor(who, "operator")
        self._attempt(
            "merge", ticket, lambda: actions.do_merge_ticket(ticket, actor, into_ticket_id=target.pk)
        )

    def _advance(self, pick: int, steps: list[tuple[int, str]]) -> None:
        """A few steps on the usual path, by the right actors, so that tickets get around the loop.

        `choice` picks between the usual next steps; `department` is the one named in that step
        (lead or co-handler), right or wrong. The other rules try inactive departments.
        """
        for choice, department in steps:
            # Hypothesis favours small values; turning the dial each step spreads the paths taken.
            self.turn += 1
            shifted = OPEN_DEPARTMENTS[
                (OPEN_DEPARTMENTS.index(department) + self.turn) % len(OPEN_DEPARTMENTS)
            ]
            self._next_step(pick, (choice + self.turn) % 6, shifted)
            self.invariants_hold()

    # Hypothesis picks among the rules evenly; three doors to the usual path make it as likely as
    # a quarter of the random actions together, so that tickets also get far.
    @precondition(lambda self: self.tickets)
    @rule(pick=picks, steps=path)
    def advance(self, pick: int, steps: list[tuple[int, str]]) -> None:
        self._advance(pick, steps)

    @precondition(lambda self: self.tickets)
    @rule(pick=picks, steps=path)
    def advance_more(self, pick: int, steps: list[tuple[int, str]]) -> None:
        self._advance(pick, steps)

    @precondition(lambda self: self.tickets)
    @rule(pick=picks, steps=path)
    def advance_again(self, pick: int, steps: list[tuple[int, str]]) -> None:
        self._advance(pick, steps)

    def _next_step(self, pick: int, choice: int, department: str) -> None:
        ticket = self._ticket(pick)
        open_ = ticket.assignments
        other = OPEN_DEPARTMENTS[(OPEN_DEPARTMENTS.index(department) + 1 + choice) % len(OPEN_DEPARTMENTS)]
        pending_request = ticket.invalidation_requests.filter(confirmed__isnull=True).exists()
        if pending_request and ticket.status in transitions.ALLOWED_FROM["confirm_invalidation"]:
            self.confirm_invalidation(pick, SMART, choice % 2 == 0)  # a second person decides
            return
        if ticket.status == S.NEW:
            if choice == 5 and len(self.tickets) > 1:
                self.merge(pick, SMART, 1)  # into the next ticket in line, open or not
            elif choice == 4:
                self.request_invalidation(pick, SMART, "恶意骚扰")
            elif ticket.kind == Kind.CONSULTATION and choice in (1, 3):
                self.answer_on_spot(pick, SMART, "请到街道服务中心办理。")
            else:
                self.dispatch(pick, SMART, department, [other], choice == 1)
        elif ticket.status in {S.DISPATCHED, S.ACCEPTED, S.REOPENED} and choice == 5:
            self.return_assignment(pick, SMART, "不属于本单位职责", None)  # the lead returns it
        elif ticket.status in {S.DISPATCHED, S.ACCEPTED}:
            co_handler = open_.filter(role=AssignmentRole.CO, status__in=[A.PENDING, A.ACCEPTED]).first()
            if choice == 3 and co_handler is not None:
                who = DEPT_USER[co_handler.department.name]
                self.return_assignment(pick, who, "不属于本单位职责", None)
            elif open_.filter(status=A.RETURNED).exists():
                # Upheld (maybe naming a replacement co-handler, right or wrong) or rejected.
                replacement = [department] if choice in (0, 2) else []
                self.review_return(pick, SMART, None, choice != 1, None, replacement)
            elif open_.filter(status=A.PENDING).exists():
                self.accept(pick, SMART, None)
            elif open_.filter(status=A.ACCEPTED, role=AssignmentRole.CO).exists():
                self.answer(pick, SMART, "已配合处理。", None)
            else:
                self.reply(pick, SMART, "已处理完毕。")
        elif ticket.status == S.RETURNED:
            self.review_return(pick, SMART, None, choice % 2 == 0, department, [other] if choice < 2 else [])
        elif ticket.status == S.REOPENED:
            self.reply(pick, SMART, "已再次处理。")
        elif ticket.status in {S.REPLIED, S.ANSWERED}:
            last_reply = ticket.replies.order_by("-pk").first()
            if choice in (3, 4):
                self.callback(pick, SMART, Resolution.UNRESOLVED, Satisfaction.UNSATISFIED)
            elif ticket.callbacks.filter(reply=last_reply, reopened=False).exists():
                self.close(pick, SMART)
            else:
                self.callback(pick, SMART, Resolution.RESOLVED, Satisfaction.SATISFIED)

    # --- invariants ------------------------------------------------------------------------------

    @invariant()
    def invariants_hold(self) -> None:
        tickets = {t["id"]: t for t in Ticket.objects.values()}
        assignments: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for a in Assignment.objects.order_by("pk").values():
            assignments[a["ticket_id"]].append(dict(a))
        events: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for ticket_id, from_status, to_status in TicketEvent.objects.order_by("pk").values_list(
            "ticket_id", "from_status", "to_status"
        ):
            events[ticket_id].append((from_status, to_status))
        last_reply: dict[int, int] = {}
        for ticket_id, reply_id in Reply.objects.order_by("pk").values_list("ticket_id", "pk"):
            last_reply[ticket_id] = reply_id
        closing_callbacks = set(Callback.objects.filter(reopened=False).values_list("ticket_id", "reply_id"))

        assert set(tickets) == set(self.tickets)
        for pk, ticket in tickets.items():
            status = ticket["status"]
            mine = assignments[pk]
            # Every state change has exactly one event, and the timeline ends where the ticket is.
            assert status == self.status[pk], "a ticket changed status without its own action"
            assert sum(1 for f, t in events[pk] if f != t) == self.changes[pk]
            assert events[pk][-1][1] == status
            # Terminal tickets never change again.
            if pk in self.terminal:
                assert {"ticket": ticket, "assignments": mine, "events": len(events[pk])} == self.terminal[pk]
            # A closed ticket has a callback that did not reopen it, on its last reply.
            if status == S.CLOSED:
                assert (pk, last_reply.get(pk)) in closing_callbacks
                assert ticket["closed_at"] is not None
            # A merged ticket points at another ticket; nothing else points anywhere.
            if status == S.MERGED:
                assert ticket["merged_into_id"] not in (None, pk)
            else:
                assert ticket["merged_into_id"] is None
            open_ = [a for a in mine if a["status"] in OPEN_ASSIGNMENT_STATUSES]
            if status in TERMINAL_STATUSES:
                assert not open_
            # While handled, there is exactly one lead, in the step the ticket is in.
            leads = [
                a["status"] for a in mine if a["role"] == AssignmentRole.LEAD and a["status"] != A.WITHDRAWN
            ]
            if status in LEAD_STATUS:
                assert leads == [LEAD_STATUS[status]], (status, leads)
            elif status == S.REPLIED:
                assert leads == [A.ANSWERED]
                assert not open_
            elif status in {S.NEW, S.ANSWERED}:
                assert all(a["status"] == A.WITHDRAWN for a in mine)
            assert len(leads) <= 1
            # One department holds at most one live assignment on a ticket.
            live = [a["department_id"] for a in open_]
            assert len(live) == len(set(live)), (status, mine)


# More examples hunt deeper, e.g. HOTLINE_STATE_MACHINE_EXAMPLES=500 before a release, with new
# random sequences each run. The suite runs the same 30 every time (derandomized): a random 30
# once left out one of the core actions, and the check below that the loop was walked failed CI by
# chance (2026-12-04, PostgreSQL).
EXAMPLES = int(os.environ.get("HOTLINE_STATE_MACHINE_EXAMPLES", "30"))
RANDOM = "HOTLINE_STATE_MACHINE_EXAMPLES" in os.environ


@pytest.mark.django_db
def test_random_action_sequences_keep_the_invariants() -> None:
    SUCCEEDED.clear()
    REACHED.clear()
    run_state_machine_as_test(
        TicketMachine,
        settings=settings(
            max_examples=EXAMPLES, stateful_step_count=25, deadline=None, derandomize=not RANDOM
        ),
    )
    # The machine must actually get around the loop, not only collect refusals. (Merging, answers
    # on the spot and invalidation come up too, but not in every run; test_transitions covers them.)
    done = Counter(action for action, _from in SUCCEEDED.elements())
    core = [
        "receive",
        "dispatch",
        "accept",
        "return",
        "review_return",
        "answer",
        "reply",
        "callback",
        "close",
    ]
    assert all(done[action] for action in core), sorted(done.items())
    reached = [S.DISPATCHED, S.ACCEPTED, S.RETURNED, S.REPLIED, S.REOPENED, S.CLOSED]
    assert all(REACHED[status] for status in reached), sorted(REACHED.items())
