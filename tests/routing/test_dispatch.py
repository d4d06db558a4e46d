"""Routing at intake: area, urgency, automatic dispatch above the threshold, the queue below it."""

import shutil
from pathlib import Path

import pytest

from hotline.citizen_messages.models import CitizenMessage
from hotline.core.enums import Channel, CitizenMessageKind, RoutingMode, TicketStatus, Urgency
from hotline.routing.models import RoutingDecision, RoutingSettings
from hotline.tickets.models import Ticket
from tests.api.conftest import ApiClient
from tests.factories import make_ticket
from tests.routing.conftest import close

pytestmark = pytest.mark.django_db


def receive(client: ApiClient, title: str, content: str, **fields) -> Ticket:
    body = {"channel": Channel.WEB, "title": title, "content": content, **fields}
    response = client.post("/appeals", body)
    assert response.status_code == 201, response.json()
    return Ticket.objects.get(pk=response.json()["id"])


@pytest.fixture
def operator(staff, api_as) -> ApiClient:
    return api_as(staff["operator"])


@pytest.fixture
def dispatcher(staff, api_as) -> ApiClient:
    return api_as(staff["dispatcher"])


def events(ticket: Ticket) -> list[tuple[str, str | None]]:
    return [(e.action, e.actor.username if e.actor else None) for e in ticket.events.order_by("pk")]


def test_a_rule_on_the_operators_category_dispatches_by_itself(
    operator, rules_by_category, corpus_tree, bureaus, departments
) -> None:
    ticket = receive(
        operator,
        "路灯不亮",
        "和平街道幸福路12号门口路灯坏了一周",
        category_id=corpus_tree["城乡建设/其他"].pk,
    )

    assert ticket.status == TicketStatus.DISPATCHED
    assert ticket.area == departments["street"]  # found in the content by the gazetteer
    assert ticket.lead_assignment.department == bureaus["城乡建设"]
    assert events(ticket) == [("receive", "op"), ("route", "system"), ("dispatch", "system")]
    route, dispatch = ticket.events.order_by("pk")[1:]
    assert route.details["area"] == {"code": "D0101", "how": "gazetteer"}
    assert dispatch.details["lead"] == "B01"
    assert dispatch.details["note"].startswith("自动派单（置信度 1.00 ≥ 阈值 0.90）：权责清单“城乡建设归口”")
    decision = RoutingDecision.objects.get(ticket=ticket)
    assert (decision.mode, decision.confidence, decision.threshold) == (RoutingMode.AUTO, 1.0, 0.9)
    assert decision.suggestions[0]["source"] == "rule"
    assert decision.suggestions[0]["rule"]["name"] == "城乡建设归口"


def test_an_automatic_dispatch_tells_the_citizen_which_unit_handles_it(
    operator, rules_by_category, corpus_tree, bureaus
) -> None:
    ticket = receive(
        operator,
        "路灯不亮",
        "和平街道幸福路12号门口路灯坏了一周",
        category_id=corpus_tree["城乡建设/其他"].pk,
        citizen_phone="13912345678",
    )
    assert ticket.status == TicketStatus.DISPATCHED
    told = CitizenMessage.objects.get(ticket=ticket, kind=CitizenMessageKind.DISPATCHED)
    assert (told.to, told.created_by.username) == ("13912345678", "system")
    assert "已转交住建局（市级职能部门）办理" in told.body and ticket.number in told.body


@pytest.mark.django_db(transaction=True)  # as in production: routing runs when the intake commits
def test_the_ticket_is_routed_once_the_appeal_is_answered(
    operator, rules_by_category, corpus_tree, bureaus, departments
) -> None:
    body = {
        "channel": Channel.WEB,
        "title": "路灯不亮",
        "content": "和平街道幸福路12号门口路灯坏了一周",
        "category_id": corpus_tree["城乡建设/其他"].pk,
    }
    receipt = operator.post("/appeals", body).json()
    # The answer is given before routing (in the worker; here the task runs as the request commits).
    assert receipt["status"] == TicketStatus.NEW
    answer = operator.get(receipt["links"]["ticket"].removeprefix("/api/v1")).json()
    assert answer["status"] == TicketStatus.DISPATCHED
    assert answer["lead_department"]["code"] == "B01"
    assert [e["action"] for e in answer["events"]] == ["receive", "route", "dispatch"]


def test_a_confident_prediction_dispatches_and_sets_the_category(
    operator, active_model, rules_by_category, corpus_tree, bureaus, settings
) -> None:
    RoutingSettings.objects.create(auto_dispatch=True, threshold=0.8)

    ticket = receive(operator, "夜间施工", "楼下夜间施工噪音扰民，请尽快处理。")

    assert ticket.status == TicketStatus.DISPATCHED
    assert ticket.category == corpus_tree["环境保护"]
    assert ticket.lead_assignment.department == bureaus["环境保护"]
    assert ticket.lead_assignment.dispatched_by.username == "system"
    note = ticket.events.get(action="dispatch").details["note"]
    assert "分类模型预测“环境保护”" in note and "主要依据：" in note and "噪音" in note
    decision = ticket.routing_decisions.get()
    assert decision.model_version == active_model
    assert decision.confidence >= 0.8


def test_below_the_threshold_the_ticket_waits_with_three_suggestions(
    operator, dispatcher, active_model, rules_by_category, bureaus
) -> None:
    ticket = receive(operator, "小区问题", "小区里问题很多，工资、垃圾、路灯都有问题，麻烦看看。")

    assert ticket.status == TicketStatus.NEW
    assert events(ticket) == [("receive", "op")]  # nothing changed, nothing on the timeline
    assert ticket.routing_decisions.get().mode == RoutingMode.QUEUE

    response = dispatcher.get("/routing/queue")
    assert response.status_code == 200, response.json()
    (item,) = response.json()["items"]
    assert item["number"] == ticket.number
    suggestions = item["suggestions"]
    assert len(suggestions) == 3
    confidences = [s["confidence"] for s in suggestions]
    assert confidences == sorted(confidences, reverse=True) and confidences[0] < 0.9
    assert len({s["lead"]["code"] for s in suggestions}) == 3
    for suggestion in suggestions:
        assert suggestion["source"] == "rule"
        assert suggestion["reason"].startswith(f"分类模型预测“{suggestion['label']}”")
        assert f"权责清单“{suggestion['label']}归口”" in suggestion["reason"]
        assert suggestion["rule"]["name"] == f"{suggestion['label']}归口"
        assert suggestion["lead"]["id"] == bureaus[suggestion["label"]].pk
        assert suggestion["probability"] == suggestion["confidence"]
    assert any(s["terms"] for s in suggestions)  # the words behind the prediction


def test_without_a_rule_history_says_which_department_handles_the_category(
    operator, dispatcher, staff, active_model, corpus_tree, departments
) -> None:
    for _ in range(3):
        close(
            staff,
            make_ticket(title="工资", content="拖欠工资"),
            departments["water"],
            corpus_tree["劳动和社会保障"],
        )
    RoutingSettings.objects.create(auto_dispatch=True, threshold=0.99)

    ticket = receive(operator, "欠薪", "公司拖欠工资三个月了")

    (top, *_rest) = dispatcher.get("/routing/queue").json()["items"][0]["suggestions"]
    assert top["source"] == "history"
    assert top["lead"]["code"] == departments["water"].code
    assert "无适用的权责清单规则" in top["reason"]
    assert "已办结工单 3 件中 100% 由水务局主办" in top["reason"]
    assert ticket.status == TicketStatus.NEW


def test_history_of_a_single_ticket_is_not_enough_to_dispatch_by_itself(
    operator, dispatcher, staff, active_model, corpus_tree, departments
) -> None:
    """One closed ticket out of one is 100 % of the history but says little: the share is shrunk."""
    close(
        staff,
        make_ticket(title="工资", content="拖欠工资"),
        departments["water"],
        corpus_tree["劳动和社会保障"],
    )
    RoutingSettings.objects.create(auto_dispatch=True, threshold=0.5)

    ticket = receive(operator, "欠薪", "公司拖欠工资三个月了", category_id=corpus_tree["劳动和社会保障"].pk)

    assert ticket.status == TicketStatus.NEW
    (top, *_rest) = dispatcher.get("/routing/queue").json()["items"][0]["suggestions"]
    assert top["source"] == "history"
    assert top["confidence"] < 0.5
    assert "已办结工单 1 件中 100% 由水务局主办" in top["reason"]


def test_a_consultation_is_left_to_people(operator, rules_by_category, corpus_tree) -> None:
    """The operator may answer a consultation during the call: routing suggests, it never dispatches it."""
    ticket = receive(
        operator,
        "办证咨询",
        "请问路灯报修找谁",
        kind="consultation",
        category_id=corpus_tree["城乡建设/其他"].pk,
    )

    assert ticket.status == TicketStatus.NEW
    decision = ticket.routing_decisions.get()
    assert (decision.mode, decision.confidence) == (RoutingMode.QUEUE, 1.0)
    assert any("咨询" in note for note in decision.evidence["notes"])


def test_switched_off_nothing_is_dispatched_automatically(operator, rules_by_category, corpus_tree) -> None:
    RoutingSettings.objects.create(auto_dispatch=False, threshold=0.5)
    ticket = receive(operator, "路灯", "路灯不亮", category_id=corpus_tree["城乡建设/其他"].pk)
    assert ticket.status == TicketStatus.NEW
    decision = ticket.routing_decisions.get()
    assert (decision.mode, decision.confidence) == (RoutingMode.QUEUE, 1.0)


def test_the_threshold_default_comes_from_settings(
    operator, rules_by_category, corpus_tree, settings
) -> None:
    settings.HOTLINE = {
        **settings.HOTLINE,
        "ROUTING": {**settings.HOTLINE["ROUTING"], "AUTO_DISPATCH": False},
    }
    ticket = receive(operator, "路灯", "路灯不亮", category_id=corpus_tree["城乡建设/其他"].pk)
    assert ticket.status == TicketStatus.NEW


def test_urgent_appeals_are_marked_at_intake_and_lead_the_queue(operator, dispatcher) -> None:
    calm = receive(operator, "路灯", "路灯不亮")
    urgent = receive(operator, "闻到煤气味", "楼道里燃气泄漏，味道很大")
    negated = receive(operator, "热水器", "不是燃气泄漏，热水器打不着火")

    assert urgent.urgency == Urgency.URGENT
    assert (calm.urgency, negated.urgency) == (Urgency.NORMAL, Urgency.NORMAL)
    route = urgent.events.get(action="route")
    assert route.actor.username == "system"
    assert route.details["urgency"] == {"signs": ["燃气泄漏"]}
    numbers = [item["number"] for item in dispatcher.get("/routing/queue").json()["items"]]
    assert numbers == [urgent.number, calm.number, negated.number]


def test_an_operators_choices_are_kept(operator, departments) -> None:
    ticket = receive(
        operator, "紧急", "和平街道路灯不亮", urgency="urgent", area_id=departments["district"].pk
    )
    assert (ticket.area, ticket.urgency) == (departments["district"], Urgency.URGENT)
    assert events(ticket) == [("receive", "op")]


def test_a_ticket_never_routed_gets_suggestions_computed_in_the_queue(
    dispatcher, staff, active_model, rules_by_category
) -> None:
    ticket = make_ticket(actor=staff["operator"], title="工资", content="公司拖欠工资三个月")
    (item,) = dispatcher.get("/routing/queue").json()["items"]
    assert item["id"] == ticket.pk
    assert item["decided_at"] is None
    assert item["suggestions"][0]["label"] == "劳动和社会保障"
    assert not RoutingDecision.objects.exists()


def test_a_broken_model_does_not_stop_intake(operator, active_model, caplog) -> None:
    shutil.rmtree(Path(active_model.path))
    ticket = receive(operator, "路灯", "路灯不亮")
    assert ticket.status == TicketStatus.NEW
    assert ticket.routing_decisions.get().suggestions == []
    assert "not loaded" in caplog.text


@pytest.mark.parametrize("role", ["housing", "district_head", "operator", "supervisor", "leader"])
def test_only_dispatchers_and_admins_see_the_queue_and_the_console(staff, api_as, role) -> None:
    client = api_as(staff[role])
    for response in (client.get("/routing/queue"), client.post("/routing/explain", {"text": "路灯不亮"})):
        assert response.status_code == 403
        assert "不能派单" in response.json()["detail"]


def test_admins_see_the_queue_and_strangers_are_asked_to_log_in(staff, api_as, anonymous) -> None:
    assert api_as(staff["admin"]).get("/routing/queue").status_code == 200
    assert anonymous.get("/routing/queue").status_code == 401


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"offset": -1}, "offset"),
        ({"limit": "x"}, "limit"),
    ],
)
def test_bad_queue_parameters_are_422(dispatcher, params, field) -> None:
    response = dispatcher.get("/routing/queue", params)
    assert response.status_code == 422
    assert response.json()["detail"].startswith(f"{field}:")
