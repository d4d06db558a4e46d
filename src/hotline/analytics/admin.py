from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from hotline.analytics.models import (
    EarlyWarning,
    FigureSettings,
    FiguresState,
    WarningDecision,
    WarningThreshold,
)


@admin.register(FigureSettings)
class FigureSettingsAdmin(admin.ModelAdmin):
    list_display = (
        "exempt_merged",
        "exempt_invalid",
        "on_time",
        "handled",
        "replied",
        "satisfied",
        "min_received",
    )

    def save_model(self, request: HttpRequest, obj: FigureSettings, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # The exemptions change what every kept day counted: the worker's next recount is a full one.
        FiguresState.objects.filter(pk=1).update(last_full_on=None)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # One row: the admin changes it, never adds a second.
        return not FigureSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: FigureSettings | None = None) -> bool:
        return False


@admin.register(WarningThreshold)
class WarningThresholdAdmin(admin.ModelAdmin):
    """The early warnings' threshold per cell (预警阈值): raised by dismissed false alarms, lowered by
    confirmed warnings, and set here by hand (1.0: the baseline's own test)."""

    list_display = ("cell", "category", "area", "factor", "dismissals", "confirmations", "updated_at")
    list_filter = ("category",)
    readonly_fields = ("dismissals", "confirmations", "updated_at")


class WarningDecisionInline(admin.TabularInline):
    model = WarningDecision
    extra = 0
    fields = ("at", "actor", "status", "note", "factor_before", "factor_after")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(EarlyWarning)
class EarlyWarningAdmin(admin.ModelAdmin):
    """The warnings as the worker raised them and supervisors decided them: read only (a decision is
    made on the supervision board, where it is logged)."""

    list_display = ("title", "kind", "status", "started_on", "raised_at", "decided_by")
    list_filter = ("kind", "status")
    inlines = [WarningDecisionInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: EarlyWarning | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: EarlyWarning | None = None) -> bool:
        return False
