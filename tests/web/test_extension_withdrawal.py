"""An extension request (延期申请) asks for more time to handle an assignment: once the assignment
has left handling (its department replied, answered as co-handler, returned it; the ticket was
merged or found invalid), the question is moot. The request is withdrawn automatically, in the
name of whoever acted, on the timeline and on the ticket's page, and leaves the supervision board
and its counters; a withdrawn request cannot be approved; a request the board lists but nobody can
decide now says why instead of offering buttons; and a migration withdraws the requests left
waiting by the code before."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from hotline.core.enums import TicketStatus
from hotline.feedback.actions import do_reply_ticket
from hotline.sla.actions import do_request_extension
from hotline.sla.models import Extension
from hotline.tickets.actions import (
    do_accept_assignment,
    do_answer_assignment,
    do_merge_ticket,
    do_return_assignment,
)
from hotline.tickets.models import Ticket
from tests.migrations import migrate_to
from tests.tickets.conftest import Flow, snapshot
from tests.web.conftest import NOW
from tests.web.test_supervision_board import board, form_of, fresh, lead_of, numbers, row_html

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_now")]

WANTED = (NOW + timedelta(days=10)).replace(second=0, microsecond=0)


def _asked(staff, departments) -> Ticket:
    """A ticket housing signed and asked ten more days for."""
    ticket = do_accept_assignment(fresh(staff, departments), staff["housing"])
    return do_request_extension(ticket, staff["housing"], reason="需第三方检测", requested_due_at=WANTED)


def _waiting_count(client) -> int:
    return {c.label: c.count for c in client.get("/").context["waiting"]}["延期待审批"]


def test_a_reply_withdraws_the_pending_extension(client, staff, departments) -> None:
    ticket = _asked(staff, departments)
    extension = Extension.objects.get()
    due = lead_of(ticket).due_at
    client.force_login(staff["supervisor"])
    assert numbers(board(client, "?view=extensions")) == [ticket.number]

    do_reply_ticket(ticket, staff["housing"], text="已检测并修复。")

    extension.refresh_from_db()
    assert extension.withdrawn and extension.approved is False
    assert extension.decided_by == staff["housing"] and extension.decided_at == NOW
    assert extension.decision_note == "已答复，延期申请自动撤回"
    assert lead_of(ticket).due_at == due  # no deadline moved
    event = ticket.events.get(action="review_extension")
    assert event.actor == staff["housing"]
    assert event.details["note"] == "已答复，延期申请自动撤回" and event.details["approved"] is False
    assert event.to_status == TicketStatus.REPLIED

    page = board(client, "?view=extensions")
    assert numbers(page) == []
    assert client.get("/supervision/?view=extensions").context["counts"]["extensions"] == 0
    assert _waiting_count(client) == 0

    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert "待审批" not in page
    assert "已撤回（已答复，延期申请自动撤回）" in page
    assert "已答复，延期申请自动撤回" in page  # on the timeline too


def test_a_merge_withdraws_the_duplicates_pending_extension(staff, departments) -> None:
    ticket = _asked(staff, departments)
    into = fresh(staff, departments, title="同一路灯")
    do_merge_ticket(ticket, staff["dispatcher"], into_ticket_id=into.pk)
    extension = Extension.objects.get()
    assert extension.withdrawn and extension.decided_by == staff["dispatcher"]
    assert extension.decision_note == "已合并，延期申请自动撤回"
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.MERGED  # the merge stands


def test_deciding_on_a_replied_ticket_is_refused_in_whole_sentences(client, staff, departments) -> None:
    ticket = _asked(staff, departments)
    extension = Extension.objects.get()
    do_reply_ticket(ticket, staff["housing"], text="已检测并修复。")
    client.force_login(staff["supervisor"])
    before = snapshot(ticket.pk)
    response = client.post(
        f"/tickets/{ticket.number}/do/review_extension/",
        {"extension_id": extension.pk, "approve": "true", "next": "/supervision/?view=extensions"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert f"工单 {ticket.number} 当前状态为“已答复”，不能延期审批。" in page
    assert 'class="muted">工单没有任何改动。' in page
    assert snapshot(ticket.pk) == before


def test_a_withdrawn_extension_cannot_be_approved(client, staff, departments) -> None:
    """A co-handler's request is withdrawn by its answer while the ticket stays in handling: the
    state allows a decision, and the refusal names the request's outcome."""
    ticket = Flow(staff, departments).dispatch(Flow(staff, departments).new())  # water co-handles
    ticket = do_accept_assignment(ticket, staff["water"])
    ticket = do_request_extension(ticket, staff["water"], reason="需协调管线", requested_due_at=WANTED)
    extension = Extension.objects.get()
    ticket = do_answer_assignment(ticket, staff["water"], text="已配合排查管线。")
    extension.refresh_from_db()
    assert extension.withdrawn and extension.decided_by == staff["water"]
    assert extension.decision_note == "已协办反馈，延期申请自动撤回"

    client.force_login(staff["supervisor"])
    before = snapshot(ticket.pk)
    response = client.post(
        f"/tickets/{ticket.number}/do/review_extension/",
        {"extension_id": extension.pk, "approve": "true"},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert (
        f"延期申请 {extension.pk} 已于 {NOW:%Y-%m-%d %H:%M} 撤回（已协办反馈，延期申请自动撤回），不能再审批"
        in page
    )
    assert snapshot(ticket.pk) == before


def test_a_row_nobody_can_decide_now_says_why(client, staff, departments) -> None:
    """A co-handler's request on a ticket its lead returned waits for the re-dispatch: the board
    lists it, says why it cannot be decided, and offers no buttons."""
    ticket = Flow(staff, departments).dispatch(Flow(staff, departments).new())  # water co-handles
    ticket = do_accept_assignment(ticket, staff["water"])
    ticket = do_request_extension(ticket, staff["water"], reason="需协调管线", requested_due_at=WANTED)
    extension = Extension.objects.get()
    do_return_assignment(ticket, staff["housing"], reason="不属于本单位职责")
    extension.refresh_from_db()
    assert extension.approved is None and not extension.withdrawn  # water's is still at work

    client.force_login(staff["supervisor"])
    page = board(client, "?view=extensions")
    assert numbers(page) == [ticket.number]
    row = row_html(page, f"e{extension.pk}")
    assert "/do/review_extension/" not in row and "批准延期" not in row
    assert f"工单 {ticket.number} 当前状态为“退单待审”，不能延期审批" in row
    form_of(page, f"e{extension.pk}", "/open/")  # supervising it still is offered

    # A dispatcher's list of them says the same, without the buttons.
    client.force_login(staff["dispatcher"])
    listed = client.get("/dispatch/extensions/").content.decode()
    item = listed[listed.index(f'id="extension-{extension.pk}"') :]
    item = item[: item.index("</li>")]
    assert "批准延期" not in item and "review_extension" not in item
    assert f"工单 {ticket.number} 当前状态为“退单待审”，不能延期审批" in item


BEFORE = [("sla", "0003_extension_granted_due_at")]
AFTER = [("sla", "0004_extension_withdrawn")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_withdraws_requests_left_waiting() -> None:
    apps = migrate_to(BEFORE)
    User = apps.get_model("accounts", "User")
    Department = apps.get_model("directory", "Department")
    Ticket = apps.get_model("tickets", "Ticket")
    Assignment = apps.get_model("tickets", "Assignment")
    Extension = apps.get_model("sla", "Extension")
    now = timezone.now()
    user = User.objects.create(username="housing")
    housing = Department.objects.create(code="B01", name="住建局", level="city")

    def asked(number: str, ticket_status: str, assignment_status: str) -> int:
        ticket = Ticket.objects.create(
            number=number, title="t", content="c", status=ticket_status, created_at=now, updated_at=now
        )
        assignment = Assignment.objects.create(
            ticket=ticket,
            department=housing,
            role="lead",
            status=assignment_status,
            dispatched_at=now,
            due_at=now,
        )
        return Extension.objects.create(
            assignment=assignment,
            reason="r",
            previous_due_at=now,
            requested_due_at=now + timedelta(days=3),
            requested_by=user,
            requested_at=now,
        ).pk

    replied = asked("20250101-000001", "replied", "answered")
    closed = asked("20250101-000002", "closed", "answered")
    merged = asked("20250101-000003", "merged", "withdrawn")
    at_work = asked("20250101-000004", "accepted", "accepted")
    try:
        apps = migrate_to(AFTER)
        rows = {
            x["pk"]: x
            for x in apps.get_model("sla", "Extension").objects.values(
                "pk", "approved", "withdrawn", "decided_at", "decision_note"
            )
        }
        for pk in (replied, closed, merged):
            assert rows[pk]["withdrawn"] and rows[pk]["approved"] is False, rows[pk]
            assert rows[pk]["decided_at"] is not None
            assert rows[pk]["decision_note"] == "派单已不在办理中，延期申请自动撤回"
        assert rows[at_work]["approved"] is None and not rows[at_work]["withdrawn"]
    finally:
        executor = MigrationExecutor(connection)
        migrate_to(executor.loader.graph.leaf_nodes())
