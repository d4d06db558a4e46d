"""Notifications in the admin: read-only, since only the actions store and deliver them."""

from django.contrib import admin

from hotline.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "reason", "level", "channel", "state", "ticket", "department", "role")
    list_filter = ("reason", "channel", "state", "role")
    search_fields = ("message", "dedupe_key", "ticket__number")
    date_hierarchy = "created_at"
    list_select_related = ("ticket", "department")
    raw_id_fields = ("recipient", "department", "ticket", "assignment", "supervision")

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
