"""A grid worker's report filed under a first-level category (城乡建设) takes the finer category
that routing's rule found below it (城乡建设/其他, by its keyword 井盖), as a person at the console
takes it with 采用: nobody at a grid worker's phone can. The route line records the change."""

import uuid

import pytest

from hotline.core.enums import Channel, EventType, Role, TicketStatus
from hotline.directory.models import Responsibility
from hotline.intake.actions import AppealData, do_receive_grid_report
from hotline.routing.actions import do_route_ticket_once
from hotline.routing.models import RoutingSettings
from hotline.tickets.models import Ticket
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db

MANHOLE = ("湖滨路88号井盖丢了", "湖滨路88号门口的井盖丢了，晚上很危险，请尽快处理。")


@pytest.fixture
def manhole_rule(corpus_tree, bureaus, rules_by_category) -> Responsibility:
    return Responsibility.objects.create(
        name="井盖（关键词）",
        category=corpus_tree["城乡建设/其他"],
        lead_department=bureaus["环境保护"],
        keywords="井盖",
    )


@pytest.fixture
def worker(departments):
    community = DepartmentFactory(
        code="D010101", name="幸福社区", level="community", parent=departments["street"], is_area=True
    )
    return UserFactory(username="grid1", role=Role.GRID, department=community)


def grid_report(worker, title: str, content: str, category_id: int) -> Ticket:
    ticket, _created = do_receive_grid_report(
        AppealData(
            channel=Channel.GRID,
            external_id=f"grid-{uuid.uuid4().hex}",
            citizen_name="王网格",
            title=title,
            content=content,
            category_id=category_id,
        ),
        worker,
    )
    do_route_ticket_once(ticket.pk)  # none if intake routed it already
    ticket.refresh_from_db()
    return ticket


def test_a_grid_report_takes_the_finer_category_routing_found(worker, corpus_tree, bureaus, manhole_rule):
    ticket = grid_report(worker, *MANHOLE, category_id=corpus_tree["城乡建设"].pk)

    assert ticket.category == corpus_tree["城乡建设/其他"]
    assert ticket.status == TicketStatus.DISPATCHED
    assert ticket.lead_assignment.department == bureaus["环境保护"]
    route = ticket.events.get(action=EventType.ROUTE)
    assert route.details["category"] == {
        "from": corpus_tree["城乡建设"].pk,
        "to": corpus_tree["城乡建设/其他"].pk,
    }
    assert ticket.events.get(action=EventType.DISPATCH).details["category"] == corpus_tree["城乡建设/其他"].pk


def test_a_grid_report_that_only_a_catch_all_matched_keeps_its_category(worker, corpus_tree, manhole_rule):
    ticket = grid_report(worker, "楼道墙皮脱落", "光明小区3号楼楼道墙皮脱落", corpus_tree["城乡建设"].pk)

    assert ticket.category == corpus_tree["城乡建设"]
    assert ticket.status == TicketStatus.NEW
    assert not ticket.events.filter(action=EventType.ROUTE, details__has_key="category").exists()


def test_a_grid_report_queued_for_the_dispatcher_carries_the_finer_category(
    worker, corpus_tree, manhole_rule
):
    RoutingSettings.objects.update_or_create(defaults={"auto_dispatch": False})
    ticket = grid_report(worker, *MANHOLE, category_id=corpus_tree["城乡建设"].pk)

    assert ticket.status == TicketStatus.NEW
    assert ticket.category == corpus_tree["城乡建设/其他"]
