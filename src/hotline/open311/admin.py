from django.contrib import admin

from hotline.open311.models import ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["name", "prefix", "key_hash", "created_at", "last_used_at", "revoked_at"]
    fields = ["name", "prefix", "created_at", "last_used_at", "revoked_at"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False  # keys are issued by `hotline open311 key create`, which shows the secret once

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # a key's submissions name it; a key no longer wanted is revoked
