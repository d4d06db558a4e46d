from django.db import models
from django.utils.translation import gettext_lazy as _

from hotline.core.enums import Resolution, Satisfaction


class Reply(models.Model):
    """The result sent to the citizen (答复), by the lead department or by the operator on the spot."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="replies")
    department = models.ForeignKey(
        "directory.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("答复内容"))
    replied_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    replied_at = models.DateTimeField(_("答复时间"))

    class Meta:
        verbose_name = _("答复")
        verbose_name_plural = _("答复")
        ordering = ["replied_at", "pk"]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.text[:30]}"


class Callback(models.Model):
    """The satisfaction callback (回访) after a reply, with one of the ticket's appellants: the caller
    of one of its appeals or of a duplicate merged into it (each is called back).

    `counted`: the one callback of an answer that the figures count (analytics.facts), so that a
    ticket answered once counts once however many appellants were called: the newest recorded for
    that reply (one that reopens the ticket ends the round, so it is that one)."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="callbacks")
    reply = models.ForeignKey(
        Reply, null=True, blank=True, on_delete=models.SET_NULL, related_name="callbacks"
    )
    appeal = models.ForeignKey(
        "intake.Appeal",
        verbose_name=_("回访对象"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="callbacks",
    )
    counted = models.BooleanField(_("计入统计"), default=True)
    resolution = models.CharField(_("解决情况"), max_length=16, choices=Resolution.choices)
    satisfaction = models.CharField(_("满意度"), max_length=16, choices=Satisfaction.choices)
    note = models.TextField(_("回访记录"), blank=True)
    reopened = models.BooleanField(_("转重办"), default=False)
    called_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    called_at = models.DateTimeField(_("回访时间"))

    class Meta:
        verbose_name = _("回访")
        verbose_name_plural = _("回访")
        ordering = ["called_at", "pk"]
        # The figures (analytics) count the callbacks of a period.
        indexes = [models.Index(fields=["called_at"], name="callback_called")]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.resolution}/{self.satisfaction}"


class ReplyCheck(models.Model):
    """The reply-quality check (答复质量) of a department's reply, scored as it was sent
    (`feedback.quality`): relevance, completeness and interpretability (0-1), whether it is weak,
    and the reasons per criterion. A weak reply is flagged to dispatch and supervision until one of
    them has reviewed it; it is never held back silently."""

    reply = models.OneToOneField(Reply, on_delete=models.CASCADE, related_name="quality")
    relevance = models.FloatField(_("相关性"))
    completeness = models.FloatField(_("完整性"))
    interpretability = models.FloatField(_("可解释性"))
    weak = models.BooleanField(_("质量存疑"), default=False)
    # criterion -> what lowered its score, as codes with their figures (`quality.Reason`), told in
    # the reader's language where shown (`quality.sentences`), never in the language of the check.
    reasons = models.JSONField(_("原因"), default=dict, blank=True)
    checked_at = models.DateTimeField(_("检查时间"))
    reviewed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("复核时间"), null=True, blank=True)
    review_note = models.TextField(_("复核意见"), blank=True)
    # Sent back to its unit to answer again (`feedback.actions.do_return_reply`): the review's note
    # is why.
    returned = models.BooleanField(_("已退回重答"), default=False)

    class Meta:
        verbose_name = _("答复质量检查")
        verbose_name_plural = _("答复质量检查")
        # The flagged list (weak, not yet reviewed) and the departments' share of weak replies.
        indexes = [models.Index(fields=["weak", "reviewed_at"], name="reply_check_flagged")]

    def __str__(self) -> str:
        return f"{self.reply_id}: {'weak' if self.weak else 'ok'}"


class PublishedSuggestion(models.Model):
    """An answered suggestion (建议) published on 百问百答 (`feedback.publication`): the suggestion
    and its answer in words an editor wrote for everyone (never the citizen's own), with the
    category and the district only (no street, no address, no name, no number). Taken down by
    `withdrawn_at`; published again by editing it."""

    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="publication", verbose_name=_("工单")
    )
    title = models.CharField(_("公开标题"), max_length=200)
    question = models.TextField(_("建议内容（概括）"))
    answer = models.TextField(_("答复（公开）"))
    category = models.ForeignKey(
        "taxonomy.Category", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    district = models.ForeignKey(
        "directory.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    department = models.ForeignKey(
        "directory.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )  # the unit that answered
    published_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(_("公开时间"))
    withdrawn_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("撤下时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("公开的建议答复")
        verbose_name_plural = _("公开的建议答复")
        indexes = [models.Index(fields=["withdrawn_at", "published_at"], name="suggestion_public")]

    def __str__(self) -> str:
        return self.title
