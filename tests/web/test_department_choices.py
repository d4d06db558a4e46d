"""The department drop-downs of the dispatch forms (the ticket page, the dispatch desk, the returns):
names, never codes, grouped by level, a community named with its street so that two of one name
are told apart; one list (`web.department_choices`) for all of them."""

import re

import pytest

from hotline.web.department_choices import department_groups
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def communities(departments):
    """Two streets, each with a community called 湖滨社区, and a district bureau."""
    other = DepartmentFactory(
        code="D0102", name="湖滨街道", level="street", parent=departments["district"], is_area=True
    )
    first = DepartmentFactory(
        code="D010101", name="湖滨社区", level="community", parent=departments["street"], is_area=True
    )
    second = DepartmentFactory(code="D010201", name="湖滨社区", level="community", parent=other, is_area=True)
    bureau = DepartmentFactory(
        code="D01B1", name="住建分局", level="district", parent=departments["district"]
    )
    return {"other_street": other, "first": first, "second": second, "bureau": bureau}


def groups_of(select: str) -> dict[str, list[tuple[str, str]]]:
    """A select's options by their group's label: (value, text)."""
    found: dict[str, list[tuple[str, str]]] = {}
    for label, body in re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select, re.S):
        found[label] = re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', body)
    return found


def select_named(page: str, name: str, after: str = "") -> str:
    start = page.index(after) if after else 0
    begin = page.index(f'name="{name}"', start)
    return page[begin : page.index("</select>", begin)]


def test_the_groups_go_by_level_and_name_a_community_with_its_street(departments, communities) -> None:
    groups = {g.label: [(o.pk, o.label) for o in g.options] for g in department_groups()}

    assert list(groups) == ["市级部门、公共企业", "区县", "街道、乡镇", "社区、村"]
    assert groups["市级部门、公共企业"] == [
        (departments["housing"].pk, "住建局"),
        (departments["water"].pk, "水务局"),
    ]
    # The district, then its own bureau (named with it).
    assert groups["区县"] == [
        (departments["district"].pk, "东城区"),
        (communities["bureau"].pk, "东城区 · 住建分局"),
    ]
    assert groups["街道、乡镇"] == [
        (departments["street"].pk, "东城区 · 和平街道"),
        (communities["other_street"].pk, "东城区 · 湖滨街道"),
    ]
    assert groups["社区、村"] == [
        (communities["first"].pk, "和平街道 · 湖滨社区"),
        (communities["second"].pk, "湖滨街道 · 湖滨社区"),
    ]


def test_an_inactive_department_is_not_offered(departments) -> None:
    departments["water"].is_active = False
    departments["water"].save()
    offered = [o.pk for g in department_groups() for o in g.options]
    assert departments["water"].pk not in offered and departments["housing"].pk in offered


def test_the_ticket_pages_dispatch_form_offers_names_in_groups(
    client, staff, departments, communities, waiting
) -> None:
    client.force_login(staff["dispatcher"])
    page = client.get(f"/tickets/{waiting[0].number}/").content.decode()

    for name in ("lead_department_id", "co_department_ids"):
        select = select_named(page, name)
        groups = groups_of(select)
        assert "B01" not in select and "D0101" not in select  # no codes
        assert (str(departments["housing"].pk), "住建局") in groups["市级部门、公共企业"]
        assert (str(communities["second"].pk), "湖滨街道 · 湖滨社区") in groups["社区、村"]


def test_the_dispatch_desk_offers_names_in_groups(client, staff, departments, communities, waiting) -> None:
    client.force_login(staff["dispatcher"])
    page = client.get("/dispatch/").content.decode()

    select = select_named(page, "lead_department_id", after=f'id="ticket-{waiting[0].pk}"')
    assert "B01 " not in select
    assert (str(communities["first"].pk), "和平街道 · 湖滨社区") in groups_of(select)["社区、村"]


def test_the_returns_offer_names_in_groups_without_the_department_that_returned(
    client, staff, departments, communities, returned
) -> None:
    client.force_login(staff["dispatcher"])
    page = client.get("/dispatch/returns/").content.decode()
    lead = returned.assignments.get(department__code="B01")

    for name in ("lead_department_id", "co_department_ids"):
        select = select_named(page, name, after=f'id="return-{lead.pk}"')
        groups = groups_of(select)
        assert "B02" not in select and "水务局" in select
        assert (str(departments["housing"].pk), "住建局") not in groups["市级部门、公共企业"]
        assert (str(departments["street"].pk), "东城区 · 和平街道") in groups["街道、乡镇"]


def test_dispatching_with_a_grouped_option_still_works(
    client, staff, departments, communities, waiting
) -> None:
    client.force_login(staff["dispatcher"])
    response = client.post(
        f"/tickets/{waiting[0].number}/do/dispatch/",
        {"lead_department_id": communities["second"].pk},
    )
    assert response.status_code == 302
    waiting[0].refresh_from_db()
    assert waiting[0].lead_assignment.department == communities["second"]
    # Once dispatched, the form is gone: the helper is not asked.
    page = client.get(f"/tickets/{waiting[0].number}/").content.decode()
    assert "<optgroup" not in page


def test_the_consoles_area_names_a_community_with_its_street(client, staff, departments, communities) -> None:
    client.force_login(staff["operator"])
    page = client.get("/console/").content.decode()
    select = select_named(page, "area")
    assert f'<option value="{communities["first"].pk}">和平街道 · 湖滨社区</option>' in select
    assert f'<option value="{communities["second"].pk}">湖滨街道 · 湖滨社区</option>' in select


def test_a_heads_inbox_filter_names_the_units_below_in_groups(
    client, staff, departments, communities
) -> None:
    client.force_login(staff["district_head"])
    select = select_named(client.get("/inbox/").content.decode(), "department")
    groups = groups_of(select)
    assert "D0101" not in select
    assert (str(departments["district"].pk), "东城区") in groups["区县"]
    assert (str(communities["first"].pk), "和平街道 · 湖滨社区") in groups["社区、村"]

    chosen = select_named(
        client.get(f"/inbox/?department={communities['first'].pk}").content.decode(), "department"
    )
    assert f'<option value="{communities["first"].pk}" selected>和平街道 · 湖滨社区</option>' in chosen
