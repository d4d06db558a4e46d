"""The in-app inbox: `GET /api/v1/notifications` and `POST /api/v1/notifications/{id}/read`."""

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from hotline.accounts.auth import request_user
from hotline.core.enums import NotificationReason
from hotline.notifications import actions, selectors
from hotline.notifications.models import Notification
from hotline.tickets.schemas import (
    MAX_PAGE_SIZE,
    DepartmentRef,
    ErrorOut,
    Id,
    LocalDateTime,
    TicketRef,
)

router = Router(tags=["notifications"])

ERRORS: dict[int, type[ErrorOut]] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class NotificationFilters(Schema):
    unread: bool | None = Field(None, description="true: only unread; false: only read")
    limit: int = Field(20, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0, le=2**63 - 1)


class NotificationOut(Schema):
    id: int
    reason: NotificationReason
    reason_label: str
    level: int | None
    message: str
    ticket: TicketRef | None
    department: DepartmentRef | None
    role: str
    deadline: LocalDateTime | None
    created_at: LocalDateTime
    read_at: LocalDateTime | None


class NotificationPage(Schema):
    count: int
    unread: int
    offset: int
    limit: int
    items: list[NotificationOut]


def _out(n: Notification) -> NotificationOut:
    return NotificationOut(
        id=n.pk,
        reason=NotificationReason(n.reason),
        reason_label=str(n.get_reason_display()),
        level=n.level,
        message=n.message,
        ticket=TicketRef(id=n.ticket.pk, number=n.ticket.number) if n.ticket else None,
        department=(
            DepartmentRef(id=n.department.pk, code=n.department.code, name=n.department.name)
            if n.department
            else None
        ),
        role=n.role,
        deadline=n.deadline,
        created_at=n.created_at,
        read_at=n.read_at,
    )


@router.get("", response={200: NotificationPage, **ERRORS}, summary="My in-app notifications")
def list_notifications(request: HttpRequest, filters: Query[NotificationFilters]) -> NotificationPage:
    """Newest first: those addressed to me, to my department (for my role) and to my role citywide."""
    user = request_user(request)
    rows = selectors.inbox(user, unread=filters.unread)
    page = rows[filters.offset : filters.offset + filters.limit]
    return NotificationPage(
        count=rows.count(),
        unread=selectors.inbox(user, unread=True).count(),
        offset=filters.offset,
        limit=filters.limit,
        items=[_out(n) for n in page],
    )


@router.post("/{notification_id}/read", response={200: NotificationOut, **ERRORS}, summary="Mark read")
def mark_read(request: HttpRequest, notification_id: Id) -> NotificationOut:
    user = request_user(request)
    notification = actions.do_mark_read(notification_id, user)
    return _out(selectors.inbox(user).get(pk=notification.pk))
