"""Routing in the admin: the model registry and the decisions and labels (read-only), the settings,
and the dispatch test console on the responsibility list."""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

from hotline.core.admin import ReadOnlyAdminMixin
from hotline.directory.admin import ResponsibilityAdmin
from hotline.directory.models import Department, Responsibility
from hotline.routing.decision import AppealFacts, decide
from hotline.routing.models import ModelVersion, RoutingDecision, RoutingSettings, TrainingLabel
from hotline.routing.selectors import routing_settings
from hotline.taxonomy.models import Category


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
    # Not the row's id: Django labels it "ID" in every language, and the page's address says it already.
    readonly_fields = [f.name for f in RoutingDecision._meta.fields if not f.primary_key]


@admin.register(TrainingLabel)
class TrainingLabelAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Dispatchers' corrections as training labels (collected from the timeline)."""

    list_display = ["ticket", "target", "label", "suggested", "source", "created_by", "created_at"]
    list_filter = ["target", "source"]
    search_fields = ["ticket__number", "label", "text"]
    readonly_fields = [f.name for f in TrainingLabel._meta.fields if not f.primary_key]


class ConsoleForm(forms.Form):
    """What the console routes: an appeal as an operator would take it in."""

    title = forms.CharField(label=_("标题"), max_length=200, required=False)
    text = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    address = forms.CharField(label=_("地址"), max_length=300, required=False)
    category = forms.ModelChoiceField(
        label=_("分类"),
        queryset=Category.objects.filter(is_active=True),
        required=False,
        help_text=_("留空：由分类模型预测"),
    )
    area = forms.ModelChoiceField(
        label=_("属地"),
        queryset=Department.objects.filter(is_active=True, is_area=True),
        required=False,
        help_text=_("留空：从地址识别"),
    )
    latitude = forms.FloatField(label=_("纬度"), required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(label=_("经度"), required=False, min_value=-180, max_value=180)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("title") or "").strip() and not (data.get("text") or "").strip():
            raise forms.ValidationError(_("标题和内容至少填写一项"))
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            raise forms.ValidationError(_("纬度和经度须同时填写"))
        return data


# The responsibility list belongs to the directory; the console that tries it is routing's.
admin.site.unregister(Responsibility)


@admin.register(Responsibility)
class ResponsibilityWithConsoleAdmin(ResponsibilityAdmin):
    """The responsibility list (权责清单), with a console that shows which rule fires for a text."""

    change_list_template = "admin/directory/responsibility/change_list.html"

    def get_urls(self) -> list[URLPattern]:
        console = path(
            "console/",
            self.admin_site.admin_view(self.console_view),
            name="directory_responsibility_console",
        )
        return [console, *super().get_urls()]

    def console_view(self, request: HttpRequest) -> HttpResponse:
        """Route a text without storing anything: place, urgency, the rules considered, the suggestions."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = ConsoleForm(request.GET if request.GET else None)
        result = None
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            facts = AppealFacts(
                title=data["title"],
                content=data["text"],
                address=data["address"],
                latitude=data["latitude"],
                longitude=data["longitude"],
                category=data["category"],
                area=data["area"],
            )
            result = decide(facts).as_dict()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("派单测试台"),
            "form": form,
            "result": result,
        }
        return TemplateResponse(request, "admin/directory/responsibility/console.html", context)
