"""Text fields of the API refuse the C0 control characters other than tab, line feed and carriage
return, as they refuse NUL: 422 naming the field and the character, nothing stored. Open311's form
is refused the same way (tests/open311/test_control_characters.py)."""

import pytest

from hotline.core.api import control_character_refusal
from hotline.tickets.models import Ticket
from tests.api.test_appeals import BODY

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "refusal"),
    [
        ("路灯不亮", None),
        ("第一行\n第二行\r\n\t缩进", None),  # tab, line feed and carriage return are text
        ("a\x00b", "不能包含 NUL 字符"),
        ("a\x01b", "不能包含控制字符（U+0001）"),
        ("\x0b", "不能包含控制字符（U+000B）"),
        ("x\x1f", "不能包含控制字符（U+001F）"),
        ("a\x01\x00", "不能包含 NUL 字符"),  # NUL named first: the one the database cannot store
        ("a\x7fb", "不能包含控制字符（U+007F）"),
        # The bidirectional overrides and isolates reorder what a reader sees (a name, an address
        # shown backwards: "Trojan Source"); nobody writes them by hand.
        ("\u202e21 幸福路", "不能包含控制字符（U+202E）"),
        ("\u202a", "不能包含控制字符（U+202A）"),
        ("路\u2066灯\u2069", "不能包含控制字符（U+2066）"),
        ("\u2069", "不能包含控制字符（U+2069）"),
        ("\u0080\u009f", None),  # the C1 block is left alone: openpyxl and XML take it
        ("\u200e\u200f", None),  # marks, not overrides: pasted from web pages with Arabic or Hebrew
        ("😀 路灯不亮，见图。", None),
        ("\u2065\u206a\u2029", None),  # next to the isolates, and not them
    ],
)
def test_the_refusal_names_the_character(value: str, refusal: str | None) -> None:
    assert control_character_refusal(value) == refusal


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "路灯\x01不亮"),
        ("content", "油烟\x0b直排"),
        ("address", "幸福路\x1b8号"),
        ("citizen_name", "李\x08女士"),
        ("citizen_phone", "139\x0c12345678"),
        ("external_id", "web\x02-1"),
        ("address", "幸福路\u202e号8"),
        ("title", "路灯\x7f不亮"),
    ],
)
def test_a_control_character_in_an_appeal_is_422_naming_the_field(staff, api_as, field, value) -> None:
    response = api_as(staff["operator"]).post("/appeals", BODY | {field: value})

    assert response.status_code == 422, response.json()
    assert response.json()["detail"].startswith(f"{field}: 不能包含控制字符（U+")
    assert response.json()["errors"][0]["type"] == "control_character"
    assert not Ticket.objects.exists()


def test_nul_is_refused_as_before(staff, api_as) -> None:
    response = api_as(staff["operator"]).post("/appeals", BODY | {"title": "nul\x00byte"})
    assert response.status_code == 422
    assert response.json()["detail"] == "title: 不能包含 NUL 字符"


def test_tabs_and_line_breaks_are_kept(staff, api_as) -> None:
    response = api_as(staff["operator"]).post("/appeals", BODY | {"content": "第一行\r\n第二行\t完"})
    assert response.status_code == 201, response.json()
    assert Ticket.objects.get().appeals.get().content == "第一行\r\n第二行\t完"
