"""The vectors that duplicate search compares tickets by, and the worker's schedule for making them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TicketVector(models.Model):
    """One ticket's text (title + content) as the configured embedder saw it, float32 bytes.

    The row's id grows with every vector written, so "vectors after id N" is what a process whose
    index was built up to N still has to add (`dedup.index`); a ticket re-embedded by another
    model gets a new row (the old one is deleted), and so a new id."""

    id = models.BigAutoField(primary_key=True)
    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="dedup_vector", verbose_name=_("工单")
    )
    model = models.CharField(_("向量模型"), max_length=32)
    vector = models.BinaryField(_("向量"))
    embedded_at = models.DateTimeField(_("生成时间"))

    class Meta:
        verbose_name = _("工单向量")
        verbose_name_plural = _("工单向量")
        indexes = [models.Index(fields=["model", "id"], name="dedup_vector_model_id")]

    def __str__(self) -> str:
        return f"{self.ticket_id} ({self.model})"


class EmbedState(models.Model):
    """The one row through which workers share the schedule of the embedding sweep."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_enqueued_at = models.DateTimeField(null=True, blank=True)
    # The backlog walk (dedup.indexing.embed_pending): tickets below this id are still to be looked
    # at for `backlog_model`; null: start from the newest; 0: the backlog is done.
    backlog_model = models.CharField(max_length=32, blank=True)
    backlog_below = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("向量生成状态")
        verbose_name_plural = _("向量生成状态")

    def __str__(self) -> str:
        return f"embedding sweep {self.last_enqueued_at}"
