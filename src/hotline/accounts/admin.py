from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from hotline.accounts.models import ApiToken, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "department", "is_active"]
    list_filter = ["role", "is_active", "is_staff"]
    autocomplete_fields = ["department"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("岗位"), {"fields": ("role", "department")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("岗位"), {"fields": ("role", "department")}),
    )

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        # Deleting a user would blank the actor of every timeline line, reply and callback they
        # wrote (the audit trail names who did what): staff who leave are deactivated instead.
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "prefix", "created_at", "last_used_at", "revoked"]
    list_filter = ["revoked"]
    readonly_fields = ["user", "prefix", "key_hash", "created_at", "last_used_at"]
    fields = ["user", "name", "prefix", "created_at", "last_used_at", "revoked"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False  # tokens are issued by `hotline token create`, which shows the secret once
