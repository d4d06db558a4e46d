"""The supervision board (督办台): what is late or about to be, what is under supervision, and the
extension requests waiting for a decision, for supervisors, leaders and admins.

GET  /supervision/                              tabs by `?view=`: overdue (超期, the default), due
                                                today (今日到期), open supervisions (督办中,
                                                `&kind=` one kind or "public" for 挂牌), extension
                                                requests (延期审批); filters `department` (the
                                                responsible unit) and `area` (the ticket's area and
                                                the places under it); `offset` pages
POST /supervision/tickets/<number>/open/        open a supervision by hand
                                                (`supervision.actions.do_open_supervision`): kind,
                                                reason, optional deadline (city time), assignment_id
POST /supervision/<id>/resolve/                 close one (销号, `do_resolve_supervision`), note
GET  /supervision/warnings/                     the early warnings (预警) with their evidence, `?view=`
                                                open (待研判, the default) or decided (已研判)
POST /supervision/warnings/<id>/decide/         confirm one or dismiss it as a false alarm
                                                (`analytics.actions.do_decide_warning`): status, note

Extension requests are decided through the pages' action endpoint (`web.actions.act`,
`review_extension`), like every other ticket action. A POST comes back to `next` with a message,
or with htmx changes its row in place (`row_after`, `web.actions.done`); a refusal changes nothing
and answers with the action's own status and message (`web.actions`).
The supervising roles are citywide (`accounts.models.CITYWIDE_ROLES`): the board shows the city.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, pgettext_lazy
from django.views.decorators.http import require_GET, require_POST

from hotline.accounts.models import User
from hotline.accounts.permissions import ACTION_ROLES
from hotline.analytics.actions import do_decide_warning
from hotline.analytics.models import EarlyWarning
from hotline.core import clock
from hotline.core.api import MAX_ID, MAX_NOTE, MAX_TEXT, as_aware
from hotline.core.enums import SupervisionKind, WarningStatus
from hotline.core.errors import HotlineError, InvalidInput
from hotline.directory.models import Department
from hotline.intake.models import Appeal
from hotline.sla.models import Extension
from hotline.sla.withdrawals import review_blocker
from hotline.supervision import actions, selectors, wording
from hotline.supervision.models import Supervision
from hotline.supervision.selectors import BOARD_VIEWS, BoardFilters
from hotline.tickets import presenter
from hotline.tickets.models import Assignment, Ticket
from hotline.tickets.selectors import callers_of
from hotline.web.actions import RowChange, back_to, done, next_url, refusal_page, visible_by_number
from hotline.web.department_choices import Option, department_groups, department_label
from hotline.web.dispatch import paginate, staff_view
from hotline.web.forms import posted_text
from hotline.web.inbox import assignment_clock, awaited_response, lateness, response_clock
from hotline.web.params import parse_id
from hotline.web.wording import shown

VIEW_LABELS = {
    "overdue": gettext_lazy("超期"),
    "due_today": gettext_lazy("今日到期"),
    # Its counter counts tickets, its list the open supervisions (several on a ticket at times).
    "supervised": gettext_lazy("督办中工单"),
    "extensions": pgettext_lazy("the list of requests", "延期审批"),
}
assert set(VIEW_LABELS) == set(BOARD_VIEWS)

# The 督办中 tab's narrowing by kind; "public" is every public listing (挂牌).
KIND_FILTERS = {
    **{k.value: k.label for k in SupervisionKind},
    "public": gettext_lazy("挂牌（公开）"),
}

# The 督办中 tab's narrowing by who opened the supervision: the sweep's by rule (what it opened
# overnight is the morning's first look) or a person's by hand.
ORIGIN_FILTERS = {
    "sweep": gettext_lazy("系统巡检发起"),
    "hand": gettext_lazy("人工发起"),
}

View = Callable[..., HttpResponse]


@dataclass(frozen=True)
class BoardRow:
    """One line of the board: the ticket, the unit responsible, the deadline that counts on this
    tab and how far it is, the open supervisions of the row's assignment (`_own_supervisions`),
    and the row's own record (the supervision of 督办中, the request of 延期审批)."""

    key: str  # unique on the page, for the element's id
    ticket: Ticket
    # The ticket's title as lists show it, its numbers masked (`tickets.presenter.listed_title`).
    title: str
    assignment: Assignment | None
    department: Department | None
    deadline: datetime | None
    lateness: str
    urgency: str  # "overdue", "soon" or "" (the row's colour)
    supervisions: list[Supervision]
    supervision: Supervision | None = None
    # The supervision's reason as the row shows it (`_reason`).
    reason: str = ""
    extension: Extension | None = None
    # The deadline is an urgent ticket's first response, awaited (`inbox.awaited_response`).
    is_response: bool = False
    # The extension asks for a moment already past: it can only be approved with another date.
    asked_past: bool = False
    # Why the extension cannot be decided now (`sla.withdrawals.review_blocker`): said on the row
    # instead of buttons that could only be refused.
    undecidable: str | None = None


def _own_supervisions(ticket: Ticket, assignment_id: int | None) -> list[Supervision]:
    """The ticket's open supervisions that belong on a row of `assignment_id`: those addressed to
    that assignment and those about the whole ticket (none, as the repetition rule may open). A
    co-handler's 督办 is not the lead's: shown on both rows, it read as one on each. A row of no
    assignment (a supervision of the whole ticket) shows them all."""
    found: list[Supervision] = getattr(ticket, "open_supervisions", [])
    if assignment_id is None:
        return list(found)
    return [s for s in found if s.assignment_id in (None, assignment_id)]


def _assignment_row(assignment: Assignment, now: datetime) -> BoardRow:
    text, urgency = assignment_clock(assignment, now)
    response = awaited_response(assignment, now)
    ticket = assignment.ticket
    return BoardRow(
        key=f"a{assignment.pk}",
        ticket=ticket,
        title=presenter.listed_title(ticket),
        assignment=assignment,
        department=assignment.department,
        deadline=response or assignment.due_at,
        lateness=text,
        urgency=urgency,
        supervisions=_own_supervisions(ticket, assignment.pk),
        is_response=response is not None,
    )


def _supervision_row(supervision: Supervision, now: datetime) -> BoardRow:
    """The supervision's own deadline (督办时限) counts; without one, the deadline due first on its
    assignment (the first response of a 催办 for a missed response, while still awaited)."""
    assignment = supervision.assignment
    response = (
        awaited_response(assignment, now) if assignment is not None and not supervision.deadline else None
    )
    deadline = supervision.deadline or response or (assignment.due_at if assignment else None)
    if response is not None:
        text, urgency = response_clock(response, now)
    else:
        text, urgency = lateness(deadline - now) if deadline is not None else (_("无时限"), "")
    ticket = supervision.ticket
    return BoardRow(
        key=f"s{supervision.pk}",
        ticket=ticket,
        title=presenter.listed_title(ticket),
        assignment=assignment,
        department=assignment.department if assignment else supervision.department,
        deadline=deadline,
        lateness=text,
        urgency=urgency,
        # The other open supervisions of its assignment: this one is the row itself.
        supervisions=[
            s for s in _own_supervisions(ticket, supervision.assignment_id) if s.pk != supervision.pk
        ],
        supervision=supervision,
        reason=_reason(supervision, ticket),
        is_response=response is not None,
    )


def _reason(supervision: Supervision, ticket: Ticket) -> str:
    """The reason of `supervision` as its row shows it, the
    ticket's title in a sentence of the sweep's ("工单 …「回电139…」已超期") masked as the row's
    title is (`wording.shown_masked`): the sweep wrote the title as it was. A person's reason as
    typed, the callers' numbers in it masked as the leaders' inbox masks it (`wording.typed_masked`):
    the board is a list, and leaders read it."""
    callers = callers_of(ticket.appeals.all())
    if supervision.created_by_id is not None:
        return wording.typed_masked(supervision.reason_text, callers)
    return wording.shown_masked(supervision.reason_text, callers)


def _extension_row(extension: Extension, now: datetime) -> BoardRow:
    assignment = extension.assignment
    text, urgency = lateness(assignment.due_at - now)
    ticket = assignment.ticket
    return BoardRow(
        key=f"e{extension.pk}",
        ticket=ticket,
        title=presenter.listed_title(ticket),
        assignment=assignment,
        department=assignment.department,
        deadline=assignment.due_at,
        lateness=text,
        urgency=urgency,
        supervisions=_own_supervisions(ticket, assignment.pk),
        extension=extension,
        # What the unit typed, the callers' numbers in it masked as a 督办's reason is (leaders read
        # the board too).
        reason=wording.typed_masked(extension.reason, callers_of(ticket.appeals.all())),
        asked_past=extension.requested_due_at <= now,
        undecidable=review_blocker(extension),
    )


def _with_callers[Rows: QuerySet[Any]](rows: Rows, ticket: str) -> Rows:
    """`rows` with their ticket's (at the path `ticket`) appeals' callers, which the row's title and
    reason are masked with (`presenter.callers_loaded`)."""
    return rows.prefetch_related(presenter.callers_loaded(ticket))


# Who this page is for, said to anybody else.
BOARD_FOR = gettext_noop("督办台供督办员、领导和管理员使用；您的角色“%(role)s”请使用其他页面。")


@dataclass(frozen=True)
class Listing:
    """What the board's query asks for: the tab, the kind of supervision (督办中 only), the filters."""

    view: str
    kind: str | None
    origin: str | None
    departments: list[Department]
    areas: list[Department]
    department_id: int | None
    area: Department | None
    filters: BoardFilters


def listing(query: QueryDict) -> Listing:
    view = query.get("view") or "overdue"
    if view not in BOARD_VIEWS:
        view = "overdue"
    kind = query.get("kind") or None
    if view != "supervised" or kind not in KIND_FILTERS:
        kind = None
    origin = query.get("origin") or None
    if view != "supervised" or origin not in ORIGIN_FILTERS:
        origin = None
    departments = list(Department.objects.filter(is_active=True).select_related("parent").order_by("code"))
    areas = [d for d in departments if d.is_area]
    department_id = parse_id(query.get("department"))
    if department_id not in {d.pk for d in departments}:
        department_id = None
    area_id = parse_id(query.get("area"))
    area = next((d for d in areas if d.pk == area_id), None)
    filters = BoardFilters(
        department_id=department_id,
        area_ids=frozenset(_area_and_below(area, departments)) if area is not None else None,
    )
    return Listing(view, kind, origin, departments, areas, department_id, area, filters)


def _supervisions(shown: Listing) -> QuerySet[Supervision]:
    """The 督办中 tab's supervisions under the listing's filters, kind and origin."""
    return selectors.board_supervisions(shown.filters, kind=shown.kind, origin=shown.origin)


def _filtered(shown: Listing) -> str:
    """The tabs' links keep the filters (and leave the tab and the kind to each link)."""
    filtered = {"department": shown.department_id, "area": shown.area.pk if shown.area else None}
    return urlencode({k: v for k, v in filtered.items() if v})


def _counters(shown: Listing, now: datetime) -> dict[str, Any]:
    """The tabs' counts (web/_board_counters.html), the open warnings beside them, and what the
    tab lists (web/_board_summary.html): both change with an action on a row, and both follow."""
    counts = selectors.board_counts(now=now, filters=shown.filters)
    if shown.view != "supervised":
        listed = counts[shown.view]
    elif shown.kind is None and shown.origin is None:
        listed = counts["supervisions"]
    else:
        listed = _supervisions(shown).count()
    return {
        "counts": counts,
        "listed": listed,
        "open_warnings": EarlyWarning.objects.filter(status=WarningStatus.OPEN).count(),
        "views": list(VIEW_LABELS.items()),
        "view": shown.view,
        "view_label": VIEW_LABELS[shown.view],
        "kind": shown.kind or "",
        "origin": shown.origin or "",
        "filtered": _filtered(shown),
    }


def _row_context(user: User, now: datetime, here: str) -> dict[str, Any]:
    """What the rows' forms need, the same on every row."""
    return {
        "supervision_kinds": SupervisionKind.choices,
        "can_review_extension": user.role in ACTION_ROLES["review_extension"],
        "can_resolve": user.role in ACTION_ROLES["resolve_supervision"],
        "now_local": clock.localtime(now),
        "here": here,
    }


@staff_view("supervise", require_GET, refusal=BOARD_FOR)
def board(request: HttpRequest, user: User) -> HttpResponse:
    shown = listing(request.GET)
    view, kind, filters = shown.view, shown.kind, shown.filters
    now = clock.now()
    counters = _counters(shown, now)
    rows: list[BoardRow]
    listed = counters["listed"]
    if view == "supervised":
        supervisions = _with_callers(_supervisions(shown), "ticket")
        page = paginate(request, supervisions, total=listed)
        rows = [_supervision_row(s, now) for s in page.pop("rows")]
    elif view == "extensions":
        extensions = _with_callers(selectors.board_extensions(filters), "assignment__ticket")
        page = paginate(request, extensions, total=listed)
        rows = [_extension_row(e, now) for e in page.pop("rows")]
    else:
        assignments = _with_callers(selectors.board_assignments(view, now=now, filters=filters), "ticket")
        page = paginate(request, assignments, total=listed)
        rows = [_assignment_row(a, now) for a in page.pop("rows")]
    kept = {
        "view": view,
        "kind": kind,
        "origin": shown.origin,
        "department": shown.department_id,
        "area": shown.area.pk if shown.area else None,
    }
    return render(
        request,
        "web/supervision.html",
        {
            **page,
            **counters,
            **_row_context(user, now, request.get_full_path()),
            "rows": rows,
            "kinds": list(KIND_FILTERS.items()),
            "origins": list(ORIGIN_FILTERS.items()),
            "department_groups": department_groups(shown.departments),
            "areas": [Option(d.pk, department_label(d)) for d in shown.areas],
            "department_id": shown.department_id,
            "area_id": shown.area.pk if shown.area else None,
            # Links that keep the filters: the pages before and after (the tabs keep `filtered`).
            "query": urlencode({k: v for k, v in kept.items() if v}),
        },
    )


ROW_ID = re.compile(r"row-([ase])(\d{1,18})")


def _row_now(shown: Listing, kind: str, pk: int, now: datetime) -> BoardRow | None:
    """The row of the record `pk` (a: assignment, s: supervision, e: extension) as the board's tab
    now lists it under its filters, or None when it no longer does."""
    if kind == "s" and shown.view == "supervised":
        supervision = _supervisions(shown).filter(pk=pk).first()
        return _supervision_row(supervision, now) if supervision is not None else None
    if kind == "e" and shown.view == "extensions":
        extension = selectors.board_extensions(shown.filters).filter(pk=pk).first()
        return _extension_row(extension, now) if extension is not None else None
    if kind == "a" and shown.view in ("overdue", "due_today"):
        assignments = selectors.board_assignments(shown.view, now=now, filters=shown.filters)
        assignment = assignments.filter(pk=pk).first()
        return _assignment_row(assignment, now) if assignment is not None else None
    return None


def row_after(request: HttpRequest, user: User, change: RowChange) -> HttpResponse | None:
    """The row `change.row_id` after an action on it (`web.actions`): as the board's tab now lists
    it, with the message (a 督办 sent: the row stays, naming it), or a line that says what was done
    once the tab no longer lists it (销号, an extension decided); the tabs' counts follow."""
    found = ROW_ID.fullmatch(change.row_id)
    if found is None:
        return None
    shown = listing(change.query)
    now = clock.now()
    r = _row_now(shown, found[1], int(found[2]), now)
    return render(
        request,
        "web/_row_changed.html",
        {
            **_counters(shown, now),
            **_row_context(user, now, change.page),
            "r": r,
            "ticket": r.ticket if r is not None else change.ticket,
            # The line left in its place names the ticket as the row did, its numbers masked.
            "title": r.title if r is not None else presenter.listed_title(change.ticket),
            "change": change,
            "row_template": "web/_supervision_row.html",
            "row_class": "board-row",
            "counters_template": "web/_board_counters.html",
        },
    )


def _area_and_below(area: Department, departments: list[Department]) -> set[int]:
    """The area and every department under it, from the list already read (no query per level)."""
    children: dict[int, list[int]] = {}
    for d in departments:
        if d.parent_id is not None:
            children.setdefault(d.parent_id, []).append(d.pk)
    ids = {area.pk}
    frontier = [area.pk]
    while frontier:
        frontier = [c for pk in frontier for c in children.get(pk, []) if c not in ids]
        ids.update(frontier)
    return ids


def _deadline(value: str) -> datetime | None:
    """A `datetime-local` field's value, read in the city's zone; blank is no deadline."""
    value = value.strip()
    if not value:
        return None
    try:
        return as_aware(datetime.fromisoformat(value))
    except ValueError:
        raise InvalidInput(_("deadline: 时间格式不正确")) from None


@staff_view("supervise", require_POST)
def open_supervision(request: HttpRequest, user: User, number: str) -> HttpResponse:
    ticket: Ticket | None = None
    try:
        ticket = visible_by_number(user, number)
        supervision = actions.do_open_supervision(
            ticket,
            user,
            kind=request.POST.get("kind", ""),
            reason=posted_text(request, "reason", MAX_TEXT),
            deadline=_deadline(request.POST.get("deadline", "")),
            assignment_id=_assignment_id(request.POST.get("assignment_id", "")),
        )
    except HotlineError as error:
        return refusal_page(request, shown(error), error.status_code, next_url(request, ticket))
    due = (
        _("，督办时限 %(due)s") % {"due": f"{clock.localtime(supervision.deadline):%Y-%m-%d %H:%M}"}
        if supervision.deadline
        else ""
    )
    return done(
        request,
        user,
        ticket,
        _("工单 %(number)s：%(kind)s已发出%(due)s")
        % {"number": ticket.number, "kind": supervision.get_kind_display(), "due": due},
    )


def _assignment_id(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= MAX_ID:
        raise InvalidInput(_("assignment_id: 须为编号"))
    return int(value)


@staff_view("resolve_supervision", require_POST)
def resolve_supervision(request: HttpRequest, user: User, supervision_id: int) -> HttpResponse:
    ticket: Ticket | None = None
    try:
        supervision = selectors.get_visible_supervision(user, supervision_id)
        ticket = supervision.ticket
        actions.do_resolve_supervision(supervision, user, note=posted_text(request, "note", MAX_NOTE))
    except HotlineError as error:
        return refusal_page(request, shown(error), error.status_code, next_url(request, ticket))
    return done(
        request,
        user,
        ticket,
        _("工单 %(number)s：%(kind)s已销号")
        % {"number": ticket.number, "kind": supervision.get_kind_display()},
    )


# The early warnings (预警, analytics.early_warning) the worker raised: to be read, then confirmed
# or dismissed as false alarms by a supervisor. Leaders see them here and on the overview.
WARNING_VIEWS = {
    "open": gettext_lazy("待研判"),
    "decided": gettext_lazy("已研判"),
}


# The tickets of a hot spot's appeals shown in its evidence; the summary line has the whole count.
EVIDENCE_TICKETS = 50


@dataclass(frozen=True)
class WarningRow:
    """A warning and its findings (`EarlyWarning.findings`) with their evidence as people read it
    (`_shown_evidence`)."""

    warning: EarlyWarning
    findings: list[dict[str, Any]]


def _moment_text(value: Any) -> Any:
    """A moment the evidence stores in ISO form ("2026-12-03T08:53+08:00"), in the city's time as
    the pages write moments; anything else as it was written (the evidence is a record)."""
    if not isinstance(value, str):
        return value
    try:
        moment = datetime.fromisoformat(value)
        return f"{clock.localtime(moment):%Y-%m-%d %H:%M}" if moment.tzinfo else value
    except (ValueError, OverflowError):
        return value


def _evidence_appeals(evidence: dict[str, Any]) -> list[int]:
    """The appeals a finding's evidence names: a hot spot's (the first EVIDENCE_TICKETS) and its burst's."""
    named = list(evidence.get("appeals") or [])[:EVIDENCE_TICKETS]
    named += [a.get("appeal") for a in (evidence.get("burst") or {}).get("list") or [] if isinstance(a, dict)]
    return [a for a in named if isinstance(a, int) and not isinstance(a, bool)]


def _shown_evidence(evidence: dict[str, Any], numbers: dict[int, str]) -> dict[str, Any]:
    """The evidence as stored, with its moments in city time and its appeals as their tickets'
    numbers (`numbers`, by appeal id): what a supervisor follows up, where a channel's own id
    (GRID-0000454) leads nowhere. An appeal not found keeps what the evidence says of it."""
    shown = dict(evidence)
    for key in ("first_time", "last_time"):
        if key in shown:
            shown[key] = _moment_text(shown[key])
    if isinstance(shown.get("tickets"), list):
        shown["tickets"] = [
            {**t, "at": _moment_text(t.get("at"))} if isinstance(t, dict) else t for t in shown["tickets"]
        ]
    if isinstance(shown.get("burst"), dict):
        burst = shown["burst"]
        shown["burst"] = {
            **burst,
            "list": [
                {**a, "at": _moment_text(a.get("at")), "ticket": numbers.get(a.get("appeal") or 0)}
                for a in burst.get("list") or []
                if isinstance(a, dict)
            ],
        }
    appeals = list(evidence.get("appeals") or [])
    shown["appeal_tickets"] = list(
        dict.fromkeys(numbers[a] for a in appeals[:EVIDENCE_TICKETS] if isinstance(a, int) and a in numbers)
    )
    shown["appeals_left"] = max(len(appeals) - EVIDENCE_TICKETS, 0)
    return shown


def _warning_rows(warnings: list[EarlyWarning]) -> list[WarningRow]:
    """The warnings with their evidence as shown; the appeals' tickets in one query for the page."""
    findings = {w.pk: w.findings for w in warnings}
    ids = {a for found in findings.values() for f in found for a in _evidence_appeals(f["evidence"])}
    numbers = dict(Appeal.objects.filter(pk__in=ids).values_list("pk", "ticket__number")) if ids else {}
    return [
        WarningRow(w, [{**f, "evidence": _shown_evidence(f["evidence"], numbers)} for f in findings[w.pk]])
        for w in warnings
    ]


@staff_view("supervise", require_GET, refusal=BOARD_FOR)
def warnings_page(request: HttpRequest, user: User) -> HttpResponse:
    """GET /supervision/warnings/?view=open|decided: the warnings with their evidence, the newest
    first, a page at a time (`offset`: the decided ones pile up, and the oldest must stay within
    reach); the open ones with the forms to confirm or dismiss them (for those who may)."""
    view = request.GET.get("view") or "open"
    if view not in WARNING_VIEWS:
        view = "open"
    rows = EarlyWarning.objects.select_related("category", "area", "decided_by").prefetch_related(
        "decisions__actor"
    )
    rows = (
        rows.filter(status=WarningStatus.OPEN) if view == "open" else rows.exclude(status=WarningStatus.OPEN)
    )
    counts = {
        "open": EarlyWarning.objects.filter(status=WarningStatus.OPEN).count(),
        "decided": EarlyWarning.objects.exclude(status=WarningStatus.OPEN).count(),
    }
    page = paginate(request, rows, total=counts[view])
    return render(
        request,
        "web/supervision_warnings.html",
        {
            **page,
            "view": view,
            "views": list(WARNING_VIEWS.items()),
            "counts": counts,
            "rows": _warning_rows(page.pop("rows")),
            # The pages' links keep the tab (web/_inbox_pages.html).
            "query": urlencode({"view": view}),
            "can_decide": user.role in ACTION_ROLES["decide_warning"],
            "here": request.get_full_path(),
        },
    )


@staff_view("decide_warning", require_POST)
def decide_warning(request: HttpRequest, user: User, warning_id: int) -> HttpResponse:
    """POST /supervision/warnings/<id>/decide/: status (confirmed or dismissed) and note; back to
    the page of warnings it was decided on (`next`: its tab and page), else to the first."""
    back = back_to(request, reverse("supervision_warnings"))
    warning = EarlyWarning.objects.filter(pk=warning_id).first()
    if warning is None:
        return refusal_page(request, _("预警 %(id)s 不存在") % {"id": warning_id}, 404, back)
    try:
        warning = do_decide_warning(
            warning,
            user,
            status=request.POST.get("status", ""),
            note=posted_text(request, "note", MAX_NOTE),
        )
    except HotlineError as error:
        return refusal_page(request, shown(error), error.status_code, back)
    messages.success(
        request,
        _("预警“%(title)s”已研判为%(status)s")
        % {"title": warning.title, "status": warning.get_status_display()},
    )
    return HttpResponseRedirect(back)
