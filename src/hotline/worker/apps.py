from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkerConfig(AppConfig):
    """`hotline worker`: the background process that runs every app's tasks and keeps their schedules."""

    name = "hotline.worker"
    label = "worker"
    verbose_name = _("后台任务")
