"""A responsibility rule (权责清单) saved in the admin names departments that can take the ticket: its
lead is not also one of its co-handlers, and an active rule names an active category, an active
lead and active co-handlers (routing skips the others without a word, so the rule would not do
what the page showed)."""

import html

import pytest
from django.test import Client

from hotline.core.enums import AreaRole
from hotline.directory.models import Responsibility
from tests.factories import CategoryFactory, DepartmentFactory

pytestmark = pytest.mark.django_db

ADD = "/admin/directory/responsibility/add/"


@pytest.fixture
def lamps():
    return CategoryFactory(code="01", name="路灯", level=1)


def rule(category, lead, *co, active: bool = True) -> dict[str, object]:
    """The add form of a rule as the admin posts it."""
    data: dict[str, object] = {
        "name": "路灯归口",
        "priority": "0",
        "category": category.pk,
        "area": "",
        "keywords": "",
        "exclude_keywords": "",
        "lead_department": lead.pk if lead else "",
        "area_role": AreaRole.NONE,
        "note": "",
        "co_handlers-TOTAL_FORMS": str(len(co)),
        "co_handlers-INITIAL_FORMS": "0",
        "co_handlers-MIN_NUM_FORMS": "0",
        "co_handlers-MAX_NUM_FORMS": "1000",
    }
    if active:
        data["is_active"] = "on"
    for i, department in enumerate(co):
        data[f"co_handlers-{i}-department"] = department.pk
    return data


def refused(client: Client, data: dict[str, object]) -> str:
    page = client.post(ADD, data)
    assert page.status_code == 200, "saved"
    assert not Responsibility.objects.exists()
    return html.unescape(page.content.decode())


def test_the_lead_cannot_also_co_handle(root, lamps, departments) -> None:
    housing, water = departments["housing"], departments["water"]

    assert "主办单位不能同时作为协办单位" in refused(root, rule(lamps, housing, water, housing))


def test_an_active_rule_needs_an_active_category_lead_and_co_handlers(root, lamps, departments) -> None:
    housing, water = departments["housing"], departments["water"]
    closed = DepartmentFactory(code="B09", name="已撤并局", is_active=False)
    old = CategoryFactory(code="02", name="旧分类", level=1, is_active=False)

    assert "分类“旧分类”已停用" in refused(root, rule(old, housing))
    assert "主办单位“已撤并局”已停用" in refused(root, rule(lamps, closed))
    assert "协办单位“已撤并局”已停用" in refused(root, rule(lamps, housing, closed))

    # An inactive rule may keep them (it is how a city keeps the rules of a unit it merged away).
    assert root.post(ADD, rule(old, closed, water, active=False)).status_code == 302
    assert root.post(ADD, rule(lamps, housing, water)).status_code == 302
    assert Responsibility.objects.count() == 2


def test_a_co_handler_listed_twice_is_said_in_words(root, lamps, departments) -> None:
    housing, water = departments["housing"], departments["water"]

    page = refused(root, rule(lamps, housing, water, water))

    assert "同一协办单位只需列一次" in page
    assert "department的重复数据" not in page  # Django's words name the field as the code does
