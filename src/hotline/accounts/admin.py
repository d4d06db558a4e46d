from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group, Permission
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hotline.accounts.models import CITYWIDE_ROLES, ApiToken, User
from hotline.core.admin import ReadOnlyAdminMixin
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
        elif (
            department is not None
            and not department.is_active
            and data.get("is_active", True)
            and "department" in self.changed_data
        ):
            # Nothing is dispatched to a unit switched off: its new member would see no work. Its
            # staff already there can still be edited, and deactivated, as it is retired.
            self.add_error(
                "department", gettext("所属单位“%(department)s”已停用") % {"department": department.name}
            )
        return data


# Django stores a default permission's name in English ("Can add 预警") when it creates it; named
# here by its action in the reader's language instead, after its table ("统计分析 | 预警 | 增加").
PERMISSION_ACTIONS = {"add": _("增加"), "change": _("修改"), "delete": _("删除"), "view": _("查看")}


def permission_label(permission: Permission) -> str:
    action, _sep, model = permission.codename.partition("_")
    if action in PERMISSION_ACTIONS and model == permission.content_type.model:
        return f"{permission.content_type} | {PERMISSION_ACTIONS[action]}"
    return str(permission)  # a permission of its own (its name as its app gave it)


def named_permissions(field: Any) -> Any:
    if field is not None:
        field.label_from_instance = permission_label
    return field


class UserCreation(PostMixin, AdminUserCreationForm):
    pass


class UserChange(PostMixin, UserChangeForm):
    pass


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChange
    add_form = UserCreation
    list_display = ["username", "full_name", "role", "department", "is_active"]
    list_filter = ["role", "is_active", "is_staff"]
    # A city has thousands of staff: a unit's are found by its name or code.
    search_fields = ["username", "first_name", "last_name", "email", "department__name", "department__code"]
    list_select_related = ["department"]
    autocomplete_fields = ["department"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("岗位"), {"fields": ("role", "department")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "first_name", "usable_password", "password1", "password2"),
            },
        ),
        (_("岗位"), {"fields": ("role", "department")}),
    )

    # One name, as Chinese names are written: Django's 名字 and 姓氏 apart were joined given name
    # first ("小明 王", `get_full_name`), the name every timeline, reply and list shows. A surname
    # kept from before stays on its user's page until it is cleared.
    def get_fieldsets(self, request: HttpRequest, obj: User | None = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and obj.last_name:
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "last_name"]})
            for name, options in fieldsets
        ]

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "first_name":
            kwargs["label"] = _("姓名")
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        return named_permissions(field) if db_field.name == "user_permissions" else field

    @admin.display(description=_("姓名"), ordering="first_name")
    def full_name(self, obj: User) -> str:
        return obj.get_full_name()

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if obj.role == Role.ADMIN and obj.is_active and not obj.is_staff:
            # Said, not refused: the staff pages go by the role, but this admin admits only staff
            # users, and its sign-in page would only call their password wrong.
            self.message_user(
                request,
                gettext(
                    "“%(user)s”的角色为管理员，但还不能进入管理后台："
                    "请勾选“工作人员状态”，需要全部权限时再勾选“超级用户状态”"
                )
                % {"user": obj.username},
                messages.WARNING,
            )

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        # Deleting a user would blank the actor of every timeline line, reply and callback they
        # wrote (the audit trail names who did what): staff who leave are deactivated instead.
        return False


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin):
    def formfield_for_manytomany(
        self, db_field: Any, request: HttpRequest | None = None, **kwargs: Any
    ) -> Any:
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        return named_permissions(field) if db_field.name == "permissions" else field


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "prefix", "created_at", "last_used_at", "revoked"]
    list_filter = ["revoked"]
    # A person's tokens, to revoke them when they leave, among those of thousands of staff.
    search_fields = ["user__username", "name", "prefix"]
    list_select_related = ["user"]
    readonly_fields = ["user", "prefix", "key_hash", "created_at", "last_used_at"]
    fields = ["user", "name", "prefix", "created_at", "last_used_at", "revoked"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False  # tokens are issued by `hotline token create`, which shows the secret once

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        # Revoked for good, as `hotline token revoke` does: a token that leaked, or whose user left,
        # is not brought back by unticking a box; a new one is issued.
        return [*self.readonly_fields, "revoked"] if obj is not None and obj.revoked else self.readonly_fields


LOG_FIELDS = ("action_time", "user", "content_type", "object_id", "object_repr", "action_flag", "change")


@admin.register(LogEntry)
class LogEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What was changed in this admin (a unit, a rule, a user deactivated, a password reset), by whom
    and when: the configuration's audit trail, as the tickets' timeline is theirs. Each record's
    历史 shows its own; this lists them all, to find who changed what across the city's settings."""

    list_display = ["action_time", "user", "content_type", "object_repr", "action_flag", "change"]
    # Only the kinds of record that were changed here, not every table of the platform.
    list_filter = ["action_flag", ("content_type", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["object_repr", "user__username", "user__first_name", "change_message"]
    date_hierarchy = "action_time"
    list_select_related = ["user", "content_type"]
    fields = readonly_fields = LOG_FIELDS

    @admin.display(description=_("修改内容"))
    def change(self, obj: LogEntry) -> str:
        return obj.get_change_message()
