"""The department tree in the admin: a department cannot be put under itself or under one of the
departments below it (a loop would take the branch out of the city's tree)."""

import html

import pytest
from django.test import Client

from hotline.directory.models import Department, Place
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


def posted(department: Department, **changes: object) -> dict[str, object]:
    """The change form of a department as the admin posts it (no gazetteer entry), with `changes`."""
    return {
        "code": department.code,
        "name": department.name,
        "level": department.level,
        "parent": department.parent_id or "",
        "is_area": "on" if department.is_area else "",
        "is_active": "on",
        "phone": department.phone,
        "place-TOTAL_FORMS": "0",
        "place-INITIAL_FORMS": "0",
        "place-MIN_NUM_FORMS": "0",
        "place-MAX_NUM_FORMS": "1",
        **changes,
    }


def change(client: Client, department: Department, **changes: object) -> str:
    page = client.post(f"/admin/directory/department/{department.pk}/change/", posted(department, **changes))
    return html.unescape(page.content.decode()) if page.status_code == 200 else ""


@pytest.mark.parametrize("below", ["itself", "street", "community"])
def test_a_department_cannot_be_put_under_itself_or_below_itself(root, departments, below) -> None:
    district, street = departments["district"], departments["street"]
    community = DepartmentFactory(
        code="D010101", name="幸福社区", level="community", parent=street, is_area=True
    )
    parent = {"itself": district, "street": street, "community": community}[below]

    page = change(root, district, parent=parent.pk)

    assert "不能作为它的上级" in page or "不能以自身作为上级" in page
    district.refresh_from_db()
    assert district.parent_id is None


def test_a_department_moves_to_another_branch(root, departments) -> None:
    other = DepartmentFactory(code="D02", name="西城区", level="district", is_area=True)

    assert change(root, departments["street"], parent=other.pk) == ""

    assert Department.objects.get(pk=departments["street"].pk).parent_id == other.pk


def test_an_area_with_a_gazetteer_entry_says_why_it_stays_an_area(root, departments) -> None:
    # Unticking 属地单位 of an area with a gazetteer entry was refused with "请更正以下错误" and no
    # error anywhere: the entry's own refusal sat on its hidden department field.
    district = departments["district"]
    place = Place.objects.create(department=district, aliases="东城")
    form = {
        "place-TOTAL_FORMS": "1",
        "place-INITIAL_FORMS": "1",
        "place-0-id": place.pk,
        "place-0-department": district.pk,
        "place-0-aliases": "东城",
        "place-0-adcode": "",
        "place-0-boundary": "null",
    }

    page = change(root, district, is_area="", **form)

    assert "只有属地单位（区、街道、社区）可以登记地名" in page
    assert Department.objects.get(pk=district.pk).is_area
    # Without its entry it may stop being an area.
    assert change(root, district, is_area="", **form, **{"place-0-DELETE": "on"}) == ""
    assert not Department.objects.get(pk=district.pk).is_area
