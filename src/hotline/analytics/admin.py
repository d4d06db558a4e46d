from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext as _

from hotline.analytics.early_warning import cell_key
from hotline.analytics.models import (
    EarlyWarning,
    FigureSettings,
    FiguresState,
    WarningDecision,
    WarningThreshold,
)
from hotline.core.enums import DepartmentLevel


class FigureSettingsForm(forms.ModelForm):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # Each score is a weighted mean: with nothing to weigh, no department would be ranked.
        if not any(data.get(name) for name in ("on_time", "handled", "replied", "satisfied")):
            raise forms.ValidationError(_("四项权重不能都为 0"))
        return data


@admin.register(FigureSettings)
class FigureSettingsAdmin(admin.ModelAdmin):
    form = FigureSettingsForm
    # Not the row's id: another id saved a second row, which nothing reads.
    exclude = ("id",)
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


class WarningThresholdForm(forms.ModelForm):
    """A threshold set by hand is the one of its cell, a first-level category in a district (either
    may be the whole city), as the warnings key it (`early_warning.cell_key`); the key is made
    here, not typed (one typed otherwise matched no cell and changed nothing)."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        factor = data.get("factor")
        if factor is not None and factor <= 0:
            # At 0 or less every day of the cell is above its threshold.
            self.add_error("factor", _("阈值倍数须大于 0"))
        if self.instance.pk is not None:
            return data  # its cell is fixed
        category, area = data.get("category"), data.get("area")
        if category is not None and category.parent_id is not None:
            self.add_error("category", _("须为一级分类（留空：全部分类）"))
        if area is not None and not (area.is_area and area.level == DepartmentLevel.DISTRICT):
            self.add_error("area", _("须为区县（留空：全市）"))
        cell = cell_key(category.pk if category else None, area.pk if area else None)
        if WarningThreshold.objects.filter(cell=cell).exists():
            raise forms.ValidationError(_("该单元已有阈值，请修改那一条"))
        self.instance.cell = cell
        return data


@admin.register(WarningThreshold)
class WarningThresholdAdmin(admin.ModelAdmin):
    """The early warnings' threshold per cell (预警阈值): raised by dismissed false alarms, lowered by
    confirmed warnings, and set here by hand (1.0: the baseline's own test)."""

    form = WarningThresholdForm
    list_display = ("cell", "category", "area", "factor", "dismissals", "confirmations", "updated_at")
    list_filter = ("category",)
    fields = ("cell", "category", "area", "factor", "dismissals", "confirmations", "updated_at")
    readonly_fields = ("cell", "dismissals", "confirmations", "updated_at")

    def get_readonly_fields(self, request: HttpRequest, obj: WarningThreshold | None = None) -> Any:
        # The cell of a threshold stays its cell: the warnings and their decisions name it.
        return (*self.readonly_fields, "category", "area") if obj is not None else self.readonly_fields


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
