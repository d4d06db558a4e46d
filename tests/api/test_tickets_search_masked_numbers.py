"""GET /api/v1/tickets?q= for a role that sees citizens' numbers masked (a leader) does not match
the digits of a phone or identity-card number written in a ticket; a role that calls citizens back
still finds them, and everyone finds the ticket by its number and the other digits of its text."""

import pytest

from tests.factories import make_ticket

pytestmark = pytest.mark.django_db

CONTENT = "3栋1501室楼上2026年起夜夜装修，请回电13912345678，身份证号11010519900307123X。"


def _numbers(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [item["number"] for item in response.json()["items"]]


@pytest.fixture
def ticket(staff):
    return make_ticket(actor=staff["operator"], title="楼上装修噪音", content=CONTENT, phone="13800000001")


def test_a_leader_does_not_find_a_ticket_by_the_digits_of_a_number_in_its_text(staff, ticket, api_as):
    leader = api_as(staff["leader"])
    for probe in ["139", "13912345678", "2345678", "1990", "0307123X"]:
        response = leader.get("/tickets", {"q": probe})
        assert _numbers(response) == [] and response.json()["count"] == 0, probe
    for text in [ticket.number, ticket.number[-6:], "1501室", "2026年"]:
        assert _numbers(leader.get("/tickets", {"q": text})) == [ticket.number], text


def test_a_dispatcher_still_finds_it_by_those_digits(staff, ticket, api_as):
    dispatcher = api_as(staff["dispatcher"])
    for probe in ["139", "13912345678", "1990", ticket.number, "1501室"]:
        assert _numbers(dispatcher.get("/tickets", {"q": probe})) == [ticket.number], probe
