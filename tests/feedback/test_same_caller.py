"""One person is called back once: the appellants of a ticket (its own and its merged duplicates')
with the same phone number, written however the call was taken down, are one person for the
callback, as they are one destination for the messages (告知): one call covers their appeals, the
ticket closes after it, and the callback, the desk and the API say the same."""

import pytest

from hotline.core.enums import Satisfaction, TicketStatus
from hotline.core.errors import ActionNotAllowed
from hotline.feedback import actions as feedback_actions
from hotline.feedback.models import Callback
from hotline.feedback.selectors import callback_round, dialled, dialled_in_db, with_callback_state
from hotline.intake.models import Appeal
from hotline.tickets import actions
from hotline.tickets.models import Ticket
from tests.tickets.conftest import Flow, FrozenClock

pytestmark = pytest.mark.django_db

S = TicketStatus


def replied_with(flow: Flow, *callers: tuple[str, str]) -> tuple[Ticket, list[Ticket]]:
    """The first caller's ticket, each other caller's merged into it, then answered."""
    operator = flow.user("operator")
    target = flow.call(*callers[0])
    duplicates = [flow.call(name, phone, title="楼道灯又坏了") for name, phone in callers[1:]]
    for duplicate in duplicates:
        actions.do_merge_ticket(duplicate, operator, into_ticket_id=target.pk)
    target = flow.reply(flow.accept(flow.dispatch(target, co=())))
    return target, duplicates


def called_back(ticket: Ticket) -> bool:
    return with_callback_state(Ticket.objects.filter(pk=ticket.pk)).get().called_back


def test_the_same_caller_merged_twice_is_one_person_called_once(
    flow: Flow, frozen_clock: FrozenClock
) -> None:
    # 王女士 called again about her own ticket, her number taken down with dashes this time.
    target, [again] = replied_with(flow, ("王女士", "13900001111"), ("王女士", "139-0000-1111"))
    own, theirs = target.appeals.get(), again.appeals.get()

    [person] = callback_round(target)
    assert [a.pk for a in person.appeals] == [own.pk, theirs.pk] and person.appeal == own
    assert person.own and person.to_call and not called_back(target)

    # Called once, named by either of her appeals: the callback names her first one, and covers both.
    operator = flow.user("operator")
    feedback_actions.do_record_callback(
        target, operator, resolution="resolved", satisfaction="satisfied", appeal_id=theirs.pk
    )
    assert list(Callback.objects.filter(ticket=target).values_list("appeal", flat=True)) == [own.pk]
    event = target.events.get(action="callback")
    assert (event.details["appeal"], event.details["appeals"]) == (own.pk, [own.pk, theirs.pk])
    [person] = callback_round(target)
    assert person.callback is not None and not person.to_call
    assert called_back(target)

    closed = feedback_actions.do_close_ticket(target, operator)
    assert closed.status == S.CLOSED


def test_one_unanswered_call_counts_for_all_of_a_persons_appeals(
    flow: Flow, frozen_clock: FrozenClock
) -> None:
    target, [_again, other] = replied_with(
        flow, ("王女士", "13900001111"), ("王女士", "+86 139 0000 1111"), ("李先生", "0571-8888 1234")
    )
    operator = flow.user("operator")
    round_ = callback_round(target)
    assert [[a.citizen_phone for a in p.appeals] for p in round_] == [
        ["13900001111", "+86 139 0000 1111"],
        ["0571-8888 1234"],
    ]
    feedback_actions.do_record_callback(target, operator, resolution="resolved", satisfaction="satisfied")
    # The next one to call is 李先生, not 王女士's second appeal; he is not reached.
    feedback_actions.do_record_callback_attempt(target, operator, note="无人接听")
    event = target.events.get(action="callback_attempt")
    assert event.details["appeal"] == other.appeals.get().pk and "appeals" not in event.details
    assert [(p.callback is not None, p.attempts) for p in callback_round(target)] == [(True, 0), (False, 1)]
    assert called_back(target)
    assert feedback_actions.do_close_ticket(target, operator).status == S.CLOSED


def test_different_numbers_are_different_people(flow: Flow, frozen_clock: FrozenClock) -> None:
    target, [_neighbour] = replied_with(flow, ("王女士", "13900001111"), ("王女士", "13900001112"))
    operator = flow.user("operator")
    assert len(callback_round(target)) == 2
    flow.callback(target)
    assert not called_back(target)
    with pytest.raises(ActionNotAllowed, match="139\\*\\*\\*\\*1112"):
        feedback_actions.do_close_ticket(target, operator)


def test_appellants_without_a_number_are_each_their_own(flow: Flow, frozen_clock: FrozenClock) -> None:
    target, [_anonymous] = replied_with(flow, ("王女士", "13900001111"), ("", ""))
    assert [len(p.appeals) for p in callback_round(target)] == [1, 1]
    flow.callback(target)
    assert called_back(target)  # nobody to call for the anonymous one


def test_the_api_closes_after_one_call_per_person(
    flow: Flow, frozen_clock: FrozenClock, api_as, staff
) -> None:
    target, [again] = replied_with(flow, ("王女士", "13900001111"), ("王女士", "139 0000 1111"))
    operator = api_as(staff["operator"])
    body = operator.action(
        target,
        "callback",
        {
            "resolution": "resolved",
            "satisfaction": Satisfaction.SATISFIED,
            "appeal_id": again.appeals.get().pk,
        },
    ).json()
    assert [c["appeal_id"] for c in body["callbacks"]] == [target.appeals.get().pk]
    response = operator.action(target, "close", {})
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == S.CLOSED
    assert Appeal.objects.filter(ticket=again).exists()


NUMBERS = {
    "13900001111": "13900001111",
    "139-0000-1111": "13900001111",
    "+86 139 0000 1111": "13900001111",
    "8613900001111": "13900001111",
    # A no-break space too (an ideographic one is stored as an ASCII one: intake.actions.checked).
    "(+86)139 0000\u00a01111": "13900001111",
    "(0571) 8888-1234": "057188881234",
    "+86 571 8888 1234": "+8657188881234",  # not a mobile: the country code stays
    "86139000011": "86139000011",
    "12345": "12345",
}


def test_the_desk_reads_a_number_as_the_rows_do(flow: Flow) -> None:
    """The desk's filters and counters (SQL) and its rows, the actions and the messages (Python)
    read a number the same way."""
    for phone in NUMBERS:
        flow.call("王女士", phone)
    found = dict(
        Appeal.objects.annotate(person=dialled_in_db("citizen_phone")).values_list("citizen_phone", "person")
    )
    assert found == NUMBERS
    assert {phone: dialled(phone) for phone in NUMBERS} == NUMBERS
