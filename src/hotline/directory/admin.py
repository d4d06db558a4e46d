from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

from hotline.directory.models import Department, Place, Responsibility, ResponsibilityCoHandler
from hotline.routing.decision import AppealFacts, decide
from hotline.taxonomy.models import Category


class PlaceInline(admin.StackedInline):
    model = Place
    extra = 0
    fields = ["aliases", "adcode", "boundary"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "is_area", "is_active"]
    list_filter = ["level", "is_area", "is_active"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    inlines = [PlaceInline]


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    """The gazetteer (地名库): aliases, division codes and boundaries of the area departments."""

    list_display = ["department", "aliases", "adcode", "has_boundary"]
    search_fields = ["department__name", "department__code", "aliases", "adcode"]
    autocomplete_fields = ["department"]

    @admin.display(boolean=True, description=_("有边界"))
    def has_boundary(self, obj: Place) -> bool:
        return obj.boundary is not None


class CoHandlerInline(admin.TabularInline):
    model = ResponsibilityCoHandler
    extra = 1
    autocomplete_fields = ["department"]


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


@admin.register(Responsibility)
class ResponsibilityAdmin(admin.ModelAdmin):
    """The responsibility list (权责清单), with a console that shows which rule fires for a text."""

    list_display = ["name", "category", "area", "lead_department", "area_role", "priority", "is_active"]
    list_filter = ["is_active", "area_role", "category__parent"]
    search_fields = ["name", "keywords", "category__name", "lead_department__name"]
    autocomplete_fields = ["category", "area", "lead_department"]
    inlines = [CoHandlerInline]
    fieldsets = [
        (None, {"fields": ["name", "is_active", "priority"]}),
        (_("适用条件"), {"fields": ["category", "area", "keywords", "exclude_keywords"]}),
        (_("承办"), {"fields": ["lead_department", "area_role", "note"]}),
    ]
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
