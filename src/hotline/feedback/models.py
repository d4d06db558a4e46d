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
