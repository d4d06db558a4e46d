"""The task queue (django-tasks-db) in the admin, where the administrator checks that the worker
keeps up and reads why a task failed: the package's own admin, its columns, filters and fields
named in the reader's language. The model's field labels stay the package's English, since they
are part of its migrations (`worker.apps.TaskQueueConfig`); the admin names them here instead."""

from datetime import datetime
from typing import Any

from django.contrib import admin
from django.db.models import Field, Model
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult


def _titled(title: Any) -> type[admin.FieldListFilter]:
    """The filter Django picks for a field, titled `title` rather than the field's English label."""

    class Titled(admin.FieldListFilter):
        def __new__(  # type: ignore[misc]
            cls,
            field: Field[Any, Any],
            request: HttpRequest,
            params: dict[str, Any],
            model: type[Model],
            model_admin: admin.ModelAdmin[Any],
            field_path: str,
        ) -> admin.FieldListFilter:
            chosen = admin.FieldListFilter.create(field, request, params, model, model_admin, field_path)
            chosen.title = title
            return chosen

    return Titled


def _when(moment: datetime | None) -> str | None:
    # As the list shows a moment (the city's time, the reader's format); the page of one task shows
    # what a method returns as text, which for a datetime was its UTC repr.
    return formats.localize(timezone.localtime(moment)) if moment is not None else None


admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    # The package's stubs read its tuples as of fixed length.
    list_display = ("id", "task", "task_status", "enqueued", "started", "finished", "queue")  # type: ignore[assignment]
    list_filter = (("status", _titled(_("状态"))), ("queue_name", _titled(_("队列"))))  # type: ignore[assignment]
    # Thousands of rounds a day (embedding, messages, sweeps): a task is found by its name.
    search_fields = ("task_path", "id")

    def get_readonly_fields(self, request: HttpRequest, obj: DBTaskResult | None = None) -> list[str]:
        return [
            "id",
            "task",
            "task_status",
            "enqueued",
            "started",
            "finished",
            "run_after_display",
            "queue",
            "priority_display",
            "arguments",
            "return_value_display",
            "exception",
            "formatted_traceback",
            "worker_ids_display",
        ]

    @admin.display(description=_("任务"), ordering="task_path")
    def task(self, obj: DBTaskResult) -> str:
        return obj.task_path.rpartition(".")[2]

    @admin.display(description=_("状态"), ordering="status")
    def task_status(self, obj: DBTaskResult) -> str:
        return str(obj.get_status_display())

    @admin.display(description=_("入队时间"), ordering="enqueued_at")
    def enqueued(self, obj: DBTaskResult) -> str | None:
        return _when(obj.enqueued_at)

    @admin.display(description=_("开始时间"), ordering="started_at")
    def started(self, obj: DBTaskResult) -> str | None:
        return _when(obj.started_at)

    @admin.display(description=_("结束时间"), ordering="finished_at")
    def finished(self, obj: DBTaskResult) -> str | None:
        return _when(obj.finished_at)

    @admin.display(description=_("队列"), ordering="queue_name")
    def queue(self, obj: DBTaskResult) -> str:
        return obj.queue_name  # type: ignore[no-any-return]

    @admin.display(description=_("最早执行时间"))
    def run_after_display(self, obj: DBTaskResult) -> str | None:
        later = self.display_run_after(obj)
        return _when(later) if isinstance(later, datetime) else later

    @admin.display(description=_("优先级"))
    def priority_display(self, obj: DBTaskResult) -> int:
        return obj.priority  # type: ignore[no-any-return]

    @admin.display(description=_("参数"))
    def arguments(self, obj: DBTaskResult) -> Any:
        return obj.args_kwargs

    @admin.display(description=_("返回值"))
    def return_value_display(self, obj: DBTaskResult) -> Any:
        return obj.return_value

    @admin.display(description=_("异常类型"))
    def exception(self, obj: DBTaskResult) -> str:
        return obj.exception_class_path  # type: ignore[no-any-return]

    @admin.display(description=_("错误信息"))
    def formatted_traceback(self, obj: DBTaskResult) -> str:
        return super().formatted_traceback(obj)

    @admin.display(description=_("执行进程"))
    def worker_ids_display(self, obj: DBTaskResult) -> Any:
        return obj.worker_ids
