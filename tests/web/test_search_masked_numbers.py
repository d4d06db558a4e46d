"""The text search (/tickets/?q=) for a role that sees citizens' numbers masked (a leader, a grid
worker) does not match the digits of a phone or identity-card number written in a ticket: probing
them a few digits at a time would give away the number the pages mask. The roles that call citizens
back still find them; the ticket's number and the other digits of a text (a flat, a year) are found
by everyone."""

import io
import uuid

import pytest
from openpyxl import load_workbook

from hotline.core.enums import Channel
from hotline.intake.actions import AppealData, do_receive_grid_report
from tests.factories import make_ticket
from tests.web.test_search import numbers

pytestmark = pytest.mark.django_db

CONTENT = "3栋1501室楼上2026年起夜夜装修，请回电13912345678，身份证号11010519900307123X。"
# Pieces of the mobile and of the identity number, short and long, at their start, middle and end.
PROBES = ["139", "1391", "13912345678", "2345", "5678", "回电139", "1990", "0307", "105199", "123X"]
# What the page shows a leader and everybody may search: the ticket's number (below), a flat, a year.
PLAIN = ["1501", "3栋1501室", "2026年", "夜夜装修"]


@pytest.fixture
def ticket(staff):
    return make_ticket(actor=staff["operator"], title="楼上装修噪音", content=CONTENT, phone="13800000001")


@pytest.mark.parametrize("probe", PROBES)
def test_a_leader_does_not_find_a_ticket_by_the_digits_of_a_number_in_its_text(
    client, staff, ticket, probe
) -> None:
    client.force_login(staff["leader"])
    assert numbers(client.get("/tickets/", {"q": probe})) == []


@pytest.mark.parametrize("role", ["operator", "dispatcher", "supervisor"])
def test_the_roles_that_call_back_still_find_it(client, staff, ticket, role) -> None:
    client.force_login(staff[role])
    for probe in PROBES:
        assert numbers(client.get("/tickets/", {"q": probe})) == [ticket.number], probe


def test_a_leader_finds_it_by_its_number_and_the_other_digits_of_its_text(client, staff, ticket) -> None:
    client.force_login(staff["leader"])
    for text in [ticket.number, ticket.number[-6:], ticket.number[:8], *PLAIN]:
        assert numbers(client.get("/tickets/", {"q": text})) == [ticket.number], text


def test_a_leader_finds_a_ticket_without_a_number_by_its_own_text(client, staff) -> None:
    """Such a ticket has no masked text (most tickets): its title and content are searched."""
    plain = make_ticket(
        actor=staff["operator"], title="地铁2号线出口积水", content="12345热线反映：雨后出口积水严重"
    )
    client.force_login(staff["leader"])
    for text in ["2号线", "积水严重", "12345"]:
        assert numbers(client.get("/tickets/", {"q": text})) == [plain.number], text


def test_a_number_written_with_spaces_dashes_or_full_width_digits_is_not_found(client, staff) -> None:
    spaced = make_ticket(actor=staff["operator"], content="电话 139 1234 5678 或 (0571) 8888-0000")
    wide = make_ticket(actor=staff["operator"], content="手机１３９１２３４５６７８，座机 88881234")
    client.force_login(staff["leader"])
    for probe in ["139 1234", "1234 5678", "8888-0000", "0571", "１３９１", "5678", "8888", "1234"]:
        assert numbers(client.get("/tickets/", {"q": probe})) == [], probe
    client.force_login(staff["dispatcher"])
    assert numbers(client.get("/tickets/", {"q": "1234 5678"})) == [spaced.number]
    assert numbers(client.get("/tickets/", {"q": "１３９１"})) == [wide.number]


def test_a_grid_worker_does_not_find_a_report_by_a_number_in_it(signed_in, grid_worker) -> None:
    report, _created = do_receive_grid_report(
        AppealData(
            channel=Channel.GRID,
            external_id=f"grid-{uuid.uuid4().hex}",
            citizen_name=grid_worker.display_name,
            title="占道经营",
            content="3栋门前占道经营，摊主电话13912345678",
        ),
        grid_worker,
    )
    assert numbers(signed_in.get("/tickets/", {"q": "3912"})) == []
    assert numbers(signed_in.get("/tickets/", {"q": "3栋"})) == [report.number]
    assert numbers(signed_in.get("/tickets/", {"q": report.number})) == [report.number]


def test_the_export_of_a_leader_does_not_match_them_either(client, staff, ticket) -> None:
    client.force_login(staff["leader"])
    for probe, found in (("3912", []), ("1501", [ticket.number])):
        sheet = load_workbook(io.BytesIO(client.get("/tickets/export.xlsx", {"q": probe}).content)).active
        assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == found, probe


def test_the_form_tells_a_leader_that_numbers_are_not_searched(client, staff) -> None:
    client.force_login(staff["leader"])
    assert "内容中的电话、证件号码不参与检索" in client.get("/tickets/").content.decode()
    client.force_login(staff["dispatcher"])
    assert "内容中的电话、证件号码不参与检索" not in client.get("/tickets/").content.decode()
