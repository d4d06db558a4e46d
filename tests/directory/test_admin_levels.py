"""A department's level fits its parent's in the admin: the same level (a bureau under the city, a
district's own bureau under the district) or the one just below (a district under the city, a
street under a district, a community under a street), as the demo city is built. A district under
a street, or a community straight under a district, put it outside the tree the places, the
districts' figures and the rankings walk."""

import html

import pytest
from django.test import Client

from hotline.core.enums import DepartmentLevel
from hotline.demo.generator import department_specs
from hotline.directory.models import Department
from tests.directory.test_admin_tree import change
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

ADD = "/admin/directory/department/add/"


def add(client: Client, level: str, parent: Department | None) -> str:
    """The page after adding a department of `level` under `parent` ("" once it was saved)."""
    page = client.post(
        ADD,
        {
            "code": "N01",
            "name": "新单位",
            "level": level,
            "parent": parent.pk if parent else "",
            "is_area": "on",
            "is_active": "on",
            "phone": "",
            "place-TOTAL_FORMS": "0",
            "place-INITIAL_FORMS": "0",
            "place-MIN_NUM_FORMS": "0",
            "place-MAX_NUM_FORMS": "1",
        },
    )
    return html.unescape(page.content.decode()) if page.status_code == 200 else ""


@pytest.fixture
def city(departments) -> dict[str, Department]:
    """The fixture's district under a city, and a community under its street."""
    root = DepartmentFactory(code="C", name="本市", level="city", is_area=True)
    Department.objects.filter(pk=departments["district"].pk).update(parent=root)
    community = DepartmentFactory(
        code="D010101", name="幸福社区", level="community", parent=departments["street"], is_area=True
    )
    return {"city": root, **departments, "community": community}


@pytest.mark.parametrize(
    ("level", "parent", "said"),
    [
        ("district", "street", "上级单位“和平街道”为街道乡镇，本单位的层级应为街道乡镇或社区网格"),
        ("city", "district", "上级单位“东城区”为区县，本单位的层级应为区县或街道乡镇"),
        ("community", "district", "上级单位“东城区”为区县，本单位的层级应为区县或街道乡镇"),
        ("street", "community", "上级单位“幸福社区”为社区网格，本单位的层级应为社区网格"),
        ("street", "city", "上级单位“本市”为市级，本单位的层级应为市级或区县"),
    ],
    ids=[
        "district-under-street",
        "city-under-district",
        "community-under-district",
        "street-under-community",
        "street-under-city",
    ],
)
def test_a_level_that_does_not_fit_the_parent_is_refused(root, city, level, parent, said) -> None:
    page = add(root, level, city[parent])

    assert said in page
    assert not Department.objects.filter(code="N01").exists()


@pytest.mark.parametrize(
    ("level", "parent"),
    [
        ("city", "city"),  # a bureau under the city
        ("district", "city"),
        ("district", "district"),  # a district's own bureau
        ("street", "district"),
        ("community", "street"),
        ("community", "community"),  # a grid in a community
        ("district", None),  # a tree may start below the city
    ],
)
def test_a_level_that_fits_the_parent_is_saved(root, city, level, parent) -> None:
    assert add(root, level, city[parent] if parent else None) == ""

    assert Department.objects.get(code="N01").level == level


def test_a_level_no_longer_fitting_the_units_below_is_refused(root, city) -> None:
    street, district = city["street"], city["district"]

    # The street's community would be two levels below a district.
    page = change(root, street, level="district")

    assert "下级单位“幸福社区”为社区网格，本单位的层级应为街道乡镇或社区网格" in page
    assert Department.objects.get(pk=street.pk).level == "street"
    district.refresh_from_db()
    assert "下级单位“和平街道”为街道乡镇，本单位的层级应为区县或街道乡镇" in change(
        root, district, level="city"
    )


def test_a_unit_placed_before_the_check_is_still_renamed_and_deactivated(root, city) -> None:
    # Placed by an older version, or by hand in the database: it is not refused until it moves.
    misplaced = DepartmentFactory(code="X", name="错位单位", level="district", parent=city["street"])

    assert change(root, misplaced, name="错位单位（旧）", is_active="") == ""

    assert Department.objects.filter(name="错位单位（旧）", is_active=False).exists()


def test_the_demo_city_fits() -> None:
    from hotline.directory.admin import level_fits

    specs = {spec.code: spec for spec in department_specs()}
    for spec in specs.values():
        if spec.parent is not None:
            parent = specs[spec.parent]
            assert level_fits(DepartmentLevel(spec.level), DepartmentLevel(parent.level)), spec
