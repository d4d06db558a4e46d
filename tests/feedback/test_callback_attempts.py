"""A callback that does not reach the citizen (回访未接通): one event, the ticket stays where it is,
the attempts are counted since the last answer, and nothing changes when the action is refused."""

from datetime import timedelta

import pytest

from hotline.core.enums import Role, Satisfaction, TicketStatus
from hotline.core.errors import ActionNotAllowed, Forbidden
from hotline.feedback.actions import do_record_callback_attempt
from hotline.feedback.selectors import callback_attempts
from hotline.tickets.models import Ticket, TicketEvent
from tests.tickets.conftest import Flow, FrozenClock, new_user, snapshot

pytestmark = pytest.mark.django_db

S = TicketStatus


def attempts(ticket: Ticket) -> list[TicketEvent]:
    return list(ticket.events.filter(action="callback_attempt").order_by("pk"))


def test_an_unreached_citizen_is_one_event_and_the_ticket_stays(
    flow: Flow, frozen_clock: FrozenClock
) -> None:
    ticket = flow.to(S.REPLIED)
    due = ticket.callback_due_at
    events = ticket.events.count()
    frozen_clock.set(frozen_clock.value + timedelta(hours=1))

    result = do_record_callback_attempt(ticket, flow.user("operator"), note="  无人接听  ")

    assert result.status == S.REPLIED
    ticket.refresh_from_db()
    assert ticket.status == S.REPLIED and ticket.callback_due_at == due
    assert ticket.events.count() == events + 1
    [event] = attempts(ticket)
    assert (event.from_status, event.to_status, event.actor) == (S.REPLIED, S.REPLIED, flow.user("operator"))
    assert event.at == frozen_clock.value
    assert event.details == {
        "attempt": 1,
        "note": "无人接听",
        "retry_at": (frozen_clock.value + timedelta(hours=2)).isoformat(),
        "appeal": ticket.appeals.get().pk,  # the appellant who was not reached
    }
    assert not ticket.callbacks.exists()
    assert callback_attempts(ticket) == 1


def test_attempts_are_counted_and_the_retry_follows_the_setting(
    flow: Flow, frozen_clock: FrozenClock, settings
) -> None:
    settings.HOTLINE = {**settings.HOTLINE, "CALLBACK_RETRY_HOURS": 3}
    ticket = flow.to(S.REPLIED)
    other = flow.to(S.REPLIED)
    do_record_callback_attempt(ticket, flow.user("operator"))
    frozen_clock.set(frozen_clock.value + timedelta(hours=4))
    do_record_callback_attempt(ticket, flow.user("supervisor"), note="关机")
    do_record_callback_attempt(other, flow.user("admin"))

    first, second = attempts(ticket)
    assert (first.details["attempt"], second.details["attempt"]) == (1, 2)
    assert second.actor == flow.user("supervisor") and second.details["note"] == "关机"
    assert second.details["retry_at"] == (frozen_clock.value + timedelta(hours=3)).isoformat()
    assert callback_attempts(ticket) == 2
    assert callback_attempts(other) == 1  # each ticket counts its own


def test_a_reopened_ticket_answered_again_counts_from_one(flow: Flow) -> None:
    ticket = flow.to(S.REPLIED)
    do_record_callback_attempt(ticket, flow.user("operator"))
    do_record_callback_attempt(ticket, flow.user("operator"))
    ticket = flow.callback(ticket, Satisfaction.UNSATISFIED)
    assert ticket.status == S.REOPENED
    ticket = flow.reply(ticket, text="已再次维修。")
    assert callback_attempts(ticket) == 0

    do_record_callback_attempt(ticket, flow.user("operator"))
    assert attempts(ticket)[-1].details["attempt"] == 1
    assert callback_attempts(ticket) == 1


def test_a_consultation_answered_on_the_spot_can_be_unreachable_too(flow: Flow) -> None:
    ticket = flow.to(S.ANSWERED)
    do_record_callback_attempt(ticket, flow.user("operator"))
    ticket.refresh_from_db()
    assert ticket.status == S.ANSWERED
    assert attempts(ticket)[0].to_status == S.ANSWERED


@pytest.mark.parametrize(
    "status", [S.NEW, S.DISPATCHED, S.ACCEPTED, S.REOPENED, S.CLOSED, S.MERGED, S.INVALID]
)
def test_other_states_are_refused_and_nothing_changes(flow: Flow, status: str) -> None:
    ticket = flow.to(status)
    before = snapshot(ticket.pk)
    with pytest.raises(ActionNotAllowed) as refused:
        do_record_callback_attempt(ticket, flow.user("operator"), note="无人接听")
    assert "不能记录回访未接通" in refused.value.message and ticket.number in refused.value.message
    assert snapshot(ticket.pk) == before


@pytest.mark.parametrize("role", [Role.HANDLER, Role.HEAD, Role.DISPATCHER, Role.LEADER])
def test_other_roles_are_refused_and_nothing_changes(flow: Flow, role: str) -> None:
    ticket = flow.to(S.REPLIED)
    department = flow.dept("housing") if role in (Role.HANDLER, Role.HEAD) else None
    before = snapshot(ticket.pk)
    with pytest.raises(Forbidden):
        do_record_callback_attempt(ticket, new_user(role=role, department=department))
    assert snapshot(ticket.pk) == before


def test_the_api_records_an_attempt(flow: Flow, api_as) -> None:
    ticket = flow.to(S.REPLIED)
    operator = api_as(flow.user("operator"))
    body = operator.get(f"/tickets/{ticket.pk}").json()
    assert "callback_attempt" in body["allowed_actions"]

    response = operator.action(ticket, "callback_attempt", {"note": "电话占线"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "replied"
    last = body["events"][-1]
    assert (last["action"], last["details"]["attempt"], last["details"]["note"]) == (
        "callback_attempt",
        1,
        "电话占线",
    )
    assert operator.action(ticket, "callback_attempt", {}).status_code == 200  # the note is optional
    assert callback_attempts(ticket) == 2

    assert operator.action(ticket, "callback_attempt", {"notes": "x"}).status_code == 422
    handler = api_as(flow.user("housing"))
    response = handler.action(ticket, "callback_attempt", {})
    assert response.status_code == 403 and "不能记录回访未接通" in response.json()["detail"]
    closed = flow.to(S.CLOSED)
    assert operator.action(closed, "callback_attempt", {}).status_code == 409
    assert callback_attempts(ticket) == 2 and not attempts(closed)
