"""Notifications in the admin: read-only, since only the actions store and deliver them."""

from django.contrib import admin

from hotline.core.admin import NoEditAdminMixin
from hotline.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(NoEditAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "reason", "level", "channel", "state", "ticket", "department", "role")
    list_filter = ("reason", "channel", "state", "role")
    search_fields = ("message", "dedupe_key", "ticket__number")
    date_hierarchy = "created_at"
    list_select_related = ("ticket", "department")
    raw_id_fields = ("recipient", "department", "ticket", "assignment", "supervision")
