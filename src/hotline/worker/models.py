from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerBeat(models.Model):
    """A running `hotline worker` says it is alive: written at start and every few seconds after.

    A task row that django-tasks-db marked RUNNING belongs to the worker whose id it names last; when
    that worker stopped beating (killed, its machine gone), the task will never finish on its own,
    and `liveness.requeue_orphans` gives it back to the queue (docs/adr/0010-routing-in-the-worker.md),
    unless its process is seen still running.
    """

    worker_id = models.CharField(_("任务进程"), max_length=64, primary_key=True)
    host = models.CharField(_("主机"), max_length=255)
    pid = models.PositiveIntegerField(_("进程号"))
    # Where `pid` names a process: the kernel's boot id and the pid namespace ("" off Linux). A
    # worker in the same space whose beats stopped is looked for by its pid (liveness.still_running).
    space = models.CharField(_("进程空间"), max_length=64, blank=True, default="")
    started_at = models.DateTimeField(_("启动时间"))
    seen_at = models.DateTimeField(_("最近心跳"), db_index=True)

    class Meta:
        verbose_name = _("任务进程心跳")
        verbose_name_plural = _("任务进程心跳")

    def __str__(self) -> str:
        return f"{self.worker_id[:8]} {self.host}:{self.pid}"
