from django.db import models
from django.utils.translation import gettext_lazy as _


class ModelTarget(models.TextChoices):
    """What a model predicts."""

    CATEGORY = "category", _("分类")
    DEPARTMENT = "department", _("承办单位")
    KIND = "kind", _("诉求类型")


class ModelVersion(models.Model):
    """One trained model folder and what it scored (模型版本). At most one version per target is active.

    Rows are written by `routing.actions.do_register_model` only, which also decides whether the new
    version replaces the active one and records why in `decision`.
    """

    target = models.CharField(_("预测目标"), max_length=16, choices=ModelTarget.choices)
    version = models.PositiveIntegerField(_("版本号"))
    name = models.CharField(_("名称"), max_length=100)
    path = models.CharField(_("模型目录"), max_length=500)
    data_size = models.PositiveIntegerField(_("训练样本数"))
    labels = models.JSONField(_("标签"), default=list)
    metrics = models.JSONField(_("评估指标"), default=dict, blank=True)
    cv_macro_f1 = models.FloatField(_("交叉验证 macro-F1"), null=True, blank=True)
    training_seconds = models.FloatField(_("训练用时（秒）"))
    created_at = models.DateTimeField(_("创建时间"))
    is_active = models.BooleanField(_("当前使用"), default=False)
    activated_at = models.DateTimeField(_("启用时间"), null=True, blank=True)
    decision = models.TextField(_("启用决定"), blank=True)

    class Meta:
        verbose_name = _("模型版本")
        verbose_name_plural = _("模型版本")
        ordering = ["target", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["target", "version"], name="modelversion_unique_version"),
            models.UniqueConstraint(
                fields=["target"],
                condition=models.Q(is_active=True),
                name="modelversion_one_active_per_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target} v{self.version}{' *' if self.is_active else ''}"
