from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from hotline.citizen_messages.models import CitizenMessage, CitizenMessageLog
from hotline.citizen_messages.selectors import explained, shown
from hotline.core.admin import ReadOnlyAdminMixin


@admin.register(CitizenMessage)
class CitizenMessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What citizens were told (告知记录): read-only, the destination masked."""

    # The list says what an attempt's outcome means (`selectors.explained`); a message's own page
    # keeps the sender's technical text (`detail`), as the log does.
    list_display = [
        "created_at",
        "ticket",
        "kind",
        "medium",
        "masked_to",
        "state",
        "attempts",
        "sent_at",
        "explanation",
    ]
    list_filter = ["kind", "medium", "state"]
    search_fields = ["ticket__number"]
    exclude = ["to", "dedupe_key"]

    @admin.display(description=_("发送至"))
    def masked_to(self, obj: CitizenMessage) -> str:
        return shown(obj).to

    @admin.display(description=_("说明"))
    def explanation(self, obj: CitizenMessage) -> str:
        return explained(obj.medium, obj.state, obj.attempts, obj.detail) or "—"


@admin.register(CitizenMessageLog)
class CitizenMessageLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "message", "action", "actor", "detail"]
    list_filter = ["action"]
    search_fields = ["message__ticket__number"]
