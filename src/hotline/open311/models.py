from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiKey(models.Model):
    """The key of one client system (a city app, a partner's platform) that posts requests through
    Open311. Only its hash is stored; `hotline open311 key create NAME` shows the key once."""

    name = models.CharField(_("接入系统"), max_length=100)
    prefix = models.CharField(_("前缀"), max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"))
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 密钥")
        verbose_name_plural = _("Open311 密钥")
        ordering = ["name", "created_at"]

    def __str__(self) -> str:
        return f"{self.name} {self.prefix}…"


class Submission(models.Model):
    """One request a client system posted: the appeal it became, under which key, and the token
    by which `tokens/{token}` finds its service_request_id."""

    appeal = models.OneToOneField(
        "intake.Appeal", verbose_name=_("诉求"), on_delete=models.PROTECT, related_name="open311_submission"
    )
    api_key = models.ForeignKey(
        ApiKey, verbose_name=_("接入系统"), on_delete=models.PROTECT, related_name="submissions"
    )
    token = models.CharField(_("令牌"), max_length=32, unique=True)
    submitted_at = models.DateTimeField(_("提交时间"))

    class Meta:
        verbose_name = _("Open311 提交")
        verbose_name_plural = _("Open311 提交")
        ordering = ["-submitted_at", "-pk"]

    def __str__(self) -> str:
        return self.token
