"""The OpenAPI document describes the API, and nothing is fetched from a CDN."""

import json
import re

import pytest
from django.test import Client

from hotline.tickets.api import ACTION_ENDPOINTS
from hotline.tickets.transitions import ALLOWED_FROM

pytestmark = pytest.mark.django_db


@pytest.fixture
def spec() -> dict:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_the_spec_lists_the_endpoints(spec):
    paths = spec["paths"]

    assert spec["info"]["version"] == "1"
    assert set(paths["/api/v1/appeals"]) == {"post"}
    assert set(paths["/api/v1/tickets"]) == {"get"}
    assert set(paths["/api/v1/tickets/{ticket_id}"]) == {"get"}
    assert set(paths["/api/v1/departments"]) == {"get"}
    assert set(paths["/api/v1/categories"]) == {"get"}
    assert "/api/v1/tickets/{ticket_id}/actions/{name}" not in paths


@pytest.mark.parametrize("name", list(ALLOWED_FROM))
def test_every_action_has_its_own_endpoint_and_body(spec, name):
    operation = spec["paths"][f"/api/v1/tickets/{{ticket_id}}/actions/{name}"]["post"]

    assert operation["operationId"] == f"ticket_action_{name}"
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert "$ref" in body or "anyOf" in body
    assert {"200", "403", "404", "409", "422"} <= set(operation["responses"])


def test_the_action_table_has_one_row_per_action():
    assert [row.name for row in ACTION_ENDPOINTS] == list(ALLOWED_FROM)


@pytest.mark.parametrize(
    ("name", "description"),
    [
        ("accept", "The body may be left out when the department has only one assignment on the ticket."),
        ("close", "The body may be left out."),
        ("resume", "The body may be left out when only one assignment is suspended."),
    ],
)
def test_a_body_that_may_be_left_out_says_so(spec, name, description):
    operation = spec["paths"][f"/api/v1/tickets/{{ticket_id}}/actions/{name}"]["post"]

    assert operation["requestBody"]["required"] is False
    assert operation["description"] == description


def test_the_other_bodies_are_required(spec):
    optional = {"accept", "close", "resume"}
    for name in set(ALLOWED_FROM) - optional:
        operation = spec["paths"][f"/api/v1/tickets/{{ticket_id}}/actions/{name}"]["post"]
        assert operation["requestBody"]["required"] is True, name
        assert "description" not in operation, name


def test_the_dispatch_body_is_typed(spec):
    schema = spec["components"]["schemas"]["DispatchIn"]

    assert schema["required"] == ["lead_department_id"]
    assert set(schema["properties"]) == {
        "lead_department_id",
        "co_department_ids",
        "category_id",
        "kind",
        "urgency",
        "is_complex",
        "note",
    }
    assert schema["additionalProperties"] is False


def test_the_list_documents_its_filters(spec):
    names = {p["name"] for p in spec["paths"]["/api/v1/tickets"]["get"]["parameters"]}

    assert {"status", "department", "category", "kind", "created_from", "created_to", "q"} <= names
    assert {"limit", "offset", "page", "page_size"} <= names


def test_both_ways_to_authenticate_are_described(spec):
    schemes = spec["components"]["securitySchemes"]

    assert {"type": "http", "scheme": "bearer"}.items() <= schemes["TokenAuth"].items()
    assert schemes["SessionAuth"]["in"] == "cookie"
    assert spec["paths"]["/api/v1/tickets"]["get"]["security"] == [{"TokenAuth": []}, {"SessionAuth": []}]


def test_docs_page_loads_nothing_from_the_internet():
    response = Client().get("/api/v1/docs")

    assert response.status_code == 200
    body = response.content.decode()
    assert "swagger-ui" in body
    assert "cdn." not in body
    # every script and stylesheet is served by Hotline itself
    assert re.findall(r'(?:src|href)="(https?://[^"]+)"', body) == []


def test_every_reference_resolves_within_the_document(spec):
    # A schema written in by hand (the signed webhook's body) must not keep pydantic's local
    # `#/$defs/...` references: in the document they would point at its root, where there is none.
    refs = set(re.findall(r'"\$ref": "([^"]+)"', json.dumps(spec)))
    assert refs, "the document refers to its components"
    for ref in refs:
        node = spec
        for part in ref.removeprefix("#/").split("/"):
            assert part in node, ref
            node = node[part]
    webhook = spec["paths"]["/api/v1/channels/{channel}/webhook"]["post"]["requestBody"]
    body = webhook["content"]["application/json"]["schema"]
    assert body["properties"]["attachments"]["items"]["required"] == ["name", "content_base64"]
