from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from hotline.directory.models import Department, Place, Responsibility, ResponsibilityCoHandler


class PlaceInline(admin.StackedInline):
    model = Place
    extra = 0
    fields = ["aliases", "adcode", "boundary"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "phone", "is_area", "is_active"]
    list_filter = ["level", "is_area", "is_active"]
    search_fields = ["code", "name", "phone"]
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


@admin.register(Responsibility)
class ResponsibilityAdmin(admin.ModelAdmin):
    """The responsibility list (权责清单); routing's admin adds the console that shows which rule
    fires for a text (routing/admin.py)."""

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
