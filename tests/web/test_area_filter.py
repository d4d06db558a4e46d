"""The 属地 (area) filter of every ticket list takes the area chosen and every area under it: a
district's tickets are filed in its streets and communities, a street's in its communities too.
The same filter serves the search page (工单查询), its Excel export and the API's ticket list."""

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from hotline.accounts.models import ApiToken
from hotline.intake.actions import AppealData, do_receive_appeal
from hotline.tickets.models import Ticket
from tests.factories import DepartmentFactory
from tests.web.test_search import numbers

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(departments):
    """The district of the `departments` fixture with its street, a community in that street, a
    bureau under the district (no area), and a second district."""
    community = DepartmentFactory(
        code="D010101", name="幸福社区", level="community", parent=departments["street"], is_area=True
    )
    DepartmentFactory(code="D01B1", name="东城区住建局", level="district", parent=departments["district"])
    other = DepartmentFactory(code="D02", name="西城区", level="district", is_area=True)
    return {**departments, "community": community, "other": other}


@pytest.fixture
def filed(staff, places) -> dict[str, Ticket]:
    """One ticket filed in each place, and one without an area."""
    made = {}
    for where in ("district", "street", "community", "other", None):
        ticket, _created = do_receive_appeal(
            AppealData(
                channel="phone",
                title=f"诉求 {where}",
                content="请处理",
                citizen_phone="13800000001",
                area_id=places[where].pk if where else None,
            ),
            staff["operator"],
        )
        made[str(where)] = ticket
    return made


# The area chosen -> the tickets found: its own and those of every area under it.
EXPECTED = {
    "district": {"district", "street", "community"},
    "street": {"street", "community"},
    "community": {"community"},
    "other": {"other"},
}


@pytest.mark.parametrize("area", list(EXPECTED))
def test_the_search_page_finds_the_area_and_everything_under_it(client, staff, places, filed, area) -> None:
    client.force_login(staff["operator"])
    response = client.get("/tickets/", {"area": places[area].pk})
    assert response.status_code == 200
    assert set(numbers(response)) == {filed[name].number for name in EXPECTED[area]}


def test_the_export_reads_the_same_area_filter(client, staff, places, filed) -> None:
    client.force_login(staff["operator"])
    response = client.get("/tickets/export.xlsx", {"area": places["district"].pk})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    exported = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert exported == {filed[name].number for name in EXPECTED["district"]}


def test_the_api_filters_its_ticket_list_by_area(staff, places, filed) -> None:
    _token, raw = ApiToken.issue(staff["operator"], name="test")
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    for area, names in EXPECTED.items():
        response = api.get("/api/v1/tickets", {"area": places[area].pk})
        assert response.status_code == 200, response.json()
        body = response.json()
        assert {item["id"] for item in body["items"]} == {filed[name].pk for name in names}
        assert body["count"] == len(names)
    # Without the filter, every ticket (the one with no area too).
    assert api.get("/api/v1/tickets").json()["count"] == len(filed)


def test_a_department_still_sees_only_its_own_within_an_area(client, staff, places, filed) -> None:
    """The area widens what the filter takes, never what the user may see."""
    client.force_login(staff["housing"])
    assert numbers(client.get("/tickets/", {"area": places["district"].pk})) == []
