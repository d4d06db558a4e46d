"""Intake: one contact in, one ticket out; the same contact twice is still one ticket."""

from dataclasses import replace
from datetime import date, datetime
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from hotline.accounts.models import User
from hotline.core import clock
from hotline.core.enums import Channel, Kind, TicketStatus
from hotline.core.errors import InvalidInput
from hotline.intake import actions
from hotline.intake.actions import AppealData, do_receive_appeal
from hotline.intake.models import Appeal
from hotline.tickets.models import DailySequence, Ticket, TicketEvent
from tests.tickets.conftest import FrozenClock, new_category, new_department

SHANGHAI = ZoneInfo("Asia/Shanghai")

CALL = AppealData(
    channel=Channel.PHONE,
    title="楼上漏水",
    content="幸福小区3号楼402室楼上漏水，已持续三天。",
    external_id="CALL-0001",
    citizen_name="李女士",
    citizen_phone="13900001111",
    address="幸福小区3号楼",
    kind=Kind.HELP,
)


def counts() -> dict[str, Any]:
    return {
        "tickets": Ticket.objects.count(),
        "appeals": Appeal.objects.count(),
        "events": TicketEvent.objects.count(),
        "sequence": list(DailySequence.objects.values_list("day", "last")),
    }


def test_receive_creates_ticket_appeal_and_event(staff: dict[str, User], frozen_clock: FrozenClock) -> None:
    frozen_clock.set(datetime(2025, 6, 10, 9, 30, tzinfo=SHANGHAI))
    ticket, created = do_receive_appeal(CALL, staff["operator"])
    assert created is True
    assert (ticket.status, ticket.kind, ticket.title, ticket.address) == (
        TicketStatus.NEW,
        Kind.HELP,
        "楼上漏水",
        "幸福小区3号楼",
    )
    assert ticket.number == "20250610-000001"
    appeal = Appeal.objects.get(ticket=ticket)
    assert (appeal.channel, appeal.external_id, appeal.citizen_phone, appeal.created_by) == (
        Channel.PHONE,
        "CALL-0001",
        "13900001111",
        staff["operator"],
    )
    assert appeal.received_at == frozen_clock.value
    event = TicketEvent.objects.get(ticket=ticket)
    assert (event.action, event.from_status, event.to_status, event.actor) == (
        "receive",
        "",
        TicketStatus.NEW,
        staff["operator"],
    )


def test_same_channel_and_external_id_returns_the_first_ticket(staff: dict[str, User]) -> None:
    first, created = do_receive_appeal(CALL, staff["operator"])
    assert created
    before = counts()
    # Delivered again, even with other text and padding around the id: the same contact.
    again, created_again = do_receive_appeal(
        replace(CALL, title="另一标题", external_id="  CALL-0001 "), staff["operator2"]
    )
    assert created_again is False
    assert again.pk == first.pk
    assert counts() == before
    assert Ticket.objects.get(pk=first.pk).title == "楼上漏水"


def test_channel_adapters_receive_without_an_actor(db: None) -> None:
    first, created = do_receive_appeal(replace(CALL, channel=Channel.OPEN311), None)
    again, created_again = do_receive_appeal(replace(CALL, channel=Channel.OPEN311), None)
    assert (created, created_again, again.pk) == (True, False, first.pk)
    assert Appeal.objects.get().created_by is None


def test_same_external_id_on_another_channel_is_another_contact(staff: dict[str, User]) -> None:
    by_phone, _ = do_receive_appeal(CALL, staff["operator"])
    by_web, created = do_receive_appeal(replace(CALL, channel=Channel.WEB), staff["operator"])
    assert created is True
    assert by_web.pk != by_phone.pk
    assert Appeal.objects.count() == 2


@pytest.mark.parametrize("external_id", [None, "", "   "])
def test_without_external_id_every_contact_is_new(staff: dict[str, User], external_id: str | None) -> None:
    a, _ = do_receive_appeal(replace(CALL, external_id=external_id), staff["operator"])
    b, created = do_receive_appeal(replace(CALL, external_id=external_id), staff["operator"])
    assert created is True
    assert a.pk != b.pk
    assert list(Appeal.objects.values_list("external_id", flat=True)) == [None, None]


def test_appeal_is_never_edited_after_intake(staff: dict[str, User]) -> None:
    ticket, _ = do_receive_appeal(CALL, staff["operator"])
    appeal = Appeal.objects.get(ticket=ticket)
    appeal.content = "改过的内容"
    with pytest.raises(ValueError, match="never edited"):
        appeal.save()
    assert Appeal.objects.get(pk=appeal.pk).content == CALL.content


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"channel": "pigeon"}, "channel"),
        ({"kind": "rumour"}, "kind"),
        ({"urgency": "yesterday"}, "urgency"),
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"content": "\n"}, "content"),
        ({"category_id": 999_999}, "category_id"),
        ({"area_id": 999_999}, "area_id"),
        ({"received_at": datetime(2025, 6, 10, 9, 30)}, "received_at"),  # noqa: DTZ001 - naive on purpose
        ({"received_at": datetime(2999, 1, 1, tzinfo=SHANGHAI)}, "received_at"),  # a contact from the future
    ],
)
def test_bad_input_writes_nothing(staff: dict[str, User], change: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        do_receive_appeal(replace(CALL, **change), staff["operator"])
    assert refused.value.message.startswith(field)
    assert counts() == {"tickets": 0, "appeals": 0, "events": 0, "sequence": []}


def test_inactive_category_and_area_are_refused(staff: dict[str, User]) -> None:
    category = new_category(is_active=False)
    area = new_department(is_active=False, is_area=True)
    for data in (replace(CALL, category_id=category.pk), replace(CALL, area_id=area.pk)):
        with pytest.raises(InvalidInput):
            do_receive_appeal(data, staff["operator"])
    assert Ticket.objects.count() == 0


def test_category_area_and_received_at_are_kept(staff: dict[str, User], departments: dict[str, Any]) -> None:
    category = new_category()
    received = datetime(2025, 6, 9, 23, 50, tzinfo=SHANGHAI)
    ticket, _ = do_receive_appeal(
        replace(CALL, category_id=category.pk, area_id=departments["street"].pk, received_at=received),
        staff["operator"],
    )
    assert (ticket.category, ticket.area) == (category, departments["street"])
    assert Appeal.objects.get(ticket=ticket).received_at == received


def test_a_contact_delivered_twice_at_once_still_makes_one_ticket(staff: dict[str, User]) -> None:
    """The other delivery commits between our look-up and our insert: the unique constraint decides."""
    first, _ = do_receive_appeal(CALL, staff["operator"])
    before = counts()
    stored = actions.existing_ticket(CALL.channel, "CALL-0001")
    with mock.patch.object(actions, "existing_ticket", side_effect=[None, stored]):
        again, created = do_receive_appeal(CALL, staff["operator"])
    assert (again.pk, created) == (first.pk, False)
    # Nothing stored twice; the number the lost race took is a gap (it is taken before the insert).
    assert {k: v for k, v in counts().items() if k != "sequence"} == {
        k: v for k, v in before.items() if k != "sequence"
    }


@pytest.mark.django_db(transaction=True)
def test_concurrent_intake_hands_out_distinct_consecutive_numbers() -> None:
    """Numbers come from one upsert per ticket, so parallel requests never share or skip one."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a server database: SQLite serialises writers anyway")
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    def receive(i: int) -> str:
        try:
            ticket, _ = do_receive_appeal(replace(CALL, external_id=f"PAR-{i}"), None)
            return ticket.number
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=6) as pool:
        numbers = list(pool.map(receive, range(60)))
    assert len(set(numbers)) == 60
    day = numbers[0].split("-")[0]
    assert sorted(numbers) == [f"{day}-{n:06d}" for n in range(1, 61)]


@pytest.mark.django_db(transaction=True)
def test_the_days_counter_is_not_locked_while_an_intake_transaction_runs() -> None:
    """Concurrent intakes must not queue behind each other's inserts and commit on the day's one
    counter row: the number is taken and committed before the intake's own transaction."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a server database: SQLite serialises writers anyway")
    import threading

    from django.db import connections
    from django.db.utils import OperationalError

    from hotline.tickets import events

    seen: list[object] = []
    real_received = events.received

    def other_intake_takes_a_number() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '2s'")
            seen.append(DailySequence.take_apart(date(2025, 6, 10)))
        except OperationalError as exc:  # the row is locked by the transaction in progress
            seen.append(exc)
        finally:
            connections.close_all()

    def received_while_another_intake_runs(*args: Any, **kwargs: Any) -> Any:
        # Inside the first intake's transaction, after its ticket is inserted, before it commits.
        thread = threading.Thread(target=other_intake_takes_a_number)
        thread.start()
        thread.join(timeout=10)
        return real_received(*args, **kwargs)

    with (
        clock.frozen_at(datetime(2025, 6, 10, 9, 30, tzinfo=SHANGHAI)),
        mock.patch.object(events, "received", side_effect=received_while_another_intake_runs),
    ):
        ticket, _ = do_receive_appeal(CALL, None)
    assert ticket.number == "20250610-000001"
    assert seen == [2], seen
