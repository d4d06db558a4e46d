"""Users set up in the admin: a role that works inside one department (承办人, 单位负责人, 网格员) is
given that department (without one the user saw no ticket at all, and nothing said why), and a
grid member's department is an area (their reports are placed in it)."""

import html

import pytest
from django.test import Client

from hotline.accounts.models import User
from hotline.core.enums import Role

pytestmark = pytest.mark.django_db

PASSWORD = "Zx9!long-pass-1"


def add(client: Client, role: str, department=None) -> str:
    page = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "newcomer",
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "role": role,
            "department": department.pk if department else "",
        },
    )
    return html.unescape(page.content.decode()) if page.status_code == 200 else ""


@pytest.mark.parametrize("role", [Role.HANDLER, Role.HEAD, Role.GRID])
def test_a_department_role_needs_a_department(root, role) -> None:
    assert "须指定所属单位" in add(root, role)
    assert not User.objects.filter(username="newcomer").exists()


def test_a_grid_member_belongs_to_an_area(root, departments) -> None:
    assert "网格员的所属单位须为属地单位" in add(root, Role.GRID, departments["housing"])
    assert add(root, Role.GRID, departments["street"]) == ""
    assert User.objects.get(username="newcomer").department == departments["street"]


def test_citywide_roles_and_department_roles_with_their_department_are_saved(root, departments) -> None:
    assert add(root, Role.DISPATCHER) == ""
    User.objects.filter(username="newcomer").delete()
    assert add(root, Role.HANDLER, departments["housing"]) == ""


def test_a_handler_who_left_is_deactivated_and_a_change_of_role_is_checked(root, staff) -> None:
    handler = staff["housing"]
    url = f"/admin/accounts/user/{handler.pk}/change/"
    form = {
        "username": handler.username,
        "role": Role.HANDLER,
        "department": "",
        "date_joined_0": "2026-01-05",
        "date_joined_1": "09:00:00",
    }
    assert "须指定所属单位" in html.unescape(root.post(url, form).content.decode())

    assert root.post(url, {**form, "department": handler.department_id}).status_code == 302
    handler.refresh_from_db()
    assert not handler.is_active and handler.department is not None
