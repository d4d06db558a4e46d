"""What a person typed about a ticket that quotes the caller's number ("回电139…无人接听"): a
supervisor's reason for a 挂牌, a unit's reason for more time. Leaders never see a caller's number
(`accounts.permissions.PHONE_ROLES`): the inbox, the board and the API say the reason masked, as
every list masks the number (docs/adr/0017, addendum of 2026-12-06)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hotline.core import clock
from hotline.sla.actions import do_request_extension
from hotline.tickets.actions import do_accept_assignment, do_dispatch_ticket
from hotline.tickets.models import Ticket
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


def dispatched(staff, departments, phone: str = PHONE, title: str = "小区停水三天") -> Ticket:
    ticket = make_ticket(title=title, phone=phone)
    return do_dispatch_ticket(ticket, staff["dispatcher"], lead_department_id=departments["housing"].pk)


def listed_by_hand(client, staff, ticket: Ticket, reason: str = f"回电{PHONE}无人接听，挂牌督办") -> None:
    """A 挂牌督办 opened on the board by a supervisor, with `reason`; then signed in as the leader."""
    client.force_login(staff["supervisor"])
    response = client.post(
        f"/supervision/tickets/{ticket.number}/open/", {"kind": "listing", "reason": reason}
    )
    assert response.status_code == 302
    client.force_login(staff["leader"])


def test_a_listings_reason_reaches_the_leaders_inbox_masked(client, staff, departments) -> None:
    ticket = dispatched(staff, departments)
    listed_by_hand(client, staff, ticket)
    inbox = client.get("/notifications/").content.decode()
    assert f"工单 {ticket.number}「小区停水三天」被挂牌督办" in inbox
    assert PHONE not in inbox
    listed = client.get("/api/v1/notifications")
    assert listed.status_code == 200
    [notice] = [n for n in listed.json()["items"] if n["ticket"] and n["ticket"]["number"] == ticket.number]
    assert "回电***无人接听，挂牌督办" in notice["message"]
    assert PHONE not in listed.content.decode()


def test_a_listings_reason_is_listed_masked_on_the_board(client, staff, departments) -> None:
    ticket = dispatched(staff, departments)
    listed_by_hand(client, staff, ticket)
    board = client.get("/supervision/", {"view": "supervised"}).content.decode()
    assert ticket.number in board and "无人接听，挂牌督办" in board
    assert PHONE not in board


def test_the_apis_supervisions_say_the_reason_masked(client, staff, departments) -> None:
    ticket = dispatched(staff, departments)
    listed_by_hand(client, staff, ticket)
    listed = client.get("/api/v1/supervisions", {"board": "true"})
    assert listed.status_code == 200
    [row] = listed.json()["items"]
    assert row["reason_text"] == "回电***无人接听，挂牌督办"


def test_the_apis_list_reads_the_callers_in_one_query_whatever_its_length(client, staff, departments) -> None:
    def counted() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/supervisions").status_code == 200
        return len(queries)

    def opened(n: int) -> None:
        ticket = dispatched(staff, departments, phone=f"1391234567{n}", title=f"小区停水{n}")
        listed_by_hand(client, staff, ticket, reason=f"回电{n}")

    opened(0)
    one = counted()
    for n in range(1, 4):
        opened(n)
    assert counted() == one


def test_an_extension_reason_is_listed_masked_on_the_board(client, staff, departments) -> None:
    """The board's 延期 tab lists the reason a unit typed; a leader reads the board too."""
    ticket = do_accept_assignment(dispatched(staff, departments), staff["housing"])
    do_request_extension(
        ticket,
        staff["housing"],
        reason=f"需与业主{PHONE}约时间入户检测",
        requested_due_at=clock.now() + timedelta(days=5),
    )
    client.force_login(staff["leader"])
    board = client.get("/supervision/", {"view": "extensions"}).content.decode()
    assert ticket.number in board and "约时间入户检测" in board
    assert PHONE not in board
