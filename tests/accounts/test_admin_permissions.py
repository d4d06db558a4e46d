"""The permissions listed on a user's and a group's page: Django stores their names in English
("Can add 预警"), and the admin showed them so, one language inside the other, for every table."""

import html

import pytest
from django.contrib.auth.models import Group

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page_of", ["user", "group"])
def test_the_permissions_are_named_in_chinese(root, staff, page_of) -> None:
    if page_of == "user":
        url = f"/admin/accounts/user/{staff['housing'].pk}/change/"
    else:
        url = f"/admin/auth/group/{Group.objects.create(name='知识库编辑').pk}/change/"
    page = html.unescape(root.get(url).content.decode())
    assert "Can add" not in page and "Can view" not in page
    assert "用户账号 | API 令牌 | 增加" in page and "统计分析 | 预警 | 查看" in page
