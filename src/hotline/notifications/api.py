"""The in-app inbox: `GET /api/v1/notifications` and `POST /api/v1/notifications/{id}/read`."""

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from hotline.accounts.auth import request_user
from hotline.core.api import (
    MAX_ID,
    MAX_PAGE_SIZE,
    DepartmentRef,
    ErrorOut,
    Id,
    LocalDateTime,
    TicketRef,
    department_ref,
    ticket_ref,
)
from hotline.core.enums import NotificationReason
from hotline.notifications import actions, selectors
from hotline.notifications.models import Notification
from hotline.supervision import wording
from hotline.tickets.presenter import callers_loaded

router = Router(tags=["notifications"])

# The inbox answers with fewer errors than the ticket endpoints: nothing here is a 400 or a 409.
ERRORS: dict[int, type[ErrorOut]] = {code: ErrorOut for code in (401, 403, 404, 422)}


class NotificationFilters(Schema):
    unread: bool | None = Field(None, description="true: only unread; false: only read")
    limit: int = Field(20, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0, le=MAX_ID)


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
        # As stored (the city's language: the record), a ticket's title said in a 督办's sentence
        # with its numbers masked, its callers' own too, as the inbox page masks it (docs/adr/0017).
        message=wording.notice_stored(n),
        ticket=ticket_ref(n.ticket),
        department=department_ref(n.department),
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
    # With the callers of each ticket, whose numbers a title said in a notice is masked with.
    page = rows.prefetch_related(callers_loaded("ticket"))[filters.offset : filters.offset + filters.limit]
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
