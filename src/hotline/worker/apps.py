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
