"""Read queries over supervisions, limited to what the user may see, and the supervision board's
lists (督办台: overdue, due today, open supervisions, extensions to decide)."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import Case, Count, F, Prefetch, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from hotline.accounts.models import User
from hotline.accounts.permissions import department_scope
from hotline.core import clock
from hotline.core.enums import (
    ESCALATION_LADDER,
    TERMINAL_STATUSES,
    AssignmentStatus,
    SupervisionKind,
    SupervisionReason,
)
from hotline.core.errors import NotFound
from hotline.sla.models import Extension
from hotline.sla.selectors import first_due
from hotline.supervision.models import Supervision
from hotline.tickets.models import Assignment
from hotline.tickets.selectors import visible_tickets


def visible_supervisions(user: User) -> QuerySet[Supervision]:
    """Supervisions on the tickets the user may see."""
    rows = Supervision.objects.select_related("ticket", "department", "created_by", "resolved_by")
    if department_scope(user) is None:
        return rows
    return rows.filter(ticket__in=visible_tickets(user))


def listing_board() -> QuerySet[Supervision]:
    """The leaders' board (挂牌督办): public listings still open, for every member of staff."""
    return Supervision.objects.select_related("ticket", "department", "created_by", "resolved_by").filter(
        is_public=True,
        resolved_at__isnull=True,
        kind__in=[SupervisionKind.LISTING, SupervisionKind.ELEVATION],
    )


def get_visible_supervision(user: User, supervision_id: int) -> Supervision:
    found = visible_supervisions(user).filter(pk=supervision_id).first()
    if found is None:
        raise NotFound(_("督办 %(id)s 不存在") % {"id": supervision_id})
    return found


# --- the supervision board (督办台) ----------------------------------------------------------------

# The board's tabs: assignments past their handling deadline, assignments due before today ends,
# open supervisions, and extension requests waiting for a decision.
BOARD_VIEWS = ("overdue", "due_today", "supervised", "extensions")

# Assignments that still owe work (a returned one waits for dispatch, not for its department).
_AT_WORK = [AssignmentStatus.PENDING, AssignmentStatus.ACCEPTED]


@dataclass(frozen=True)
class BoardFilters:
    """The board's filters: the responsible unit (exactly that department) and the ticket's area
    (that area and the places under it, as ids)."""

    department_id: int | None = None
    area_ids: frozenset[int] | None = None


def _open_supervisions(lookup: str) -> Prefetch[Any]:
    """The ticket's open supervisions as `<ticket>.open_supervisions`, in one query for a page."""
    return Prefetch(
        lookup,
        queryset=Supervision.objects.filter(resolved_at__isnull=True)
        .select_related("department")
        .order_by("created_at", "pk"),
        to_attr="open_supervisions",
    )


def _assignment_conditions(now: datetime) -> dict[str, Q]:
    running = Q(paused_since__isnull=True)
    local = clock.localtime(now)
    tomorrow = datetime.combine(local.date() + timedelta(days=1), time.min, tzinfo=local.tzinfo)
    # An urgent ticket's first response (signing) awaited: a deadline of its own, in minutes.
    awaiting = Q(status=AssignmentStatus.PENDING, response_due_at__isnull=False)
    return {
        # Marked by the sweep, or past the deadline before the sweep came by; a stopped clock
        # counts by the time it had left when it stopped (as in the department's inbox). The
        # handling deadline only, as the figures' 超期未办结 (`analytics.selectors.overdue_now`); a
        # missed first response is a 催办 of the sweep's (督办中).
        "overdue": Q(overdue_at__isnull=False)
        | (running & Q(due_at__lt=now))
        | (Q(paused_since__isnull=False) & Q(due_at__lt=F("paused_since"))),
        # Due before today ends: the handling deadline, or an urgent ticket's first response
        # (missed already or not: the row's clock says which).
        "due_today": running
        & Q(overdue_at__isnull=True, due_at__gte=now)
        & (Q(due_at__lt=tomorrow) | (awaiting & Q(response_due_at__lt=tomorrow))),
    }


def _board_assignments(filters: BoardFilters) -> QuerySet[Assignment]:
    assignments = Assignment.objects.filter(status__in=_AT_WORK).exclude(
        ticket__status__in=list(TERMINAL_STATUSES)
    )
    if filters.department_id is not None:
        assignments = assignments.filter(department_id=filters.department_id)
    if filters.area_ids is not None:
        assignments = assignments.filter(ticket__area_id__in=filters.area_ids)
    return assignments


def _board_supervisions(filters: BoardFilters) -> QuerySet[Supervision]:
    rows = Supervision.objects.filter(resolved_at__isnull=True)
    if filters.department_id is not None:
        # The unit handling the supervised assignment, or the one the supervision is addressed to
        # (for an elevation, the level above).
        rows = rows.filter(
            Q(assignment__department_id=filters.department_id) | Q(department_id=filters.department_id)
        )
    if filters.area_ids is not None:
        rows = rows.filter(ticket__area_id__in=filters.area_ids)
    return rows


def _board_extensions(filters: BoardFilters) -> QuerySet[Extension]:
    rows = Extension.objects.filter(approved__isnull=True).exclude(
        assignment__ticket__status__in=list(TERMINAL_STATUSES)
    )
    if filters.department_id is not None:
        rows = rows.filter(assignment__department_id=filters.department_id)
    if filters.area_ids is not None:
        rows = rows.filter(assignment__ticket__area_id__in=filters.area_ids)
    return rows


def board_assignments(view: str, *, now: datetime, filters: BoardFilters) -> QuerySet[Assignment]:
    """The rows of the overdue or due-today tab, the earliest deadline first (the most overdue on
    top; an urgent ticket's first response while awaited, `sla.selectors.first_due`). Each carries
    its ticket (area, and its open supervisions as `ticket.open_supervisions`) and its department,
    in a fixed number of queries."""
    return (
        _board_assignments(filters)
        .filter(_assignment_conditions(now)[view])
        .select_related("ticket__area", "department")
        .prefetch_related(_open_supervisions("ticket__supervisions"))
        .annotate(first_due=first_due())
        .order_by("first_due", "pk")
    )


def board_supervisions(
    filters: BoardFilters, *, kind: str | None = None, origin: str | None = None
) -> QuerySet[Supervision]:
    """The open supervisions: the 催办 of urgent tickets' missed first responses first (minutes
    count), then highest on the ladder first (提级, 挂牌, 督办, 催办), then the oldest.
    `kind` narrows to one kind, or "public" to the public listings (挂牌); `origin` to those the
    sweep opened ("sweep") or a person ("hand"). Each carries its ticket (with every open
    supervision on it), its assignment and their departments."""
    rows = _board_supervisions(filters)
    if kind == "public":
        rows = rows.filter(is_public=True)
    elif kind is not None:
        rows = rows.filter(kind=kind)
    if origin is not None:
        rows = rows.filter(created_by__isnull=origin == "sweep")
    rank = Case(
        When(reason=SupervisionReason.RESPONSE_OVERDUE, then=Value(len(ESCALATION_LADDER))),
        *[When(kind=k, then=Value(level)) for level, k in enumerate(ESCALATION_LADDER)],
        default=Value(-1),
    )
    return (
        rows.select_related("ticket__area", "department", "assignment__department", "created_by")
        .prefetch_related(_open_supervisions("ticket__supervisions"))
        .annotate(ladder=rank)
        .order_by("-ladder", "created_at", "pk")
    )


def board_extensions(filters: BoardFilters) -> QuerySet[Extension]:
    """Extension requests waiting for a decision, the oldest first, with the assignment, its
    department and ticket (and the ticket's open supervisions)."""
    return (
        _board_extensions(filters)
        .select_related("assignment__ticket__area", "assignment__department", "requested_by")
        .prefetch_related(_open_supervisions("assignment__ticket__supervisions"))
        .order_by("requested_at", "pk")
    )


def board_counts(*, now: datetime, filters: BoardFilters) -> dict[str, int]:
    """The board's counters, one per tab, in three queries whatever the size. 督办中 counts the
    tickets under supervision (`supervised`), however many open records each has (a 督办 and
    a 挂牌, a co-handler's 催办); `supervisions` counts the records, which its tab lists."""
    conditions = _assignment_conditions(now)
    counts: dict[str, int] = _board_assignments(filters).aggregate(
        **{name: Count("pk", filter=condition) for name, condition in conditions.items()}
    )
    counts.update(
        _board_supervisions(filters).aggregate(
            supervised=Count("ticket_id", distinct=True), supervisions=Count("pk")
        )
    )
    counts["extensions"] = _board_extensions(filters).count()
    return counts
