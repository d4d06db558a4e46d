"""The task queue in the admin, where the administrator checks that the worker keeps up and finds
a task that failed, with its error: its columns, filters and the page of one task read in the
reader's language (the package's English: TASK NAME, ENQUEUED AT, 以 queue name, traceback), and a
task is found by its name among the thousands of rounds a day."""

import html
import uuid

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

pytestmark = pytest.mark.django_db

URL = "/admin/django_tasks_database/dbtaskresult/"


def task(path: str, status: str, traceback: str = "") -> DBTaskResult:
    return DBTaskResult.objects.create(
        id=uuid.uuid4(),
        status=status,
        args_kwargs={"args": [], "kwargs": {}},
        task_path=path,
        queue_name="default",
        backend_name="default",
        run_after=get_date_max(),
        exception_class_path="builtins.ValueError" if traceback else "",
        traceback=traceback,
        finished_at=timezone.now(),
    )


@pytest.fixture
def tasks() -> dict[str, DBTaskResult]:
    return {
        "failed": task("hotline.routing.tasks.route_ticket", "FAILED", "ValueError: 无法读取模型"),
        "done": task("hotline.dedup.tasks.embed_new", "SUCCESSFUL"),
    }


def test_the_list_reads_in_chinese(root, tasks) -> None:
    page = html.unescape(root.get(URL).content.decode())
    for label in ["任务", "状态", "入队时间", "开始时间", "结束时间", "队列"]:
        assert f">{label}<" in page or f"以 {label}" in page, label
    for english in ["task name", "enqueued at", "queue name", "priority"]:
        assert english not in page.lower(), english


def test_a_task_is_found_by_its_name(root, tasks) -> None:
    page = html.unescape(root.get(URL, {"q": "route_ticket"}).content.decode())
    assert str(tasks["failed"].pk) in page and str(tasks["done"].pk) not in page


def test_a_failed_task_shows_its_error_in_chinese(root, tasks) -> None:
    page = html.unescape(root.get(f"{URL}{tasks['failed'].pk}/change/").content.decode())
    assert "无法读取模型" in page and "错误信息" in page
    assert "Traceback:" not in page and "Run after:" not in page
    assert "+00:00" not in page  # its times as the list shows them, not their UTC repr
