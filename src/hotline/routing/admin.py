"""The model registry, read-only: versions are added by `hotline model train` or a retrain only."""

from django.contrib import admin

from hotline.routing.models import ModelVersion


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
