"""Routing in the admin: the model registry and the decisions and labels (read-only), the settings."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from hotline.core.admin import ReadOnlyAdminMixin
from hotline.routing.models import ModelVersion, RoutingDecision, RoutingSettings, TrainingLabel
from hotline.routing.selectors import routing_settings


@admin.register(ModelVersion)
class ModelVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "target", "version", "is_active", "cv_macro_f1", "data_size", "created_at"]
    list_filter = ["target", "is_active"]
    fields = (
        "name",
        "target",
        "version",
        "is_active",
        "decision",
        "cv_macro_f1",
        "data_size",
        "labels",
        "training_seconds",
        "path",
        "created_at",
        "activated_at",
        "metrics",
    )
    readonly_fields = fields


@admin.register(RoutingSettings)
class RoutingSettingsAdmin(admin.ModelAdmin):
    """Automatic dispatch on or off, and its threshold; one row, starting from settings.HOTLINE["ROUTING"]."""

    list_display = ["__str__", "auto_dispatch", "threshold", "updated_at"]
    fields = ["auto_dispatch", "threshold"]

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        defaults = routing_settings()
        return {"auto_dispatch": defaults.auto_dispatch, "threshold": defaults.threshold}

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return super().has_add_permission(request) and not RoutingSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(RoutingDecision)
class RoutingDecisionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What routing concluded at intake, per ticket (written by `do_route_ticket` only)."""

    list_display = ["ticket", "decided_at", "mode", "confidence", "area", "urgent", "model_version"]
    list_filter = ["mode", "urgent"]
    search_fields = ["ticket__number"]
    readonly_fields = [f.name for f in RoutingDecision._meta.fields]


@admin.register(TrainingLabel)
class TrainingLabelAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Dispatchers' corrections as training labels (collected from the timeline)."""

    list_display = ["ticket", "target", "label", "suggested", "source", "created_by", "created_at"]
    list_filter = ["target", "source"]
    search_fields = ["ticket__number", "label", "text"]
    readonly_fields = [f.name for f in TrainingLabel._meta.fields]
