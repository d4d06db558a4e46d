"""What the staff pages keep for their users: the exports of a search, built in the background."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hotline.core.enums import ExportStatus


class Export(models.Model):
    """One export of a search's tickets to .xlsx, too large to build in the request: the worker
    writes it under HOTLINE_HOME/exports and counts its rows as it goes, the page shows that count
    as a progress bar, and only the user who asked for it may download it."""

    # Not a sequence: the id is in the URLs and must not let anyone guess another user's export.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The search's query string (the filters), read again by the worker as the user's search.
    query = models.TextField(_("查询条件"), blank=True)
    # The language of the page that asked: the sheet's headings and statuses are written in it.
    language = models.CharField(_("语言"), max_length=16, default="zh-hans")
    status = models.CharField(
        _("状态"), max_length=8, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("总件数"), default=0)
    done = models.PositiveIntegerField(_("已写入"), default=0)
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"))
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导出")
        verbose_name_plural = _("导出")
        indexes = [models.Index(fields=["created_at"], name="web_export_created")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M} {self.status}"

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        return 100 * self.done // self.total if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)
