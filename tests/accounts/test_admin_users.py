"""The users list and form in the admin of a city with thousands of staff: a unit's staff are found
by the unit's name or code, and a new or moved user is not put into a unit that is switched off
(they would see no work: nothing is dispatched to it)."""

import html

import pytest

from hotline.accounts.models import User
from hotline.core.enums import Role
from hotline.directory.models import Department
from tests.accounts.test_admin_roles import add

pytestmark = pytest.mark.django_db


def test_a_user_is_not_added_to_a_department_switched_off(root, departments) -> None:
    housing = departments["housing"]
    Department.objects.filter(pk=housing.pk).update(is_active=False)
    housing.refresh_from_db()
    assert "所属单位“住建局”已停用" in add(root, Role.HANDLER, housing)
    assert not User.objects.filter(username="newcomer").exists()


def test_a_user_of_a_department_switched_off_can_still_be_deactivated(root, staff) -> None:
    handler = staff["housing"]
    Department.objects.filter(pk=handler.department_id).update(is_active=False)
    url = f"/admin/accounts/user/{handler.pk}/change/"
    form = {
        "username": handler.username,
        "role": Role.HANDLER,
        "department": handler.department_id,
        "date_joined_0": "2026-01-05",
        "date_joined_1": "09:00:00",
    }
    page = root.post(url, form)
    assert page.status_code == 302, html.unescape(page.content.decode())
    handler.refresh_from_db()
    assert not handler.is_active


def test_moving_an_active_user_into_a_department_switched_off_is_refused(root, staff) -> None:
    handler, water = staff["housing"], staff["water"].department
    Department.objects.filter(pk=water.pk).update(is_active=False)
    url = f"/admin/accounts/user/{handler.pk}/change/"
    form = {
        "username": handler.username,
        "is_active": "on",
        "role": Role.HANDLER,
        "department": water.pk,
        "date_joined_0": "2026-01-05",
        "date_joined_1": "09:00:00",
    }
    assert "所属单位“水务局”已停用" in html.unescape(root.post(url, form).content.decode())
    handler.refresh_from_db()
    assert handler.department_id != water.pk


@pytest.mark.parametrize("query", ["住建局", "B01"])
def test_the_staff_of_a_department_are_found_by_its_name_or_code(root, staff, query) -> None:
    page = html.unescape(root.get("/admin/accounts/user/", {"q": query}).content.decode())
    assert "h_housing" in page
    assert "h_water" not in page and "h_street" not in page


def test_an_administrator_added_without_staff_status_is_told_they_cannot_enter_the_admin(root) -> None:
    page = add(root, Role.ADMIN)
    assert page == ""  # saved
    followed = root.get(f"/admin/accounts/user/{User.objects.get(username='newcomer').pk}/change/")
    said = " ".join(str(m) for m in followed.context["messages"])
    assert "还不能进入管理后台" in said and "工作人员状态" in said


def test_a_handler_is_not_told_about_the_admin(root, departments) -> None:
    add(root, Role.HANDLER, departments["housing"])
    followed = root.get(f"/admin/accounts/user/{User.objects.get(username='newcomer').pk}/change/")
    assert "管理后台" not in " ".join(str(m) for m in followed.context["messages"])


def test_a_user_is_given_one_chinese_name_when_added(root, departments) -> None:
    """Django's form asked for 名字 and 姓氏 apart and put them together given name first
    ("小明 王"), the name every timeline line, reply and list shows for that person."""
    page = html.unescape(root.get("/admin/accounts/user/add/").content.decode())
    assert "姓名" in page and 'name="last_name"' not in page
    root.post(
        "/admin/accounts/user/add/",
        {
            "username": "newcomer",
            "usable_password": "true",
            "password1": "Zx9!long-pass-1",
            "password2": "Zx9!long-pass-1",
            "first_name": "王小明",
            "role": Role.HANDLER,
            "department": departments["housing"].pk,
        },
    )
    assert User.objects.get(username="newcomer").display_name == "王小明"


def test_the_change_form_asks_for_one_name_unless_a_surname_was_kept(root, staff) -> None:
    handler = staff["housing"]
    page = html.unescape(root.get(f"/admin/accounts/user/{handler.pk}/change/").content.decode())
    assert "姓名" in page and 'name="last_name"' not in page
    User.objects.filter(pk=handler.pk).update(last_name="王")
    page = root.get(f"/admin/accounts/user/{handler.pk}/change/").content.decode()
    assert 'name="last_name"' in page  # shown while it holds something, so it can be cleared
