from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from hotline.open311 import keys
from hotline.open311.models import ApiKey

# The action that revokes keys, as the list offers it and a key's history names it.
REVOKE = _("吊销所选密钥（立即失效）")


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["name", "prefix", "key_hash", "created_at", "last_used_at", "revoked_at"]
    fields = ["name", "prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke_keys"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False  # keys are issued by `hotline open311 key create`, which shows the secret once

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # a key's submissions name it; a key no longer wanted is revoked

    @admin.action(description=REVOKE, permissions=["change"])
    def revoke_keys(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        """As `hotline open311 key revoke` does, for a key that cannot wait for a shell (a leak)."""
        revoked = 0
        for key in queryset:
            if keys.revoke(key):
                revoked += 1
                self.log_change(request, key, str(REVOKE))
        self.message_user(request, _("已吊销 %(count)s 个密钥") % {"count": revoked}, messages.SUCCESS)
