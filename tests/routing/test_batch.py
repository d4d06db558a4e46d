"""Routing in batches (an import's tasks of 50, the sweep): each ticket ends exactly as when routed
alone, and a ticket that cannot be routed fails alone."""

from datetime import datetime
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext

from hotline.core import clock
from hotline.core.enums import Channel, Kind, TicketStatus
from hotline.intake.actions import AppealData, do_receive_appeal
from hotline.routing import actions as routing_actions
from hotline.routing import decision as routing_decision
from hotline.routing.models import RoutingDecision, RoutingSettings
from hotline.tickets import actions as ticket_actions
from hotline.tickets.actions import do_dispatch_ticket
from hotline.tickets.models import Ticket
from hotline.tickets.router import route_batch, route_now

pytestmark = pytest.mark.django_db

RECEIVED = datetime.fromisoformat("2026-11-20T10:00:00+08:00")
MOMENT = datetime.fromisoformat("2026-11-20T10:30:00+08:00")

# What the corpus's model is sure of (dispatched), what it is not (queued), an urgent one, an
# operator's category, a consultation, one placed by its point, one placed by nothing.
APPEALS: list[dict[str, Any]] = [
    {"title": "夜间施工", "content": "楼下夜间施工噪音扰民，请尽快处理。", "address": "和平街道幸福路12号"},
    {"title": "小区问题", "content": "小区里有点问题，麻烦看看。"},
    {"title": "燃气泄漏", "content": "光明小区楼道里有燃气泄漏的味道，很危险，请马上来人！"},
    {"title": "路灯", "content": "人民大道路灯不亮好几天了", "category": "城乡建设/其他"},
    {"title": "咨询", "content": "公司拖欠工资三个月怎么办？", "kind": Kind.CONSULTATION},
    {"title": "垃圾", "content": "垃圾堆积发臭", "latitude": 39.91, "longitude": 116.40},
    {"title": "其他", "content": "没有地点的一件事"},
    {"title": "退休金", "content": "退休养老金迟迟不发，多次反映无人解决。", "address": "东风街道"},
]


@pytest.fixture(autouse=True)
def routed_by_hand(settings) -> None:
    """Intake leaves the tickets to the test, which routes them alone or in a batch."""
    settings.HOTLINE = {
        **django_settings.HOTLINE,
        "ROUTING": {**django_settings.HOTLINE["ROUTING"], "ROUTER": "hotline.tickets.router.NullRouter"},
    }


@pytest.fixture
def city(active_model, rules_by_category, corpus_tree, bureaus, departments, settings) -> dict[str, Any]:
    RoutingSettings.objects.create(auto_dispatch=True, threshold=0.8)
    # The tests receive the same appeals twice, to route one copy alone and the other in a batch:
    # no pair counts as a duplicate here, which would keep both copies from automatic dispatch
    # (tests/routing/test_holds.py).
    dedup = settings.HOTLINE["DEDUP"]
    settings.HOTLINE = {**settings.HOTLINE, "DEDUP": {**dedup, "THRESHOLD": {"e5": 2.0, "ngram": 2.0}}}
    return corpus_tree


def receive(tree: dict[str, Any], n: int) -> list[Ticket]:
    tickets = []
    for i, appeal in enumerate(APPEALS):
        fields = dict(appeal)
        category = fields.pop("category", None)
        data = AppealData(
            channel=Channel.WEB,
            external_id=f"{n}-{i}",
            citizen_phone="13812341234",
            category_id=tree[category].pk if category else None,
            **fields,
        )
        ticket, _created = do_receive_appeal(data, None)
        tickets.append(ticket)
    return tickets


def use_model_router(settings) -> None:
    settings.HOTLINE = {
        **django_settings.HOTLINE,
        "ROUTING": {**django_settings.HOTLINE["ROUTING"], "ROUTER": "hotline.routing.services.ModelRouter"},
    }


def outcome(ticket: Ticket) -> dict[str, Any]:
    """Everything routing decides or writes for a ticket, without its ids."""
    ticket.refresh_from_db()
    decision = RoutingDecision.objects.filter(ticket=ticket).first()
    assignments: QuerySet[Any] = ticket.assignments.order_by("role", "department__code")
    return {
        "status": ticket.status,
        "category": ticket.category_id,
        "area": ticket.area_id,
        "urgency": ticket.urgency,
        "updated_at": ticket.updated_at,
        "assignments": [
            (a.role, a.department.code, a.status, a.due_at, a.deadline_assumed, a.dispatched_at)
            for a in assignments
        ],
        "events": [
            (
                e.action,
                e.actor.username if e.actor else None,
                e.at,
                e.from_status,
                e.to_status,
                {k: v for k, v in e.details.items() if k not in ("decision", "assignment")},
            )
            for e in ticket.events.exclude(action="receive").order_by("pk")
        ],
        "decision": decision
        and (
            decision.mode,
            decision.confidence,
            decision.threshold,
            decision.area_id,
            decision.urgent,
            decision.model_version_id,
            decision.suggestions,
            decision.evidence,
            decision.decided_at,
        ),
    }


def test_a_batch_routes_each_ticket_as_routing_it_alone_would(city, settings) -> None:
    with clock.frozen_at(RECEIVED):
        alone, together = receive(city, 1), receive(city, 2)
    use_model_router(settings)

    with clock.frozen_at(MOMENT):
        assert all(route_now(ticket.pk) for ticket in alone)
        assert route_batch([ticket.pk for ticket in together]) == len(together)

    for one, other in zip(alone, together, strict=True):
        assert outcome(one) == outcome(other), one.title
    results = [outcome(ticket) for ticket in together]
    # The appeals cover what routing does: dispatched and queued, urgent, placed, a consultation kept.
    assert {r["status"] for r in results} == {TicketStatus.DISPATCHED, TicketStatus.NEW}
    assert any(r["urgency"] == "urgent" for r in results)
    assert any(r["area"] is not None for r in results)
    assert any(r["assignments"] for r in results)
    assert all(r["decision"] is not None for r in results)
    consultation = results[4]
    assert consultation["status"] == TicketStatus.NEW and consultation["decision"][0] == "queue"


def test_routing_a_batch_twice_changes_nothing(city, settings) -> None:
    tickets = receive(city, 1)
    use_model_router(settings)
    ids = [ticket.pk for ticket in tickets]
    assert route_batch(ids) == len(ids)
    before = [outcome(ticket) for ticket in tickets]

    assert route_batch(ids) == len(ids)  # the task and the sweep may both reach them

    assert [outcome(ticket) for ticket in tickets] == before
    assert RoutingDecision.objects.count() == len(ids)


@pytest.mark.parametrize("where", ["decide", "dispatch"])
def test_a_ticket_that_cannot_be_routed_fails_alone(city, settings, monkeypatch, caplog, where) -> None:
    tickets = receive(city, 1)
    use_model_router(settings)
    bad = tickets[0]  # dispatched automatically when routing works
    if where == "decide":
        real = routing_decision.locate

        def locate(address: str = "", *args: Any, **kwargs: Any) -> Any:
            if address == "和平街道幸福路12号":
                raise RuntimeError("gazetteer broken")
            return real(address, *args, **kwargs)

        monkeypatch.setattr(routing_decision, "locate", locate)
    else:
        real_assign = ticket_actions._create_assignments

        def assign(ticket: Ticket, *args: Any, **kwargs: Any) -> Any:
            if ticket.pk == bad.pk:
                raise RuntimeError("gazetteer broken")
            return real_assign(ticket, *args, **kwargs)

        monkeypatch.setattr(ticket_actions, "_create_assignments", assign)

    routed = route_batch([ticket.pk for ticket in tickets])

    assert routed == len(tickets) - 1
    bad.refresh_from_db()
    assert bad.status == TicketStatus.NEW
    assert not RoutingDecision.objects.filter(ticket=bad).exists()  # nothing half-done kept
    (failure,) = bad.events.filter(action="route_failed")
    assert failure.details["error"] == "RuntimeError: gazetteer broken"
    assert failure.details["router"] == "hotline.routing.services.ModelRouter"
    others = tickets[1:]
    assert RoutingDecision.objects.filter(ticket__in=others).count() == len(others)
    assert not Ticket.objects.filter(pk__in=[t.pk for t in others], events__action="route_failed").exists()
    assert Ticket.objects.filter(pk__in=[t.pk for t in others], status=TicketStatus.DISPATCHED).exists()
    assert "routing each alone" in caplog.text


def test_what_a_person_does_while_the_batch_is_decided_wins(
    city, settings, staff, bureaus, monkeypatch
) -> None:
    """Routing decides before it locks the rows (deciding takes most of its time): a ticket dispatched
    meanwhile is left alone, and one given another category is decided again on it."""
    dispatched, edited, untouched = receive(city, 1)[:3]
    use_model_router(settings)
    real = routing_actions.decide_many
    calls = []

    def decide_many(batch: Any, *args: Any) -> Any:
        decisions = real(batch, *args)
        if not calls:  # the first call: the batch, unlocked; a dispatcher and an operator act now
            do_dispatch_ticket(dispatched, staff["dispatcher"], lead_department_id=bureaus["城乡建设"].pk)
            Ticket.objects.filter(pk=edited.pk).update(category=city["劳动和社会保障"])
        calls.append(len(batch))
        return decisions

    monkeypatch.setattr(routing_actions, "decide_many", decide_many)

    assert route_batch([dispatched.pk, edited.pk, untouched.pk]) == 3

    assert calls == [3, 1]  # decided again: the edited ticket only
    assert not RoutingDecision.objects.filter(ticket=dispatched).exists()
    dispatched.refresh_from_db()
    assert dispatched.lead_assignment.department == bureaus["城乡建设"]
    decision = RoutingDecision.objects.get(ticket=edited)
    assert decision.evidence["category_given"] is True
    assert decision.suggestions[0]["lead"]["code"] == bureaus["劳动和社会保障"].code
    assert RoutingDecision.objects.filter(ticket=untouched).exists()


def test_a_ticket_alone_is_read_once_under_its_lock_where_rows_lock(city, settings) -> None:
    """A live appeal's task (a batch of one) on a database with row locks locks its ticket first and
    decides under the lock: the ticket is read once. SQLite, whose write lock is the whole
    database's, decides first and reads the ticket again under the lock, as for a batch."""
    ticket = receive(city, 1)[1]  # one the model is not sure of: left to a dispatcher
    use_model_router(settings)
    with CaptureQueriesContext(connection) as queries:
        assert route_now(ticket.pk)
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "tickets_ticket"')]
    if connection.features.has_select_for_update:  # before the lock, a plain read for the duplicate search
        assert [sql for sql in reads if "FOR UPDATE" in sql] == reads[-1:]
    else:
        assert len(reads) == 2
    assert RoutingDecision.objects.get(ticket=ticket).mode == "queue"


def test_a_ticket_dispatched_by_routing_keeps_the_area_routing_found(city, settings) -> None:
    """The automatic dispatch saves the ticket whole, the area routing found on it included (routing
    writes no UPDATE of its own for a ticket it dispatches)."""
    ticket = receive(city, 1)[0]  # the street in its address; the model is sure of it
    assert ticket.area is None
    use_model_router(settings)
    assert route_now(ticket.pk)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.DISPATCHED
    assert ticket.area is not None
    (route,) = ticket.events.filter(action="route")
    assert route.details["area"]["code"] == ticket.area.code


def test_an_appeal_with_its_area_given_is_routed_without_reading_the_areas_above_it(
    city, departments, settings
) -> None:
    """The rules walk up from the ticket's area (the street, then its district) for every rule they
    check: the gazetteer's instances, read with their parents, stand in for the ticket's own, whose
    parents would be read one query each."""
    data = AppealData(
        channel=Channel.WEB,
        external_id="area-given",
        title="路灯不亮",
        content="和平街道的路灯坏了一个月",
        area_id=departments["street"].pk,
    )
    ticket, _created = do_receive_appeal(data, None)
    use_model_router(settings)
    with CaptureQueriesContext(connection) as queries:
        assert route_now(ticket.pk)
    lazy = [q["sql"] for q in queries.captured_queries if 'WHERE "directory_department"."id" = ' in q["sql"]]
    assert lazy == []
    decision = RoutingDecision.objects.get(ticket=ticket)
    assert decision.evidence["place"]["how"] == "given"


def test_an_appeal_with_its_category_given_is_routed_without_reading_the_categories_above_it(
    city, corpus_tree, settings
) -> None:
    """As for the area: the rules walk up from the operator's category (a subcategory, then its
    first level) for every ticket; the cached tree's instances stand in for the ticket's own."""
    data = AppealData(
        channel=Channel.WEB,
        external_id="category-given",
        title="路灯不亮",
        content="和平街道的路灯坏了一个月",
        category_id=corpus_tree["城乡建设/其他"].pk,
    )
    ticket, _created = do_receive_appeal(data, None)
    use_model_router(settings)
    with CaptureQueriesContext(connection) as queries:
        assert route_now(ticket.pk)
    lazy = [q["sql"] for q in queries.captured_queries if 'WHERE "taxonomy_category"."id" = ' in q["sql"]]
    assert lazy == []
    assert (
        RoutingDecision.objects.get(ticket=ticket).evidence["category"]["id"]
        == corpus_tree["城乡建设/其他"].pk
    )
