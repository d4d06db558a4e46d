"""转办告知: a dispatch, by a dispatcher or by routing, tells every appellant of the ticket (merged
duplicates' too) which unit handles it and when its answer is due, once per dispatch, again only
when an upheld return sends it to another lead, never to an appeal of an import; and an un-merge
cancels what the other ticket had not sent yet to the appellants who left it."""

from datetime import timedelta
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hotline.accounts.models import ApiToken
from hotline.citizen_messages.actions import do_send, send_due
from hotline.citizen_messages.models import CitizenMessage, CitizenMessageLog
from hotline.citizen_messages.outbox import tell_dispatched
from hotline.citizen_messages.senders import Outcome
from hotline.core import clock
from hotline.core.enums import (
    Channel,
    CitizenMedium,
    CitizenMessageAction,
    CitizenMessageKind,
    CitizenMessageState,
    SuspensionReason,
)
from hotline.feedback.selectors import appellants, appellants_of
from hotline.intake.actions import AppealData, do_receive_appeals
from hotline.sla.actions import (
    do_request_extension,
    do_resume_assignment,
    do_review_extension,
    do_suspend_assignment,
)
from hotline.sla.models import Extension, Suspension
from hotline.tickets import actions
from hotline.tickets.models import Assignment, Ticket
from tests.api.conftest import ApiClient
from tests.citizen_messages.conftest import RECORDING, Recording, configure
from tests.factories import make_ticket
from tests.tickets.conftest import Flow

pytestmark = pytest.mark.django_db

K, M, S = CitizenMessageKind, CitizenMedium, CitizenMessageState


# Where the appellants of the `merged` ticket are told, in order, and their own appeals' keys.
EVERY_APPELLANT = [
    (M.SMS, "13800000001"),
    (M.SMS, "13900000002"),
    (M.SMS, "13700000003"),
    (M.EMAIL, "writer@163.com"),
]
APPEALS_OF_MERGED = ["target", "second", "third", "writer"]


def dispatched(ticket: Ticket) -> list[CitizenMessage]:
    return list(CitizenMessage.objects.filter(ticket=ticket, kind=K.DISPATCHED).order_by("pk"))


def due(lead: Assignment) -> str:
    local = clock.localtime(lead.due_at)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def test_a_dispatch_tells_every_appellant_of_a_merged_ticket(flow: Flow, merged, staff) -> None:
    target = flow.dispatch(merged["target"], co=("water",))
    lead = target.lead_assignment
    told = dispatched(target)
    assert [(m.medium, m.to) for m in told] == EVERY_APPELLANT
    assert {m.state for m in told} == {S.PENDING}
    for message, own in zip(told, APPEALS_OF_MERGED, strict=True):
        text = message.subject + message.body
        # The number of their own ticket; the lead by its public name and kind; the deadline in
        # the city's zone; no member of staff, no co-handler.
        assert merged[own].number in text
        assert "已转交住建局（市级职能部门）办理" in text.replace(" ", "")
        assert due(lead) in message.body
        assert staff["dispatcher"].username not in text and "水务局" not in text
        assert message.created_by == staff["dispatcher"] and message.created_at == lead.dispatched_at
    assert told[0].body.startswith("【示范市12345】")
    assert told[3].subject.startswith(f"[示范市12345] 工单 {merged['writer'].number} 已转办：")
    assert "合并办理" in told[3].body


def test_a_territorial_lead_is_named_as_the_citizens_own_street(flow: Flow, frozen_clock) -> None:
    ticket = flow.dispatch(flow.new(), lead="street", co=())
    (message,) = dispatched(ticket)
    assert "已转交和平街道（属地街道、乡镇）办理" in message.body


def test_one_dispatch_is_told_once_and_handling_tells_nothing_more(flow: Flow, frozen_clock) -> None:
    ticket = flow.dispatch(flow.new())
    (message,) = dispatched(ticket)
    assert message.dedupe_key == f"dispatched:{ticket.lead_assignment.pk}:sms:13812341234"
    # The same dispatch told a second time (a replay, a bug) is refused by the key.
    with pytest.raises(IntegrityError), transaction.atomic():
        tell_dispatched(ticket, ticket.lead_assignment, flow.user("dispatcher"), frozen_clock.value)
    # Signing, a co-handler's answer, a rejected return: no new unit, nothing to tell.
    ticket = flow.accept(ticket)
    ticket = flow.accept(ticket, "water")
    ticket = actions.do_return_assignment(ticket, flow.user("water"), reason="不属于本单位职责")
    returned = ticket.assignments.get(status="returned")
    ticket = actions.do_review_return(
        ticket, flow.user("dispatcher"), assignment_id=returned.pk, uphold=False, note="请继续配合"
    )
    assert len(dispatched(ticket)) == 1


def test_an_upheld_return_of_the_lead_tells_the_new_unit(flow: Flow, frozen_clock) -> None:
    ticket = flow.dispatch(flow.new(), co=())
    ticket = actions.do_return_assignment(ticket, flow.user("housing"), reason="属地管理事项")
    frozen_clock.set(frozen_clock.value.replace(hour=14))
    returned = ticket.assignments.get(status="returned")
    ticket = actions.do_review_return(
        ticket,
        flow.user("dispatcher"),
        assignment_id=returned.pk,
        uphold=True,
        lead_department_id=flow.dept("street").pk,
        note="改派属地",
    )
    first, again = dispatched(ticket)
    assert "已转交住建局" in first.body
    assert "经核实已改由和平街道（属地街道、乡镇）办理" in again.body
    assert due(ticket.lead_assignment) in again.body and again.created_at == frozen_clock.value


def test_an_upheld_return_of_a_co_handler_tells_nobody(flow: Flow, frozen_clock) -> None:
    ticket = flow.dispatch(flow.new())
    ticket = actions.do_return_assignment(ticket, flow.user("water"), reason="不属于本单位职责")
    returned = ticket.assignments.get(status="returned")
    ticket = actions.do_review_return(
        ticket, flow.user("dispatcher"), assignment_id=returned.pk, uphold=True, note="无需协办"
    )
    assert len(dispatched(ticket)) == 1


def test_an_appeal_of_an_import_of_history_is_never_told(flow: Flow, staff) -> None:
    receipt = do_receive_appeals(
        [
            AppealData(
                channel=Channel.IMPORT,
                external_id="old-1",
                title="噪音扰民",
                content="楼下商铺夜间噪音。",
                citizen_phone="13900000001",
            )
        ],
        staff["admin"],
        route=False,
    )
    imported = Ticket.objects.get(pk=receipt.created[0].pk)
    live = make_ticket(actor=flow.user("operator"), phone="13900000009", title="商铺噪音")
    actions.do_merge_ticket(live, flow.user("operator"), into_ticket_id=imported.pk)
    ticket = flow.reply(flow.accept(flow.dispatch(imported, co=())))
    # The live duplicate's citizen is told, the imported appeal's is not, neither the dispatch nor the reply.
    told = CitizenMessage.objects.filter(ticket=ticket).values_list("kind", "to")
    assert sorted(told) == [(K.DISPATCHED, "13900000009"), (K.REPLIED, "13900000009")]


def test_history_imported_under_any_channel_is_never_told(flow: Flow, staff) -> None:
    """An import of history keeps the channel its appeals came through (a mailbox's letters count as
    letters in the figures) and tells their citizens nothing when the tickets are dispatched and
    answered; contacts imported as new (their days not kept) are told as live ones are."""

    def contact(external_id: str, phone: str) -> AppealData:
        return AppealData(
            channel=Channel.MAILBOX,
            external_id=external_id,
            title="噪音扰民",
            content="楼下商铺夜间噪音。",
            citizen_phone=phone,
            received_at=clock.now() - timedelta(days=30),
        )

    history = do_receive_appeals(
        [contact("old-1", "13900000001")], staff["admin"], backdate=True, route=False
    )
    fresh = do_receive_appeals([contact("new-1", "13900000002")], staff["admin"], route=False)
    told = {}
    for receipt in (history, fresh):
        ticket = flow.reply(flow.accept(flow.dispatch(Ticket.objects.get(pk=receipt.created[0].pk), co=())))
        appeal = ticket.appeals.get()
        assert appeal.channel == Channel.MAILBOX
        told[appeal.from_history] = sorted(
            CitizenMessage.objects.filter(ticket=ticket).values_list("kind", "to")
        )
    assert told == {True: [], False: [(K.DISPATCHED, "13900000002"), (K.REPLIED, "13900000002")]}


def test_a_dispatch_rolled_back_leaves_no_message(flow: Flow) -> None:
    ticket = flow.new()
    with pytest.raises(RuntimeError), transaction.atomic():
        flow.dispatch(ticket)
        assert len(dispatched(ticket)) == 1
        raise RuntimeError("crash before the commit")
    assert not dispatched(ticket)


def test_the_dispatch_message_can_be_switched_off(flow: Flow, settings) -> None:
    configure(settings, ON_DISPATCH=False)
    ticket = flow.dispatch(flow.new())
    assert not dispatched(ticket) and ticket.status == "dispatched"


def test_telling_costs_the_dispatch_one_read_and_one_insert_a_message(flow: Flow, settings) -> None:
    """What the dispatch made (the lead, its department, its deadline) is not read again: the
    appellants are read in one statement, whatever the depth of the merges (and their duplicates'
    tickets in one more when there are any), and each message is one INSERT."""
    operator = flow.user("operator")

    def dispatch_queries(duplicates: int) -> list[str]:
        ticket = flow.new()
        for i in range(duplicates):
            duplicate = make_ticket(actor=operator, phone=f"1390000000{i}")
            actions.do_merge_ticket(duplicate, operator, into_ticket_id=ticket.pk)
        with CaptureQueriesContext(connection) as queries:
            flow.dispatch(ticket, co=())
        return [q["sql"] for q in queries.captured_queries]

    dispatch_queries(0)  # the deadline policies and calendars are read once and kept
    configure(settings, ON_DISPATCH=False)
    silent = dispatch_queries(2)
    configure(settings, ON_DISPATCH=True)
    for duplicates in (0, 2):
        told = dispatch_queries(duplicates)
        extra = len(told) - len(silent)
        assert extra == (1 if duplicates == 0 else 2) + (1 + duplicates), told
        assert sum("citizen_messages_citizenmessage" in sql and sql.startswith("INSERT") for sql in told) == (
            1 + duplicates
        )


def test_one_tickets_appellants_are_read_in_one_query(
    flow: Flow, merged, django_assert_num_queries: Any
) -> None:
    """One read, whatever the depth of the merges; the duplicates' own tickets (whose numbers their
    appellants know) in a second, and none for a ticket without duplicates."""
    target = Ticket.objects.get(pk=merged["target"].pk)
    with django_assert_num_queries(2):
        found = appellants(target)
        numbers = [a.ticket.number for a in found]
    assert [a.pk for a in found] == [a.pk for a in appellants_of([target.pk])[target.pk]]
    assert numbers == [merged[k].number for k in ("target", "second", "third", "writer")]
    alone = flow.new()
    with django_assert_num_queries(1):
        (appeal,) = appellants(alone)
        assert appeal.ticket is alone


def test_dispatched_through_the_api_and_shown_in_its_json(flow: Flow, staff, frozen_clock) -> None:
    ticket = flow.new()
    _token, raw = ApiToken.issue(staff["dispatcher"], name="test")
    client = ApiClient(staff["dispatcher"], raw)
    response = client.post(
        f"/tickets/{ticket.pk}/actions/dispatch",
        {"lead_department_id": flow.dept("housing").pk, "co_department_ids": []},
    )
    assert response.status_code == 200, response.json()
    assert send_due() == {S.SENT: 2}
    body = client.get(f"/tickets/{ticket.pk}").json()
    assert [(m["kind"], m["to"], m["state"]) for m in body["citizen_messages"]] == [
        ("accepted", "138****1234", "sent"),
        ("dispatched", "138****1234", "sent"),
    ]


def test_dispatched_from_the_dispatch_desk(flow: Flow, staff) -> None:
    ticket = flow.new()
    client = Client()
    client.force_login(staff["dispatcher"])
    response = client.post(f"/dispatch/{ticket.pk}/", {"lead_department_id": flow.dept("housing").pk})
    assert response.status_code == 302
    (message,) = dispatched(ticket)
    assert message.created_by == staff["dispatcher"]


# --- un-merge: what was not sent is cancelled ----------------------------------------------------


def test_an_unmerge_cancels_what_the_other_ticket_had_not_sent(flow: Flow, merged, staff, recording) -> None:
    operator = flow.user("operator")
    target = flow.reply(flow.accept(flow.dispatch(merged["target"], co=())))
    # 李女士's duplicate (with 王先生's merged into it) leaves before anything was sent.
    actions.do_unmerge_ticket(merged["second"], operator, note="不是同一处路灯")
    cancelled = CitizenMessage.objects.filter(state=S.CANCELLED).order_by("pk")
    assert [(m.kind, m.to) for m in cancelled] == [
        (K.DISPATCHED, "13900000002"),
        (K.DISPATCHED, "13700000003"),
        (K.REPLIED, "13900000002"),
        (K.REPLIED, "13700000003"),
    ]
    assert all(m.ticket == target and merged["second"].number in m.detail for m in cancelled)
    log = CitizenMessageLog.objects.filter(message__in=cancelled)
    assert {(entry.action, entry.actor) for entry in log} == {(CitizenMessageAction.CANCEL, operator)}
    assert log.count() == 4
    # Their own acceptances stay; the worker sends everything else and never the cancelled ones.
    send_due()
    assert not set(recording.sent) & {m.pk for m in cancelled}
    assert (
        CitizenMessage.objects.filter(state=S.SENT).count()
        == CitizenMessage.objects.exclude(state=S.CANCELLED).count()
    )
    # The page says so.
    client = Client()
    client.force_login(operator)
    html = client.get(f"/tickets/{merged['second'].number}/").content.decode()
    section = html[html.index('id="citizen-messages"') :]
    assert "已取消" in section and "已撤销合并" in section


def test_what_was_sent_before_the_unmerge_stays_sent(flow: Flow, merged, recording) -> None:
    flow.dispatch(merged["target"], co=())
    send_due()
    actions.do_unmerge_ticket(merged["writer"], flow.user("operator"), note="不是同一问题")
    assert not CitizenMessage.objects.filter(state=S.CANCELLED).exists()


@pytest.mark.parametrize(
    ("outcome", "state"),
    [(Outcome(ok=False, detail="HTTP 503"), S.CANCELLED), (Outcome(ok=True, detail="ok"), S.SENT)],
)
def test_a_message_cancelled_while_it_is_being_sent(
    flow: Flow, merged, recording, settings, monkeypatch, outcome, state
) -> None:
    flow.dispatch(merged["target"], co=())
    message = CitizenMessage.objects.get(kind=K.DISPATCHED, to="writer@163.com")
    configure(settings, EMAIL_SENDER=RECORDING)

    def unmerged_meanwhile(self: Any, sending: CitizenMessage) -> Outcome:
        actions.do_unmerge_ticket(merged["writer"], flow.user("operator"), note="不是同一问题")
        return outcome

    monkeypatch.setattr(Recording, "send", unmerged_meanwhile)
    do_send(message.pk)
    message.refresh_from_db()
    # Sent if it went out (the record says what the citizen got); else cancelled, not tried again.
    assert message.state == state
    assert list(message.log.values_list("action", flat=True)) == [
        CitizenMessageAction.CANCEL,
        CitizenMessageAction.SENT if outcome.ok else CitizenMessageAction.FAILED,
    ]
    assert do_send(message.pk) == "skipped"  # never tried again


def extended(ticket: Ticket) -> list[CitizenMessage]:
    return list(CitizenMessage.objects.filter(ticket=ticket, kind=K.EXTENDED).order_by("pk"))


def test_an_approved_extension_of_the_lead_tells_every_appellant_the_new_date(
    flow: Flow, merged, staff, frozen_clock
) -> None:
    target = flow.accept(flow.dispatch(merged["target"], co=("water",)))
    target = flow.accept(target, "water")
    lead, co = target.lead_assignment, target.assignments.get(department=flow.dept("water"))
    first_due = due(lead)
    later = lead.due_at + timedelta(days=7)
    # Refused: the dispatch's date stands, nothing more is told.
    target = do_request_extension(
        target, flow.user("housing"), reason="需协调施工单位", requested_due_at=later
    )
    target = do_review_extension(target, staff["dispatcher"], approve=False, note="请按期办结")
    assert extended(target) == []
    # A co-handler's extension changes no date the citizen was told.
    target = do_request_extension(
        target, flow.user("water"), reason="需现场勘查", requested_due_at=later, assignment_id=co.pk
    )
    target = do_review_extension(target, staff["dispatcher"], approve=True)
    assert extended(target) == []
    # The lead's, approved: each appellant of the merged ticket once, with the new date.
    target = do_request_extension(
        target, flow.user("housing"), reason="需协调施工单位", requested_due_at=later
    )
    request = Extension.objects.filter(assignment=lead, approved__isnull=True).get()
    target = do_review_extension(target, staff["supervisor"], approve=True, note="同意")
    lead.refresh_from_db()
    told = extended(target)
    assert [(m.medium, m.to) for m in told] == EVERY_APPELLANT
    assert due(lead) != first_due
    for message, own in zip(told, APPEALS_OF_MERGED, strict=True):
        assert merged[own].number in message.subject + message.body
        assert "经批准由住建局（市级职能部门）延期办理" in message.body.replace(" ", "")
        assert due(lead) in message.body and first_due not in message.body
        assert "需协调施工单位" not in message.body  # the department's reason is for the dispatcher
        assert message.dedupe_key.startswith(f"extended:{request.pk}:")
        assert message.created_by == staff["supervisor"] and message.state == S.PENDING
    assert told[3].subject.startswith(f"[示范市12345] 工单 {merged['writer'].number} 延期办理：")
    # Shown in the ticket's 告知记录 like the others.
    assert CitizenMessageKind(told[0].kind).label == "延期告知"


def test_an_extension_tells_nothing_when_dispatches_are_not_told(flow: Flow, settings, staff) -> None:
    configure(settings, ON_DISPATCH=False)
    ticket = flow.accept(flow.dispatch(flow.new(), co=()))
    later = ticket.lead_assignment.due_at + timedelta(days=7)
    ticket = do_request_extension(ticket, flow.user("housing"), reason="需协调", requested_due_at=later)
    ticket = do_review_extension(ticket, staff["dispatcher"], approve=True)
    assert extended(ticket) == []


def test_the_leads_clock_resumed_tells_every_appellant_the_moved_date(
    flow: Flow, merged, staff, frozen_clock
) -> None:
    """挂起 then 恢复计时: the lead's deadline moves by the working time the clock stood, and the date
    the dispatch told no longer holds; every appellant learns the new one, once, with the reason
    when a citizen may read it (the department's own note stays with the dispatcher)."""
    target = flow.accept(flow.dispatch(merged["target"], co=("water",)))
    target = flow.accept(target, "water")
    lead, co = target.lead_assignment, target.assignments.get(department=flow.dept("water"))
    first_due = due(lead)
    start = frozen_clock.value
    # A co-handler's clock changes no date the citizen was told.
    target = do_suspend_assignment(
        target, flow.user("water"), reason=SuspensionReason.THIRD_PARTY, assignment_id=co.pk
    )
    frozen_clock.set(start + timedelta(days=1))
    target = do_resume_assignment(target, flow.user("water"), assignment_id=co.pk)
    assert extended(target) == []
    # The lead's, stopped for a working day: told, with the new date and the reason.
    target = do_suspend_assignment(
        target, flow.user("housing"), reason=SuspensionReason.AWAITING_MATERIAL, note="等房产证复印件"
    )
    suspension = Suspension.objects.get(assignment=lead, ended_at__isnull=True)
    frozen_clock.set(start + timedelta(days=2))
    target = do_resume_assignment(target, flow.user("housing"))
    lead.refresh_from_db()
    told = extended(target)
    assert [(m.medium, m.to) for m in told] == EVERY_APPELLANT
    assert due(lead) != first_due
    for message, own in zip(told, APPEALS_OF_MERGED, strict=True):
        assert merged[own].number in message.subject + message.body
        text = message.body.replace(" ", "")
        assert "因待诉求人补充材料暂停计时，现已恢复办理" in text
        assert "住建局（市级职能部门）" in text
        assert due(lead) in message.body and first_due not in message.body
        assert "房产证" not in message.body
        assert message.dedupe_key.startswith(f"resumed:{suspension.pk}:")
        assert message.created_by == flow.user("housing")
    assert told[3].subject.startswith(f"[示范市12345] 工单 {merged['writer'].number} 恢复办理：")
    assert CitizenMessageKind(told[0].kind).label == "延期告知"


def test_a_clock_that_stood_outside_working_time_tells_nothing(flow: Flow, frozen_clock) -> None:
    """Suspended and resumed within one evening: the deadline holds, and so does what was told."""
    ticket = flow.accept(flow.dispatch(flow.new(), co=()))
    evening = frozen_clock.value.replace(hour=19)
    frozen_clock.set(evening)
    ticket = do_suspend_assignment(ticket, flow.user("housing"), reason=SuspensionReason.CITIZEN_UNREACHABLE)
    frozen_clock.set(evening + timedelta(hours=2))
    before = ticket.lead_assignment.due_at
    ticket = do_resume_assignment(ticket, flow.user("housing"))
    assert ticket.lead_assignment.due_at == before
    assert extended(ticket) == []


def test_a_resumed_clock_tells_nothing_when_dispatches_are_not_told(
    flow: Flow, settings, frozen_clock
) -> None:
    configure(settings, ON_DISPATCH=False)
    ticket = flow.accept(flow.dispatch(flow.new(), co=()))
    ticket = do_suspend_assignment(ticket, flow.user("housing"), reason=SuspensionReason.OTHER, note="待定")
    frozen_clock.set(frozen_clock.value + timedelta(days=2))
    ticket = do_resume_assignment(ticket, flow.user("housing"))
    assert extended(ticket) == []


def test_a_suspension_for_another_reason_is_told_without_it(flow: Flow, frozen_clock) -> None:
    ticket = flow.accept(flow.dispatch(flow.new(), co=()))
    ticket = do_suspend_assignment(
        ticket, flow.user("housing"), reason=SuspensionReason.OTHER, note="领导未批"
    )
    frozen_clock.set(frozen_clock.value + timedelta(days=2))
    ticket = do_resume_assignment(ticket, flow.user("housing"))
    (message,) = extended(ticket)
    assert "曾暂停计时，现已恢复办理" in message.body
    assert "领导未批" not in message.body and "其他" not in message.body
    assert due(ticket.lead_assignment) in message.body
