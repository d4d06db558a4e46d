"""Supervision endpoints: open one by hand on a ticket, list them (and the leaders' board), close one.

POST /api/v1/tickets/{id}/supervisions     supervisor, leader or admin; 201 with the supervision
GET  /api/v1/supervisions                  filters: kind, board (public listings), open, ticket, department
GET  /api/v1/supervisions/{id}
POST /api/v1/supervisions/{id}/resolve
"""

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from hotline.accounts.auth import request_user
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
from hotline.core.enums import SupervisionKind, SupervisionReason
from hotline.supervision import actions, selectors
from hotline.supervision.models import Supervision
from hotline.tickets import selectors as ticket_selectors

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
    return SupervisionOut(
        id=s.pk,
        ticket=ticket_ref(s.ticket),
        assignment_id=s.assignment_id,
        department=department_ref(s.department),
        kind=SupervisionKind(s.kind),
        kind_label=str(s.get_kind_display()),
        reason=SupervisionReason(s.reason),
        reason_text=s.reason_text,
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
    rows = selectors.listing_board() if filters.board else selectors.visible_supervisions(user)
    if filters.kind is not None:
        rows = rows.filter(kind=filters.kind.value)
    if filters.open is not None:
        rows = rows.filter(resolved_at__isnull=filters.open)
    if filters.ticket is not None:
        rows = rows.filter(ticket_id=filters.ticket)
    if filters.department is not None:
        rows = rows.filter(department_id=filters.department)
    page = rows[filters.offset : filters.offset + filters.limit]
    return SupervisionPage(
        count=rows.count(), offset=filters.offset, limit=filters.limit, items=[_out(s) for s in page]
    )


@router.get(
    "/supervisions/{supervision_id}", response={200: SupervisionOut, **ERRORS}, summary="One supervision"
)
def get_supervision(request: HttpRequest, supervision_id: Id) -> SupervisionOut:
    return _out(selectors.get_visible_supervision(request_user(request), supervision_id))


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
