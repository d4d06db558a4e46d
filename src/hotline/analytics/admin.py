from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from hotline.analytics.models import FigureSettings, FiguresState


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
