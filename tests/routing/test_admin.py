"""The admin: the dispatch test console, the rule and gazetteer forms, the settings row."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from hotline.core.enums import AreaRole, Role
from hotline.directory.models import Place, Responsibility
from hotline.routing.models import RoutingSettings
from hotline.routing.selectors import routing_settings
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CONSOLE = "/admin/directory/responsibility/console/"


@pytest.fixture
def admin_browser() -> Client:
    user = UserFactory(username="root", role=Role.ADMIN, is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    return client


def test_the_console_shows_the_rule_that_fires_and_the_others(
    admin_browser, rules_by_category, corpus_tree
) -> None:
    Responsibility.objects.create(
        name="旧规则",
        category=corpus_tree["城乡建设"],
        lead_department_id=rules_by_category["城乡建设"].lead_department_id,
        is_active=False,
    )
    response = admin_browser.get(
        CONSOLE,
        {"title": "路灯不亮", "text": "和平街道幸福路路灯坏了", "category": corpus_tree["城乡建设/其他"].pk},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "城乡建设归口" in page and "适用" in page
    assert "旧规则" in page and "规则已停用" in page
    assert "和平街道" in page  # the area found
    assert "自动派单" in page


def test_the_console_asks_for_a_text(admin_browser) -> None:
    page = admin_browser.get(CONSOLE, {"title": "", "text": ""}).content.decode()
    assert "标题和内容至少填写一项" in page
    assert admin_browser.get(CONSOLE).status_code == 200  # the empty form


def test_the_console_is_for_staff_only(client) -> None:
    assert client.get(CONSOLE).status_code == 302  # to the login page


def test_the_rule_list_links_to_the_console(admin_browser) -> None:
    assert CONSOLE in admin_browser.get("/admin/directory/responsibility/").content.decode()


def test_a_rule_needs_exactly_one_lead(corpus_tree, bureaus) -> None:
    with pytest.raises(ValidationError, match="请指定主办单位"):
        Responsibility(name="x", category=corpus_tree["城乡建设"]).full_clean()
    with pytest.raises(ValidationError, match="由属地主办时不填主办单位"):
        Responsibility(
            name="x",
            category=corpus_tree["城乡建设"],
            lead_department=bureaus["城乡建设"],
            area_role=AreaRole.LEAD,
        ).full_clean()
    Responsibility(name="x", category=corpus_tree["城乡建设"], area_role=AreaRole.LEAD).full_clean()


def test_a_place_checks_its_department_code_and_boundary(departments) -> None:
    with pytest.raises(ValidationError, match="只有属地单位"):
        Place(department=departments["housing"]).full_clean()
    with pytest.raises(ValidationError, match="6 位或 12 位数字"):
        Place(department=departments["street"], adcode="12ab").full_clean()
    with pytest.raises(ValidationError, match="至少需要 3 个不同的点"):
        Place(department=departments["street"], boundary=[[[0, 0], [1, 1]]]).full_clean()
    Place(department=departments["street"], adcode="460106", boundary=[[[0, 0], [1, 0], [1, 1]]]).full_clean()


def test_the_settings_row_starts_from_the_settings_and_is_the_only_one(admin_browser, settings) -> None:
    settings.HOTLINE = {
        **settings.HOTLINE,
        "ROUTING": {**settings.HOTLINE["ROUTING"], "AUTO_DISPATCH": False, "THRESHOLD": 0.75},
    }
    assert (routing_settings().auto_dispatch, routing_settings().threshold) == (False, 0.75)
    form = admin_browser.get("/admin/routing/routingsettings/add/").content.decode()
    assert 'value="0.75"' in form
    response = admin_browser.post(
        "/admin/routing/routingsettings/add/", {"threshold": "0.8", "auto_dispatch": "on"}
    )
    assert response.status_code == 302
    assert (routing_settings().auto_dispatch, routing_settings().threshold) == (True, 0.8)
    assert admin_browser.get("/admin/routing/routingsettings/add/").status_code == 403
    bad = admin_browser.post("/admin/routing/routingsettings/1/change/", {"threshold": "1.5"})
    assert "1.0" in bad.content.decode()
    assert RoutingSettings.objects.get().threshold == 0.8
