"""Deadlines as the pages show them: an urgent ticket's first response (30 natural minutes) on the
ticket's page, in the unit's inbox (urgent first) and on the supervision board once missed; an
extension approved only to a date still ahead; the board counting tickets under supervision, its
heading following an action, its chips saying which time is which; the home page's counters by
what each role can act on."""

import re
from datetime import timedelta

import pytest

from hotline.citizen_messages.models import CitizenMessage
from hotline.core import clock
from hotline.core.enums import CitizenMessageKind, SupervisionKind, SupervisionReason, Urgency
from hotline.core.errors import ActionNotAllowed, InvalidInput
from hotline.sla.actions import do_request_extension, do_review_extension
from hotline.sla.models import Extension
from hotline.supervision.actions import do_open_supervision
from hotline.supervision.models import Supervision
from hotline.supervision.sweep import run_sweep
from hotline.tickets.actions import do_accept_assignment, do_dispatch_ticket
from hotline.tickets.models import Assignment, Ticket
from tests.factories import make_ticket
from tests.web.conftest import NOW
from tests.web.test_inbox import numbers as inbox_numbers
from tests.web.test_inbox import row_html as inbox_row
from tests.web.test_supervision_board import board, form_of, late, lead_of, numbers, row_html

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_now")]

QUIET = {"DAILY_REMINDER_AT": None}


def urgent(staff, departments, *, ago: timedelta, lead: str = "housing") -> Ticket:
    with clock.frozen_at(NOW - ago):
        ticket = make_ticket(actor=staff["operator"], title="家中老人走失求助", content="老人早上出门未归。")
        return do_dispatch_ticket(
            ticket, staff["dispatcher"], lead_department_id=departments[lead].pk, urgency=Urgency.URGENT
        )


def test_an_urgent_tickets_first_response_is_shown_and_comes_first(client, staff, departments) -> None:
    overdue = late(staff, departments)  # a week old, past its handling deadline
    ticket = urgent(staff, departments, ago=timedelta(minutes=10))
    lead = lead_of(ticket)
    response = NOW - timedelta(minutes=10) + timedelta(minutes=30)
    # Signing is the response: it does not wait for working hours.
    assert (lead.response_due_at, lead.sign_due_at) == (response, response)

    client.force_login(staff["housing"])
    page = client.get("/inbox/").content.decode()
    assert inbox_numbers(page) == [ticket.number, overdue.number]  # urgent first
    row = inbox_row(page, lead)
    assert "响应剩 20 分钟" in row and "距首次响应时限" in row
    assert f"首次响应时限 {clock.localtime(response):%Y-%m-%d %H:%M}" in row

    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert 'id="response-due"' in page and "响应剩 20 分钟" in page
    assert f"首次响应时限 {clock.localtime(response):%Y-%m-%d %H:%M}" in page

    # Missed: the sweep's 催办 on the board and the timeline.
    later = NOW + timedelta(minutes=25)
    with clock.frozen_at(later):
        run_sweep(overrides=QUIET)
        client.force_login(staff["supervisor"])
        page = board(client, "?view=supervised")
        ticket_page = client.get(f"/tickets/{ticket.number}/").content.decode()
    supervision = Supervision.objects.get(ticket=ticket)
    assert supervision.reason == SupervisionReason.RESPONSE_OVERDUE
    row = row_html(page, f"s{supervision.pk}")
    assert "响应超时 5 分钟" in row and "首次响应超时" in row and "距首次响应时限" in row
    assert "首次响应超时" in ticket_page.split('id="timeline-title"')[1]
    # Minutes count: it heads the tab, before the week-old ticket's 督办 of the sweep.
    assert numbers(page)[0] == ticket.number


def test_an_extension_is_approved_only_to_a_date_still_ahead(client, staff, departments) -> None:
    ticket = do_accept_assignment(late(staff, departments), staff["housing"])
    asked = (NOW + timedelta(days=2)).replace(second=0, microsecond=0)
    do_request_extension(ticket, staff["housing"], reason="需第三方检测", requested_due_at=asked)
    extension = Extension.objects.get()
    before = lead_of(ticket).due_at
    later = NOW + timedelta(days=3)

    client.force_login(staff["supervisor"])
    with clock.frozen_at(later):
        page = board(client, "?view=extensions")
        assert "申请的时限已过" in row_html(page, f"e{extension.pk}")
        form = form_of(page, f"e{extension.pk}", "/do/review_extension/")
        response = client.post(form["action"], {**form["fields"], "approve": "true"})
    assert response.status_code == 409
    assert "不能照此批准" in response.content.decode()
    extension.refresh_from_db()
    assert extension.approved is None and lead_of(ticket).due_at == before
    assert not CitizenMessage.objects.filter(kind=CitizenMessageKind.EXTENDED).exists()

    granted = (later + timedelta(days=4)).replace(second=0, microsecond=0)
    with clock.frozen_at(later):
        response = client.post(
            form["action"],
            {**form["fields"], "approve": "true", "due_at": f"{clock.localtime(granted):%Y-%m-%dT%H:%M}"},
        )
    assert response.status_code == 302
    extension.refresh_from_db()
    assert (extension.approved, extension.granted_due_at) == (True, granted)
    assert lead_of(ticket).due_at == granted and lead_of(ticket).overdue_at is None


def test_a_past_date_granted_is_refused_too(staff, departments) -> None:
    ticket = do_accept_assignment(late(staff, departments), staff["housing"])
    do_request_extension(ticket, staff["housing"], reason="需检测", requested_due_at=NOW + timedelta(days=2))
    with pytest.raises(InvalidInput, match="due_at"):
        do_review_extension(ticket, staff["supervisor"], approve=True, due_at=NOW - timedelta(hours=1))
    assert Extension.objects.get().approved is None


def test_the_board_counts_tickets_and_its_heading_follows_an_action(client, staff, departments) -> None:
    ticket = late(staff, departments)
    listed = do_open_supervision(
        ticket,
        staff["leader"],
        reason="挂牌",
        kind=SupervisionKind.LISTING,
        deadline=NOW + timedelta(hours=1),
    )
    do_open_supervision(ticket, staff["supervisor"], reason="催一下", kind=SupervisionKind.REMINDER)
    other = do_accept_assignment(late(staff, departments, title="另一件"), staff["housing"])
    do_request_extension(other, staff["housing"], reason="需检测", requested_due_at=NOW + timedelta(days=5))
    extension = Extension.objects.get()

    client.force_login(staff["supervisor"])
    with clock.frozen_at(NOW + timedelta(hours=2)):
        response = client.get("/supervision/?view=supervised")
        page = response.content.decode()
    assert response.context["counts"]["supervised"] == 1  # one ticket, two open records
    assert "<strong>1</strong> 督办中工单" in page
    assert "督办中工单 ·" in page and "1 件工单" in page and "2 条督办" in page
    assert numbers(page).count(ticket.number) == 2
    # The other record's chip: its deadline labelled and marked as passed, its start labelled.
    row = row_html(page, f"s{Supervision.objects.get(kind=SupervisionKind.REMINDER).pk}")
    deadline = clock.localtime(listed.deadline)
    assert f"限 {deadline:%m-%d %H:%M} 已超期" in row
    assert f"发起 {clock.localtime(listed.created_at):%m-%d %H:%M}" in row

    # A decision by htmx: the heading's count follows, with the counters.
    page = board(client, "?view=extensions")
    form = form_of(page, f"e{extension.pk}", "/do/review_extension/")
    response = client.post(
        form["action"],
        {**form["fields"], "approve": "true"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET=f"row-e{extension.pk}-result",
    )
    body = response.content.decode()
    assert 'id="board-summary" hx-swap-oob="true"' in body
    summary = body[body.index('id="board-summary"') :]
    assert "延期审批 ·" in summary and "0 条" in summary[: summary.index("</p>")]


@pytest.mark.parametrize(
    ("kind", "said"),
    [(SupervisionKind.LISTING, r"已于 .* 挂牌督办"), (SupervisionKind.ELEVATION, r"已于 .* 提级办理")],
)
def test_a_second_open_listing_or_elevation_is_refused(staff, departments, kind, said) -> None:
    ticket = late(staff, departments)
    do_open_supervision(ticket, staff["leader"], reason="第一次", kind=kind)

    with pytest.raises(ActionNotAllowed, match=said):
        do_open_supervision(ticket, staff["supervisor"], reason="第二次", kind=kind)
    assert Supervision.objects.filter(kind=kind).count() == 1


def test_each_role_is_shown_what_it_can_act_on(client, staff, departments) -> None:
    ticket = do_accept_assignment(late(staff, departments), staff["housing"])
    do_request_extension(ticket, staff["housing"], reason="需检测", requested_due_at=NOW + timedelta(days=5))
    do_open_supervision(ticket, staff["leader"], reason="挂牌", kind=SupervisionKind.LISTING)
    do_open_supervision(ticket, staff["supervisor"], reason="催一下", kind=SupervisionKind.REMINDER)

    client.force_login(staff["supervisor"])
    waiting = {c.label: c.count for c in client.get("/").context["waiting"]}
    assert waiting["督办中工单"] == 1 and waiting["延期待审批"] == 1

    client.force_login(staff["leader"])  # supervises, approves no extension
    waiting = {c.label: c.count for c in client.get("/").context["waiting"]}
    assert waiting["督办中工单"] == 1 and "延期待审批" not in waiting
    assert Assignment.objects.count() == 1


def test_an_urgent_ticket_late_to_be_signed_is_late_to_respond(client, staff, departments) -> None:
    """An urgent ticket's sign-off deadline is its first response's (ADR 0004, addendum): missed,
    its inbox row says 响应超时, as the ticket's page and the board say, not 签收超时. Here the handling
    deadline is this very minute (dispatched on Sunday, three working days ago), when the inbox no
    longer counts the first response as awaited and the row's clock fell back on the signing's."""
    ticket = urgent(staff, departments, ago=timedelta(days=3))
    lead = lead_of(ticket)
    assert lead.sign_due_at == lead.response_due_at < lead.due_at == NOW
    client.force_login(staff["housing"])
    row = inbox_row(client.get("/inbox/").content.decode(), lead)
    clock_text = re.search(r'<span class="clock" title="([^"]+)">([^<]+)</span>', row)
    assert clock_text is not None
    assert clock_text.groups() == ("距首次响应时限", "响应超时 2 天 23 小时"), row
    assert "签收超时" not in row and "签收时限" not in row
