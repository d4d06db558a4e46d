"""What the category admin says when a name is taken: in words, not the name of a constraint."""

import html

import pytest
from django.test import Client

from hotline.taxonomy.models import Category
from tests.factories import CategoryFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_first_level_name_taken_is_said_in_words() -> None:
    client = Client()
    client.force_login(UserFactory(username="root", role="admin", is_staff=True, is_superuser=True))
    CategoryFactory(code="01", name="城乡建设", level=1)

    page = client.post(
        "/admin/taxonomy/category/add/", {"code": "02", "name": "城乡建设", "level": 1, "is_active": "on"}
    )

    text = html.unescape(page.content.decode())
    assert "已有同名的一级分类" in text and "category_unique_root_name" not in text
    assert Category.objects.count() == 1
