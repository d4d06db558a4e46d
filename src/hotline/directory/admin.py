from django.contrib import admin

from hotline.directory.models import Department


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "is_area", "is_active"]
    list_filter = ["level", "is_area", "is_active"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
