from uuid import uuid4

from django.db import models
from django.db.models.functions import Right
from django.utils.translation import gettext_lazy as _

from hotline.core import timerange
from hotline.core.enums import Channel

# The longest text an appeal (and an answer brought with it) may have, whatever the channel.
CONTENT_MAX_CHARS = 20_000
# The largest vote count the column holds (a 32-bit integer in PostgreSQL).
VOTES_MAX = 2**31 - 1


class Appeal(models.Model):
    """One contact by one citizen through one channel. Written once at intake, never edited."""

    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("工单"), on_delete=models.PROTECT, related_name="appeals"
    )
    channel = models.CharField(_("渠道"), max_length=20, choices=Channel.choices)
    # The id the channel gave this contact (call id, message id); the same (channel, external_id)
    # twice is the same contact delivered twice and must not make a second ticket.
    external_id = models.CharField(_("渠道编号"), max_length=100, null=True, blank=True)  # noqa: DJ001
    citizen_name = models.CharField(_("诉求人"), max_length=50, blank=True)
    citizen_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    # The sender's address of a letter (mail channels): the reply goes back there, and a later letter
    # from it that names the ticket's number joins the ticket.
    citizen_email = models.EmailField(_("电子邮箱"), blank=True)
    # The phone's last four characters, kept by the database and indexed: a search by a caller's
    # last four digits reads the hundred-odd appeals that end so, not every appeal (bench/pages.py).
    phone_tail = models.GeneratedField(
        expression=Right("citizen_phone", 4),
        output_field=models.CharField(max_length=4),
        db_persist=True,
        db_index=True,
    )
    title = models.CharField(_("标题"), max_length=200)
    content = models.TextField(_("内容"))
    address = models.CharField(_("地址"), max_length=300, blank=True)
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    received_at = models.DateTimeField(_("受理时间"), db_index=True)
    # The public's votes on a message board post (点赞数 / 反对数), where the channel has them (an
    # imported board); None where it has none. Hot spots weigh public support with them.
    likes = models.PositiveIntegerField(_("点赞数"), null=True, blank=True)
    dislikes = models.PositiveIntegerField(_("反对数"), null=True, blank=True)
    # Brought in by an import of history (its days kept, `do_receive_appeals(backdate=True)`) under
    # whatever channel it came through: its citizen was answered by the system it came from, and is
    # told nothing by this one (citizen_messages.outbox), whatever routing or a reply does later.
    from_history = models.BooleanField(_("历史导入"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("受理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("诉求")
        verbose_name_plural = _("诉求")
        ordering = ["received_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_id"],
                condition=models.Q(external_id__isnull=False),
                name="appeal_unique_channel_external_id",
            ),
            timerange.constraint("received_at", "appeal_received_at_in_range"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        if self.pk is not None and not self._state.adding:
            raise ValueError("an Appeal is never edited after intake")
        super().save(*args, **kwargs)


class PhoneReveal(models.Model):
    """A staff member was shown a citizen's full phone number on a ticket's page: who, when, which
    appeal. Written by `intake.actions.do_reveal_phone`; never edited or deleted (an audit trail)."""

    appeal = models.ForeignKey(
        Appeal, verbose_name=_("诉求"), on_delete=models.PROTECT, related_name="phone_reveals"
    )
    revealed_by = models.ForeignKey(
        "accounts.User", verbose_name=_("查看人"), on_delete=models.PROTECT, related_name="+"
    )
    revealed_at = models.DateTimeField(_("查看时间"), db_index=True)
    ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)

    class Meta:
        verbose_name = _("号码查看记录")
        verbose_name_plural = _("号码查看记录")
        ordering = ["-revealed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.revealed_by_id} → {self.appeal_id} {self.revealed_at:%Y-%m-%d %H:%M}"


# The name a stored file ends with, by its type (intake.attachments recognises the type by content).
FILE_SUFFIXES = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "application/pdf": ".pdf",
    "application/msword": ".doc",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
}


def _upload_path(instance: "Attachment", filename: str) -> str:
    # The citizen's own file name is not kept: it may say who they are, and it is theirs to choose.
    suffix = FILE_SUFFIXES.get(instance.content_type, "")
    return f"uploads/{instance.uploaded_at:%Y/%m}/{uuid4().hex}{suffix}"


class Attachment(models.Model):
    """A file a citizen sent with an appeal (a photo from the portal, Open311 or a grid worker, a
    letter's attachment), stored through the default storage under uploads/ (`intake.attachments`)."""

    appeal = models.ForeignKey(
        Appeal, verbose_name=_("诉求"), on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(_("文件"), upload_to=_upload_path, max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.file.name or ""


class PortalHit(models.Model):
    """One counted use of the public portal (a submission, a lookup) for its rate limits
    (`intake.limits`). The key (an IP address, a phone number) is stored only as a keyed hash;
    rows older than the window are pruned as new ones are written."""

    kind = models.CharField(_("类别"), max_length=16)
    key_hash = models.CharField(_("键摘要"), max_length=64)
    at = models.DateTimeField(_("时间"), db_index=True)

    class Meta:
        verbose_name = _("门户访问计数")
        verbose_name_plural = _("门户访问计数")
        indexes = [models.Index(fields=["kind", "key_hash", "at"], name="intake_portalhit_key_at")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key_hash[:8]} {self.at:%Y-%m-%d %H:%M}"


class WebhookChannel(models.Model):
    """A channel whose system (a city app, a WeChat mini-program) posts appeals to
    `POST /api/v1/channels/{channel}/webhook`, each signed with HMAC-SHA256 under this shared secret
    (`intake.channels.webhooks`). One per channel, configured in the admin.

    The secret is stored as it is: a signature can only be checked by whoever holds the key that
    made it, so a hash of it would be useless (docs/adr/0013-channels.md). After a rotation the
    previous secret is still accepted until `previous_valid_until`, so the channel's system can
    switch without losing a delivery."""

    channel = models.CharField(_("渠道"), max_length=20, choices=Channel.choices, unique=True)
    name = models.CharField(_("接入系统"), max_length=100)
    secret = models.CharField(_("签名密钥"), max_length=128)
    previous_secret = models.CharField(_("上一密钥"), max_length=128, blank=True)
    previous_valid_until = models.DateTimeField(_("上一密钥有效至"), null=True, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("渠道推送接口")
        verbose_name_plural = _("渠道推送接口")
        ordering = ["channel"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}（{self.name}）"


class WebhookDelivery(models.Model):
    """A signed delivery that was accepted, kept for as long as its timestamp would be, so that the
    same signed request sent again (a replay) is refused. Pruned as new ones arrive."""

    channel = models.CharField(_("渠道"), max_length=20, choices=Channel.choices)
    signature = models.CharField(_("签名"), max_length=64)
    received_at = models.DateTimeField(_("接收时间"), db_index=True)

    class Meta:
        verbose_name = _("渠道推送记录")
        verbose_name_plural = _("渠道推送记录")
        constraints = [
            models.UniqueConstraint(fields=["channel", "signature"], name="webhook_delivery_once"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.signature[:8]} {self.received_at:%Y-%m-%d %H:%M:%S}"


class MailFetchState(models.Model):
    """The one row through which workers share the schedule of fetching the mailboxes."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_enqueued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("信箱收取状态")
        verbose_name_plural = _("信箱收取状态")

    def __str__(self) -> str:
        return f"mail fetch {self.last_enqueued_at}"
