"""Sending the stored messages, and sending a failed one again: the only code that changes them
after they are stored (`outbox` stores them).

An attempt first claims the message in a short transaction (under its row lock, SKIP LOCKED: a
second worker passes it by), only while it is pending and due, and makes it due again only after
`LEASE`; then sends it outside any transaction (a slow gateway holds no lock, and on SQLite not the
database's one write lock); then records the outcome in a second short transaction. So a task that
runs twice, or two workers at once, send a message once; a worker killed between the send and the
record leaves it pending, tried again once the lease is over (at least once: the senders pass the
message's key on, so that the other side can drop the repeat). A failed attempt that may succeed
later waits `outbox.retry_delay` and is tried again by the worker, up to `MAX_ATTEMPTS`; then it is
failed for good, and a staff member may send it again. Every change of state writes a line of the
message's log (who: the worker, or the staff member) and a log record.

A pending reply or dispatch message whose appellant's appeal left the ticket it tells about (an
un-merge) is cancelled (`cancel_for_unmerge`, inside the un-merge's transaction): never sent. One
cancelled while an attempt was under way is recorded as that attempt went: sent if it went out
(the record says what the citizen got), else cancelled, not tried again.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from hotline.accounts.models import User
from hotline.accounts.permissions import require_role
from hotline.citizen_messages.models import CitizenMessage, CitizenMessageLog
from hotline.citizen_messages.outbox import retry_delay
from hotline.citizen_messages.senders import Outcome, sender_for
from hotline.core import clock
from hotline.core.enums import CitizenMessageAction, CitizenMessageKind, CitizenMessageState
from hotline.core.errors import ActionNotAllowed
from hotline.feedback.selectors import merged_ticket_ids
from hotline.intake.models import Appeal
from hotline.tickets.models import Ticket

logger = logging.getLogger(__name__)

S = CitizenMessageState

# How long a message being sent is kept from the other workers: longer than any sender waits (the
# mail server's and the gateway's timeouts are seconds), short enough that a message whose worker
# was killed mid-send goes out again soon.
LEASE = timedelta(minutes=5)


def _max_attempts() -> int:
    return int(settings.HOTLINE["CITIZEN_MESSAGES"]["MAX_ATTEMPTS"])


def _claim(message_id: int) -> CitizenMessage | None:
    """The message, counted as one more attempt and kept from other workers for `LEASE`; None when
    it is not pending, not due, or held by another worker."""
    with transaction.atomic():
        now = clock.now()
        message = (
            CitizenMessage.objects.select_for_update(skip_locked=True)
            .select_related("ticket")
            .filter(pk=message_id, state=S.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if message is None:
            return None
        message.attempts += 1
        message.next_attempt_at = now + LEASE
        message.save(update_fields=["attempts", "next_attempt_at"])
    return message


def do_send(message_id: int) -> str:
    """Make one attempt at a pending message that is due; returns its state afterwards, or
    "skipped" (not pending, not due, or held by another worker)."""
    message = _claim(message_id)
    if message is None:
        return "skipped"
    try:
        outcome = sender_for(message.medium).send(message)
    except Exception as exc:  # a sender should not raise; if one does, it is recorded all the same
        outcome = Outcome(ok=False, detail=f"{type(exc).__name__}: {exc}")
    with transaction.atomic():
        now = clock.now()
        # Cancelled meanwhile (an un-merge while the sender was at work)?
        current = (
            CitizenMessage.objects.select_for_update().values_list("state", flat=True).get(pk=message.pk)
        )
        message.detail = outcome.detail[:2000]
        if outcome.ok:
            message.state, message.sent_at, action = S.SENT, now, CitizenMessageAction.SENT
        elif current == S.CANCELLED:
            message.state, action = S.CANCELLED, CitizenMessageAction.FAILED
        elif outcome.retry and message.attempts < _max_attempts():
            message.next_attempt_at = now + retry_delay(message.attempts)
            action = CitizenMessageAction.RETRY
        else:
            message.state, action = S.FAILED, CitizenMessageAction.FAILED
        message.save(update_fields=["state", "detail", "sent_at", "next_attempt_at"])
        CitizenMessageLog.objects.create(message=message, at=now, action=action, detail=message.detail)
    log = logger.info if outcome.ok else logger.warning
    log(
        "citizen message %s (%s, ticket %s) attempt %s: %s %s",
        message.pk,
        message.medium,
        message.ticket.number,
        message.attempts,
        action,
        message.detail,
    )
    return message.state


def send_due(limit: int = 500) -> dict[str, int]:
    """Try the pending messages that are due, oldest first, each in its own transaction."""
    ids = list(
        CitizenMessage.objects.filter(state=S.PENDING, next_attempt_at__lte=clock.now())
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    counts: dict[str, int] = {}
    for pk in ids:
        state = do_send(pk)
        counts[state] = counts.get(state, 0) + 1
    return counts


def do_resend(message: CitizenMessage, actor: User, *, note: str = "") -> CitizenMessage:
    """Send a failed message again (人工重发, e.g. after the gateway was fixed): pending and due
    now, its attempts counted afresh; the worker sends it on its next round."""
    require_role(actor, "resend_citizen_message")
    with transaction.atomic():
        message = CitizenMessage.objects.select_for_update().get(pk=message.pk)
        if message.state != S.FAILED:
            raise ActionNotAllowed(
                _("告知记录 %(id)s 状态为“%(state)s”，只有发送失败的可以重发")
                % {"id": message.pk, "state": message.get_state_display()}
            )
        now = clock.now()
        message.state, message.attempts, message.next_attempt_at = S.PENDING, 0, now
        message.save(update_fields=["state", "attempts", "next_attempt_at"])
        CitizenMessageLog.objects.create(
            message=message,
            at=now,
            action=CitizenMessageAction.RESEND,
            actor=actor,
            detail=note.strip()[:2000],
        )
    logger.info("citizen message %s put back to send by %s", message.pk, actor.username)
    return message


def cancel_for_unmerge(ticket: Ticket, actor: User, at: datetime) -> int:
    """Cancel what another ticket stored to tell the appellants of `ticket` (just un-merged from
    it: its own appeals and those of its duplicates) and has not sent: a reply or a dispatch they
    no longer have a part in. Part of the un-merge's transaction; returns how many."""
    family = [ticket.pk, *merged_ticket_ids([ticket.pk])[ticket.pk]]
    pending = list(
        CitizenMessage.objects.select_for_update()
        .filter(
            state=S.PENDING,
            kind__in=[CitizenMessageKind.DISPATCHED, CitizenMessageKind.REPLIED],
            appeal_id__in=Appeal.objects.filter(ticket_id__in=family).values("pk"),
        )
        .exclude(ticket_id__in=family)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not pending:
        return 0
    detail = _("工单 %(number)s 已撤销合并，不再发送") % {"number": ticket.number}
    CitizenMessage.objects.filter(pk__in=pending).update(state=S.CANCELLED, detail=detail)
    CitizenMessageLog.objects.bulk_create(
        CitizenMessageLog(
            message_id=pk, at=at, action=CitizenMessageAction.CANCEL, actor=actor, detail=detail
        )
        for pk in pending
    )
    logger.info(
        "citizen messages %s cancelled by %s: ticket %s un-merged",
        ", ".join(map(str, pending)),
        actor.username,
        ticket.number,
    )
    return len(pending)
