"""A department deactivated in the admin while units below it, routing rules naming it or users of
it are still active: the admin says how many of each are left to move or deactivate (it said
nothing, and the rules stopped firing without a word)."""

import html

import pytest
from django.test import Client

from hotline.core.enums import AreaRole, Role
from hotline.directory.models import Department, Responsibility, ResponsibilityCoHandler
from tests.directory.test_admin_tree import posted
from tests.factories import CategoryFactory, DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def deactivate(client: Client, department: Department) -> str:
    """The page the admin shows after the department is saved inactive."""
    page = client.post(
        f"/admin/directory/department/{department.pk}/change/",
        posted(department, is_active=""),
        follow=True,
    )
    assert page.status_code == 200
    assert not Department.objects.get(pk=department.pk).is_active, "not saved"
    return html.unescape(page.content.decode())


def test_deactivating_a_district_in_use_says_what_still_uses_it(root, departments) -> None:
    district, street, housing = departments["district"], departments["street"], departments["housing"]
    DepartmentFactory(code="D0102", name="东城区住建局", level="district", parent=district)
    DepartmentFactory(code="D0103", name="旧单位", level="district", parent=district, is_active=False)
    lamps = CategoryFactory(code="01", name="路灯", level=1)
    Responsibility.objects.create(name="东城路灯", category=lamps, lead_department=district)
    Responsibility.objects.create(name="东城区内", category=lamps, area=district, lead_department=housing)
    shared = Responsibility.objects.create(name="协办", category=lamps, lead_department=housing)
    ResponsibilityCoHandler.objects.create(responsibility=shared, department=district)
    Responsibility.objects.create(name="已停用", category=lamps, lead_department=district, is_active=False)
    Responsibility.objects.create(
        name="属地主办", category=lamps, area_role=AreaRole.LEAD, area=street, lead_department=None
    )
    UserFactory(username="head", role=Role.HEAD, department=district)
    UserFactory(username="h2", role=Role.HANDLER, department=district)
    UserFactory(username="gone", role=Role.HANDLER, department=district, is_active=False)

    page = deactivate(root, district)

    assert (
        "“东城区”已停用，但仍有 2 个启用的下级单位、"
        "3 条启用的权责清单规则（主办、协办或属地范围）、2 个启用的用户：请将它们移至其他单位或一并停用"
    ) in page


def test_only_what_is_left_is_named(root, departments) -> None:
    housing = departments["housing"]
    UserFactory(username="h", role=Role.HANDLER, department=housing)

    page = deactivate(root, housing)

    assert "“住建局”已停用，但仍有 1 个启用的用户" in page
    assert "下级单位" not in page and "权责清单规则" not in page


def test_deactivating_a_unit_nothing_uses_says_nothing_more(root, departments) -> None:
    page = deactivate(root, departments["water"])

    assert "已停用，但仍有" not in page
