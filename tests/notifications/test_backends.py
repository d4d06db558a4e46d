"""Notifications: stored once per channel and key, delivered after commit by each backend, failures
recorded and never raised."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, ClassVar

import pytest
from django.core import mail

from hotline.core.enums import DeliveryState, NotificationReason, Role
from hotline.notifications.actions import deliver_pending, do_deliver, do_notify
from hotline.notifications.backends import NullBackend, Outcome
from hotline.notifications.models import Notification
from tests.factories import UserFactory, make_ticket
from tests.notifications.conftest import EMAIL, INBOX, NULL, WEBHOOK

pytestmark = pytest.mark.django_db


def notify(**kw: Any) -> list[Notification]:
    fields: dict[str, Any] = {"key": "k1", "reason": NotificationReason.OTHER, "message": "请处理"}
    return do_notify(**(fields | kw))


@pytest.fixture
def head(departments):
    return UserFactory(
        username="head_w", role=Role.HEAD, department=departments["water"], email="head@water.example"
    )


def test_stored_once_per_channel_and_key(backends, departments, django_capture_on_commit_callbacks):
    backends(INBOX, NULL)

    with django_capture_on_commit_callbacks() as callbacks:
        rows = notify(department=departments["water"])
    again = notify(department=departments["water"], message="另一条")

    assert sorted(r.channel for r in rows) == ["inbox", "null"]
    assert [r.pk for r in again] == [r.pk for r in rows]
    assert Notification.objects.count() == 2
    assert {r.dedupe_key for r in rows} == {"k1|inbox", "k1|null"}
    inbox = next(r for r in rows if r.channel == "inbox")
    assert inbox.state == DeliveryState.DELIVERED  # the stored row is the delivery
    # Only the channel that sends something is enqueued, once, when the transaction commits.
    assert len(callbacks) == 1


def test_inbox_only_enqueues_nothing(backends, departments, django_capture_on_commit_callbacks):
    backends(INBOX)

    with django_capture_on_commit_callbacks() as callbacks:
        notify(department=departments["water"])

    assert callbacks == []


def test_a_notification_needs_an_audience_and_a_message(departments):
    from hotline.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        notify()
    with pytest.raises(InvalidInput):
        notify(department=departments["water"], message="  ")
    with pytest.raises(InvalidInput):
        notify(department=departments["water"], reason="gossip")


def test_email_through_djangos_mail(
    backends, settings, head, departments, immediate_tasks, django_capture_on_commit_callbacks
):
    backends(INBOX, EMAIL)
    UserFactory(
        username="handler_w", role=Role.HANDLER, department=departments["water"], email="h@water.example"
    )
    ticket = make_ticket()

    with django_capture_on_commit_callbacks(execute=True):
        notify(department=departments["water"], role=Role.HEAD, ticket=ticket, message="督办：请加快办理")

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["head@water.example"]
    assert "督办：请加快办理" in mail.outbox[0].body
    row = Notification.objects.get(channel="email")
    assert row.state == DeliveryState.DELIVERED
    assert row.attempts == 1
    assert row.delivered_at is not None


def test_email_without_an_address_fails_for_good(backends, settings, departments):
    backends(EMAIL)
    (row,) = notify(department=departments["housing"])

    assert do_deliver(row.pk) == DeliveryState.FAILED
    row.refresh_from_db()
    assert "没有电子邮件地址" in row.last_error
    assert mail.outbox == []


def test_null_backend_and_delivering_twice_sends_once(backends, departments):
    backends(NULL)
    NullBackend.sent.clear()
    (row,) = notify(department=departments["water"])

    assert do_deliver(row.pk) == DeliveryState.DELIVERED
    assert do_deliver(row.pk) == "skipped"
    assert deliver_pending() == {}
    assert NullBackend.sent == [row.pk]


class _Raising:
    channel = "null"
    stores_only = False

    def send(self, notification: Notification) -> Outcome:
        raise RuntimeError("backend bug")


def test_a_backend_that_raises_is_recorded_not_raised(backends, departments, settings):
    backends(f"{__name__}._Raising")
    settings.HOTLINE_NOTIFICATION_MAX_ATTEMPTS = 2
    (row,) = notify(department=departments["water"])

    assert do_deliver(row.pk) == DeliveryState.PENDING  # will be retried
    assert deliver_pending() == {DeliveryState.FAILED: 1}
    row.refresh_from_db()
    assert row.attempts == 2
    assert "RuntimeError: backend bug" in row.last_error


def test_a_channel_no_longer_configured(backends, departments):
    backends(NULL)
    (row,) = notify(department=departments["water"])
    backends(INBOX)

    assert do_deliver(row.pk) == DeliveryState.FAILED


# --- webhook ------------------------------------------------------------------------------------


class _Hook(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[dict, dict]]] = []
    status: ClassVar[int] = 204

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Hook.received.append((dict(self.headers), json.loads(body)))
        self.send_response(_Hook.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def hook():
    _Hook.received = []
    _Hook.status = 204
    server = HTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook"
    server.shutdown()
    server.server_close()
    thread.join()


def test_webhook_posts_json(backends, settings, departments, hook):
    backends(WEBHOOK)
    settings.HOTLINE_NOTIFICATION_WEBHOOK_URL = hook
    settings.HOTLINE_NOTIFICATION_WEBHOOK_SECRET = "s3cret"
    ticket = make_ticket()
    (row,) = notify(department=departments["water"], role=Role.HEAD, ticket=ticket, message="超期督办")

    assert do_deliver(row.pk) == DeliveryState.DELIVERED

    ((headers, payload),) = _Hook.received
    assert payload["message"] == "超期督办"
    assert payload["ticket"] == {"id": ticket.pk, "number": ticket.number}
    assert payload["department"] == departments["water"].code
    assert payload["role"] == Role.HEAD
    assert headers["X-Hotline-Signature"].startswith("sha256=")


@pytest.mark.parametrize(("status", "state"), [(500, DeliveryState.PENDING), (404, DeliveryState.FAILED)])
def test_webhook_http_errors(backends, settings, departments, hook, status, state):
    backends(WEBHOOK)
    settings.HOTLINE_NOTIFICATION_WEBHOOK_URL = hook
    _Hook.status = status
    (row,) = notify(department=departments["water"])

    assert do_deliver(row.pk) == state
    row.refresh_from_db()
    assert row.last_error.startswith(f"HTTP {status}")


def test_webhook_unreachable_is_recorded_and_retried_then_given_up(backends, settings, departments):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    backends(WEBHOOK)
    settings.HOTLINE_NOTIFICATION_WEBHOOK_URL = f"http://127.0.0.1:{port}/hook"
    settings.HOTLINE_NOTIFICATION_WEBHOOK_TIMEOUT = 1
    settings.HOTLINE_NOTIFICATION_MAX_ATTEMPTS = 3
    (row,) = notify(department=departments["water"])

    states = [do_deliver(row.pk) for _ in range(4)]

    assert states == [DeliveryState.PENDING, DeliveryState.PENDING, DeliveryState.FAILED, "skipped"]
    row.refresh_from_db()
    assert row.attempts == 3
    assert "URLError" in row.last_error


@pytest.mark.parametrize("url", ["", "ftp://example.invalid/x"])
def test_webhook_misconfigured(backends, settings, departments, url):
    backends(WEBHOOK)
    settings.HOTLINE_NOTIFICATION_WEBHOOK_URL = url
    (row,) = notify(department=departments["water"])

    assert do_deliver(row.pk) == DeliveryState.FAILED
