"""What keeps routing from dispatching by itself: a likely duplicate of an open ticket, an operator's
first-level category that a catch-all rule alone matched; and the words it shows as its reason."""

import re

import pytest
from django.conf import settings as django_settings

from hotline.core.enums import Channel, RoutingMode, TicketStatus
from hotline.dedup import embedders
from hotline.dedup.indexing import embed_missing, embed_pending
from hotline.dedup.models import TicketVector
from hotline.directory.models import Responsibility
from hotline.routing.actions import do_route_tickets_once
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
HELD = r"疑似重复：与工单 {number} 相似度 [01]\.\d\d，请派单员确认是否合并"


@pytest.mark.parametrize("embedded", [True, False], ids=["swept-between", "routing-embedded-only"])
def test_a_likely_duplicate_of_an_open_ticket_waits_for_the_dispatcher(
    operator, corpus_tree, manhole_rule, embedded
) -> None:
    category = corpus_tree["城乡建设/其他"].pk
    original = receive(operator, *MANHOLE, address="湖滨路88号", category_id=category)
    assert original.status == TicketStatus.DISPATCHED
    if embedded:  # the worker's sweep ran between the two calls; or not yet (routing embedded it)
        embed_missing()

    again = receive(operator, *MANHOLE, address="湖滨路88号", category_id=category)

    assert again.status == TicketStatus.NEW
    assert not again.events.filter(action="dispatch").exists()
    decision = RoutingDecision.objects.get(ticket=again)
    assert decision.mode == RoutingMode.QUEUE
    (note,) = [n for n in decision.evidence["notes"] if n.startswith("疑似重复")]
    assert re.fullmatch(HELD.format(number=original.number), note)


def test_a_duplicate_of_a_closed_ticket_is_dispatched_as_usual(operator, corpus_tree, manhole_rule) -> None:
    category = corpus_tree["城乡建设/其他"].pk
    original = receive(operator, *MANHOLE, address="湖滨路88号", category_id=category)
    Ticket.objects.filter(pk=original.pk).update(status=TicketStatus.CLOSED)

    again = receive(operator, *MANHOLE, address="湖滨路88号", category_id=category)

    assert again.status == TicketStatus.DISPATCHED


@pytest.fixture
def routed_by_hand(settings) -> None:
    """Intake leaves the tickets to the test, which routes them (as an import's task does)."""
    settings.HOTLINE = {
        **settings.HOTLINE,
        "ROUTING": {**django_settings.HOTLINE["ROUTING"], "ROUTER": "hotline.tickets.router.NullRouter"},
    }


def test_of_two_duplicates_routed_in_one_batch_the_earlier_is_dispatched_and_the_later_held(
    operator, corpus_tree, manhole_rule, routed_by_hand
) -> None:
    category = corpus_tree["城乡建设/其他"].pk
    first = receive(operator, *MANHOLE, address="湖滨路88号", category_id=category)
    second = receive(operator, *MANHOLE, address="湖滨路88号", category_id=category)

    do_route_tickets_once([first.pk, second.pk])

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == TicketStatus.DISPATCHED
    assert second.status == TicketStatus.NEW
    notes = RoutingDecision.objects.get(ticket=second).evidence["notes"]
    assert any(re.fullmatch(HELD.format(number=first.number), n) for n in notes)


def test_a_routed_ticket_keeps_its_vector_and_the_sweep_does_not_embed_it_again(
    operator, corpus_tree, manhole_rule
) -> None:
    dispatched = receive(
        operator, *MANHOLE, address="湖滨路88号", category_id=corpus_tree["城乡建设/其他"].pk
    )
    queued = receive(
        operator, "楼道墙皮脱落", "光明小区3号楼楼道墙皮脱落", category_id=corpus_tree["城乡建设"].pk
    )
    assert (dispatched.status, queued.status) == (TicketStatus.DISPATCHED, TicketStatus.NEW)

    model = embedders.configured_embedder().name
    vector = TicketVector.objects.get(ticket=dispatched, model=model)  # embedded by routing
    embed_pending()  # the sweep: the queued one, unless routing embedded it too (a ticket alone)
    assert TicketVector.objects.filter(ticket__in=[dispatched, queued], model=model).count() == 2
    assert TicketVector.objects.get(ticket=dispatched).pk == vector.pk  # not embedded twice
    assert embed_pending().recent == 0


def test_a_batch_embeds_only_the_tickets_routing_would_dispatch(
    operator, corpus_tree, manhole_rule, routed_by_hand
) -> None:
    dispatched = receive(
        operator, *MANHOLE, address="湖滨路88号", category_id=corpus_tree["城乡建设/其他"].pk
    )
    queued = receive(
        operator, "楼道墙皮脱落", "光明小区3号楼楼道墙皮脱落", category_id=corpus_tree["城乡建设"].pk
    )

    do_route_tickets_once([dispatched.pk, queued.pk])

    dispatched.refresh_from_db()
    queued.refresh_from_db()
    assert (dispatched.status, queued.status) == (TicketStatus.DISPATCHED, TicketStatus.NEW)
    # The one left to a dispatcher waits for the sweep's encoding, not routing's.
    assert list(TicketVector.objects.values_list("ticket_id", flat=True)) == [dispatched.pk]
    assert embed_pending().recent == 1


def test_when_the_duplicate_search_fails_the_ticket_waits_and_is_still_routed(
    operator, corpus_tree, manhole_rule, monkeypatch, caplog
) -> None:
    def broken(self, texts):
        raise RuntimeError("embedder down")

    monkeypatch.setattr(embedders.NgramEmbedder, "embed", broken)

    ticket = receive(operator, *MANHOLE, address="湖滨路88号", category_id=corpus_tree["城乡建设/其他"].pk)

    assert ticket.status == TicketStatus.NEW
    decision = RoutingDecision.objects.get(ticket=ticket)
    assert decision.mode == RoutingMode.QUEUE
    assert "查重失败，无法确认是否为重复诉求，请派单员查重后派单" in decision.evidence["notes"]
    assert not ticket.events.filter(action="route_failed").exists()
    assert any(r.exc_info and "embedder down" in str(r.exc_info[1]) for r in caplog.records)


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
