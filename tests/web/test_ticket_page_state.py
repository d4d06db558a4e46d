"""What the ticket page's header and actions say follows the ticket's state: the link to the returns
only while a return waits for review, the callback deadline only while a callback is due (not after
不满意 reopened the ticket), and the system user named 系统 on the timeline."""

import pytest

from hotline.accounts.system import system_user
from hotline.core.enums import Satisfaction, TicketStatus
from hotline.tickets.actions import do_dispatch_ticket, do_return_assignment
from hotline.tickets.models import Ticket
from tests.tickets.conftest import Flow

pytestmark = pytest.mark.django_db

TO_RETURNS = "到退单审核处理退单"


def page(client, ticket: Ticket) -> str:
    response = client.get(f"/tickets/{ticket.number}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_link_to_the_returns_shows_only_while_a_return_waits(client, staff, departments, waiting) -> None:
    ticket = do_dispatch_ticket(
        waiting[0],
        staff["dispatcher"],
        lead_department_id=departments["housing"].pk,
        co_department_ids=[departments["water"].pk],
    )
    client.force_login(staff["dispatcher"])
    assert TO_RETURNS not in page(client, ticket)  # dispatched, nothing returned
    # The co-handler returns: the ticket stays dispatched, and a return waits.
    ticket = do_return_assignment(ticket, staff["water"], reason="不属于本局职责")
    assert ticket.status == TicketStatus.DISPATCHED
    html = page(client, ticket)
    assert TO_RETURNS in html and 'href="/dispatch/returns/"' in html


def test_the_link_to_the_returns_for_a_returned_lead(client, staff, returned) -> None:
    client.force_login(staff["dispatcher"])
    assert TO_RETURNS in page(client, returned)


def test_an_accepted_ticket_offers_no_returns(client, staff, departments) -> None:
    ticket = Flow(staff, departments).to(TicketStatus.ACCEPTED)
    client.force_login(staff["dispatcher"])
    assert TO_RETURNS not in page(client, ticket)


def test_the_callback_deadline_shows_only_while_a_callback_is_due(client, staff, departments) -> None:
    flow = Flow(staff, departments)
    replied = flow.to(TicketStatus.REPLIED)
    client.force_login(staff["operator"])
    assert replied.callback_due_at is not None
    assert "回访时限：" in page(client, replied)

    reopened = flow.callback(replied, Satisfaction.UNSATISFIED)
    reopened.refresh_from_db()
    assert reopened.status == TicketStatus.REOPENED
    assert reopened.callback_due_at is None  # no callback is due until the next reply
    html = page(client, reopened)
    assert "回访时限：" not in html and "重办 1 次" in html

    again = flow.reply(reopened, text="路灯已更换灯泡并复查。")
    again.refresh_from_db()
    assert again.callback_due_at is not None and "回访时限：" in page(client, again)

    closed = flow.to(TicketStatus.CLOSED)  # called back and closed: none due any more
    assert "回访时限：" not in page(client, closed)


def test_the_system_user_is_named_as_the_system_on_the_timeline(client, staff, waiting, departments) -> None:
    ticket = do_dispatch_ticket(waiting[0], system_user(), lead_department_id=departments["housing"].pk)
    client.force_login(staff["dispatcher"])
    html = page(client, ticket)
    timeline = html[html.index('id="timeline"') :]
    assert "派单</strong> · 系统" in timeline
    assert "· system" not in timeline and ">system<" not in timeline
    assert "受理</strong> · op" in timeline  # people keep their names


def test_a_dispatcher_recalls_a_dispatch_from_the_ticket_page(client, staff, departments, waiting) -> None:
    """撤回派单 before the unit signs: offered to the dispatcher, not to the unit; the ticket is back in
    the dispatch queue, the withdrawn unit named on the timeline."""
    ticket = do_dispatch_ticket(waiting[0], staff["dispatcher"], lead_department_id=departments["housing"].pk)
    client.force_login(staff["housing"])
    assert 'id="recall-form"' not in page(client, ticket)
    client.force_login(staff["dispatcher"])
    assert 'id="recall-form"' in page(client, ticket)
    response = client.post(
        f"/tickets/{ticket.number}/do/recall/", {"reason": "应由街道主办", "next": "/dispatch/"}
    )
    assert response.status_code == 302 and response["Location"] == "/dispatch/"
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.NEW
    html = page(client, ticket)
    assert "撤回派单" in html and "撤回自" in html and "住建局" in html and 'id="recall-form"' not in html
    assert ticket.number in client.get("/dispatch/").content.decode()  # waiting to be dispatched again
    refused = client.post(f"/tickets/{ticket.number}/do/recall/", {"reason": "再撤一次"})
    assert refused.status_code == 409
