from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from hotline.citizen_messages.models import CitizenMessage, CitizenMessageLog
from hotline.citizen_messages.selectors import shown
from hotline.core.admin import ReadOnlyAdminMixin


@admin.register(CitizenMessage)
class CitizenMessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What citizens were told (告知记录): read-only, the destination masked."""

    list_display = ["created_at", "ticket", "kind", "medium", "masked_to", "state", "attempts", "sent_at"]
    list_filter = ["kind", "medium", "state"]
    search_fields = ["ticket__number"]
    exclude = ["to", "dedupe_key"]

    @admin.display(description=_("发送至"))
    def masked_to(self, obj: CitizenMessage) -> str:
        return shown(obj).to


@admin.register(CitizenMessageLog)
class CitizenMessageLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "message", "action", "actor", "detail"]
    list_filter = ["action"]
    search_fields = ["message__ticket__number"]
