"""Ids and offsets from query strings and forms (web/params.py): a value that is not a number in
range is ignored as a filter or refused with a 4xx, never a 500. "²" and "①" pass `str.isdigit()`
and fail `int()`; twenty nines pass both and overflow bigint in the database."""

import pytest

from hotline.core.api import MAX_ID
from hotline.tickets.models import Ticket
from hotline.web import params

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
NOT_NUMBERS = ["²", "①", "١٢", "+1", "1_0", " 1 2", "-1", "99999999999999999999", str(2**63)]
HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    ("value", "found"),
    [
        ("1", 1),
        ("0012", 12),
        (str(MAX_ID), MAX_ID),
        (" 7 ", 7),
        ("", None),
        (None, None),
        ("0", None),
        *[(v, None) for v in NOT_NUMBERS],
    ],
)
def test_an_id_is_ascii_digits_within_bigint(value, found) -> None:
    assert params.parse_id(value) == found


@pytest.mark.parametrize(
    ("value", "found"),
    [
        ("0", 0),
        ("40", 40),
        ("", 0),
        (None, 0),
        ("²", 0),
        ("-20", 0),
        (HUGE, params.MAX_OFFSET),
        (str(params.MAX_OFFSET + 1), params.MAX_OFFSET),
        ("9" * 5000, params.MAX_OFFSET),
    ],
)
def test_an_offset_is_capped(value, found) -> None:
    assert params.parse_offset(value) == found


def test_a_cursor_is_so_many_numbers() -> None:
    assert params.cursor_parts("1_2_3", 3) == [1, 2, 3]
    assert params.cursor_parts("1_2", 3) is None
    assert params.cursor_parts("1_²_3", 3) is None
    assert params.cursor_parts("", 1) is None
    assert params.moment(10**17) is not None and params.moment(999_999_999_999_999_999) is None


@pytest.mark.parametrize("value", ["²", "①", HUGE, "abc"])
def test_the_public_answers_ignore_a_bad_category_and_offset(client, value) -> None:
    assert client.get("/qa/", {"category": value}).status_code == 200
    assert client.get("/qa/", {"offset": value}).status_code == 200


@pytest.mark.parametrize("value", ["²", HUGE])
@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("dispatcher", "/dispatch/"),
        ("dispatcher", "/dispatch/returns/"),
        ("dispatcher", "/replies/flagged/"),
        ("dispatcher", "/knowledge/"),
        ("dispatcher", "/cases/"),
        ("supervisor", "/supervision/"),
        ("supervisor", "/supervision/repetitions/"),
        ("operator", "/callbacks/"),
        ("housing", "/inbox/"),
        ("leader", "/rankings/tickets/"),
    ],
)
def test_staff_lists_ignore_a_bad_offset_and_category(client, staff, waiting, role, path, value) -> None:
    client.force_login(staff[role])
    for query in ({"offset": value}, {"category": value}, {"after": value}, {"after": f"1_{value}_1"}):
        assert client.get(path, query).status_code == 200, query


@pytest.mark.parametrize("key", ["²", "①", HUGE, "0"])
def test_a_ranking_refuses_a_bad_key_in_words(client, staff, key) -> None:
    client.force_login(staff["leader"])
    query = {"rate": "timely", "dimension": "department", "key": key, "period": "2026-11"}
    response = client.get("/rankings/tickets/", query)
    assert response.status_code == 404
    assert "没有这个统计对象" in response.content.decode()


@pytest.mark.parametrize("value", ["²", "①", HUGE])
def test_the_console_ignores_an_article_id_that_is_not_one(client, staff, value) -> None:
    client.force_login(staff["operator"])
    response = client.post("/console/", {"submit": "answer", "article_id": value})
    assert response.status_code == 422  # the form's own complaints, not a server error


@pytest.mark.parametrize("htmx", [True, False])
@pytest.mark.parametrize(("action", "field"), [("merge", "into_ticket_id"), ("link", "other_ticket_id")])
@pytest.mark.parametrize("value", [HUGE, str(2**63), "²"])
def test_merging_or_linking_with_a_number_past_bigint_is_a_422(
    client, staff, waiting, htmx, action, field, value
) -> None:
    client.force_login(staff["dispatcher"])
    ticket = waiting[0]
    headers = HTMX if htmx else {}
    response = client.post(f"/dispatch/{ticket.pk}/{action}/", {field: value}, **headers)
    if htmx:
        assert response.status_code == 422
        assert "须为编号" in response.content.decode()  # web/wording.py names the field in words
    else:  # without JavaScript the queue comes back with the message
        assert response.status_code == 302
        assert "须为编号" in client.get(response["Location"]).content.decode()
    assert Ticket.objects.get(pk=ticket.pk).merged_into is None
