"""Routing after intake goes through the router that settings name, after the intake commits; a
failure is recorded on the ticket and logged, never lost, and never undoes the intake."""

import logging
from typing import ClassVar

import pytest
from django.db import transaction
from django.utils.translation import gettext as _

from hotline.core.enums import Channel, EventType, TicketStatus
from hotline.core.errors import InvalidInput
from hotline.intake.actions import AppealData, do_receive_appeal
from hotline.routing.models import RoutingDecision
from hotline.tickets import router
from hotline.tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db

CALL = AppealData(channel=Channel.PHONE, title="路灯不亮", content="幸福路12号路灯不亮已经三天。")


class Recording:
    """A router that notes the tickets it was given and whether each was stored when it came."""

    seen: ClassVar[list[tuple[int, bool]]] = []

    def route(self, ticket_id: int) -> None:
        Recording.seen.append((ticket_id, Ticket.objects.filter(pk=ticket_id).exists()))


class Broken:
    def route(self, ticket_id: int) -> None:
        raise RuntimeError("model folder gone")


class Refusing:
    """Fails with a translated message, as an action refusing inside routing would."""

    def route(self, ticket_id: int) -> None:
        raise InvalidInput(_("工单 %(id)s 不存在") % {"id": 999})


@pytest.fixture
def use_router(settings):
    def use(cls: type) -> None:
        path = f"{cls.__module__}.{cls.__qualname__}"
        settings.HOTLINE = {**settings.HOTLINE, "ROUTING": {**settings.HOTLINE["ROUTING"], "ROUTER": path}}

    Recording.seen = []
    return use


def test_the_router_runs_once_the_intake_commits(
    use_router, staff, django_capture_on_commit_callbacks
) -> None:
    use_router(Recording)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ticket, created = do_receive_appeal(CALL, staff["operator"])
        assert created and Recording.seen == []  # not before the commit
    for callback in callbacks:
        callback()
    assert Recording.seen == [(ticket.pk, True)]


def test_an_intake_rolled_back_routes_nothing(use_router, staff, django_capture_on_commit_callbacks) -> None:
    use_router(Recording)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        do_receive_appeal(CALL, staff["operator"])
        raise RuntimeError("the caller's transaction fails after the intake")
    assert Recording.seen == [] and not Ticket.objects.exists()


def test_a_repeated_contact_is_not_routed_again(
    use_router, staff, django_capture_on_commit_callbacks
) -> None:
    use_router(Recording)
    call = AppealData(**{**CALL.__dict__, "external_id": "C-1"})
    with django_capture_on_commit_callbacks(execute=True):
        first, _ = do_receive_appeal(call, staff["operator"])
        again, created = do_receive_appeal(call, staff["operator"])
    assert (again.pk, created) == (first.pk, False)
    assert Recording.seen == [(first.pk, True)]


@pytest.mark.django_db(transaction=True)  # as in production: the intake commits inside the request
def test_a_failing_router_is_recorded_on_the_ticket_and_logged(use_router, staff, api_as, caplog) -> None:
    use_router(Broken)
    with caplog.at_level(logging.ERROR, logger="hotline.tickets.router"):
        response = api_as(staff["operator"]).post(
            "/appeals", {"channel": "web", "title": "路灯不亮", "content": "幸福路路灯不亮"}
        )
    assert response.status_code == 201
    ticket = Ticket.objects.get(pk=response.json()["id"])
    assert ticket.status == TicketStatus.NEW  # in the dispatch queue
    event = ticket.events.get(action=EventType.ROUTE_FAILED)
    assert event.details == {
        "error": "RuntimeError: model folder gone",
        "router": "tests.tickets.test_router.Broken",
    }
    assert (event.actor, event.from_status, event.to_status) == (None, TicketStatus.NEW, TicketStatus.NEW)
    detail = api_as(staff["operator"]).get(f"/tickets/{ticket.pk}").json()
    assert [e["action"] for e in detail["events"]] == ["receive", "route_failed"]
    (record,) = [r for r in caplog.records if r.name == "hotline.tickets.router"]
    assert "failed" in record.getMessage() and record.exc_info is not None
    # The dispatch queue counts it, and lists it with suggestions computed now.
    queue = api_as(staff["dispatcher"]).get("/routing/queue").json()
    assert queue["routing_failed"] == 1
    assert [item["id"] for item in queue["items"]] == [ticket.pk]


@pytest.mark.django_db(transaction=True)
def test_what_routing_stores_is_in_the_citys_language_whatever_the_request_asked(
    use_router, staff, api_as
) -> None:
    use_router(Refusing)
    client = api_as(staff["operator"])
    client.headers["Accept-Language"] = "en"
    response = client.post("/appeals", {"channel": "web", "title": "路灯不亮", "content": "幸福路路灯不亮"})
    assert response.status_code == 201
    event = TicketEvent.objects.get(action=EventType.ROUTE_FAILED)
    assert event.details["error"] == "InvalidInput: 工单 999 不存在"


def test_the_null_router_leaves_the_ticket_to_the_dispatchers(use_router, staff, api_as) -> None:
    use_router(router.NullRouter)
    response = api_as(staff["operator"]).post(
        "/appeals", {"channel": "web", "title": "路灯不亮", "content": "幸福路路灯不亮"}
    )
    assert response.status_code == 201
    ticket = Ticket.objects.get(pk=response.json()["id"])
    assert ticket.status == TicketStatus.NEW
    assert not RoutingDecision.objects.exists()
    assert list(TicketEvent.objects.values_list("action", flat=True)) == [EventType.RECEIVE]


def test_by_default_the_models_route(staff, api_as) -> None:
    response = api_as(staff["operator"]).post(
        "/appeals", {"channel": "web", "title": "路灯不亮", "content": "幸福路路灯不亮"}
    )
    ticket = Ticket.objects.get(pk=response.json()["id"])
    assert ticket.routing_decisions.count() == 1


def test_a_router_that_cannot_be_imported_fails_the_checks(use_router, settings) -> None:
    from django.core.checks import run_checks

    assert [m.id for m in run_checks() if m.id and m.id.startswith("hotline.")] == []
    settings.HOTLINE = {
        **settings.HOTLINE,
        "ROUTING": {**settings.HOTLINE["ROUTING"], "ROUTER": "no.such.Router"},
    }
    assert [m.id for m in run_checks() if m.id and m.id.startswith("hotline.")] == ["hotline.E001"]
    use_router(Recording)
    assert [m.id for m in run_checks() if m.id and m.id.startswith("hotline.")] == []
