"""What keeps routing from dispatching by itself: an operator's first-level category that a catch-all
rule alone matched; and the words it shows as its reason."""

import re

import pytest

from hotline.core.enums import Channel, RoutingMode, TicketStatus
from hotline.directory.models import Responsibility
from hotline.routing.explain import top_terms
from hotline.routing.models import RoutingDecision
from hotline.tickets.models import Ticket
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(staff, api_as) -> ApiClient:
    return api_as(staff["operator"])


def receive(client: ApiClient, title: str, content: str, **fields) -> Ticket:
    body = {"channel": Channel.PHONE, "title": title, "content": content, **fields}
    response = client.post("/appeals", body)
    assert response.status_code == 201, response.json()
    return Ticket.objects.get(pk=response.json()["id"])


@pytest.fixture
def manhole_rule(corpus_tree, bureaus, rules_by_category) -> Responsibility:
    """A keyword rule below 城乡建设 that sends manholes to the water bureau, beside the catch-all
    of 城乡建设 (housing)."""
    return Responsibility.objects.create(
        name="井盖（关键词）",
        category=corpus_tree["城乡建设/其他"],
        lead_department=bureaus["环境保护"],
        keywords="井盖",
    )


MANHOLE = ("湖滨路88号井盖丢了", "湖滨路88号门口的井盖丢了，晚上很危险，请尽快处理。")


def test_an_operators_first_level_category_lets_a_keyword_rule_decide(
    operator, corpus_tree, bureaus, manhole_rule
) -> None:
    ticket = receive(operator, *MANHOLE, category_id=corpus_tree["城乡建设"].pk)

    decision = RoutingDecision.objects.get(ticket=ticket)
    assert decision.suggestions[0]["rule"]["name"] == "井盖（关键词）"
    assert decision.suggestions[0]["lead"]["code"] == bureaus["环境保护"].code
    assert ticket.status == TicketStatus.DISPATCHED
    assert ticket.lead_assignment.department == bureaus["环境保护"]


def test_a_catch_all_on_an_operators_first_level_category_is_not_certain(
    operator, corpus_tree, bureaus, manhole_rule
) -> None:
    ticket = receive(
        operator, "楼道墙皮脱落", "光明小区3号楼楼道墙皮脱落", category_id=corpus_tree["城乡建设"].pk
    )

    decision = RoutingDecision.objects.get(ticket=ticket)
    top = decision.suggestions[0]
    assert top["rule"]["name"] == "城乡建设归口" and top["lead"]["code"] == bureaus["城乡建设"].code
    assert top["confidence"] < 1.0 and decision.mode == RoutingMode.QUEUE
    assert "分类只选到一级，规则不能确定承办单位" in top["reason"]
    assert ticket.status == TicketStatus.NEW


def test_the_operators_subcategory_is_still_certain(
    operator, corpus_tree, bureaus, rules_by_category
) -> None:
    ticket = receive(
        operator, "楼道墙皮脱落", "光明小区3号楼楼道墙皮脱落", category_id=corpus_tree["城乡建设/其他"].pk
    )

    assert RoutingDecision.objects.get(ticket=ticket).confidence == 1.0
    assert ticket.status == TicketStatus.DISPATCHED
    assert ticket.lead_assignment.department == bureaus["城乡建设"]


def test_the_reason_names_whole_words_of_the_text(small_model) -> None:
    text = "长安路12号门口路灯不亮好几天了，请尽快处理。"
    terms = [t.term for t in top_terms(small_model, text, ["城乡建设"])["城乡建设"]]
    assert "路灯" in terms
    for term in terms:
        assert len(term) >= 2 and term in text and " " not in term, term
        assert not re.search(r"\d", term), term
    assert "号门" not in terms and "灯不" not in terms
