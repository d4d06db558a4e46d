"""Issue 20: a timestamp outside 2000-01-01 .. 2100-12-31 (city time) is refused with 422 before
anything is stored, wherever it enters the API; before, year 1 or 9999 was stored and then broke
every read of the ticket with a 500."""

from typing import Any

import pytest

from hotline.core import clock
from hotline.core.enums import Role
from hotline.sla.models import Extension
from hotline.supervision.models import Supervision
from hotline.tickets.models import Ticket
from tests.factories import UserFactory, make_ticket
from tests.supervision.conftest import at

pytestmark = pytest.mark.django_db

RANGE = "2000-01-01 至 2100-12-31"


def refused(response: Any, field: str) -> None:
    assert response.status_code == 422, response.content
    detail = response.json()["detail"]
    assert detail.startswith(f"{field}: "), detail
    assert RANGE in detail and "北京时间" in detail, detail


def appeal(**more: Any) -> dict[str, Any]:
    return {"channel": "web", "title": "路灯不亮", "content": "幸福路12号门口路灯坏了一周", **more}


@pytest.mark.parametrize(
    "received_at",
    [
        "0001-01-01T00:00:00",
        "0001-01-01T00:00:00+08:00",
        "0001-01-01T00:00:00-12:00",
        "1900-01-01",
        "1900-01-01T00:00:00",
        0,
        "1999-12-31T23:59:59+08:00",
        "1999-12-31T23:59:59",
        "2000-01-01T00:00:00+14:00",  # 1999-12-31 18:00 in Shanghai
        "9999-12-31T23:59:59-12:00",
    ],
)
def test_an_appeal_received_out_of_range_is_refused_and_nothing_is_stored(api_as, staff, received_at):
    client = api_as(staff["operator"])
    refused(client.post("/appeals", appeal(received_at=received_at, external_id="x-1")), "received_at")
    assert not Ticket.objects.exists()
    # The list and a retry with the same external id still work.
    assert client.get("/tickets").status_code == 200
    assert client.post("/appeals", appeal(external_id="x-1")).status_code == 201


def test_the_first_moment_of_the_range_is_taken(api_as, staff):
    client = api_as(staff["operator"])
    response = client.post("/appeals", appeal(received_at="2000-01-01T00:00:00+08:00"))
    assert response.status_code == 201, response.content
    assert client.get(f"/tickets/{response.json()['id']}").status_code == 200


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"created_to": "9999-12-31"}, "created_to"),
        ({"created_from": "0001-01-01"}, "created_from"),
        ({"created_from": "0001-01-01T00:00:00-12:00"}, "created_from"),
        ({"created_to": "9999-12-31T23:59:59-12:00"}, "created_to"),
        ({"created_to": "2101-01-01"}, "created_to"),
        ({"created_from": "1999-12-31"}, "created_from"),
    ],
)
def test_list_filters_out_of_range_are_422(api_as, staff, params, field):
    refused(api_as(staff["leader"]).get("/tickets", params), field)


def test_list_filters_at_the_range_edges_work(api_as, staff):
    make_ticket(actor=staff["operator"])
    response = api_as(staff["leader"]).get(
        "/tickets", {"created_from": "2000-01-01", "created_to": "2100-12-31"}
    )
    assert response.status_code == 200
    assert response.json()["count"] == 1


@pytest.fixture
def handled(staff, departments, api_as):
    """A ticket accepted by the housing bureau, on 2025-06-10."""
    with clock.frozen_at(at(2025, 6, 10, 9, 30)):
        ticket = make_ticket(actor=staff["operator"])
        dispatched = api_as(staff["dispatcher"]).action(
            ticket, "dispatch", {"lead_department_id": departments["housing"].pk}
        )
        assert dispatched.status_code == 200, dispatched.content
        assert api_as(staff["housing"]).action(ticket, "accept").status_code == 200
    return ticket


@pytest.mark.parametrize(
    "requested_due_at", ["9999-12-31T23:59:59-12:00", "2101-01-01T00:00:00+08:00", "0001-01-01T00:00:00"]
)
def test_an_extension_to_a_day_out_of_range_is_refused(api_as, staff, handled, requested_due_at):
    client = api_as(staff["housing"])
    with clock.frozen_at(at(2025, 6, 11, 9, 0)):
        response = client.action(
            handled, "request_extension", {"reason": "等材料", "requested_due_at": requested_due_at}
        )
        refused(response, "requested_due_at")
        assert not Extension.objects.exists()
        assert client.get(f"/tickets/{handled.pk}").status_code == 200
        last = client.action(
            handled,
            "request_extension",
            {"reason": "等材料", "requested_due_at": "2100-12-31T23:59:59+08:00"},
        )
    assert last.status_code == 200, last.content


@pytest.mark.parametrize(
    "deadline", ["9999-12-31T23:59:59-12:00", "2101-01-01T00:00:00", "0001-01-01T00:00:00+08:00"]
)
def test_a_supervision_deadline_out_of_range_is_refused(api_as, staff, handled, deadline):
    client = api_as(UserFactory(username="sup2", role=Role.SUPERVISOR))
    with clock.frozen_at(at(2025, 6, 11, 9, 0)):
        response = client.post(
            f"/tickets/{handled.pk}/supervisions", {"reason": "请加快", "deadline": deadline}
        )
    refused(response, "deadline")
    assert not Supervision.objects.exists()
