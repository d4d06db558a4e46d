"""Supervisions in the admin, read-only: they are opened and closed by the actions and the sweep, and
they are part of the audit trail, which nobody deletes (not even the superuser)."""

from django.contrib import admin

from hotline.core.admin import NoEditAdminMixin, ReadOnlyAdminMixin
from hotline.supervision.models import Supervision, SweepState


@admin.register(Supervision)
class SupervisionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "created_at",
        "kind",
        "reason",
        "ticket",
        "department",
        "deadline",
        "is_public",
        "resolved_at",
    )
    list_filter = ("kind", "reason", "is_public")
    search_fields = ("ticket__number", "reason_text", "dedupe_key")
    date_hierarchy = "created_at"
    list_select_related = ("ticket", "department")
    raw_id_fields = ("ticket", "assignment", "department", "created_by", "resolved_by")


@admin.register(SweepState)
class SweepStateAdmin(NoEditAdminMixin, admin.ModelAdmin):
    list_display = ("last_started_at", "last_finished_at", "last_enqueued_at")
