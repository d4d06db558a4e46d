import django_tasks_db.apps
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkerConfig(AppConfig):
    """`hotline worker`: the background process that runs every app's tasks and keeps their schedules."""

    name = "hotline.worker"
    label = "worker"
    verbose_name = _("后台任务")


class TaskQueueConfig(django_tasks_db.apps.TasksAppConfig):
    """django-tasks-db as the admin names it ("Tasks Database Backend" is the package's English):
    the same app, label and models, named in the reader's language. INSTALLED_APPS names this class
    instead of the package; not the default of `hotline.worker` (`default = False`)."""

    default = False
    verbose_name = _("任务队列")  # type: ignore[assignment]  # the package says str; lazy is a str

    def ready(self) -> None:
        """Its model named the same way ("Task Results" in the package). Set on `_meta`, which the
        admin reads, not in the model's Meta, which the migrations read (`original_attrs`): the
        package's migrations stay as they are. Its fields keep their English labels: a field's
        label is part of its migrations."""
        super().ready()
        from django_tasks_db.models import DBTaskResult

        DBTaskResult._meta.verbose_name = _("任务结果")
        DBTaskResult._meta.verbose_name_plural = _("任务结果")
