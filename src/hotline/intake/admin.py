from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from hotline.core.admin import ReadOnlyAdminMixin
from hotline.core.phone import mask_phone
from hotline.intake.models import Appeal, PhoneReveal


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Appeals are never edited after intake; the admin only lists them, phones masked."""

    list_display = ["title", "channel", "citizen_name", "masked_phone", "received_at", "ticket"]
    list_filter = ["channel"]
    search_fields = ["title", "external_id", "ticket__number"]
    exclude = ["citizen_phone"]

    @admin.display(description=_("联系电话"))
    def masked_phone(self, obj: Appeal) -> str:
        return mask_phone(obj.citizen_phone)


@admin.register(PhoneReveal)
class PhoneRevealAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Who was shown which citizen's full number, and when: read-only, not deletable."""

    list_display = ["revealed_at", "revealed_by", "appeal", "ip"]
    list_filter = ["revealed_at"]
    search_fields = ["revealed_by__username", "appeal__ticket__number"]
    readonly_fields = ["appeal", "revealed_by", "revealed_at", "ip"]
