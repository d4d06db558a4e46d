"""The console's caller lookup (/console/caller/) reads the number as a phone field does
(`core.phone.half_width`): full-width digits, as a Chinese input method types them, are the ASCII
ones; digits of another script are no digits of a number anyone dials."""

import re

import pytest

from tests.factories import make_ticket

pytestmark = pytest.mark.django_db

WAITING = "输入来电号码（至少后四位）后显示。"


def found(client, typed: str) -> list[str]:
    page = client.get("/console/caller/", {"citizen_phone": typed}).content.decode()
    return re.findall(r'class="caller-ticket" data-number="([^"]+)"', page)


@pytest.mark.parametrize(
    "typed",
    ["１３８１２３４１２３４", "１３８－１２３４－１２３４", "１３８　１２３４　１２３４", "１２３４"],
)
def test_a_number_typed_in_full_width_digits_finds_the_callers_tickets(client, staff, typed) -> None:
    ticket = make_ticket(actor=staff["operator"], phone="13812341234")
    make_ticket(actor=staff["operator"], title="别人的来电", phone="13900001111")
    client.force_login(staff["operator"])
    assert found(client, typed) == [ticket.number]


@pytest.mark.parametrize(
    "typed",
    [
        "١٢٣٤",  # Arabic-Indic
        "۱۲۳۴",  # Extended Arabic-Indic (Persian)
        "१२३४",  # Devanagari
        "12३४",
    ],
)
def test_digits_of_another_script_are_no_number(client, staff, typed) -> None:
    make_ticket(actor=staff["operator"], phone="13812341234")
    client.force_login(staff["operator"])
    page = client.get("/console/caller/", {"citizen_phone": typed}).content.decode()
    assert WAITING in page and "data-number" not in page
