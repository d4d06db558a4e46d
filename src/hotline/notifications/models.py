from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hotline.core.enums import DeliveryState, NotificationChannel, NotificationReason, Role

_INBOX = Q(channel=NotificationChannel.INBOX)


class Notification(models.Model):
    """One message to one audience through one channel, stored before it is sent.

    The audience is a user (`recipient`), or everyone of `role` in `department`, or everyone of
    `role` in the city (neither user nor department). For the in-app channel the stored row is the
    inbox itself; other channels deliver it from a task and record the outcome here.

    `dedupe_key` is unique: whoever stores a notification names it, and the same name is never
    stored twice. That is what lets the sweep run again and again without repeating itself.

    The foreign keys have no constraint in the database (Django still cascades deletions): the
    sweep writes hundreds of thousands of notifications in one transaction, each built by the
    database from the very rows it points to, and PostgreSQL would check every key of every row
    again at commit — five deferred checks per row, each locking the row it points to: a quarter
    of the first sweep's time (docs/adr/0003-supervision.md).
    """

    recipient = models.ForeignKey(
        "accounts.User",
        verbose_name=_("收件人"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,  # the inbox index below starts with it
        db_constraint=False,  # see the class docstring
    )
    department = models.ForeignKey(
        "directory.Department",
        verbose_name=_("收件单位"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,  # the inbox index below starts with it
        db_constraint=False,  # see the class docstring
    )
    # With a department: only its members of this role (e.g. the head); without: this role citywide.
    role = models.CharField(_("收件角色"), max_length=16, choices=Role.choices, blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("工单"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_constraint=False,  # see the class docstring
    )
    # Indexed below together with reason and deadline: the sweep asks "already told?" by these.
    assignment = models.ForeignKey(
        "tickets.Assignment",
        verbose_name=_("派单"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,  # a partial index below
        db_constraint=False,  # see the class docstring
    )
    supervision = models.ForeignKey(
        "supervision.Supervision",
        verbose_name=_("督办"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,  # a partial index below
        db_constraint=False,  # see the class docstring
    )
    reason = models.CharField(_("原因"), max_length=32, choices=NotificationReason.choices)
    # The rule's step: the percentage of the time for a deadline reminder, the ladder step for a
    # supervision.
    level = models.PositiveSmallIntegerField(_("级别"), null=True, blank=True)
    # The deadline the notification is about; a new deadline (extension, reopening) is a new subject.
    deadline = models.DateTimeField(_("相关时限"), null=True, blank=True)
    message = models.TextField(_("内容"))
    channel = models.CharField(_("通道"), max_length=16, choices=NotificationChannel.choices)
    state = models.CharField(
        _("发送状态"), max_length=16, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("发送次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"))
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    # Unique by the constraint below (not `unique=True`, see there).
    dedupe_key = models.CharField(_("去重键"), max_length=200)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # `unique=True` on a CharField gives PostgreSQL two indexes: the unique one and a
            # `varchar_pattern_ops` copy for LIKE, which no query here uses. One unique index with
            # that operator class serves both equality and ON CONFLICT (dedupe_key), and compares
            # bytes instead of calling the collation: one index less per row the sweep writes.
            # Other databases ignore the operator class.
            models.UniqueConstraint(
                fields=["dedupe_key"], name="notification_dedupe_key", opclasses=["varchar_pattern_ops"]
            ),
        ]
        # Partial indexes: a sweep may store hundreds of thousands of rows at once, and each index
        # a row does not belong in is work saved.
        indexes = [
            models.Index(
                fields=["assignment", "reason", "deadline"],
                name="notification_subject",
                condition=Q(assignment__isnull=False),
            ),
            models.Index(
                fields=["recipient", "read_at"],
                name="notification_recipient",
                condition=Q(recipient__isnull=False),
            ),
            models.Index(
                fields=["department", "created_at"],
                name="notification_department",
                condition=_INBOX & Q(department__isnull=False),
            ),
            models.Index(
                fields=["role", "created_at"],
                name="notification_role",
                condition=_INBOX & Q(recipient__isnull=True, department__isnull=True),
            ),
            models.Index(
                fields=["supervision"],
                name="notification_supervision",
                condition=Q(supervision__isnull=False),
            ),
            # The delivery task looks for the few rows still to send among many delivered ones.
            models.Index(
                fields=["state"], name="notification_pending", condition=Q(state=DeliveryState.PENDING)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} → {self.audience_label()} ({self.channel})"

    def audience_label(self) -> str:
        if self.recipient_id is not None:
            return str(self.recipient)
        parts = [str(self.department) if self.department_id else str(_("全市"))]
        if self.role:
            parts.append(self.get_role_display())
        return " ".join(parts)
