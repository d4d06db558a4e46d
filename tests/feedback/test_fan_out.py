"""A merged ticket's answer reaches every appellant: the callers of its own appeals and of the
duplicates merged into it (and into those) are each called back, the ticket closes only once each
was reached or tried, each may rate the answer on the portal once, and the figures count the
ticket's answer once."""

from datetime import date

import pytest
from django.test import Client

from hotline.analytics.facts import count_facts
from hotline.analytics.periods import Period
from hotline.core.enums import FigureDimension, Resolution, Satisfaction, TicketStatus
from hotline.core.errors import ActionNotAllowed, InvalidInput
from hotline.feedback import actions as feedback_actions
from hotline.feedback.models import Callback
from hotline.feedback.selectors import appellants, callback_round, with_callback_state
from hotline.intake.models import Appeal
from hotline.tickets import actions
from hotline.tickets.models import Ticket
from tests.factories import make_ticket
from tests.tickets.conftest import Flow, FrozenClock

pytestmark = pytest.mark.django_db

S = TicketStatus


@pytest.fixture
def merged(flow: Flow, frozen_clock: FrozenClock) -> dict[str, Ticket]:
    """One problem, three callers: 张先生's ticket is handled; 李女士's duplicate was merged into it
    after 王先生's duplicate had been merged into hers (a chain of two)."""
    operator = flow.user("operator")
    target = make_ticket(actor=operator, phone="13800000001")
    second = make_ticket(actor=operator, phone="13900000002", title="路灯坏了")
    third = make_ticket(actor=operator, phone="13700000003", title="路灯一直不亮")
    actions.do_merge_ticket(third, operator, into_ticket_id=second.pk)
    actions.do_merge_ticket(second, operator, into_ticket_id=target.pk)
    target = flow.reply(flow.accept(flow.co_answer(flow.accept(flow.dispatch(target), "water"))))
    return {"target": target, "second": second, "third": third}


def phones(appeals: list[Appeal]) -> list[str]:
    return [a.citizen_phone for a in appeals]


def test_every_appellant_is_owed_the_reply_and_the_callback(merged) -> None:
    target = merged["target"]
    assert phones(appellants(target)) == ["13800000001", "13900000002", "13700000003"]
    round_ = callback_round(target)
    assert [a.own for a in round_] == [True, False, False]
    assert all(a.to_call for a in round_)
    # The desk's state says the ticket is not done with its callbacks.
    assert not with_callback_state(Ticket.objects.filter(pk=target.pk)).get().called_back


def test_the_ticket_closes_once_each_appellant_was_reached_or_tried(merged, flow: Flow) -> None:
    target, operator = merged["target"], flow.user("operator")
    flow.callback(target)  # the first appellant by default: the ticket's own caller
    with pytest.raises(ActionNotAllowed, match="139\\*\\*\\*\\*0002") as refused:
        feedback_actions.do_close_ticket(target, operator)
    assert "137****0003" in refused.value.message and "13800000001" not in refused.value.message

    # The next callback goes to the next appellant; the third cannot be reached.
    feedback_actions.do_record_callback(target, operator, resolution="resolved", satisfaction="satisfied")
    third = Appeal.objects.get(ticket=merged["third"])
    feedback_actions.do_record_callback_attempt(target, operator, note="关机", appeal_id=third.pk)
    round_ = callback_round(target)
    assert [(a.callback is not None, a.attempts) for a in round_] == [(True, 0), (True, 0), (False, 1)]
    assert list(Callback.objects.filter(ticket=target).values_list("appeal__citizen_phone", flat=True)) == [
        "13800000001",
        "13900000002",
    ]
    assert with_callback_state(Ticket.objects.filter(pk=target.pk)).get().called_back

    closed = feedback_actions.do_close_ticket(target, operator)
    assert closed.status == S.CLOSED


def test_a_callback_names_one_of_the_tickets_appellants(merged, flow: Flow) -> None:
    stranger = make_ticket(actor=flow.user("operator"), phone="13600000006")
    with pytest.raises(InvalidInput, match="appeal_id"):
        feedback_actions.do_record_callback(
            merged["target"],
            flow.user("operator"),
            resolution="resolved",
            satisfaction="satisfied",
            appeal_id=stranger.appeals.get().pk,
        )
    assert not Callback.objects.exists()


def test_an_unsatisfied_appellant_reopens_the_ticket_for_everyone(merged, flow: Flow) -> None:
    target, operator = merged["target"], flow.user("operator")
    flow.callback(target)
    target = feedback_actions.do_record_callback(
        target, operator, resolution=Resolution.UNRESOLVED, satisfaction=Satisfaction.UNSATISFIED
    )
    assert target.status == S.REOPENED
    # Answered again: a new round in which every appellant is owed a call again.
    target = flow.reply(target)
    assert all(a.to_call for a in callback_round(target))


def test_the_figures_count_the_answer_once_however_many_appellants_were_called(
    merged, flow: Flow, frozen_clock: FrozenClock
) -> None:
    target, operator = merged["target"], flow.user("operator")
    day = frozen_clock.value.date()
    period = Period.days(date(day.year, day.month, 1), day)

    def city() -> dict[str, int]:
        return count_facts(period)[(day, FigureDimension.CITY, 0)].as_dict()

    for satisfaction in (Satisfaction.SATISFIED, Satisfaction.SATISFIED, Satisfaction.BASICALLY):
        feedback_actions.do_record_callback(
            target, operator, resolution=Resolution.RESOLVED, satisfaction=satisfaction
        )
    counts = city()
    # Three tickets received, two merged away: one ticket counts; three callbacks, one answer.
    assert (counts["received"], counts["handled"], counts["replied"]) == (1, 1, 1)
    assert (counts["callbacks"], counts["satisfied"], counts["resolved"]) == (1, 1, 1)
    assert Callback.objects.filter(ticket=target, counted=True).get().satisfaction == Satisfaction.BASICALLY

    # Called again and unsatisfied: the answer's one counted callback is now that one.
    feedback_actions.do_record_callback(
        target, operator, resolution=Resolution.UNRESOLVED, satisfaction=Satisfaction.UNSATISFIED
    )
    counts = city()
    assert (counts["callbacks"], counts["satisfied"], counts["resolved"]) == (1, 0, 0)

    # Un-merged, the duplicate is a ticket of its own again and counts as one.
    actions.do_unmerge_ticket(merged["second"], flow.user("dispatcher"), note="不是同一问题")
    assert city()["received"] == 2


def test_each_appellant_rates_the_answer_once_on_the_portal(merged, client: Client) -> None:
    target, second = merged["target"], merged["second"]

    def rate(number: str, last4: str, satisfaction: str = "satisfied") -> int:
        data = {"number": number, "last4": last4, "resolution": "resolved", "satisfaction": satisfaction}
        return client.post("/portal/rate/", data).status_code

    # 李女士 looks up her own (merged) ticket and rates the answer of the ticket it joined.
    assert rate(second.number, "0002") == 200
    assert rate(second.number, "0002") == 409  # once
    # 张先生 rates too: the answer is owed to him as well.
    assert rate(target.number, "0001", "basically") == 200
    called = Callback.objects.filter(ticket=target).order_by("pk")
    assert [(c.appeal.citizen_phone, c.satisfaction) for c in called] == [
        ("13900000002", "satisfied"),
        ("13800000001", "basically"),
    ]
    assert [c.counted for c in called] == [False, True]
