"""Calendar overrides and deadline policies are configuration: administrators edit them here.
Suspensions, extensions and time lost are records written by the ticket actions: read-only."""

from django.contrib import admin

from hotline.core.admin import ReadOnlyAdminMixin
from hotline.sla.models import CalendarOverride, CalendarYear, DeadlinePolicy, Extension, Suspension, TimeLost


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ("day", "department", "is_workday", "reason")
    list_filter = ("is_workday", "department")
    search_fields = ("reason", "department__name", "department__code")
    date_hierarchy = "day"
    raw_id_fields = ("department",)


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "note")


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "kind",
        "urgency",
        "category",
        "department_level",
        *DeadlinePolicy.TERM_FIELDS,
        "is_active",
    )
    list_filter = ("is_active", "kind", "urgency", "department_level")
    search_fields = ("name", "category__name")
    raw_id_fields = ("category",)


@admin.register(Suspension)
class SuspensionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("assignment", "reason", "started_at", "ended_at", "paused")
    list_filter = ("reason",)


@admin.register(Extension)
class ExtensionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "assignment",
        "previous_due_at",
        "requested_due_at",
        "approved",
        "withdrawn",
        "decided_at",
    )
    list_filter = ("approved", "withdrawn")


@admin.register(TimeLost)
class TimeLostAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("ticket", "cause", "department", "dispatcher", "started_at", "ended_at", "working_time")
    list_filter = ("cause",)
