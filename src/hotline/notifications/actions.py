"""Storing, delivering and reading notifications: the only code that changes them.

A notification is stored once per configured channel, under `"<key>|<channel>"`, so that storing the
same thing twice stores nothing the second time. Delivery to channels that send something (mail,
webhook) runs in a task enqueued when the storing transaction commits, and is idempotent: it only
touches rows still pending, under a row lock.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from itertools import islice
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from hotline.accounts.models import User
from hotline.core import clock
from hotline.core.enums import DeliveryState, NotificationReason
from hotline.core.errors import InvalidInput, NotFound
from hotline.directory.models import Department
from hotline.notifications.backends import NotificationBackend, backend_for, configured_backends
from hotline.notifications.models import Notification
from hotline.notifications.selectors import inbox
from hotline.tickets.models import Assignment, Ticket

DEFAULT_MAX_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class Draft:
    """A notification before it is stored; `key` names it (without the channel)."""

    key: str
    reason: str
    message: str
    recipient_id: int | None = None
    department_id: int | None = None
    role: str = ""
    ticket_id: int | None = None
    assignment_id: int | None = None
    supervision_id: int | None = None
    level: int | None = None
    deadline: datetime | None = None


def _rows(draft: Draft, backends: list[NotificationBackend], now: datetime) -> Iterator[Notification]:
    for backend in backends:
        yield Notification(
            recipient_id=draft.recipient_id,
            department_id=draft.department_id,
            role=draft.role,
            ticket_id=draft.ticket_id,
            assignment_id=draft.assignment_id,
            supervision_id=draft.supervision_id,
            reason=draft.reason,
            level=draft.level,
            deadline=draft.deadline,
            message=draft.message,
            channel=backend.channel,
            state=DeliveryState.DELIVERED if backend.stores_only else DeliveryState.PENDING,
            delivered_at=now if backend.stores_only else None,
            created_at=now,
            dedupe_key=f"{draft.key}|{backend.channel}",
        )


def _batches(items: Iterable[Draft], size: int) -> Iterator[list[Draft]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def store_notifications(
    drafts: Iterable[Draft], *, now: datetime | None = None, batch_size: int = 2000, enqueue: bool = True
) -> int:
    """Store many notifications at once, skipping keys already stored; returns how many drafts came.

    No row is read back; delivery of whatever is pending is enqueued once, when the caller's
    transaction commits (unless `enqueue` is False: the caller enqueues it).
    """
    now = now or clock.now()
    backends = configured_backends()
    sends = any(not b.stores_only for b in backends)
    offered = 0
    for batch in _batches(drafts, batch_size):
        rows = [row for draft in batch for row in _rows(draft, backends, now)]
        Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=batch_size)
        offered += len(batch)
    if offered and sends and enqueue:
        enqueue_pending_delivery()
    return offered


def enqueue_pending_delivery() -> None:
    from hotline.notifications.tasks import deliver_pending_notifications

    transaction.on_commit(deliver_pending_notifications.enqueue)


@transaction.atomic
def do_notify(
    *,
    key: str,
    reason: str,
    message: str,
    recipient: User | None = None,
    department: Department | None = None,
    role: str = "",
    ticket: Ticket | None = None,
    assignment: Assignment | None = None,
    supervision_id: int | None = None,
    level: int | None = None,
    deadline: datetime | None = None,
) -> list[Notification]:
    """Store one notification on every configured channel (once per key) and send it after commit."""
    if reason not in NotificationReason.values:
        raise InvalidInput(_("reason: 未知通知原因 %(value)r") % {"value": reason})
    if not message.strip():
        raise InvalidInput(_("message: 不能为空"))
    if recipient is None and department is None and not role:
        raise InvalidInput(_("通知须有收件人、收件单位或收件角色"))
    draft = Draft(
        key=key,
        reason=reason,
        message=message.strip(),
        recipient_id=recipient.pk if recipient else None,
        department_id=department.pk if department else None,
        role=role,
        ticket_id=ticket.pk if ticket else None,
        assignment_id=assignment.pk if assignment else None,
        supervision_id=supervision_id,
        level=level,
        deadline=deadline,
    )
    now = clock.now()
    stored: list[Notification] = []
    to_send: list[int] = []
    for row in _rows(draft, configured_backends(), now):
        fields: dict[str, Any] = {
            f.attname: getattr(row, f.attname)
            for f in Notification._meta.concrete_fields
            if not f.primary_key and f.name != "dedupe_key"
        }
        notification, created = Notification.objects.get_or_create(dedupe_key=row.dedupe_key, defaults=fields)
        stored.append(notification)
        if created and notification.state == DeliveryState.PENDING:
            to_send.append(notification.pk)
    if to_send:
        from hotline.notifications.tasks import deliver_notifications

        transaction.on_commit(partial(deliver_notifications.enqueue, to_send))
    return stored


def _max_attempts() -> int:
    return int(getattr(settings, "HOTLINE_NOTIFICATION_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))


@transaction.atomic
def do_deliver(notification_id: int) -> str:
    """Send one pending notification through its channel and record the outcome; returns the state.

    A row that is not pending (already sent, failed for good, or being sent by another worker right
    now) is left alone, so running this twice never sends twice.
    """
    notification = (
        Notification.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("ticket", "department", "recipient")
        .filter(pk=notification_id, state=DeliveryState.PENDING)
        .first()
    )
    if notification is None:
        return "skipped"
    backend = backend_for(notification.channel)
    notification.attempts += 1
    if backend is None:
        notification.state = DeliveryState.FAILED
        notification.last_error = f"通道 {notification.channel} 未配置"
    else:
        try:
            outcome = backend.send(notification)
        except Exception as exc:  # a backend should not raise; if one does, it is recorded all the same
            outcome_ok, detail, retry = False, f"{type(exc).__name__}: {exc}", True
        else:
            outcome_ok, detail, retry = outcome.ok, outcome.detail, outcome.retry
        if outcome_ok:
            notification.state = DeliveryState.DELIVERED
            notification.delivered_at = clock.now()
            notification.last_error = ""
        else:
            notification.last_error = detail[:2000]
            if not retry or notification.attempts >= _max_attempts():
                notification.state = DeliveryState.FAILED
    notification.save(update_fields=["state", "attempts", "last_error", "delivered_at"])
    return notification.state


def deliver_pending(limit: int = 1000) -> dict[str, int]:
    """Try the oldest pending notifications (each in its own transaction); counts by outcome."""
    ids = list(
        Notification.objects.filter(state=DeliveryState.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    counts: dict[str, int] = {}
    for pk in ids:
        state = do_deliver(pk)
        counts[state] = counts.get(state, 0) + 1
    return counts


@transaction.atomic
def do_mark_read(notification_id: int, user: User) -> Notification:
    """Mark one of the user's in-app notifications read (again: no change)."""
    notification = inbox(user).select_for_update(of=("self",)).filter(pk=notification_id).first()
    if notification is None:
        raise NotFound(_("通知 %(id)s 不存在") % {"id": notification_id})
    if notification.read_at is None:
        notification.read_at = clock.now()
        notification.save(update_fields=["read_at"])
    return notification


def do_mark_all_read(user: User) -> int:
    """Mark every unread in-app notification of the user read; returns how many."""
    return inbox(user, unread=True).update(read_at=clock.now())
