"""Supervision through the API: a supervisor opens an order by hand; the list and the leaders' board."""

from datetime import timedelta

import pytest

from hotline.core import clock
from hotline.core.enums import NotificationReason, Role, SupervisionKind, TicketStatus
from hotline.notifications.models import Notification
from hotline.supervision.models import Supervision
from hotline.tickets.models import Ticket, TicketEvent
from tests.supervision.conftest import at, sweep

pytestmark = pytest.mark.django_db

NOW = at(2025, 3, 4, 10)


@pytest.fixture
def ticket(build):
    ticket, _assignment = build(dispatched=at(2025, 3, 3, 10), due=at(2025, 3, 6, 10), lead="street")
    return ticket


@pytest.fixture(autouse=True)
def _frozen():
    with clock.frozen_at(NOW):
        yield


def open_order(client, ticket, **body):
    return client.post(f"/tickets/{ticket.pk}/supervisions", {"reason": "群众多次来电，请加快办理", **body})


@pytest.mark.parametrize("role", ["supervisor", "leader", "admin"])
def test_supervisors_leaders_and_admins_open_an_order(api_as, staff, departments, ticket, role):
    response = open_order(api_as(staff[role]), ticket, deadline="2025-03-05T17:00:00+08:00")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["kind"] == SupervisionKind.ORDER
    assert body["reason"] == "manual"
    assert body["created_by"] == staff[role].username
    assert body["department"]["code"] == departments["street"].code
    assert body["deadline"] == "2025-03-05T17:00:00+08:00"
    assert body["ticket"] == {"id": ticket.pk, "number": ticket.number}

    supervision = Supervision.objects.get(pk=body["id"])
    assert supervision.deadline == at(2025, 3, 5, 17)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.DISPATCHED
    event = TicketEvent.objects.get(ticket=ticket, action="supervise")
    assert event.from_status == event.to_status == TicketStatus.DISPATCHED
    assert event.actor == staff[role]
    assert event.details["supervision"] == supervision.pk
    note = Notification.objects.get(supervision=supervision)
    assert (note.reason, note.department_id, note.role) == (
        NotificationReason.SUPERVISION,
        departments["street"].pk,
        Role.HEAD,
    )
    assert "2025-03-05 17:00" in note.message


@pytest.mark.parametrize("role", ["street", "district_head", "operator", "dispatcher"])
def test_other_roles_may_not(api_as, staff, ticket, role):
    response = open_order(api_as(staff[role]), ticket)

    assert response.status_code == 403, response.json()
    assert response.json()["detail"] == f"角色“{staff[role].get_role_display()}”不能督办"
    assert not Supervision.objects.exists()
    assert not TicketEvent.objects.filter(action="supervise").exists()


def test_a_handler_of_another_unit_does_not_see_the_ticket(api_as, staff, ticket):
    assert open_order(api_as(staff["water"]), ticket).status_code == 404


def test_unknown_ticket(api_as, staff):
    assert (
        api_as(staff["supervisor"]).post("/tickets/999999/supervisions", {"reason": "x"}).status_code == 404
    )


def test_a_closed_ticket_cannot_be_supervised(api_as, staff, ticket):
    Ticket.objects.filter(pk=ticket.pk).update(status=TicketStatus.CLOSED)

    response = open_order(api_as(staff["supervisor"]), ticket)

    assert response.status_code == 409
    assert "不能督办" in response.json()["detail"]


@pytest.mark.parametrize(
    "body",
    [
        {"reason": ""},
        {"reason": "   "},
        {"reason": "x", "kind": "scolding"},
        {"reason": "x", "deadline": "2025-03-04T09:00:00+08:00"},  # in the past
        {"reason": "x", "deadline": "tomorrow"},
        {"reason": "x", "assignment_id": 999999},
        {"reason": "x", "extra": 1},
    ],
)
def test_bad_input_is_422(api_as, staff, ticket, body):
    response = api_as(staff["supervisor"]).post(f"/tickets/{ticket.pk}/supervisions", body)

    assert response.status_code == 422, response.json()
    assert not Supervision.objects.exists()


def test_a_deadline_without_zone_is_city_time(api_as, staff, ticket):
    response = open_order(api_as(staff["supervisor"]), ticket, deadline="2025-03-05T17:00:00")

    assert response.status_code == 201
    assert Supervision.objects.get().deadline == at(2025, 3, 5, 17)


def test_elevation_by_hand_names_the_level_above(api_as, staff, departments, ticket):
    response = open_order(api_as(staff["leader"]), ticket, kind="elevation")

    assert response.status_code == 201
    assert response.json()["department"]["code"] == departments["district"].code
    assert response.json()["is_public"] is True


def test_list_filters_and_visibility(api_as, staff, departments, build, ticket):
    other, _a = build(dispatched=at(2025, 3, 3, 10), due=at(2025, 3, 6, 10), lead="water")
    supervisor = api_as(staff["supervisor"])
    assert open_order(supervisor, ticket).status_code == 201
    assert open_order(supervisor, other, kind="listing").status_code == 201

    everything = supervisor.get("/supervisions").json()
    assert everything["count"] == 2
    assert [i["kind"] for i in supervisor.get("/supervisions", {"kind": "listing"}).json()["items"]] == [
        "listing"
    ]
    assert supervisor.get("/supervisions", {"ticket": ticket.pk}).json()["count"] == 1
    assert supervisor.get("/supervisions", {"department": departments["water"].pk}).json()["count"] == 1
    assert supervisor.get("/supervisions", {"kind": "nonsense"}).status_code == 422

    # A unit sees the supervisions of its own tickets; everyone sees the public board.
    street = api_as(staff["street"])
    assert [i["ticket"]["id"] for i in street.get("/supervisions").json()["items"]] == [ticket.pk]
    board = street.get("/supervisions", {"board": "true"}).json()
    assert [(i["ticket"]["id"], i["kind"]) for i in board["items"]] == [(other.pk, "listing")]


def test_the_board_shows_listings_from_the_sweep_until_resolved(api_as, staff, ticket):
    sweep(at(2025, 3, 12, 9), DUE_SOON_PERCENTS=[])  # three working days overdue: 挂牌督办

    board = api_as(staff["leader"]).get("/supervisions", {"board": "true"}).json()
    assert [i["kind"] for i in board["items"]] == ["listing"]
    assert board["items"][0]["created_by"] is None

    ticket.assignments.update(status="answered")
    sweep(at(2025, 3, 12, 10), DUE_SOON_PERCENTS=[])

    assert api_as(staff["leader"]).get("/supervisions", {"board": "true"}).json()["count"] == 0
    assert Supervision.objects.get().resolved_at == at(2025, 3, 12, 10)


def test_resolve(api_as, staff, departments, ticket):
    supervisor = api_as(staff["supervisor"])
    sid = open_order(supervisor, ticket).json()["id"]

    refused = api_as(staff["street"]).post(f"/supervisions/{sid}/resolve", {"note": "已办"})
    assert refused.status_code == 403
    assert refused.json()["detail"] == "角色“承办人”不能督办"
    response = supervisor.post(f"/supervisions/{sid}/resolve", {"note": "已现场核实"})
    assert response.status_code == 200, response.json()
    assert response.json()["resolved_by"] == staff["supervisor"].username
    assert response.json()["resolution_note"] == "已现场核实"
    assert supervisor.post(f"/supervisions/{sid}/resolve").status_code == 409
    assert supervisor.post("/supervisions/999999/resolve").status_code == 404

    event = TicketEvent.objects.get(ticket=ticket, action="resolve_supervision")
    assert event.from_status == event.to_status
    told = Notification.objects.get(reason=NotificationReason.SUPERVISION_RESOLVED)
    assert told.department == departments["street"]
    assert supervisor.get(f"/supervisions/{sid}").json()["resolved_at"] is not None


def test_the_deadline_must_be_after_now(api_as, staff, ticket):
    later = (NOW + timedelta(minutes=1)).isoformat()

    assert open_order(api_as(staff["supervisor"]), ticket, deadline=later).status_code == 201
