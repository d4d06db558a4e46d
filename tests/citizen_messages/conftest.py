"""The tests of the messages to citizens share the ticket tests' flow and movable clock."""

from typing import ClassVar

import pytest

from hotline.citizen_messages.models import CitizenMessage
from hotline.citizen_messages.senders import Outcome
from hotline.core.enums import Channel
from hotline.intake.actions import AppealData, do_receive_appeal
from hotline.tickets import actions
from hotline.tickets.models import Ticket
from tests.factories import make_ticket
from tests.tickets.conftest import Flow, FrozenClock, frozen_clock

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


@pytest.fixture
def merged(flow: Flow, frozen_clock: FrozenClock) -> dict[str, Ticket]:
    """张先生's ticket; 李女士's duplicate merged into it after 王先生's had been merged into hers;
    a letter writer's duplicate merged into it too."""
    operator = flow.user("operator")
    target = make_ticket(actor=operator, phone="13800000001")
    second = make_ticket(actor=operator, phone="13900000002", title="路灯坏了")
    third = make_ticket(actor=operator, phone="13700000003", title="路灯一直不亮")
    writer, _created = do_receive_appeal(
        AppealData(
            channel=Channel.MAILBOX,
            title="小区门口路灯不亮",
            content="幸福路12号小区门口路灯坏了一周。",
            citizen_name="张先生",
            citizen_email="writer@163.com",
        ),
        None,
    )
    actions.do_merge_ticket(third, operator, into_ticket_id=second.pk)
    actions.do_merge_ticket(second, operator, into_ticket_id=target.pk)
    actions.do_merge_ticket(writer, operator, into_ticket_id=target.pk)
    return {"target": target, "second": second, "third": third, "writer": writer}
