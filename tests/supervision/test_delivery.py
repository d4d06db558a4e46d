"""What the sweep stores is sent after it commits, once, by a task."""

import pytest

from hotline.core.enums import DeliveryState
from hotline.notifications.backends import NullBackend
from hotline.notifications.models import Notification
from tests.supervision.conftest import at, sweep

pytestmark = pytest.mark.django_db


def test_the_sweep_enqueues_one_delivery_after_commit(
    build, settings, immediate_tasks, django_capture_on_commit_callbacks
):
    settings.HOTLINE_NOTIFICATION_BACKENDS = [
        "hotline.notifications.backends.InboxBackend",
        "hotline.notifications.backends.NullBackend",
    ]
    NullBackend.sent.clear()
    for _ in range(3):
        build(dispatched=at(2025, 3, 3, 10), due=at(2025, 3, 6, 10))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report = sweep(at(2025, 3, 7, 9))

    assert report.counts["escalation_order"] == 3
    assert len(callbacks) == 1
    sent = Notification.objects.filter(channel="null")
    assert sent.count() == 3
    assert set(sent.values_list("state", flat=True)) == {DeliveryState.DELIVERED}
    assert sorted(NullBackend.sent) == sorted(sent.values_list("pk", flat=True))
    assert Notification.objects.filter(channel="inbox").count() == 3

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        sweep(at(2025, 3, 7, 9, 5))
    assert callbacks == []


def test_inbox_only_sweeps_enqueue_nothing(build, django_capture_on_commit_callbacks):
    build(dispatched=at(2025, 3, 3, 10), due=at(2025, 3, 6, 10))

    with django_capture_on_commit_callbacks() as callbacks:
        assert sweep(at(2025, 3, 7, 9)).created > 0

    assert callbacks == []
