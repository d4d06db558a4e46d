"""Ways a notification leaves the system, behind one small interface.

`settings.HOTLINE_NOTIFICATION_BACKENDS` lists the backends by dotted path; every notification is
stored once per backend (its `channel`) and each backend sends its own copy. A backend never raises
for a failed delivery: it answers with an `Outcome`, and the delivery records it on the row.

- `InboxBackend`   in-app inbox: the stored row is the message, nothing is sent.
- `EmailBackend`   Django's `send_mail` to the addresses of the audience.
- `WebhookBackend` POSTs JSON to `HOTLINE_NOTIFICATION_WEBHOOK_URL` (urllib, with a timeout; an
                   optional HMAC-SHA256 signature with `HOTLINE_NOTIFICATION_WEBHOOK_SECRET`).
- `NullBackend`    accepts everything and keeps the ids it was given, for tests.
"""

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from hotline.core import clock
from hotline.core.enums import NotificationChannel
from hotline.notifications.models import Notification
from hotline.notifications.selectors import audience_emails

DEFAULT_BACKENDS = ("hotline.notifications.backends.InboxBackend",)

# What a notice says when it leaves the system (an e-mail, a webhook), made of its stored message
# by what the app that writes the sentences registers (`say_sent_with`): supervision's masks the
# numbers of a ticket's title said in a 督办's sentence, as the inbox and the API do (a 挂牌's goes
# to the leaders, docs/adr/0017). This app sits below those whose sentences it carries: it cannot
# ask them.
_SAID: list[Callable[[Notification], str]] = [lambda notification: notification.message]


def say_sent_with(said: Callable[[Notification], str]) -> None:
    _SAID[0] = said


def sent_message(notification: Notification) -> str:
    return _SAID[0](notification)


@dataclass(frozen=True)
class Outcome:
    """What one attempt to send gave: `retry` False means trying again cannot help."""

    ok: bool
    detail: str = ""
    retry: bool = True


DELIVERED = Outcome(ok=True)


class NotificationBackend(Protocol):
    # The channel the backend's rows are stored under.
    channel: ClassVar[str]
    # True when storing the row is the whole delivery (nothing to send later).
    stores_only: ClassVar[bool]

    def send(self, notification: Notification) -> Outcome: ...


class InboxBackend:
    channel = NotificationChannel.INBOX.value
    stores_only = True

    def send(self, notification: Notification) -> Outcome:
        return DELIVERED


class EmailBackend:
    channel = NotificationChannel.EMAIL.value
    stores_only = False

    def send(self, notification: Notification) -> Outcome:
        to = audience_emails(notification)
        if not to:
            return Outcome(ok=False, detail="收件人没有电子邮件地址", retry=False)
        subject = f"[{settings.HOTLINE['CITY_NAME']}12345] {notification.get_reason_display()}"
        body = sent_message(notification)
        if notification.deadline is not None:
            body += f"\n\n时限：{clock.localtime(notification.deadline):%Y-%m-%d %H:%M}"
        try:
            send_mail(subject, body, None, to, fail_silently=False)
        except Exception as exc:  # an SMTP server down or refusing is an outcome, not a crash
            return Outcome(ok=False, detail=f"{type(exc).__name__}: {exc}")
        return DELIVERED


def webhook_payload(notification: Notification) -> dict[str, object]:
    ticket = notification.ticket
    return {
        "id": notification.pk,
        "reason": notification.reason,
        "level": notification.level,
        "message": sent_message(notification),
        "ticket": {"id": ticket.pk, "number": ticket.number} if ticket is not None else None,
        "department": notification.department.code if notification.department is not None else None,
        "role": notification.role or None,
        "recipient": notification.recipient.username if notification.recipient is not None else None,
        "deadline": notification.deadline.isoformat() if notification.deadline else None,
        "created_at": notification.created_at.isoformat(),
        "sent_at": clock.now().isoformat(),
    }


class WebhookBackend:
    channel = NotificationChannel.WEBHOOK.value
    stores_only = False

    def send(self, notification: Notification) -> Outcome:
        url = getattr(settings, "HOTLINE_NOTIFICATION_WEBHOOK_URL", "")
        if not url:
            return Outcome(ok=False, detail="未配置 HOTLINE_NOTIFICATION_WEBHOOK_URL", retry=False)
        if not url.startswith(("http://", "https://")):
            return Outcome(ok=False, detail=f"Webhook 地址须为 http(s)：{url}", retry=False)
        timeout = float(getattr(settings, "HOTLINE_NOTIFICATION_WEBHOOK_TIMEOUT", 5))
        body = json.dumps(webhook_payload(notification), ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "hotline"}
        secret = getattr(settings, "HOTLINE_NOTIFICATION_WEBHOOK_SECRET", "")
        if secret:
            digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
            headers["X-Hotline-Signature"] = f"sha256={digest}"
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            # 4xx other than 408/429 will not get better by repeating the same request.
            retry = exc.code >= 500 or exc.code in (408, 429)
            return Outcome(ok=False, detail=f"HTTP {exc.code} {exc.reason}", retry=retry)
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            return Outcome(ok=False, detail=f"{type(exc).__name__}: {reason}")
        if not 200 <= status < 300:
            return Outcome(ok=False, detail=f"HTTP {status}")
        return DELIVERED


class NullBackend:
    """Sends nothing; remembers the ids of what it was asked to send (tests read `sent`)."""

    channel = NotificationChannel.NULL.value
    stores_only = False
    sent: ClassVar[list[int]] = []

    def send(self, notification: Notification) -> Outcome:
        NullBackend.sent.append(notification.pk)
        return DELIVERED


def configured_backends() -> list[NotificationBackend]:
    """The backends named in settings, in order; one per channel (a later duplicate is dropped)."""
    paths = getattr(settings, "HOTLINE_NOTIFICATION_BACKENDS", None) or DEFAULT_BACKENDS
    backends: dict[str, NotificationBackend] = {}
    for path in paths:
        backend: NotificationBackend = import_string(path)()
        backends.setdefault(backend.channel, backend)
    return list(backends.values())


def backend_for(channel: str) -> NotificationBackend | None:
    return next((b for b in configured_backends() if b.channel == channel), None)
