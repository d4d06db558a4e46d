"""The tests of the messages to citizens share the ticket tests' flow and movable clock."""

from typing import ClassVar

import pytest

from hotline.citizen_messages.models import CitizenMessage
from hotline.citizen_messages.senders import Outcome
from tests.tickets.conftest import Flow, frozen_clock

__all__ = ["frozen_clock"]


@pytest.fixture
def flow(staff, departments) -> Flow:
    return Flow(staff, departments)


class Recording:
    """A sender for the tests: keeps what it was asked to send, and answers with `answers` in turn
    (then with success)."""

    sent: ClassVar[list[int]] = []
    answers: ClassVar[list[Outcome]] = []

    def send(self, message: CitizenMessage) -> Outcome:
        Recording.sent.append(message.pk)
        return Recording.answers.pop(0) if Recording.answers else Outcome(ok=True, detail="ok")


RECORDING = "tests.citizen_messages.conftest.Recording"


def configure(settings, **values: object) -> None:
    """Set entries of HOTLINE["CITIZEN_MESSAGES"] for one test (a copy: the settings fixture puts
    back the attribute, not what is inside the dict)."""
    settings.HOTLINE = {
        **settings.HOTLINE,
        "CITIZEN_MESSAGES": {**settings.HOTLINE["CITIZEN_MESSAGES"], **values},
    }


@pytest.fixture
def recording(settings) -> type[Recording]:
    """SMS through `Recording`, emptied for the test."""
    Recording.sent, Recording.answers = [], []
    configure(settings, SMS_SENDER=RECORDING)
    return Recording


@pytest.fixture
def mail_from(settings) -> str:
    """Citizens' answers go to the mailbox the mail channel reads."""
    address = "12345@city.example.cn"
    configure(settings, MAIL_FROM=address)
    return address
