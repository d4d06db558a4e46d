"""The category tree in the admin: a category cannot be put under itself or under one of its
sub-categories (its name, the path of its parents, would never end: the page saving it hung), and
its level is the one below its parent's."""

import html

import pytest
from django.test import Client

from hotline.taxonomy.models import Category
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree() -> dict[str, Category]:
    top = CategoryFactory(code="01", name="城乡建设", level=1)
    middle = CategoryFactory(code="0101", name="市政设施", level=2, parent=top)
    leaf = CategoryFactory(code="010101", name="路灯", level=3, parent=middle)
    return {"top": top, "middle": middle, "leaf": leaf}


def change(client: Client, category: Category, **changes: object) -> str:
    """The change form posted with `changes`: the page with its errors, or "" once saved."""
    data = {
        "code": category.code,
        "name": category.name,
        "parent": category.parent_id or "",
        "level": category.level,
        "is_active": "on",
        **changes,
    }
    page = client.post(f"/admin/taxonomy/category/{category.pk}/change/", data)
    return html.unescape(page.content.decode()) if page.status_code == 200 else ""


@pytest.mark.parametrize("below", ["top", "middle", "leaf"])
def test_a_category_cannot_be_put_under_itself_or_below_itself(root, tree, below) -> None:
    page = change(root, tree["top"], parent=tree[below].pk, level=2)

    assert "不能作为它的上级" in page or "不能以自身作为上级" in page
    assert Category.objects.get(pk=tree["top"].pk).parent_id is None
    assert str(Category.objects.get(pk=tree["leaf"].pk)) == "城乡建设 / 市政设施 / 路灯"


def test_a_categorys_level_follows_its_parent(root, tree) -> None:
    assert "上级分类的下一级" in change(root, tree["leaf"], level=2)
    assert "上级分类的下一级" in change(root, tree["middle"], parent="", level=2)
    # Under a third-level category there is no level left.
    other = CategoryFactory(code="010102", name="井盖", level=3, parent=tree["middle"])
    assert "上级分类的下一级" in change(root, other, parent=tree["leaf"].pk, level=3)

    # A category with sub-categories keeps its level: theirs would no longer follow.
    assert "有下级分类时不能改变级别" in change(root, tree["middle"], parent="", level=1)

    other_top = CategoryFactory(code="02", name="环境保护", level=1)
    assert change(root, tree["middle"], parent=other_top.pk) == ""
    assert str(Category.objects.get(pk=tree["leaf"].pk)) == "环境保护 / 市政设施 / 路灯"
