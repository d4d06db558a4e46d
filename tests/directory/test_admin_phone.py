"""A department's phone (咨询电话) set in the admin: it is filled into the replies citizens read
({联系电话}), so it must be a number one can dial. The admin took "abc 不是电话" and the replies
gave it to citizens."""

import pytest

from hotline.directory.models import Department
from tests.directory.test_admin_tree import change

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("phone", ["abc 不是电话", "2026-12-06", "0591", "1381234123"])
def test_a_phone_that_cannot_be_dialled_is_refused(root, departments, phone) -> None:
    housing = departments["housing"]
    assert "联系电话须为" in change(root, housing, phone=phone)
    assert Department.objects.get(pk=housing.pk).phone == ""


@pytest.mark.parametrize(
    ("phone", "kept"),
    [
        ("0591-88880000", "0591-88880000"),
        ("（0591）88880000", "(0591)88880000"),
        ("13812341234", "13812341234"),
        ("12345", "12345"),
        ("0591-88880000转8001", "0591-88880000转8001"),
        ("", ""),
    ],
)
def test_a_dialable_phone_or_none_is_saved(root, departments, phone, kept) -> None:
    housing = departments["housing"]
    assert change(root, housing, phone=phone) == ""
    assert Department.objects.get(pk=housing.pk).phone == kept


def test_an_older_phone_left_as_it_is_does_not_stop_other_changes(root, departments) -> None:
    housing = departments["housing"]
    Department.objects.filter(pk=housing.pk).update(phone="见官网")
    housing.refresh_from_db()
    assert change(root, housing, name="市住建局") == ""
    assert Department.objects.get(pk=housing.pk).name == "市住建局"
