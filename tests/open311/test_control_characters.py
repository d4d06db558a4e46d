"""POST requests refuses NUL and the other C0 control characters (but tab, line feed and carriage
return) in any field as the JSON API does: 400 with the specification's error list, naming each
field, nothing stored; PostgreSQL could not store NUL at all."""

import json

import pytest

from hotline.intake.models import Appeal
from hotline.tickets.models import Ticket
from tests.open311.conftest import form

pytestmark = pytest.mark.django_db


def post(client, fields, fmt: str = "json"):
    return client.post(f"/open311/v2/requests.{fmt}", fields)


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"description": "a\x00b"}, ["description: 不能包含 NUL 字符"]),
        ({"attribute[title]": "t\x00"}, ["attribute[title]: 不能包含 NUL 字符"]),
        ({"phone": "abc\x00"}, ["phone: 不能包含 NUL 字符"]),
        ({"address_id": "\x00"}, ["address_id: 不能包含 NUL 字符"]),
        ({"description": "路灯\x01坏了"}, ["description: 不能包含控制字符（U+0001）"]),
        (
            {"first_name": "\x1f三", "last_name": "张\x0b"},
            ["first_name: 不能包含控制字符（U+001F）", "last_name: 不能包含控制字符（U+000B）"],
        ),
        (
            {"account_id": "a\x00", "email": "x\x07@example.com"},
            ["account_id: 不能包含 NUL 字符", "email: 不能包含控制字符（U+0007）"],
        ),
    ],
)
def test_a_control_character_in_any_field_is_400_naming_it(
    client, services, api_key, extra, expected
) -> None:
    response = post(client, form(api_key, **extra))
    assert response.status_code == 400, response.content
    body = json.loads(response.content)
    assert all(e["code"] == 400 for e in body)
    assert [e["description"] for e in body] == expected
    assert not Ticket.objects.exists()


def test_the_refusal_is_an_error_list_in_xml_too(client, services, api_key) -> None:
    response = post(client, form(api_key, description="a\x00b"), fmt="xml")
    assert response.status_code == 400, response.content
    text = response.content.decode()
    assert "<errors>" in text and "<code>400</code>" in text
    assert "<description>description: 不能包含 NUL 字符</description>" in text
    assert not Ticket.objects.exists()


def test_every_value_of_a_repeated_field_is_checked(client, services, api_key) -> None:
    fields = form(api_key)
    fields["attribute[kind]"] = ["complaint", "\x00"]  # type: ignore[assignment]
    response = post(client, fields)
    assert response.status_code == 400
    assert "attribute[kind]: 不能包含 NUL 字符" in [e["description"] for e in json.loads(response.content)]


def test_tabs_and_line_breaks_are_text(client, services, api_key) -> None:
    response = post(client, form(api_key, description="路灯坏了\r\n一周了\t请修"))
    assert response.status_code == 200, response.content
    assert Appeal.objects.get().content == "路灯坏了\r\n一周了\t请修"


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("post", "/open311/v2/requests.json", {"service_code": "a\x00"}),
        ("get", "/open311/v2/services/a%00.json", {}),
        ("get", "/open311/v2/requests.json", {"service_code": "a\x00b"}),
        ("get", "/open311/v2/requests.json", {"service_request_id": "1\x00"}),
        ("get", "/open311/v2/requests.json", {"jurisdiction_id": "\x00"}),
    ],
)
def test_a_nul_where_the_database_would_look_it_up_is_400(
    client, services, api_key, method, url, data
) -> None:
    """A service code or a filter with NUL never reaches the database's lookup, which PostgreSQL
    would answer with an error (a 500)."""
    fields = form(api_key, **data) if method == "post" else data
    response = getattr(client, method)(url, fields)
    assert response.status_code == 400, response.content
    assert "NUL" in response.content.decode()
    assert not Ticket.objects.exists()


def test_an_api_key_with_nul_is_a_wrong_key(client, services, api_key) -> None:
    response = post(client, {**form(api_key), "api_key": "k\x00"})
    assert response.status_code == 403, response.content
