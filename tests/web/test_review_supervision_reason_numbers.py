"""A supervisor's reason that quotes the caller's number ("回电139…无人接听") reaches a leader
masked in the inbox (dead7b9); the board and the API's list say the same reason to the same leader,
who never sees a caller's number (`accounts.permissions.PHONE_ROLES`): masked there too, as every
list masks it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hotline.tickets.actions import do_dispatch_ticket
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def test_a_listing_whose_reason_quotes_the_callers_number_is_listed_masked(
    client, staff, departments
) -> None:
    ticket = make_ticket(title="小区停水三天", phone="13912345678")
    ticket = do_dispatch_ticket(ticket, staff["dispatcher"], lead_department_id=departments["housing"].pk)
    client.force_login(staff["supervisor"])
    response = client.post(
        f"/supervision/tickets/{ticket.number}/open/",
        {"kind": "listing", "reason": "回电13912345678无人接听，挂牌督办"},
    )
    assert response.status_code == 302
    client.force_login(staff["leader"])
    board = client.get("/supervision/", {"view": "supervised"}).content.decode()
    assert ticket.number in board and "无人接听，挂牌督办" in board
    assert "13912345678" not in board


def test_the_apis_supervisions_say_a_reason_with_the_callers_number_masked(
    client, staff, departments
) -> None:
    ticket = make_ticket(title="小区停水三天", phone="13912345678")
    ticket = do_dispatch_ticket(ticket, staff["dispatcher"], lead_department_id=departments["housing"].pk)
    client.force_login(staff["supervisor"])
    client.post(
        f"/supervision/tickets/{ticket.number}/open/",
        {"kind": "listing", "reason": "回电13912345678无人接听，挂牌督办"},
    )
    client.force_login(staff["leader"])
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
        ticket = make_ticket(title=f"小区停水{n}", phone=f"1391234567{n}")
        ticket = do_dispatch_ticket(ticket, staff["dispatcher"], lead_department_id=departments["housing"].pk)
        client.force_login(staff["supervisor"])
        client.post(f"/supervision/tickets/{ticket.number}/open/", {"kind": "listing", "reason": f"回电{n}"})

    opened(0)
    one = counted()
    for n in range(1, 4):
        opened(n)
    assert counted() == one


def test_the_leaders_notice_through_the_api_says_the_reason_masked(client, staff, departments) -> None:
    """The reason said in the notice, through the API as on the page: masked."""
    ticket = make_ticket(title="小区停水三天", phone="13912345678")
    ticket = do_dispatch_ticket(ticket, staff["dispatcher"], lead_department_id=departments["housing"].pk)
    client.force_login(staff["supervisor"])
    client.post(
        f"/supervision/tickets/{ticket.number}/open/",
        {"kind": "listing", "reason": "回电13912345678无人接听，挂牌督办"},
    )
    client.force_login(staff["leader"])
    listed = client.get("/api/v1/notifications")
    assert listed.status_code == 200
    [notice] = [n for n in listed.json()["items"] if n["ticket"] and n["ticket"]["number"] == ticket.number]
    assert "回电***无人接听，挂牌督办" in notice["message"]
    assert "13912345678" not in listed.content.decode()


def test_an_extension_reason_quoting_the_callers_number_is_listed_masked(client, staff, departments) -> None:
    """The board's 延期 tab lists the reason a unit typed; a leader reads the board too."""
    from datetime import timedelta

    from hotline.core import clock
    from hotline.sla.actions import do_request_extension
    from hotline.tickets.actions import do_accept_assignment

    ticket = make_ticket(title="小区停水三天", phone="13912345678")
    ticket = do_dispatch_ticket(ticket, staff["dispatcher"], lead_department_id=departments["housing"].pk)
    ticket = do_accept_assignment(ticket, staff["housing"])
    do_request_extension(
        ticket,
        staff["housing"],
        reason="需与业主13912345678约时间入户检测",
        requested_due_at=clock.now() + timedelta(days=5),
    )
    client.force_login(staff["leader"])
    board = client.get("/supervision/", {"view": "extensions"}).content.decode()
    assert ticket.number in board and "约时间入户检测" in board
    assert "13912345678" not in board
