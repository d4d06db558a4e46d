"""Who sees which tickets through the API, and the browser-session way in."""

import json
import secrets

import pytest
from django.conf import settings
from django.test import Client

from hotline.accounts.models import ApiToken
from hotline.core.enums import Role
from hotline.tickets.actions import do_dispatch_ticket
from hotline.tickets.models import Assignment, Ticket
from tests.factories import UserFactory, make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def for_water(staff, departments) -> Ticket:
    """A ticket dispatched to the water bureau only."""
    ticket = make_ticket(actor=staff["operator"], title="自来水停水", phone="13700001111")
    do_dispatch_ticket(ticket, staff["dispatcher"], lead_department_id=departments["water"].pk)
    return ticket


@pytest.fixture
def for_street(staff, departments) -> Ticket:
    """A ticket dispatched to the street under the district."""
    ticket = make_ticket(actor=staff["operator"], title="小区垃圾堆放")
    do_dispatch_ticket(ticket, staff["dispatcher"], lead_department_id=departments["street"].pk)
    return ticket


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.json()
    return {item["id"] for item in response.json()["items"]}


def test_a_handler_does_not_see_another_departments_ticket(for_water, staff, api_as):
    housing = api_as(staff["housing"])

    assert housing.get(f"/tickets/{for_water.pk}").status_code == 404
    assert _ids(housing.get("/tickets")) == set()
    assert housing.get("/tickets").json()["count"] == 0


@pytest.mark.parametrize(
    ("name", "body"),
    [("accept", {}), ("return", {"reason": "不归我管"}), ("answer", {"text": "x"}), ("reply", {"text": "x"})],
)
def test_a_handler_gets_404_acting_on_another_departments_ticket(for_water, staff, api_as, name, body):
    response = api_as(staff["housing"]).action(for_water, name, body)

    assert response.status_code == 404
    assert response.json()["detail"] == f"工单 {for_water.pk} 不存在"  # the same answer as for no ticket
    assert set(Assignment.objects.filter(ticket=for_water).values_list("status", flat=True)) == {"pending"}


def test_a_department_whose_return_was_upheld_loses_the_ticket(for_water, staff, departments, api_as):
    water = api_as(staff["water"])
    assert water.action(for_water, "return", {"reason": "应由住建局办理"}).status_code == 200
    returned = Assignment.objects.get(ticket=for_water, department=departments["water"])
    body = {"assignment_id": returned.pk, "uphold": True, "lead_department_id": departments["housing"].pk}
    assert api_as(staff["dispatcher"]).action(for_water, "review_return", body).status_code == 200

    assert water.get(f"/tickets/{for_water.pk}").status_code == 404
    assert _ids(water.get("/tickets")) == set()
    assert _ids(api_as(staff["housing"]).get("/tickets")) == {for_water.pk}


def test_a_department_still_sees_a_ticket_it_handled_after_a_merge(for_water, staff, api_as):
    target = make_ticket(actor=staff["operator"], title="同一处停水")
    merge = api_as(staff["dispatcher"]).action(for_water, "merge", {"into_ticket_id": target.pk})
    assert merge.status_code == 200

    assert api_as(staff["water"]).get(f"/tickets/{for_water.pk}").json()["status"] == "merged"


def test_a_handler_sees_and_works_on_their_own_ticket(for_water, staff, api_as):
    water = api_as(staff["water"])

    assert _ids(water.get("/tickets")) == {for_water.pk}
    detail = water.get(f"/tickets/{for_water.pk}").json()
    assert detail["appeals"][0]["citizen_phone"] == "13700001111"  # handlers call citizens back
    assert "accept" in detail["allowed_actions"]
    assert water.action(for_water, "accept").status_code == 200


def test_a_department_head_sees_the_tickets_of_the_departments_below(for_street, for_water, staff, api_as):
    head = api_as(staff["district_head"])

    assert _ids(head.get("/tickets")) == {for_street.pk}
    assert head.get(f"/tickets/{for_street.pk}").status_code == 200
    assert head.get(f"/tickets/{for_water.pk}").status_code == 404
    body = head.action(for_street, "accept").json()
    assert body["status"] == "accepted"
    assert body["assignments"][0]["accepted_by"] == "head_d"


def test_a_street_handler_does_not_see_the_district_above(staff, departments, api_as):
    ticket = make_ticket(actor=staff["operator"])
    do_dispatch_ticket(ticket, staff["dispatcher"], lead_department_id=departments["district"].pk)

    street = api_as(staff["street"])

    assert _ids(street.get("/tickets")) == set()
    assert street.get(f"/tickets/{ticket.pk}").status_code == 404


def test_a_department_user_without_a_department_sees_nothing(for_water, departments, api_as):
    orphan = UserFactory(username="nobody", role=Role.HANDLER, department=None)

    client = api_as(orphan)

    assert _ids(client.get("/tickets")) == set()
    assert client.get(f"/tickets/{for_water.pk}").status_code == 404


@pytest.mark.parametrize("role", ["operator", "dispatcher", "supervisor", "leader", "admin"])
def test_citywide_roles_see_every_ticket(for_water, for_street, staff, api_as, role):
    assert _ids(api_as(staff[role]).get("/tickets")) == {for_water.pk, for_street.pk}


def test_the_department_filter_cannot_widen_what_a_handler_sees(
    for_water, for_street, staff, departments, api_as
):
    response = api_as(staff["water"]).get("/tickets", {"department": departments["street"].pk})

    assert _ids(response) == set()


def test_allowed_actions_follow_the_role(ticket, staff, api_as):
    dispatcher = api_as(staff["dispatcher"]).get(f"/tickets/{ticket.pk}").json()["allowed_actions"]
    leader = api_as(staff["leader"]).get(f"/tickets/{ticket.pk}").json()["allowed_actions"]

    assert "dispatch" in dispatcher
    assert leader == []


def test_allowed_actions_follow_the_department(dispatched, staff, api_as):
    """Housing leads and water co-handles: each is offered what its own assignment allows."""
    housing, water = api_as(staff["housing"]), api_as(staff["water"])

    def offered(client) -> list[str]:
        response = client.get(f"/tickets/{dispatched.pk}")
        assert response.status_code == 200, response.json()
        return response.json()["allowed_actions"]

    assert offered(housing) == offered(water) == ["accept", "return"]
    assert "accept" not in housing.action(dispatched, "accept").json()["allowed_actions"]
    assert water.action(dispatched, "accept").status_code == 200

    assert offered(housing) == ["return", "reply", "suspend", "progress", "request_extension"]
    assert offered(water) == [
        "return",
        "answer",
        "suspend",
        "progress",
        "request_extension",
    ]  # no reply for a co
    # What is not offered is refused; what is offered is done.
    assert water.action(dispatched, "reply", {"text": "已修复"}).status_code == 409
    assert water.action(dispatched, "answer", {"text": "已排查"}).status_code == 200
    assert offered(water) == []


# --- the browser session ---------------------------------------------------------------------------


def _csrf(client: Client) -> str:
    token = secrets.token_hex(16)  # 32 characters: a valid unmasked CSRF secret
    client.cookies[settings.CSRF_COOKIE_NAME] = token
    return token


def test_a_logged_in_session_can_read(ticket, staff):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff["leader"])

    response = client.get("/api/v1/tickets")

    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_a_session_write_without_the_csrf_token_is_403(ticket, staff, departments):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff["dispatcher"])

    response = client.post(
        f"/api/v1/tickets/{ticket.pk}/actions/dispatch",
        json.dumps({"lead_department_id": departments["housing"].pk}),
        content_type="application/json",
    )

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    ticket.refresh_from_db()
    assert ticket.status == "new"


def test_a_session_write_with_the_csrf_token_works(ticket, staff, departments):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff["dispatcher"])
    token = _csrf(client)

    response = client.post(
        f"/api/v1/tickets/{ticket.pk}/actions/dispatch",
        json.dumps({"lead_department_id": departments["housing"].pk}),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )

    assert response.status_code == 200, response.json()
    ticket.refresh_from_db()
    assert ticket.status == "dispatched"


def test_a_write_with_neither_session_nor_token_is_401_not_a_csrf_error(ticket, departments):
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        f"/api/v1/tickets/{ticket.pk}/actions/dispatch",
        json.dumps({"lead_department_id": departments["housing"].pk}),
        content_type="application/json",
    )

    assert response.status_code == 401


def test_a_token_write_needs_no_csrf_token(ticket, staff, departments):
    _token, raw = ApiToken.issue(staff["dispatcher"])
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        f"/api/v1/tickets/{ticket.pk}/actions/dispatch",
        json.dumps({"lead_department_id": departments["housing"].pk}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )

    assert response.status_code == 200


def test_a_bad_token_is_refused_even_with_a_session(ticket, staff):
    client = Client()
    client.force_login(staff["operator"])

    response = client.get("/api/v1/tickets", headers={"Authorization": "Bearer hl_revoked-or-wrong"})

    assert response.status_code == 401


def test_a_session_of_a_user_made_inactive_is_401(ticket, staff):
    client = Client()
    client.force_login(staff["operator"])
    staff["operator"].is_active = False
    staff["operator"].save()

    assert client.get("/api/v1/tickets").status_code == 401


def test_a_co_handler_naming_the_leads_assignment_gets_403(staff, departments, api_as):
    """Both departments see the ticket; each may act only on its own assignment."""
    ticket = make_ticket(actor=staff["operator"], title="路面塌陷")
    do_dispatch_ticket(
        ticket,
        staff["dispatcher"],
        lead_department_id=departments["water"].pk,
        co_department_ids=[departments["housing"].pk],
    )
    lead = Assignment.objects.get(ticket=ticket, department=departments["water"])

    response = api_as(staff["housing"]).action(ticket, "accept", {"assignment_id": lead.pk})

    assert response.status_code == 403
    assert "不属于您的单位" in response.json()["detail"]
    assert set(Assignment.objects.filter(ticket=ticket).values_list("status", flat=True)) == {"pending"}


def test_a_grid_worker_reads_their_reports_on_the_grid_pages_not_through_the_staff_api(
    staff, departments, api_as
):
    """The API's ticket is the staff's (every appellant, the timeline, the units' notes, the
    callbacks); a grid worker follows their own reports on /grid/reports/, where the citizen's
    view of the progress is shown, so the ticket and supervision readings refuse them, saying where
    to look, instead of showing the staff's ticket of their report."""
    from hotline.intake.actions import AppealData, do_receive_grid_report
    from hotline.supervision.actions import do_open_supervision

    worker = UserFactory(username="grid_api", role=Role.GRID, department=departments["street"])
    report, _created = do_receive_grid_report(
        AppealData(channel="grid", external_id="grid-api-1", title="井盖破损", content="幸福路井盖破损。"),
        worker,
    )
    citizen = make_ticket(actor=staff["operator"], title="井盖坏了", citizen_name="李女士")
    api_as(staff["dispatcher"]).action(citizen, "merge", {"into_ticket_id": report.pk})
    do_dispatch_ticket(report, staff["dispatcher"], lead_department_id=departments["street"].pk)
    supervision = do_open_supervision(report, staff["supervisor"], kind="reminder", reason="请尽快处理")

    grid = api_as(worker)
    for path in (f"/tickets/{report.pk}", "/tickets", f"/supervisions/{supervision.pk}", "/supervisions"):
        response = grid.get(path)
        assert response.status_code == 403, (path, response.content)
        assert "/grid/reports/" in response.json()["detail"]
        assert "李女士" not in response.content.decode()
