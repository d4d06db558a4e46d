"""Two workers sending the outbox at once on PostgreSQL: every message goes out once."""

import threading
import time
from collections import Counter
from typing import ClassVar

import pytest
from django.conf import settings
from django.db import connections

from hotline.citizen_messages.actions import send_due
from hotline.citizen_messages.models import CitizenMessage
from hotline.citizen_messages.senders import Outcome
from hotline.core.enums import Channel, CitizenMessageState
from hotline.intake.actions import AppealData, do_receive_appeal
from tests.citizen_messages.conftest import configure

MESSAGES = 40


class Slow:
    """Counts what it sends; slow enough for the two workers to meet on the same rows."""

    sent: ClassVar[Counter[int]] = Counter()
    lock = threading.Lock()

    def send(self, message: CitizenMessage) -> Outcome:
        with Slow.lock:
            Slow.sent[message.pk] += 1
        time.sleep(0.01)
        return Outcome(ok=True)


@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="needs PostgreSQL: SQLite has one writer at a time, and its in-memory test database is not "
    "shared between threads",
)
def test_two_workers_at_once_send_every_message_once(transactional_db, settings) -> None:
    configure(settings, SMS_SENDER="tests.citizen_messages.test_parallel.Slow")
    Slow.sent = Counter()
    for i in range(MESSAGES):
        do_receive_appeal(
            AppealData(
                channel=Channel.PHONE, title="路灯不亮", content="路灯坏了。", citizen_phone=f"138{i:08d}"
            ),
            None,
        )
    start = threading.Barrier(2)
    rounds: list[dict[str, int]] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            start.wait()
            rounds.append(send_due())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert set(Slow.sent.values()) == {1} and len(Slow.sent) == MESSAGES
    assert sum(r.get(CitizenMessageState.SENT, 0) for r in rounds) == MESSAGES
    assert set(CitizenMessage.objects.values_list("state", flat=True)) == {CitizenMessageState.SENT}
    # Both took part: each passed by what the other held.
    assert all(r.get(CitizenMessageState.SENT, 0) > 0 for r in rounds), rounds
