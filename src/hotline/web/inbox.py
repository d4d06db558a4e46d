"""A department's inbox (承办): its open assignments by time left, and the work on each, in one list.

GET /inbox/     the assignments of the user's department scope (a head's department and the ones
                below it) that still wait for it: to sign, in hand (clock running or stopped), and
                returned ones waiting for dispatch's review; the most urgent on top, with a countdown
                to the handling deadline, counters, filters by status (and, for a head, department)

Each row offers what `tickets.transitions.allowed_actions` allows on its assignment, as small forms
that post to the pages' one action endpoint (`web.actions.act`, `ticket_action`) with the
assignment's id and `next` = this page as it is, so the user comes back to the same place: with
htmx the row alone changes in place (`row_after`), without it the page comes back.

The countdown is natural time from `core.clock.now()`; a stopped clock shows the time it had left.
An urgent assignment not signed yet counts down to its first response (30 natural minutes by
default; signing is the response), which comes before anything else; urgent tickets come first.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, ngettext
from django.views.decorators.http import require_GET

from hotline.accounts.models import User
from hotline.accounts.permissions import department_scope
from hotline.core import clock
from hotline.core.enums import (
    OPEN_ASSIGNMENT_STATUSES,
    AssignmentRole,
    AssignmentStatus,
    SuspensionReason,
    TicketStatus,
)
from hotline.directory.models import Department
from hotline.feedback.models import ReplyCheck
from hotline.feedback.selectors import sent_back as replies_sent_back
from hotline.sla.models import Extension
from hotline.tickets import presenter
from hotline.tickets.models import Assignment, Ticket
from hotline.tickets.selectors import INBOX_FILTERS, inbox_assignments, inbox_counts, returns_rejected
from hotline.tickets.transitions import ASSIGNMENT_NEEDS, allowed_actions
from hotline.web.actions import RowChange
from hotline.web.department_choices import department_groups
from hotline.web.dispatch import paginate, staff_view
from hotline.web.params import parse_id

# The actions a department takes on its own assignment (`web/_inbox_actions.html` has a form for each).
INBOX_ACTIONS = frozenset(
    {"accept", "reply", "answer", "progress", "suspend", "resume", "request_extension", "return"}
)

# These refuse an assignment whose clock is stopped (`transitions.not_suspended`): a suspended row
# offers "resume" instead of forms that would be turned down after the text is written.
_NEED_RUNNING_CLOCK = frozenset({"reply", "answer", "request_extension", "return"})

SOON = timedelta(hours=24)

FILTER_LABELS = {
    "pending": gettext_lazy("待签收"),
    "accepted": gettext_lazy("办理中"),
    "suspended": gettext_lazy("已挂起"),
    "overdue": gettext_lazy("超期"),
    "due_today": gettext_lazy("今日到期"),
    "returned": gettext_lazy("退单待审核"),
}
assert set(FILTER_LABELS) == set(INBOX_FILTERS)


@dataclass(frozen=True)
class Row:
    """One line of the inbox: the assignment, where its clock stands, and what may be done on it."""

    assignment: Assignment
    state: str  # pending, accepted, suspended, returned
    state_label: str
    countdown: str
    urgency: str  # "overdue", "soon" or "" (the row's colour)
    sign_late: bool
    clock_for_signing: bool  # the clock counts the late signing, not the handling deadline
    response_due: datetime | None  # the first response awaited (an urgent ticket not signed yet)
    actions: frozenset[str]
    waiting_for: str  # co-handlers that have not answered yet (the lead cannot reply before)
    extension_asked: datetime | None = None  # the day a request for more time waiting for its decision asks
    why_nothing: str = ""  # why a row offers no action, when it is not plain
    sent_back: str = ""  # why its reply was sent back to answer again (退回重答), while it is
    # Its signing is its first response (an urgent ticket's): its deadline is said as the response's.
    signing_is_response: bool = False
    # Why dispatch rejected its return (退单), while it is at work again: None when it was not.
    return_rejected: str | None = None
    # Why its last request for more time was refused (the reviewer's note), while the deadline it
    # asked to move is still the one in force and it has not asked again: None when it was not.
    extension_refused: str | None = None
    # Its ticket's title as lists show it, the numbers in it masked (`presenter.listed_title`).
    title: str = ""
    # Where a request for more time may ask from (`extension_from`).
    extension_from: datetime | None = None


# Who this page is for, said to anybody else.
INBOX_FOR = gettext_noop("承办工作台供承办单位使用（承办人、单位负责人）；您的角色“%(role)s”请使用其他页面。")


def duration(delta: timedelta) -> str:
    """A length of time in days and hours, or hours and minutes under a day."""
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(ngettext("%(n)s 天", "%(n)s 天", days) % {"n": days})
    if hours:
        parts.append(ngettext("%(n)s 小时", "%(n)s 小时", hours) % {"n": hours})
    if not days and (minutes or not hours):
        parts.append(ngettext("%(n)s 分钟", "%(n)s 分钟", minutes) % {"n": minutes})
    return " ".join(parts)


def time_left(assignment: Assignment, now: datetime) -> timedelta:
    """Until the handling deadline; a stopped clock keeps what it had left when it stopped."""
    return assignment.due_at - (assignment.paused_since or now)


def countdown(left: timedelta) -> str:
    if left >= timedelta(0):
        return _("剩 %(time)s") % {"time": duration(left)}
    return _("超期 %(time)s") % {"time": duration(left)}


def lateness(left: timedelta) -> tuple[str, str]:
    """The countdown to a deadline in words, and how pressing it is: "overdue", "soon" or ""."""
    return countdown(left), "overdue" if left < timedelta(0) else "soon" if left < SOON else ""


class Deadlined(Protocol):
    """An assignment as a model row or as the API shows it (`tickets.schemas`)."""

    @property
    def status(self) -> str: ...
    @property
    def response_due_at(self) -> datetime | None: ...
    @property
    def due_at(self) -> datetime: ...


def awaited_response(assignment: Deadlined, now: datetime) -> datetime | None:
    """The first-response deadline while it is the one that counts: an assignment with one (an
    urgent ticket's) not signed yet (signing is the response, `sla.deadlines`), whose handling
    deadline is still ahead (once that has passed, being overdue is what counts)."""
    due = assignment.response_due_at
    if (
        assignment.status == AssignmentStatus.PENDING
        and due is not None
        and due < assignment.due_at
        and assignment.due_at > now
    ):
        return due
    return None


def response_clock(due: datetime, now: datetime) -> tuple[str, str]:
    """The countdown to a first response, and how pressing it is ("overdue" or "soon": minutes)."""
    left = due - now
    if left >= timedelta(0):
        return _("响应剩 %(time)s") % {"time": duration(left)}, "soon"
    return _("响应超时 %(time)s") % {"time": duration(left)}, "overdue"


def assignment_clock(assignment: Assignment, now: datetime) -> tuple[str, str]:
    """`lateness` of the deadline due first: the first response while it is awaited, else the
    handling deadline; a stopped clock says so, with what it had left."""
    response = awaited_response(assignment, now)
    if response is not None:
        return response_clock(response, now)
    text, urgency = lateness(time_left(assignment, now))
    if assignment.paused_since is not None:
        text = _("计时已停止 · %(left)s") % {"left": text}
    return text, urgency


def extension_from(assignment: Assignment, now: datetime) -> datetime:
    """Where the form's date picker for more time starts: the action wants a day later than the
    handling deadline and than now (`sla.actions.do_request_extension`), so an overdue row's
    starts now, not at its deadline already past (a day between them would be refused after
    the reason is written)."""
    return max(assignment.due_at, now)


def listed(assignments: QuerySet[Assignment]) -> QuerySet[Assignment]:
    """The inbox's rows with their tickets' callers, which their titles are masked with
    (`presenter.callers_loaded`), in one query for a page."""
    return assignments.prefetch_related(presenter.callers_loaded("ticket"))


def extensions_refused(assignments: Iterable[Assignment]) -> dict[int, str]:
    """Of `assignments` in hand, those whose last request for more time (延期) was refused, with
    the reviewer's note, by assignment id, in one query: what the row says, as it says a return
    rejected (`tickets.selectors.returns_rejected`), since the line that said it was waiting is
    gone. Not once the deadline it asked to move has moved (reopened, resumed, extended since)."""
    at_work = {
        a.pk: a for a in assignments if a.status in (AssignmentStatus.PENDING, AssignmentStatus.ACCEPTED)
    }
    last: dict[int, Extension] = {}
    for extension in Extension.objects.filter(assignment_id__in=at_work).order_by("requested_at", "pk"):
        last[extension.assignment_id] = extension
    return {
        pk: extension.decision_note
        for pk, extension in last.items()
        if extension.approved is False
        and not extension.withdrawn
        and extension.previous_due_at == at_work[pk].due_at
    }


def _state(assignment: Assignment) -> tuple[str, str]:
    if assignment.status == AssignmentStatus.RETURNED:
        return "returned", str(FILTER_LABELS["returned"])
    if assignment.paused_since is not None:
        return "suspended", str(FILTER_LABELS["suspended"])
    if assignment.status == AssignmentStatus.PENDING:
        return "pending", str(FILTER_LABELS["pending"])
    if assignment.ticket.status == TicketStatus.REOPENED:
        # In hand again after its reply was sent back or the citizen was not satisfied: named as
        # the ticket's page names the ticket (its status), not as any other work in hand.
        return "accepted", str(TicketStatus.REOPENED.label)
    return "accepted", str(FILTER_LABELS["accepted"])


def row(
    user: User,
    assignment: Assignment,
    now: datetime,
    sent_back: dict[int, str] | None = None,
    rejected: dict[int, str] | None = None,
    refused: dict[int, str] | None = None,
) -> Row:
    """`sent_back`: the reasons of the replies sent back (`feedback.selectors.sent_back`) of the
    page's tickets; `rejected`: of its returns rejected (`tickets.selectors.returns_rejected`);
    `refused`: of its requests for more time refused (`extensions_refused`); each looked up for
    this row alone without it."""
    ticket = assignment.ticket
    if sent_back is None:
        sent_back = replies_sent_back([ticket.pk]) if ticket.status == TicketStatus.REOPENED else {}
    if rejected is None:
        rejected = returns_rejected([assignment])
    if refused is None:
        refused = extensions_refused([assignment])
    state, label = _state(assignment)
    allowed = set(allowed_actions(user, ticket))
    actions = {
        name
        for name in INBOX_ACTIONS
        if name in allowed
        and ASSIGNMENT_NEEDS[name].met_by(assignment)
        and not (assignment.paused_since is not None and name in _NEED_RUNNING_CLOCK)
    }
    waiting = [
        a.department.name
        for a in ticket.assignments.all()
        if a.role == AssignmentRole.CO and a.status in OPEN_ASSIGNMENT_STATUSES
    ]
    if assignment.role == AssignmentRole.LEAD and waiting:
        actions.discard("reply")  # refused until every co-handler has answered
    asked = getattr(assignment, "extension_asked", None)
    if asked is not None:
        actions.discard("request_extension")  # one request at a time: the next would be refused
    why = ""
    if not actions and state != "returned" and ticket.status == TicketStatus.RETURNED:
        # A co-handler's row while the lead's return waits for dispatch: nothing to do until then.
        why = _("主办单位已退单，待派单审核后再办理")
    text, urgency = (_("等待派单审核"), "") if state == "returned" else assignment_clock(assignment, now)
    sign_due = assignment.sign_due_at
    sign_late = state == "pending" and sign_due is not None and sign_due < now
    response_due = awaited_response(assignment, now) if state == "pending" else None
    # The first response's clock (`assignment_clock`) comes before the signing's.
    clock_for_signing = sign_late and urgency != "overdue" and response_due is None
    if clock_for_signing and sign_due is not None and sign_due == assignment.response_due_at:
        # An urgent ticket is to be signed by its first response's deadline (signing is the
        # response, ADR 0004 addendum): late, it is the response that is late, said in the words of
        # the ticket's page and the board (`response_clock`), not as a late signing.
        response_due, clock_for_signing = sign_due, False
        text, urgency = response_clock(sign_due, now)
    signing_is_response = sign_due is not None and sign_due == assignment.response_due_at
    if clock_for_signing and sign_due is not None:
        # Signing is what is due first: the clock in front of the row, the first thing a handler
        # reads, says how late it is (the handling deadline stays in the row's details).
        text, urgency = _("签收超时 %(time)s") % {"time": duration(now - sign_due)}, "overdue"
    return Row(
        assignment=assignment,
        state=state,
        state_label=label,
        countdown=text,
        urgency=urgency,
        sign_late=sign_late,
        clock_for_signing=clock_for_signing,
        response_due=response_due,
        actions=frozenset(actions),
        # Translators: the separator between names in a list (an enumeration comma in Chinese).
        waiting_for=_("、").join(waiting) if assignment.role == AssignmentRole.LEAD else "",
        extension_asked=asked,
        why_nothing=why,
        sent_back=sent_back.get(ticket.pk, "") if assignment.role == AssignmentRole.LEAD else "",
        signing_is_response=signing_is_response,
        return_rejected=rejected.get(assignment.pk),
        extension_refused=refused.get(assignment.pk) if asked is None else None,
        title=presenter.listed_title(ticket),
        extension_from=extension_from(assignment, now) if "request_extension" in actions else None,
    )


@dataclass(frozen=True)
class Listing:
    """What the page's query asks for: a status filter, and for a head one department of their scope."""

    status: str | None
    department_id: int | None
    departments: list[Department]  # a head's choice of departments (none for a single department)


def listing(user: User, query: QueryDict) -> Listing:
    status = query.get("status") or None
    if status not in INBOX_FILTERS:
        status = None
    scope = department_scope(user) or set()
    departments = (
        list(Department.objects.filter(pk__in=scope).select_related("parent").order_by("code"))
        if len(scope) > 1
        else []
    )
    department_id = parse_id(query.get("department"))
    if department_id not in scope:
        department_id = None
    return Listing(status, department_id, departments)


def _by_department(shown: Listing) -> str:
    """The counters' links keep the department chosen (and drop the status: each link is one)."""
    return urlencode({"department": shown.department_id} if shown.department_id else {})


@staff_view("accept", require_GET, refusal=INBOX_FOR)
def inbox(request: HttpRequest, user: User) -> HttpResponse:
    shown = listing(user, request.GET)
    now = clock.now()
    page = paginate(
        request,
        listed(inbox_assignments(user, now=now, status=shown.status, department_id=shown.department_id)),
    )
    assignments = page.pop("rows")
    returned = replies_sent_back(a.ticket_id for a in assignments if a.ticket.status == TicketStatus.REOPENED)
    rejected = returns_rejected(assignments)
    refused = extensions_refused(assignments)
    rows = [row(user, a, now, returned, rejected, refused) for a in assignments]
    counts = inbox_counts(user, now=now, department_id=shown.department_id)
    kept: dict[str, Any] = {"status": shown.status, "department": shown.department_id}
    return render(
        request,
        "web/inbox.html",
        {
            **page,
            "rows": rows,
            "counts": counts,
            "status": shown.status or "",
            "filters": list(FILTER_LABELS.items()),
            "department_groups": department_groups(shown.departments) if shown.departments else [],
            "department_id": shown.department_id,
            "here": request.get_full_path(),
            # Links that keep the filters: the pages before and after, and the counters.
            "query": urlencode({k: v for k, v in kept.items() if v}),
            "by_department": _by_department(shown),
            "suspension_reasons": SuspensionReason.choices,
        },
    )


ROW_ID = re.compile(r"assignment-(\d{1,18})")


def _verdict(request: HttpRequest, ticket: Ticket) -> ReplyCheck | None:
    """The stored check of the reply the action just sent (`feedback.actions.check_reply`), when
    the action was the reply: the handler sees at once what dispatch and supervision will see."""
    match = request.resolver_match
    if match is None or match.kwargs.get("name") != "reply":
        return None
    return (
        ReplyCheck.objects.filter(reply__ticket=ticket).select_related("reply").order_by("-reply_id").first()
    )


def row_after(request: HttpRequest, user: User, change: RowChange) -> HttpResponse | None:
    """The row `change.row_id` after an action on it (`web.actions`): as the inbox now lists it
    under the page's filters, with the message, or a line that says what was done when the inbox
    no longer lists it (replied, answered; signed under 待签收), with a reply's check; the counters
    and the count of the rows listed follow."""
    found = ROW_ID.fullmatch(change.row_id)
    if found is None:
        return None
    shown = listing(user, change.query)
    now = clock.now()
    rows = inbox_assignments(user, now=now, status=shown.status, department_id=shown.department_id)
    assignment = listed(rows.filter(pk=int(found[1]))).first()
    r = row(user, assignment, now) if assignment is not None else None
    return render(
        request,
        "web/_row_changed.html",
        {
            "r": r,
            "a": assignment,
            "ticket": assignment.ticket if assignment is not None else change.ticket,
            # The line left in a row's place names its ticket as the row did, numbers masked.
            "title": r.title if r is not None else presenter.listed_title(change.ticket),
            "change": change,
            "verdict": _verdict(request, change.ticket),
            "row_template": "web/_inbox_row.html",
            "row_class": "inbox-row",
            "counters_template": "web/_inbox_counters.html",
            "counts": inbox_counts(user, now=now, department_id=shown.department_id),
            "by_department": _by_department(shown),
            # The line under the counters (web/_inbox_summary.html): how many the page lists.
            "total": rows.count(),
            "here": change.page,
            "suspension_reasons": SuspensionReason.choices,
        },
    )
