"""Supervision endpoints: open one by hand on a ticket, list them (and the leaders' board), close one.

POST /api/v1/tickets/{id}/supervisions     supervisor, leader or admin; 201 with the supervision
GET  /api/v1/supervisions                  filters: kind, board (public listings), open, ticket, department
GET  /api/v1/supervisions/{id}
POST /api/v1/supervisions/{id}/resolve
GET  /api/v1/repetitions                   the repetitions flagged by the counters (重复诉求预警): open
                                           ones by default; filters kind, review (waiting for one)
POST /api/v1/repetitions/{id}/review       outcome and note: dispatchers, supervisors, admins
"""

from datetime import datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from hotline.accounts.auth import request_user
from hotline.accounts.permissions import require_role
from hotline.core.api import (
    ERRORS,
    MAX_ID,
    MAX_PAGE_SIZE,
    DepartmentRef,
    Id,
    InLocalDateTime,
    InSchema,
    LocalDateTime,
    LongText,
    Note,
    TicketRef,
    department_ref,
    ticket_ref,
)
from hotline.core.enums import RepetitionKind, RepetitionOutcome, SupervisionKind, SupervisionReason
from hotline.core.errors import NotFound
from hotline.supervision import actions, selectors, wording
from hotline.supervision.models import Repetition, Supervision
from hotline.tickets import selectors as ticket_selectors
from hotline.tickets.presenter import callers_loaded

router = Router(tags=["supervision"])


class SupervisionIn(InSchema):
    kind: SupervisionKind = SupervisionKind.ORDER
    reason: LongText
    deadline: InLocalDateTime | None = Field(
        None, description="the supervision's own deadline; a time without zone is city time"
    )
    assignment_id: Id | None = Field(None, description="default: the lead assignment")


class ResolveIn(InSchema):
    note: Note = ""


class SupervisionFilters(Schema):
    kind: SupervisionKind | None = None
    board: bool = Field(False, description="the leaders' board: open public listings (挂牌督办) only")
    open: bool | None = Field(None, description="true: not yet resolved; false: resolved")
    ticket: Id | None = None
    department: Id | None = None
    limit: int = Field(20, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0, le=MAX_ID)


class SupervisionOut(Schema):
    id: int
    ticket: TicketRef
    assignment_id: int | None
    department: DepartmentRef | None = Field(
        description="the unit addressed; for an elevation the level above"
    )
    kind: SupervisionKind
    kind_label: str
    reason: SupervisionReason
    reason_text: str
    deadline: LocalDateTime | None
    is_public: bool
    created_by: str | None = Field(description="username; null when opened by the sweep")
    created_at: LocalDateTime
    resolved_at: LocalDateTime | None
    resolved_by: str | None
    resolution_note: str


class SupervisionPage(Schema):
    count: int
    offset: int
    limit: int
    items: list[SupervisionOut]


def _out(s: Supervision) -> SupervisionOut:
    callers = ticket_selectors.callers_of(s.ticket.appeals.all())
    return SupervisionOut(
        id=s.pk,
        ticket=ticket_ref(s.ticket),
        assignment_id=s.assignment_id,
        department=department_ref(s.department),
        kind=SupervisionKind(s.kind),
        kind_label=str(s.get_kind_display()),
        reason=SupervisionReason(s.reason),
        # The sweep's sentences say the ticket's title as the caller wrote it ("回电139…"): its
        # numbers masked, as every list masks them (docs/adr/0017); a person's reason with the
        # callers' numbers masked, as the board and the leaders' inbox say it.
        reason_text=(
            wording.typed_masked(s.reason_text, callers)
            if s.created_by_id
            else wording.stored_masked(s.reason_text, callers)
        ),
        deadline=s.deadline,
        is_public=s.is_public,
        created_by=s.created_by.username if s.created_by else None,
        created_at=s.created_at,
        resolved_at=s.resolved_at,
        resolved_by=s.resolved_by.username if s.resolved_by else None,
        resolution_note=s.resolution_note,
    )


@router.post(
    "/tickets/{ticket_id}/supervisions",
    response={201: SupervisionOut, **ERRORS},
    summary="Open a supervision on a ticket by hand (督办)",
)
def open_supervision(request: HttpRequest, ticket_id: Id, payload: SupervisionIn) -> Status[SupervisionOut]:
    user = request_user(request)
    ticket = ticket_selectors.get_visible_ticket(user, ticket_id)
    deadline: datetime | None = payload.deadline
    supervision = actions.do_open_supervision(
        ticket,
        user,
        kind=payload.kind.value,
        reason=payload.reason,
        deadline=deadline,
        assignment_id=payload.assignment_id,
    )
    return Status(201, _out(selectors.get_visible_supervision(user, supervision.pk)))


@router.get("/supervisions", response={200: SupervisionPage, **ERRORS}, summary="List supervisions")
def list_supervisions(request: HttpRequest, filters: Query[SupervisionFilters]) -> SupervisionPage:
    """Newest first. `board=true` is the leaders' board, which every member of staff may read."""
    user = request_user(request)
    if not filters.board:  # the public listings (挂牌) are for everyone; the rest is the staff's
        require_role(user, "read_tickets")
    rows = selectors.listing_board() if filters.board else selectors.visible_supervisions(user)
    if filters.kind is not None:
        rows = rows.filter(kind=filters.kind.value)
    if filters.open is not None:
        rows = rows.filter(resolved_at__isnull=filters.open)
    if filters.ticket is not None:
        rows = rows.filter(ticket_id=filters.ticket)
    if filters.department is not None:
        rows = rows.filter(department_id=filters.department)
    # With the callers of each row's ticket, whose numbers a reason is masked with (`_out`).
    page = rows.prefetch_related(callers_loaded("ticket"))[filters.offset : filters.offset + filters.limit]
    return SupervisionPage(
        count=rows.count(), offset=filters.offset, limit=filters.limit, items=[_out(s) for s in page]
    )


@router.get(
    "/supervisions/{supervision_id}", response={200: SupervisionOut, **ERRORS}, summary="One supervision"
)
def get_supervision(request: HttpRequest, supervision_id: Id) -> SupervisionOut:
    user = request_user(request)
    require_role(user, "read_tickets")
    return _out(selectors.get_visible_supervision(user, supervision_id))


@router.post(
    "/supervisions/{supervision_id}/resolve",
    response={200: SupervisionOut, **ERRORS},
    summary="Close a supervision (督办销号)",
)
def resolve_supervision(
    request: HttpRequest, supervision_id: Id, payload: ResolveIn | None = None
) -> SupervisionOut:
    """The body may be left out."""
    user = request_user(request)
    supervision = selectors.get_visible_supervision(user, supervision_id)
    actions.do_resolve_supervision(supervision, user, note=(payload or ResolveIn()).note)
    return _out(selectors.get_visible_supervision(user, supervision_id))


# --- repetitions (重复诉求预警) ---------------------------------------------------------------------


class RepetitionFilters(Schema):
    kind: RepetitionKind | None = None
    review: bool | None = Field(None, description="true: only those waiting for a person's review")
    open: bool = Field(
        True,
        description="false: those cleared since (the window rolled past them, or taken apart by a person)",
    )
    limit: int = Field(20, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0, le=MAX_ID)


class RepetitionOut(Schema):
    id: int
    kind: RepetitionKind
    label: str = Field(description="who or what repeats: a masked phone, an address, an issue's title")
    count: int = Field(
        description="in the window: a citizen's appeals; the appellants of a place or an issue (each once)"
    )
    consultations: int = Field(
        description="of a citizen's appeals, the consultations (咨询): counted for the review, never for a "
        "repetition order; places and issues count no consultation (0)"
    )
    problems: int = Field(
        description="of the count, the appeals (a citizen's) or appellants (a place's, an issue's) that "
        "report a problem (complaint, help, report): what a repetition order counts. Suggestions, praise "
        "and consultations never make one; places and issues count nothing else (all of their count)"
    )
    window_days: int
    first_at: LocalDateTime
    last_at: LocalDateTime
    ticket: TicketRef = Field(description="the ticket the repetition is about now")
    tickets: list[TicketRef]
    raised_at: LocalDateTime
    cleared_at: LocalDateTime | None
    needs_review: bool
    outcome: RepetitionOutcome | None
    review_note: str
    reviewed_by: str | None
    reviewed_at: LocalDateTime | None


class RepetitionPage(Schema):
    count: int
    offset: int
    limit: int
    items: list[RepetitionOut]


class ReviewIn(InSchema):
    outcome: RepetitionOutcome = Field(
        description="a citizen's: reasonable, unreasonable or unrelated; an issue's: unrelated (not one "
        "problem); a place's: other_place (not one place). The last two take the group apart: it is "
        "cleared and its appeals no longer count for a group of its kind"
    )
    note: Note = ""


def _repetition_out(r: Repetition) -> RepetitionOut:
    return RepetitionOut(
        id=r.pk,
        kind=RepetitionKind(r.kind),
        label=r.label_shown,  # an address as a caller gave it, numbers and all: masked as pages show it
        count=r.count,
        consultations=r.consultations,
        problems=r.problems,
        window_days=r.window_days,
        first_at=r.first_at,
        last_at=r.last_at,
        ticket=ticket_ref(r.ticket),
        tickets=[ticket_ref(t) for t in r.tickets.all()],
        raised_at=r.raised_at,
        cleared_at=r.cleared_at,
        needs_review=r.needs_review,
        outcome=RepetitionOutcome(r.outcome) if r.outcome else None,
        review_note=r.review_note,
        reviewed_by=r.reviewed_by.username if r.reviewed_by else None,
        reviewed_at=r.reviewed_at,
    )


def _repetitions() -> QuerySet[Repetition]:
    return Repetition.objects.select_related("ticket", "reviewed_by").prefetch_related("tickets")


@router.get("/repetitions", response={200: RepetitionPage, **ERRORS}, summary="Repeated appeals flagged")
def list_repetitions(request: HttpRequest, filters: Query[RepetitionFilters]) -> RepetitionPage:
    """The most appeals first. For the supervising roles, as the board."""
    require_role(request_user(request), "supervise")
    rows = _repetitions().filter(cleared_at__isnull=filters.open)
    if filters.kind is not None:
        rows = rows.filter(kind=filters.kind.value)
    if filters.review is not None:
        rows = rows.filter(needs_review=filters.review)
    rows = rows.order_by("-count", "-last_at", "pk")
    page = rows[filters.offset : filters.offset + filters.limit]
    return RepetitionPage(
        count=rows.count(),
        offset=filters.offset,
        limit=filters.limit,
        items=[_repetition_out(r) for r in page],
    )


@router.post(
    "/repetitions/{repetition_id}/review",
    response={200: RepetitionOut, **ERRORS},
    summary="Review a flagged repetition: reasonable, possibly unreasonable, not the same problem or place",
)
def review_repetition(request: HttpRequest, repetition_id: Id, payload: ReviewIn) -> RepetitionOut:
    """Nothing is rejected by it: an appeal is declared invalid only by the ticket's own two-person
    invalidation. Written on the timeline of the ticket the repetition is about."""
    repetition = Repetition.objects.filter(pk=repetition_id).first()
    if repetition is None:
        raise NotFound(_("重复诉求预警 %(id)s 不存在") % {"id": repetition_id})
    actions.do_review_repetition(
        repetition, request_user(request), outcome=payload.outcome.value, note=payload.note
    )
    return _repetition_out(_repetitions().get(pk=repetition_id))
