"""Merging undone (撤销合并) and related tickets linked without merging (关联): the actions, both
timelines, the state the duplicate returns to, and what the API shows of them."""

from datetime import timedelta

import pytest

from hotline.core.enums import AssignmentStatus, TicketStatus
from hotline.core.errors import ActionNotAllowed, Forbidden, InvalidInput
from hotline.feedback import actions as feedback_actions
from hotline.tickets import actions
from hotline.tickets.models import Ticket, TicketEvent, TicketLink, linked_ids
from tests.tickets.conftest import Flow, FrozenClock, snapshot

S = TicketStatus


def last_event(ticket: Ticket) -> TicketEvent:
    event = TicketEvent.objects.filter(ticket=ticket).order_by("-pk").first()
    assert event is not None
    return event


# --- merge ---------------------------------------------------------------------------------------


def test_a_merge_is_written_on_both_timelines(flow: Flow) -> None:
    """The ticket a duplicate joins says so on its own timeline (who, when, which ticket), as an
    un-merge and a link do; it stays where it was."""
    target = flow.dispatch(flow.new())
    duplicate = flow.new()
    target_events = TicketEvent.objects.filter(ticket=target).count()

    actions.do_merge_ticket(duplicate, flow.user("operator"), into_ticket_id=target.pk, note="同一路灯")

    own = last_event(duplicate)
    assert (own.action, own.from_status, own.to_status) == ("merge", S.NEW, S.MERGED)
    assert own.details == {
        "into": target.pk,
        "into_number": target.number,
        "withdrawn_assignments": 0,
        "note": "同一路灯",
    }
    assert TicketEvent.objects.filter(ticket=target).count() == target_events + 1
    other = last_event(target)
    assert (other.action, other.from_status, other.to_status, other.actor, other.at) == (
        "merge",
        S.DISPATCHED,
        S.DISPATCHED,
        flow.user("operator"),
        own.at,
    )
    assert other.details == {"joined": duplicate.pk, "joined_number": duplicate.number, "note": "同一路灯"}
    target.refresh_from_db()
    assert target.status == S.DISPATCHED and target.updated_at == other.at  # it changed: one more appellant


# --- un-merge --------------------------------------------------------------------------------------


def test_unmerge_returns_the_duplicate_to_dispatch_and_writes_both_timelines(flow: Flow) -> None:
    target = flow.dispatch(flow.new())
    duplicate = flow.accept(flow.dispatch(flow.new()))
    duplicate = actions.do_merge_ticket(duplicate, flow.user("operator"), into_ticket_id=target.pk)
    target_events = TicketEvent.objects.filter(ticket=target).count()

    result = actions.do_unmerge_ticket(duplicate, flow.user("dispatcher"), note="不是同一个路灯")

    duplicate.refresh_from_db()
    assert result.status == duplicate.status == S.NEW
    assert duplicate.merged_into is None
    # Its assignments were withdrawn by the merge and stay so: it waits for a new dispatch.
    assert set(duplicate.assignments.values_list("status", flat=True)) == {AssignmentStatus.WITHDRAWN}
    own = last_event(duplicate)
    assert (own.action, own.from_status, own.to_status, own.actor) == (
        "unmerge",
        S.MERGED,
        S.NEW,
        flow.user("dispatcher"),
    )
    assert own.details == {"from": target.pk, "from_number": target.number, "note": "不是同一个路灯"}
    other = last_event(target)
    assert TicketEvent.objects.filter(ticket=target).count() == target_events + 1
    assert (other.action, other.from_status, other.to_status, other.actor) == (
        "unmerge",
        S.DISPATCHED,
        S.DISPATCHED,
        flow.user("dispatcher"),
    )
    assert other.details == {
        "released": duplicate.pk,
        "released_number": duplicate.number,
        "note": "不是同一个路灯",
    }
    target.refresh_from_db()
    assert target.status == S.DISPATCHED  # the ticket it had joined goes on as it was

    # Back in the queue, it can be dispatched like any new ticket, or merged again.
    assert flow.dispatch(duplicate).status == S.DISPATCHED


def test_unmerge_needs_a_reason_and_a_merged_ticket(flow: Flow) -> None:
    merged, fresh = flow.to(S.MERGED), flow.new()
    before = snapshot(merged.pk)
    with pytest.raises(InvalidInput, match="note"):
        actions.do_unmerge_ticket(merged, flow.user("dispatcher"), note="  ")
    assert snapshot(merged.pk) == before
    with pytest.raises(ActionNotAllowed, match=fresh.number):
        actions.do_unmerge_ticket(fresh, flow.user("dispatcher"), note="误操作")
    with pytest.raises(Forbidden):
        actions.do_unmerge_ticket(merged, flow.user("housing"), note="误操作")
    assert snapshot(merged.pk) == before


def test_unmerge_of_a_duplicate_merged_into_a_closed_ticket(flow: Flow) -> None:
    target = flow.co_answer(flow.accept(flow.to(S.ACCEPTED), "water"))
    duplicate = actions.do_merge_ticket(flow.new(), flow.user("operator"), into_ticket_id=target.pk)
    target = flow.callback(flow.reply(target))
    # The duplicate's caller is owed the callback too; tried once, the ticket can be closed.
    target = feedback_actions.do_record_callback_attempt(target, flow.user("operator"))
    target = feedback_actions.do_close_ticket(target, flow.user("operator"))
    duplicate = actions.do_unmerge_ticket(duplicate, flow.user("supervisor"), note="问题不同，应单独办理")
    assert duplicate.status == S.NEW
    assert Ticket.objects.get(pk=target.pk).status == S.CLOSED
    assert last_event(target).action == "unmerge"


@pytest.mark.parametrize("status", [S.REPLIED, S.ANSWERED, S.CLOSED])
def test_an_answered_or_done_ticket_takes_no_duplicate(flow: Flow, status: str) -> None:
    """Its answer is given: a caller merged in now would never get it, yet be owed a callback
    (the audit of 2026-12-05). Such a call is taken as a ticket of its own and linked."""
    target, duplicate = flow.to(status), flow.new()
    before = (snapshot(target.pk), snapshot(duplicate.pk))
    with pytest.raises(ActionNotAllowed, match="关联"):
        actions.do_merge_ticket(duplicate, flow.user("operator"), into_ticket_id=target.pk)
    assert (snapshot(target.pk), snapshot(duplicate.pk)) == before
    linked = actions.do_link_tickets(duplicate, flow.user("operator"), other_ticket_id=target.pk)
    assert linked.status == S.NEW


# --- how long the appellants of merged tickets have waited ---------------------------------------


def hours_later(clock: FrozenClock, hours: int) -> None:
    clock.set(clock.value + timedelta(hours=hours))


def test_a_ticket_an_earlier_duplicate_joins_waits_from_the_duplicates_receipt(
    flow: Flow, frozen_clock: FrozenClock
) -> None:
    """The dispatcher merged the older of two waiting calls into the newer one: the ticket they
    share waits (in the dispatch queue) from the older call, not from the newer; its own receipt
    stays what it was. A later duplicate changes nothing, and un-merging counts it again."""
    older = flow.new()
    hours_later(frozen_clock, 2)
    newer = flow.new()
    hours_later(frozen_clock, 1)
    latest = flow.new()
    received = newer.created_at

    actions.do_merge_ticket(older, flow.user("dispatcher"), into_ticket_id=newer.pk)
    newer.refresh_from_db()
    assert newer.created_at == received
    assert newer.earliest_received_at == newer.waiting_since == older.created_at
    actions.do_merge_ticket(latest, flow.user("dispatcher"), into_ticket_id=newer.pk)
    newer.refresh_from_db()
    assert newer.waiting_since == older.created_at
    assert Ticket.objects.get(pk=latest.pk).earliest_received_at is None  # the duplicate keeps its own

    actions.do_unmerge_ticket(older, flow.user("dispatcher"), note="不是同一个路灯")
    newer.refresh_from_db()
    assert newer.earliest_received_at is None and newer.waiting_since == received  # as before the merge
    assert Ticket.objects.get(pk=older.pk).waiting_since == older.created_at
    actions.do_unmerge_ticket(latest, flow.user("dispatcher"), note="误操作")
    newer.refresh_from_db()
    assert newer.earliest_received_at is None


def test_the_earliest_call_is_followed_through_chains_of_merges_and_back(
    flow: Flow, frozen_clock: FrozenClock
) -> None:
    """first was merged into second, then second into third: third waits from first's call. Each
    un-merge leaves the ticket it undoes as merging the rest alone would have."""
    first = flow.new()
    hours_later(frozen_clock, 1)
    second = flow.new()
    hours_later(frozen_clock, 1)
    third = flow.new()
    hours_later(frozen_clock, 1)
    fourth = flow.new()
    dispatcher = flow.user("dispatcher")
    actions.do_merge_ticket(first, dispatcher, into_ticket_id=second.pk)
    actions.do_merge_ticket(second, dispatcher, into_ticket_id=third.pk)
    assert Ticket.objects.get(pk=third.pk).earliest_received_at == first.created_at
    actions.do_merge_ticket(third, dispatcher, into_ticket_id=fourth.pk)
    assert Ticket.objects.get(pk=fourth.pk).earliest_received_at == first.created_at

    # first leaves second, which is merged into third, which is merged into fourth: all three count again.
    actions.do_unmerge_ticket(first, dispatcher, note="不同问题")
    found = dict(Ticket.objects.values_list("pk", "earliest_received_at"))
    assert (found[second.pk], found[third.pk], found[fourth.pk]) == (
        None,
        second.created_at,
        second.created_at,
    )
    actions.do_unmerge_ticket(third, dispatcher, note="不同问题")
    found = dict(Ticket.objects.values_list("pk", "earliest_received_at"))
    assert (found[third.pk], found[fourth.pk]) == (second.created_at, None)


def test_a_merge_moves_no_deadline(flow: Flow, frozen_clock: FrozenClock) -> None:
    """Deadlines count from each dispatch to a department (ADR 0004), not from the call: the ticket
    an earlier call joins keeps its assignments' deadlines (none later, none earlier); a ticket
    still waiting gets its deadlines when it is dispatched, counted from then, as any other."""
    older = flow.new()
    hours_later(frozen_clock, 2)
    newer = flow.dispatch(flow.new())
    due = list(newer.assignments.order_by("pk").values_list("sign_due_at", "response_due_at", "due_at"))
    hours_later(frozen_clock, 1)

    actions.do_merge_ticket(older, flow.user("dispatcher"), into_ticket_id=newer.pk)
    assert (
        list(newer.assignments.order_by("pk").values_list("sign_due_at", "response_due_at", "due_at")) == due
    )
    assert Ticket.objects.get(pk=newer.pk).callback_due_at is None


# --- links -----------------------------------------------------------------------------------------


def test_a_link_is_symmetric_and_written_on_both_timelines(flow: Flow) -> None:
    older = flow.dispatch(flow.new())
    newer = flow.new()

    result = actions.do_link_tickets(
        newer, flow.user("operator"), other_ticket_id=older.pk, note="同一小区电梯"
    )

    assert result.status == S.NEW and Ticket.objects.get(pk=older.pk).status == S.DISPATCHED
    link = TicketLink.objects.get()
    assert (link.a_id, link.b_id) == (older.pk, newer.pk)  # stored once, lower id first
    assert linked_ids(older.pk) == {newer.pk} and linked_ids(newer.pk) == {older.pk}
    for ticket, other in ((newer, older), (older, newer)):
        event = last_event(ticket)
        assert (event.action, event.actor) == ("link", flow.user("operator"))
        assert event.from_status == event.to_status == ticket.status
        assert event.details == {"other": other.pk, "other_number": other.number, "note": "同一小区电梯"}

    # Either way round, a second link is refused and changes nothing.
    before = (snapshot(newer.pk), snapshot(older.pk))
    with pytest.raises(ActionNotAllowed, match="已关联"):
        actions.do_link_tickets(older, flow.user("dispatcher"), other_ticket_id=newer.pk)
    assert (snapshot(newer.pk), snapshot(older.pk)) == before

    actions.do_unlink_tickets(older, flow.user("dispatcher"), other_ticket_id=newer.pk, note="误关联")
    assert not TicketLink.objects.exists()
    assert [last_event(t).action for t in (older, newer)] == ["unlink", "unlink"]
    with pytest.raises(ActionNotAllowed, match="没有关联"):
        actions.do_unlink_tickets(older, flow.user("dispatcher"), other_ticket_id=newer.pk)


def test_a_ticket_still_at_work_links_to_a_closed_one_but_not_the_other_way(flow: Flow) -> None:
    closed = flow.to(S.CLOSED)
    new = flow.new()
    actions.do_link_tickets(new, flow.user("operator"), other_ticket_id=closed.pk)
    assert linked_ids(closed.pk) == {new.pk}
    assert last_event(closed).action == "link"
    with pytest.raises(ActionNotAllowed):
        actions.do_unlink_tickets(closed, flow.user("operator"), other_ticket_id=new.pk)


def test_link_refuses_itself_and_a_missing_ticket(flow: Flow) -> None:
    ticket, other = flow.new(), flow.new()
    before = snapshot(ticket.pk)
    with pytest.raises(InvalidInput, match="自身"):
        actions.do_link_tickets(ticket, flow.user("operator"), other_ticket_id=ticket.pk)
    with pytest.raises(InvalidInput, match="不存在"):
        actions.do_link_tickets(ticket, flow.user("operator"), other_ticket_id=999_999)
    with pytest.raises(Forbidden):
        actions.do_link_tickets(ticket, flow.user("leader"), other_ticket_id=other.pk)
    assert snapshot(ticket.pk) == before


# --- through the API -------------------------------------------------------------------------------


def test_the_api_merges_unmerges_and_links(flow: Flow, api_as) -> None:
    dispatcher = api_as(flow.user("dispatcher"))
    target, duplicate, related = flow.new(), flow.new(), flow.new()

    body = dispatcher.action(duplicate, "merge", {"into_ticket_id": target.pk}).json()
    assert body["status"] == "merged" and "unmerge" in body["allowed_actions"]
    shown = dispatcher.get(f"/tickets/{target.pk}").json()
    assert [(a["ticket"]["number"], a["citizen_name"]) for a in shown["merged_appeals"]] == [
        (duplicate.number, "张先生")
    ]

    response = dispatcher.action(duplicate, "unmerge", {})
    assert response.status_code == 422 and "note" in response.json()["detail"]
    body = dispatcher.action(duplicate, "unmerge", {"note": "不是同一问题"}).json()
    assert (body["status"], body["merged_into"]) == ("new", None)
    assert dispatcher.get(f"/tickets/{target.pk}").json()["merged_appeals"] == []

    body = dispatcher.action(related, "link", {"other_ticket_id": target.pk, "note": "同一小区"}).json()
    assert body["links"] == [{"id": target.pk, "number": target.number}]
    assert dispatcher.get(f"/tickets/{target.pk}").json()["links"] == [
        {"id": related.pk, "number": related.number}
    ]
    response = dispatcher.action(related, "link", {"other_ticket_id": target.pk})
    assert response.status_code == 409 and "已关联" in response.json()["detail"]
    body = dispatcher.action(target, "unlink", {"other_ticket_id": related.pk}).json()
    assert body["links"] == []
