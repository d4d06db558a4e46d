from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hotline.accounts.models import CITYWIDE_ROLES, ApiToken, User
from hotline.core.enums import Role


class PostMixin(forms.Form):
    """A role that works inside one department (承办人, 单位负责人, 网格员) needs that department: its
    user would otherwise see no ticket at all (`permissions.department_scope`), and nothing would
    say why. A grid member's reports are placed in their department: an area."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        role, department = data.get("role"), data.get("department")
        if role and role not in CITYWIDE_ROLES and department is None:
            self.add_error("department", gettext("“%(role)s”须指定所属单位") % {"role": Role(role).label})
        elif role == Role.GRID and department is not None and not department.is_area:
            self.add_error("department", gettext("网格员的所属单位须为属地单位（社区、街道）"))
        return data


class UserCreation(PostMixin, AdminUserCreationForm):
    pass


class UserChange(PostMixin, UserChangeForm):
    pass


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChange
    add_form = UserCreation
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

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        # Revoked for good, as `hotline token revoke` does: a token that leaked, or whose user left,
        # is not brought back by unticking a box; a new one is issued.
        return [*self.readonly_fields, "revoked"] if obj is not None and obj.revoked else self.readonly_fields
