from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from hotline.core.enums import LabelSource, RoutingMode


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


class RoutingSettings(models.Model):
    """The dispatch settings an administrator changes without a deployment (智能分拨设置).

    One row (pk 1). Until it exists, `routing.selectors.routing_settings()` answers with the
    defaults of `settings.HOTLINE["ROUTING"]`, and the admin's add form starts from them.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    auto_dispatch = models.BooleanField(
        _("自动派单"), default=True, help_text=_("关闭后，所有工单都进入派单员的待派队列，只附派单建议")
    )
    threshold = models.FloatField(
        _("自动派单置信度阈值"),
        default=0.9,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text=_("最可能的建议达到该置信度（0–1）时自动派单，否则进入待派队列"),
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("智能分拨设置")
        verbose_name_plural = _("智能分拨设置")

    def __str__(self) -> str:
        return str(_("智能分拨设置"))


class RoutingDecision(models.Model):
    """What routing concluded for a ticket at intake (分拨结果), kept for the queue and for audit.

    `suggestions` are the top dispatch suggestions, most confident first, each with its reason;
    `evidence` holds how the area and urgency were found, the rules that applied and how many others
    did not (`rules.Outcome.as_record`).
    """

    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("工单"), on_delete=models.CASCADE, related_name="routing_decisions"
    )
    decided_at = models.DateTimeField(_("分拨时间"))
    mode = models.CharField(_("结果"), max_length=8, choices=RoutingMode.choices)
    confidence = models.FloatField(_("置信度"), null=True, blank=True)
    threshold = models.FloatField(_("阈值"))
    area = models.ForeignKey(
        "directory.Department",
        verbose_name=_("识别的属地"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    urgent = models.BooleanField(_("识别为紧急"), default=False)
    model_version = models.ForeignKey(
        ModelVersion,
        verbose_name=_("分类模型"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    suggestions = models.JSONField(_("派单建议"), default=list, blank=True)
    evidence = models.JSONField(_("依据"), default=dict, blank=True)

    class Meta:
        verbose_name = _("分拨结果")
        verbose_name_plural = _("分拨结果")
        ordering = ["-decided_at", "-pk"]
        indexes = [models.Index(fields=["ticket", "-decided_at"], name="routingdecision_ticket")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.mode}"


class TrainingLabel(models.Model):
    """A label a person gave a ticket's text by correcting dispatch (训练标注), for the next retrain.

    Written by `routing.labels.collect_labels` from the timeline: a dispatch to another department
    or category than suggested, a category changed at dispatch, an upheld return re-dispatched.
    `label` is a first-level category name (target category) or a department code (target
    department); `suggested` is what the platform had proposed.
    """

    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("工单"), on_delete=models.CASCADE, related_name="training_labels"
    )
    event = models.ForeignKey(
        "tickets.TicketEvent", verbose_name=_("来源事件"), on_delete=models.CASCADE, related_name="+"
    )
    target = models.CharField(_("预测目标"), max_length=16, choices=ModelTarget.choices)
    label = models.CharField(_("标签"), max_length=100)
    suggested = models.CharField(_("原建议"), max_length=100, blank=True)
    source = models.CharField(_("来源"), max_length=24, choices=LabelSource.choices)
    text = models.TextField(_("文本"))
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("标注人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("标注时间"))

    class Meta:
        verbose_name = _("训练标注")
        verbose_name_plural = _("训练标注")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "target"], name="traininglabel_one_per_event_target"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.target}={self.label}"


class RetrainState(models.Model):
    """The one row through which workers share the retraining schedule, with the last run's report."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_enqueued_at = models.DateTimeField(null=True, blank=True)
    # The last timeline event read for corrections (routing.labels.collect_labels).
    last_event_id = models.PositiveBigIntegerField(default=0)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_report = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("模型重训状态")
        verbose_name_plural = _("模型重训状态")

    def __str__(self) -> str:
        return f"retrain {self.last_finished_at}"


class RoutingSweepState(models.Model):
    """The one row through which workers share the schedule of the sweep of unrouted tickets
    (`routing.sweep`), with the last run's report."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_enqueued_at = models.DateTimeField(null=True, blank=True)
    last_report = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("未分拨工单巡查状态")
        verbose_name_plural = _("未分拨工单巡查状态")

    def __str__(self) -> str:
        return f"routing sweep {self.last_enqueued_at}"
