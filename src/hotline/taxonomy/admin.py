from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _

from hotline.core.admin import ProtectedSaidAdminMixin, TreeNodeForm
from hotline.taxonomy.models import Category


class CategoryForm(TreeNodeForm):
    """A category's level is the one below its parent's (一级 without a parent), and stays while it has
    sub-categories: pages that list the first level (the grid's report form) read the level,
    routing reads the parent; they must agree."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        parent, level = data.get("parent"), data.get("level")
        if "parent" in data and level is not None and level != (parent.level + 1 if parent else 1):
            self.add_error(
                "level", forms.ValidationError(_("级别应为上级分类的下一级（没有上级分类时为一级）"))
            )
        elif (
            self.instance.pk is not None and "level" in self.changed_data and self.instance.children.exists()
        ):
            # Their levels would no longer follow this one's.
            self.add_error("level", forms.ValidationError(_("有下级分类时不能改变级别")))
        return data


@admin.register(Category)
class CategoryAdmin(ProtectedSaidAdminMixin, admin.ModelAdmin):
    form = CategoryForm
    list_display = ["code", "name", "level", "parent", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
