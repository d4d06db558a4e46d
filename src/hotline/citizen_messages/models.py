from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hotline.core.enums import CitizenMedium, CitizenMessageAction, CitizenMessageKind, CitizenMessageState


class CitizenMessage(models.Model):
    """One message to one appellant (告知): the outbox row, written in the transaction of the change
    it tells (the intake, the reply) and sent afterwards by the worker (`actions.do_send`).

    `ticket` is the ticket whose acceptance or reply is told; `appeal` the appellant's appeal, which
    may sit on a duplicate merged into it: the message names the appeal's own ticket number, the one
    the citizen was given and that a reply letter threads on. `dedupe_key` is unique: the same
    message is never stored twice, whoever tries.
    """

    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("工单"), on_delete=models.CASCADE, related_name="citizen_messages"
    )
    # CASCADE like the ticket: deleting a ticket (its appeals with it) must not be refused for the
    # messages of its appellants, which go with them as its timeline does.
    appeal = models.ForeignKey(
        "intake.Appeal", verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="citizen_messages"
    )
    reply = models.ForeignKey(
        "feedback.Reply",
        verbose_name=_("答复"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("告知类型"), max_length=16, choices=CitizenMessageKind.choices)
    medium = models.CharField(_("发送方式"), max_length=16, choices=CitizenMedium.choices)
    # An e-mail address or a mobile number; shown masked on every page.
    to = models.CharField(_("发送至"), max_length=254)
    subject = models.CharField(_("主题"), max_length=200, blank=True)
    body = models.TextField(_("内容"))
    state = models.CharField(
        _("状态"), max_length=16, choices=CitizenMessageState.choices, default=CitizenMessageState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("发送次数"), default=0)
    # What the last attempt gave: the gateway's error, or what the sender says it did.
    detail = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("写入时间"))
    # Who made the change that the message tells (None: a channel without a staff user).
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    next_attempt_at = models.DateTimeField(_("下次发送时间"))
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    dedupe_key = models.CharField(_("去重键"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("告知记录")
        verbose_name_plural = _("告知记录")
        ordering = ["created_at", "pk"]
        indexes = [
            # The worker looks for the few rows due among many sent ones.
            models.Index(
                fields=["next_attempt_at"],
                name="citizen_message_due",
                condition=Q(state=CitizenMessageState.PENDING),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.ticket_id} ({self.medium}, {self.state})"


class CitizenMessageLog(models.Model):
    """A change of a message's state after it was stored: an attempt's outcome (by the worker,
    `actor` None) or a resend (by a staff member). Written by `citizen_messages.actions` only."""

    message = models.ForeignKey(
        CitizenMessage, verbose_name=_("告知记录"), on_delete=models.CASCADE, related_name="log"
    )
    at = models.DateTimeField(_("时间"))
    action = models.CharField(_("动作"), max_length=16, choices=CitizenMessageAction.choices)
    actor = models.ForeignKey(
        "accounts.User",
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    detail = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("告知发送日志")
        verbose_name_plural = _("告知发送日志")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.message_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class SendingState(models.Model):
    """The one row through which workers share the schedule of sending what is due."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_enqueued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("告知发送状态")
        verbose_name_plural = _("告知发送状态")

    def __str__(self) -> str:
        return f"citizen messages {self.last_enqueued_at}"
