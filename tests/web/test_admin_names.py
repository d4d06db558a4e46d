"""The admin's sections and the models in them are named in the reader's language: every app of
Hotline and the task queue of django-tasks-db (through an AppConfig of its own, the package
untouched)."""

import re

import pytest
from django.apps import apps

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def sections(client) -> list[str]:
    page = client.get("/admin/").content.decode()
    return [name.strip() for name in re.findall(r"<caption>\s*<a[^>]*>([^<]*)</a>", page)]


def test_the_admins_sections_are_named_in_chinese(client) -> None:
    client.force_login(UserFactory(username="root", role="admin", is_staff=True, is_superuser=True))

    shown = sections(client)

    assert {"用户账号", "单位与权责清单", "诉求受理", "知识库", "工单", "诉求分类", "任务队列"} <= set(shown)
    assert [name for name in shown if name.isascii()] == []


def models_shown(client) -> list[str]:
    page = client.get("/admin/").content.decode()
    return [name.strip() for name in re.findall(r'<th scope="row"[^>]*>\s*(?:<a[^>]*>)?([^<]*)<', page)]


def test_the_admins_models_are_named_in_chinese(client) -> None:
    client.force_login(UserFactory(username="root", role="admin", is_staff=True, is_superuser=True))

    shown = models_shown(client)

    assert {"任务结果", "答复模板", "用户", "组"} <= set(shown)
    assert [name for name in shown if name.isascii()] == []


def test_every_app_has_a_name_of_its_own() -> None:
    unnamed = [
        config.label
        for config in apps.get_app_configs()
        if config.name.startswith("hotline.") and config.verbose_name == config.label.title()
    ]
    assert unnamed == []
    assert apps.get_app_config("django_tasks_database").verbose_name == "任务队列"


def test_the_sections_follow_the_loop_django_and_the_task_queue_last(client) -> None:
    client.force_login(UserFactory(username="root", role="admin", is_staff=True, is_superuser=True))

    shown = sections(client)

    ours = ["用户账号", "单位与权责清单", "诉求分类", "诉求受理", "工单", "告知市民", "智能分拨", "知识库"]
    assert [name for name in shown if name in ours] == ours
    assert shown[-2:] == ["认证和授权", "任务队列"]
