"""POST /api/v1/appeals: intake through the API, idempotent per (channel, external_id)."""

from datetime import UTC, datetime

import pytest

from hotline.accounts.models import ApiToken
from hotline.intake.models import Appeal
from hotline.tickets.models import Ticket, TicketEvent
from tests.api.conftest import ApiClient
from tests.factories import CategoryFactory, UserFactory

pytestmark = pytest.mark.django_db

BODY = {
    "channel": "web",
    "external_id": "web-2026-0001",
    "citizen_name": "李女士",
    "citizen_phone": "13912345678",
    "title": "楼下餐馆油烟扰民",
    "content": "幸福路8号一楼餐馆油烟直排，影响楼上住户。",
    "address": "幸福路8号",
    "latitude": 31.23,
    "longitude": 121.47,
    "kind": "complaint",
    "urgency": "urgent",
}


def test_receive_answers_with_a_receipt_and_stores_the_ticket_with_its_appeal(staff, api_as):
    client = api_as(staff["operator"])
    response = client.post("/appeals", BODY)

    assert response.status_code == 201, response.json()
    ticket = Ticket.objects.get()
    # The receipt only: the full detail is one GET away, and building it in every intake cost more
    # than storing the appeal.
    assert response.json() == {
        "id": ticket.pk,
        "number": ticket.number,
        "status": "new",
        "links": {"ticket": f"/api/v1/tickets/{ticket.pk}", "page": f"/tickets/{ticket.number}/"},
    }
    body = client.get(f"/tickets/{ticket.pk}").json()
    assert body["urgency"] == "urgent"
    assert body["title"] == BODY["title"]
    assert body["citizen_phone"] == "13912345678"  # the operator who took it may see it
    [appeal] = body["appeals"]
    assert appeal["channel"] == "web"
    assert appeal["external_id"] == "web-2026-0001"
    assert (appeal["latitude"], appeal["longitude"]) == (31.23, 121.47)
    assert body["events"][0]["action"] == "receive"
    assert body["events"][0]["actor"] == "op"
    stored = Appeal.objects.get()
    assert stored.ticket == ticket
    assert stored.created_by == staff["operator"]
    assert stored.citizen_phone == "13912345678"
    assert ticket.urgency == "urgent"


def test_the_receipt_is_documented_in_the_openapi_schema(anonymous):
    document = anonymous.client.get("/api/v1/openapi.json").json()
    answers = document["paths"]["/api/v1/appeals"]["post"]["responses"]
    for status in ("200", "201"):
        ref = answers[status]["content"]["application/json"]["schema"]["$ref"]
        assert ref.endswith("/AppealReceipt")
    receipt = document["components"]["schemas"]["AppealReceipt"]
    assert set(receipt["properties"]) == {"id", "number", "status", "links"}


def test_the_same_contact_twice_returns_the_existing_ticket(staff, api_as):
    client = api_as(staff["operator"])
    first = client.post("/appeals", BODY)
    again = client.post("/appeals", BODY | {"title": "重复投递", "content": "另一段文字"})

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json() == first.json()  # the same receipt: same ticket, still new
    assert client.get(f"/tickets/{first.json()['id']}").json()["title"] == BODY["title"]
    assert Ticket.objects.count() == 1
    assert Appeal.objects.count() == 1
    assert TicketEvent.objects.count() == 1


def test_the_same_external_id_on_another_channel_is_another_contact(staff, api_as):
    client = api_as(staff["operator"])
    client.post("/appeals", BODY)
    other = client.post("/appeals", BODY | {"channel": "app"})

    assert other.status_code == 201
    assert Ticket.objects.count() == 2


def test_without_external_id_every_post_is_a_new_ticket(staff, api_as):
    client = api_as(staff["operator"])
    body = {k: v for k, v in BODY.items() if k != "external_id"}
    assert client.post("/appeals", body).status_code == 201
    assert client.post("/appeals", body).status_code == 201
    assert Ticket.objects.count() == 2


def test_an_empty_external_id_is_no_external_id(staff, api_as):
    client = api_as(staff["operator"])
    first = client.post("/appeals", BODY | {"external_id": " "})
    second = client.post("/appeals", BODY | {"external_id": ""})

    assert (first.status_code, second.status_code) == (201, 201)
    assert list(Appeal.objects.values_list("external_id", flat=True)) == [None, None]


def test_minimal_body_takes_the_defaults(staff, api_as):
    client = api_as(staff["dispatcher"])
    response = client.post(
        "/appeals", {"channel": "phone", "title": "咨询社保", "content": "如何办理社保卡？"}
    )

    assert response.status_code == 201
    body = client.get(f"/tickets/{response.json()['id']}").json()
    assert (body["kind"], body["urgency"], body["citizen_phone"]) == ("complaint", "normal", "")
    assert body["appeals"][0]["external_id"] is None


def test_a_naive_received_at_is_the_city_time(staff, api_as):
    client = api_as(staff["operator"])
    response = client.post("/appeals", BODY | {"received_at": "2026-03-02T09:30:00"})

    assert response.status_code == 201
    assert Appeal.objects.get().received_at == datetime(2026, 3, 2, 1, 30, tzinfo=UTC)
    body = client.get(f"/tickets/{response.json()['id']}").json()
    assert body["appeals"][0]["received_at"] == "2026-03-02T09:30:00+08:00"


def test_an_aware_received_at_is_kept_and_shown_in_city_time(staff, api_as):
    client = api_as(staff["operator"])
    response = client.post("/appeals", BODY | {"received_at": "2026-03-02T01:30:00Z"})

    assert response.status_code == 201
    assert Appeal.objects.get().received_at == datetime(2026, 3, 2, 1, 30, tzinfo=UTC)
    body = client.get(f"/tickets/{response.json()['id']}").json()
    assert body["appeals"][0]["received_at"] == "2026-03-02T09:30:00+08:00"
    assert body["created_at"].endswith("+08:00")


def test_a_received_at_in_the_future_is_refused(staff, api_as):
    response = api_as(staff["operator"]).post("/appeals", BODY | {"received_at": "2999-01-01T00:00:00+08:00"})

    assert response.status_code == 422
    assert response.json()["detail"].startswith("received_at")
    assert not Appeal.objects.exists()


def test_category_and_area_are_attached(staff, departments, api_as):
    category = CategoryFactory(name="环境保护")
    client = api_as(staff["operator"])
    response = client.post(
        "/appeals", BODY | {"category_id": category.pk, "area_id": departments["street"].pk}
    )

    assert response.status_code == 201
    body = client.get(f"/tickets/{response.json()['id']}").json()
    assert body["category"] == {
        "id": category.pk,
        "code": category.code,
        "name": "环境保护",
        "path": "环境保护",
    }
    assert body["area"]["code"] == "D0101"
    ticket = Ticket.objects.get()
    assert (ticket.category, ticket.area) == (category, departments["street"])


# --- authentication --------------------------------------------------------------------------------


def test_without_a_token_it_is_401(departments, anonymous):
    response = anonymous.post("/appeals", BODY)

    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert not Ticket.objects.exists()


def test_a_revoked_token_is_401(staff):
    token, raw = ApiToken.issue(staff["operator"])
    token.revoked = True
    token.save()

    response = ApiClient(staff["operator"], raw).post("/appeals", BODY)

    assert response.status_code == 401
    assert "detail" in response.json()
    assert not Ticket.objects.exists()


def test_a_token_of_an_inactive_user_is_401(staff):
    _token, raw = ApiToken.issue(staff["operator"])
    staff["operator"].is_active = False
    staff["operator"].save()

    response = ApiClient(staff["operator"], raw).post("/appeals", BODY)

    assert response.status_code == 401
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("header", ["Bearer hl_not-a-token", "Bearer ", "Basic b3A6cGFzcy0xMjM0", "hl_x"])
def test_a_wrong_authorization_header_is_401(departments, header):
    client = ApiClient(None)
    client.headers = {"Authorization": header}

    response = client.post("/appeals", BODY)

    assert response.status_code == 401
    assert response.json()["detail"]


def test_a_used_token_records_when(staff):
    token, raw = ApiToken.issue(staff["operator"])
    assert token.last_used_at is None

    ApiClient(staff["operator"], raw).get("/departments")

    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_role_that_may_not_receive_gets_403(staff, api_as):
    response = api_as(staff["housing"]).post("/appeals", BODY)

    assert response.status_code == 403
    assert "不能受理" in response.json()["detail"]
    assert not Ticket.objects.exists()


# --- validation ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "rant"}, "kind"),
        ({"urgency": "asap"}, "urgency"),
        ({"channel": "pigeon"}, "channel"),
        ({"title": None}, "title"),
        ({"title": "   "}, "title"),
        ({"content": ""}, "content"),
        ({"title": "长" * 201}, "title"),
        ({"citizen_name": "名" * 51}, "citizen_name"),
        ({"citizen_phone": "1" * 21}, "citizen_phone"),
        ({"address": "址" * 301}, "address"),
        ({"external_id": "x" * 101}, "external_id"),
        ({"latitude": 90.5}, "latitude"),
        ({"latitude": -91}, "latitude"),
        ({"longitude": 180.01}, "longitude"),
        ({"longitude": "east"}, "longitude"),
        ({"received_at": "yesterday"}, "received_at"),
        ({"category_id": 0}, "category_id"),
        ({"category_id": 2**64}, "category_id"),
        ({"title": "nul\x00byte"}, "title"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_bad_fields_are_422_naming_the_field(staff, api_as, change, field):
    body = {k: v for k, v in (BODY | change).items() if v is not None}

    response = api_as(staff["operator"]).post("/appeals", body)

    assert response.status_code == 422, response.json()
    assert response.json()["detail"].startswith(f"{field}:")
    assert field in [e["field"] for e in response.json()["errors"]]
    assert not Ticket.objects.exists()


def test_a_missing_title_is_422(staff, api_as):
    body = {k: v for k, v in BODY.items() if k != "title"}

    response = api_as(staff["operator"]).post("/appeals", body)

    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "title", "message": "必须填写", "type": "missing"}]
    assert response.json()["detail"] == "title: 必须填写"


def test_a_parameter_out_of_its_bounds_is_named_in_the_readers_language(staff, api_as) -> None:
    """pydantic's English stays out of the answer: the bound is said in Chinese, or in English
    when the client asks for it."""
    client = api_as(staff["dispatcher"])
    response = client.get("/notifications?limit=0")
    assert response.status_code == 422
    assert response.json()["detail"] == "limit: 不能小于 1"
    english = client.client.get(
        "/api/v1/notifications", {"limit": 0}, headers={**client.headers, "Accept-Language": "en"}
    )
    assert english.json()["detail"] == "limit: must not be less than 1"


@pytest.mark.parametrize(
    ("change", "field"), [({"category_id": 999999}, "category_id"), ({"area_id": 999999}, "area_id")]
)
def test_ids_that_do_not_exist_are_422(staff, api_as, change, field):
    response = api_as(staff["operator"]).post("/appeals", BODY | change)

    assert response.status_code == 422
    assert response.json()["detail"].startswith(f"{field}:")
    assert not Ticket.objects.exists()


def test_an_inactive_area_is_422(staff, departments, api_as):
    departments["street"].is_active = False
    departments["street"].save()

    response = api_as(staff["operator"]).post("/appeals", BODY | {"area_id": departments["street"].pk})

    assert response.status_code == 422
    assert "area_id" in response.json()["detail"]


@pytest.mark.parametrize("raw", ['{"channel": "web", "title": ', "not json", b"\xff\xfe\x00"])
def test_malformed_json_is_400_not_500(staff, api_as, raw):
    response = api_as(staff["operator"]).post("/appeals", raw=raw)

    assert response.status_code == 400
    assert response.json()["detail"]
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("raw", ["[]", "null", '"text"', "42", ""])
def test_a_body_that_is_not_an_object_is_422(staff, api_as, raw):
    response = api_as(staff["operator"]).post("/appeals", raw=raw)

    assert response.status_code == 422
    assert response.json()["detail"].startswith("body:")


def test_a_second_operator_can_use_their_own_token(departments, api_as):
    other = UserFactory(username="op3")

    response = api_as(other).post("/appeals", BODY)

    assert response.status_code == 201
    assert Appeal.objects.get().created_by == other


@pytest.mark.parametrize(
    "given", [{"latitude": 31.23, "longitude": None}, {"latitude": None, "longitude": 121.47}]
)
def test_half_a_point_is_422(staff, api_as, given):
    """One coordinate without the other was dropped without a word (the ticket stored with no
    point), where Open311 refuses it; now both refuse it, as the routing explanation did."""
    body = {k: v for k, v in (BODY | given).items() if v is not None}
    response = api_as(staff["operator"]).post("/appeals", body)
    assert response.status_code == 422, response.json()
    assert "latitude 和 longitude 须同时给出" in response.json()["detail"]
    assert not Ticket.objects.exists()
    similar = api_as(staff["operator"]).get("/dedup/similar", {"text": "路灯不亮", "latitude": 31.23})
    assert similar.status_code == 422
    assert "latitude 和 longitude 须同时给出" in similar.json()["detail"]
