"""What the staff pages keep: the exports of a search, built in the background, the reports
made on schedule, kept as files, and the forms that made something, by their one-time token."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from hotline.core.enums import ExportStatus, ReportKind, ReportScope


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


class KeptReport(models.Model):
    """A report the worker made on schedule (`web.kept_reports`) and kept as files under
    HOTLINE_HOME/reports: one per kind, period and scope, made once. `files` maps each format
    (xlsx, pdf, html) to its path under that folder and its size in bytes."""

    kind = models.CharField(_("报告"), max_length=16, choices=ReportKind.choices)
    first_day = models.DateField(_("起始日"))
    last_day = models.DateField(_("截止日"))
    scope = models.CharField(_("范围"), max_length=16, choices=ReportScope.choices)
    # The district's or department's id; 0 for the city.
    scope_key = models.PositiveBigIntegerField(_("对象"), default=0)
    scope_name = models.CharField(_("名称"), max_length=100)
    generated_at = models.DateTimeField(_("生成时间"))
    files = models.JSONField(_("文件"), default=dict)

    class Meta:
        verbose_name = _("已生成报告")
        verbose_name_plural = _("已生成报告")
        # The newest period first, the shorter first; within one, in the order made (the city, the
        # districts, the departments).
        ordering = ["-last_day", "-first_day", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "first_day", "scope", "scope_key"], name="kept_report_once"
            ),
        ]
        indexes = [models.Index(fields=["last_day"], name="kept_report_last_day")]

    def __str__(self) -> str:
        return f"{self.kind} {self.first_day} {self.scope_name}"


class KeptReportRemake(models.Model):
    """A kept report made again by hand (重新生成, `web.kept_reports.remake`): who, when, why, and
    the files it replaced, which stay where they were. A kept report is what was published; it
    changes only this way, never silently (e.g. made from figures later found incomplete)."""

    report = models.ForeignKey(KeptReport, on_delete=models.CASCADE, related_name="remakes")
    at = models.DateTimeField(_("重新生成时间"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("操作人")
    )
    reason = models.CharField(_("原因"), max_length=200)
    # The version replaced: when it was made and its files (as `KeptReport.files`).
    generated_before = models.DateTimeField(_("原版本生成时间"))
    files_before = models.JSONField(_("原版本文件"), default=dict)

    class Meta:
        verbose_name = _("报告重新生成记录")
        verbose_name_plural = _("报告重新生成记录")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.at:%Y-%m-%d %H:%M}"


class ReportsState(models.Model):
    """The one row through which workers share the schedule of the kept reports (`core.schedule`),
    and the lease that keeps two workers from making them at once (`running_since`)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_enqueued_at = models.DateTimeField(null=True, blank=True)
    running_since = models.DateTimeField(null=True, blank=True)
    last_report = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("报告生成状态")
        verbose_name_plural = _("报告生成状态")

    def __str__(self) -> str:
        return str(self.last_report)


class SentForm(models.Model):
    """A staff form that made something (an article, a reply template), by the one-time token its
    page gave it (`web.forms.made_once`): the same form sent again leads to what it made instead of
    making it twice. Unique by token, so that of two sendings at once the second waits for the
    first and finds its row. Kept as long as a session lasts (`web.forms.KEEP_SENT`): each form that
    makes something forgets the rows older than that. The console's calls need none: their token is
    the appeal's external id."""

    token = models.CharField(_("表单标识"), max_length=32, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("提交人")
    )
    made_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+", verbose_name=_("创建的对象类型")
    )
    # Set in the transaction that made it, right after the row (the token is claimed first).
    made_id = models.PositiveBigIntegerField(_("创建的对象编号"), null=True, blank=True)
    sent_at = models.DateTimeField(_("提交时间"))

    class Meta:
        verbose_name = _("已提交表单")
        verbose_name_plural = _("已提交表单")

    def __str__(self) -> str:
        return f"{self.made_type_id} {self.made_id} {self.sent_at:%Y-%m-%d %H:%M}"
