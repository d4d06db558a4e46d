"""A department's day on its inbox (承办工作台, /inbox/), found in an audit of one: a number a
citizen wrote in a ticket's title is masked there as on every list, in the row and in the line left
in its place after an action; and the request for more time offers only dates it may ask for."""

from datetime import timedelta

import pytest

from hotline.core import clock
from hotline.sla.actions import do_request_extension, do_review_extension
from hotline.tickets.actions import do_accept_assignment, do_dispatch_ticket
from hotline.tickets.models import Ticket
from tests.web.conftest import NOW
from tests.web.test_inbox import dispatched, part, row_html
from tests.web.test_title_numbers_supervision import DIGITS, MASKED, _received

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_now")]


@pytest.fixture
def numbered(staff, departments) -> Ticket:
    """Dispatched to 住建局 yesterday, its title "回电13912345678 路灯不亮", not signed yet."""
    ticket = _received(staff, 1)
    with clock.frozen_at(NOW - timedelta(days=1)):
        return do_dispatch_ticket(ticket, staff["dispatcher"], lead_department_id=departments["housing"].pk)


def _without_number(html: str) -> None:
    for digits in DIGITS:
        assert digits not in html, digits


def test_the_inbox_masks_a_number_in_a_title(client, staff, numbered) -> None:
    client.force_login(staff["housing"])
    html = client.get("/inbox/").content.decode()
    assert MASKED in row_html(html, part(numbered, "B01"))
    _without_number(html)


def _in_place(client, ticket: Ticket, action: str, here: str, **fields: str) -> str:
    """The row's form posted as htmx posts it (`tests.web.test_inbox.in_place`): the answer's HTML."""
    assignment = part(ticket, "B01")
    response = client.post(
        f"/tickets/{ticket.number}/do/{action}/",
        {"assignment_id": str(assignment.pk), "next": here, **fields},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET=f"assignment-{assignment.pk}-result",
    )
    assert response.status_code == 200 and response["HX-Retarget"] == f"#assignment-{assignment.pk}"
    return response.content.decode()


def test_a_row_changed_in_place_masks_it_too(client, staff, numbered) -> None:
    """Signed under 待签收, the row leaves the list: the line left in its place names the ticket
    by its title, masked; still listed, the row that comes back is masked as the page's."""
    client.force_login(staff["housing"])
    gone = _in_place(client, numbered, "accept", "/inbox/?status=pending")
    assert 'class="inbox-row done"' in gone and MASKED in gone
    _without_number(gone)
    kept = _in_place(client, numbered, "progress", "/inbox/", text="已联系诉求人，约定明天上门查看")
    assert 'class="inbox-row done"' not in kept and MASKED in kept
    _without_number(kept)


def test_the_extension_form_asks_for_a_date_after_now_when_the_deadline_has_passed(
    client, staff, departments
) -> None:
    """The browser's date picker starts where the action accepts dates (later than the handling
    deadline and than now): an overdue row's deadline is in the past, and a day between it and
    now would be refused by the action after the reason is written."""
    late = dispatched(staff, departments, ago=timedelta(days=10), lead="housing")
    do_accept_assignment(late, staff["housing"])
    soon = dispatched(staff, departments, ago=timedelta(hours=1), lead="housing", title="井盖缺失")
    do_accept_assignment(soon, staff["housing"])
    client.force_login(staff["housing"])
    html = client.get("/inbox/").content.decode()
    # NOW is 2025-06-11 10:00 in Shanghai: the overdue row's from now.
    assert 'name="requested_due_at" required min="2025-06-11T10:00"' in row_html(html, part(late, "B01"))
    # A deadline still ahead: from it, in the city's time.
    local = part(soon, "B01").due_at.astimezone(NOW.tzinfo).strftime("%Y-%m-%dT%H:%M")
    assert f'name="requested_due_at" required min="{local}"' in row_html(html, part(soon, "B01"))


def test_a_refused_request_for_more_time_is_said_on_its_row_with_the_note(client, staff, departments) -> None:
    """Refused, the request's "waiting" line went away and nothing said why: the unit did not
    learn it had been turned down, and works on towards the deadline it asked to move. The row
    says so, with the reviewer's note, until the unit asks again or the deadline moves."""
    ticket = dispatched(staff, departments, ago=timedelta(days=1), lead="housing")
    ticket = do_accept_assignment(ticket, staff["housing"])
    do_request_extension(ticket, staff["housing"], reason="需检测", requested_due_at=NOW + timedelta(days=9))
    do_review_extension(ticket, staff["dispatcher"], approve=False, note="检测可与维修同步进行")
    client.force_login(staff["housing"])
    row = row_html(client.get("/inbox/").content.decode(), part(ticket, "B01"))
    assert "延期申请未获批准。审批意见：检测可与维修同步进行" in row
    assert 'name="requested_due_at"' in row  # it may ask again
    do_request_extension(
        ticket, staff["housing"], reason="检测机构排期", requested_due_at=NOW + timedelta(days=8)
    )
    row = row_html(client.get("/inbox/").content.decode(), part(ticket, "B01"))
    assert "延期申请未获批准" not in row and "延期申请待审批" in row
    before = part(ticket, "B01").due_at
    do_review_extension(ticket, staff["dispatcher"], approve=True)
    row = row_html(client.get("/inbox/").content.decode(), part(ticket, "B01"))
    assert "延期申请未获批准" not in row and "延期申请待审批" not in row
    # Granted: the new deadline, and the one it replaced, as the ticket's page shows them.
    granted = (NOW + timedelta(days=8)).strftime("%Y-%m-%d %H:%M")
    assert (
        f"办理时限 {granted}" in row
        and f"原时限 {before.astimezone(NOW.tzinfo):%Y-%m-%d %H:%M}</span>" in row
    )


def test_a_refusal_without_a_note_is_said_too(client, staff, departments) -> None:
    ticket = dispatched(staff, departments, ago=timedelta(days=1), lead="housing")
    ticket = do_accept_assignment(ticket, staff["housing"])
    do_request_extension(ticket, staff["housing"], reason="需检测", requested_due_at=NOW + timedelta(days=9))
    do_review_extension(ticket, staff["dispatcher"], approve=False)
    client.force_login(staff["housing"])
    row = row_html(client.get("/inbox/").content.decode(), part(ticket, "B01"))
    assert "延期申请未获批准。</p>" in row
