from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from hotline.citizen_messages.selectors import masked_address
from hotline.core.admin import ReadOnlyAdminMixin
from hotline.core.phone import mask_phone
from hotline.intake.channels import webhooks
from hotline.intake.models import Appeal, PhoneReveal, WebhookChannel

# The action that replaces a channel's secret, as the list offers it and the history names it.
ROTATE = _("更换签名密钥（旧密钥 24 小时内仍有效）")


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Appeals are never edited after intake; the admin only lists them, phones and mail addresses
    masked (a full number only on the ticket's page, on request and recorded)."""

    list_display = ["title", "channel", "citizen_name", "masked_phone", "received_at", "ticket"]
    list_filter = ["channel"]
    search_fields = ["title", "external_id", "ticket__number"]
    exclude = ["citizen_phone", "citizen_email"]
    readonly_fields = ["masked_email"]

    @admin.display(description=_("联系电话"))
    def masked_phone(self, obj: Appeal) -> str:
        return mask_phone(obj.citizen_phone)

    @admin.display(description=Appeal._meta.get_field("citizen_email").verbose_name)
    def masked_email(self, obj: Appeal) -> str:
        return masked_address(obj.citizen_email) if obj.citizen_email else ""


@admin.register(PhoneReveal)
class PhoneRevealAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Who was shown which citizen's full number, and when: read-only, not deletable."""

    list_display = ["revealed_at", "revealed_by", "appeal", "ip"]
    list_filter = ["revealed_at"]
    search_fields = ["revealed_by__username", "appeal__ticket__number"]
    readonly_fields = ["appeal", "revealed_by", "revealed_at", "ip"]


@admin.register(WebhookChannel)
class WebhookChannelAdmin(admin.ModelAdmin):
    """A channel's signed webhook: the secret is made here and shown once, when it is made or
    replaced (the action 更换签名密钥 keeps the old one valid for a day, while the channel's system
    switches). Whoever lost it replaces it; nobody reads it back from this page."""

    list_display = ["channel", "name", "is_active", "secret_hint", "last_used_at", "previous_valid_until"]
    fields = [
        "channel",
        "name",
        "is_active",
        "secret_hint",
        "created_at",
        "last_used_at",
        "previous_valid_until",
    ]
    readonly_fields = ["secret_hint", "created_at", "last_used_at", "previous_valid_until"]
    actions = ["rotate_secret"]

    def get_readonly_fields(self, request: HttpRequest, obj: WebhookChannel | None = None) -> Any:
        # The URL of a channel's webhook names the channel: it does not change once the system uses it.
        return [*self.readonly_fields, "channel"] if obj is not None else self.readonly_fields

    @admin.display(description=_("签名密钥"))
    def secret_hint(self, obj: WebhookChannel) -> str:
        return f"{obj.secret[:10]}…" if obj.secret else "—"

    def save_model(self, request: HttpRequest, obj: WebhookChannel, form: Any, change: bool) -> None:
        if not change:
            obj.secret = webhooks.new_secret()
        super().save_model(request, obj, form, change)
        if not change:
            self._show_once(request, obj, obj.secret)

    @admin.action(description=ROTATE, permissions=["change"])
    def rotate_secret(self, request: HttpRequest, queryset: QuerySet[WebhookChannel]) -> None:
        for source in queryset:
            self._show_once(request, source, webhooks.do_rotate_secret(source))
            # In the channel's history, as a change saved on its page is: who replaced it, and when.
            self.log_change(request, source, str(ROTATE))

    def _show_once(self, request: HttpRequest, source: WebhookChannel, secret: str) -> None:
        self.message_user(
            request,
            _("%(channel)s 的签名密钥（只显示这一次，请复制到对方系统）：%(secret)s")
            % {"channel": source, "secret": secret},
            messages.WARNING,
        )
