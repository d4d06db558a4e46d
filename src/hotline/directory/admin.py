from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hotline.core.admin import ProtectedSaidAdminMixin, TreeNodeForm
from hotline.core.enums import DepartmentLevel
from hotline.core.phone import half_width, is_phone_number
from hotline.directory.models import Department, Place, Responsibility, ResponsibilityCoHandler

# From the top of the tree down.
LEVELS = list(DepartmentLevel)


def level_fits(level: str, parent_level: str) -> bool:
    """A unit sits at its parent's level (a bureau under the city, a district's own bureau under the
    district, a grid in a community) or at the one just below (a district under the city, a street
    under a district, a community under a street), as the demo city is built. One above its parent,
    or a level skipped (a community straight under a district), put it outside the tree that the
    places of addresses (`routing.place`), the districts' figures and the rankings walk up."""
    return LEVELS.index(DepartmentLevel(level)) - LEVELS.index(DepartmentLevel(parent_level)) in (0, 1)


def _either(levels: Sequence[DepartmentLevel]) -> str:
    labels = [str(level.label) for level in levels]
    return labels[0] if len(labels) == 1 else gettext("%(a)s或%(b)s") % {"a": labels[0], "b": labels[1]}


class DepartmentForm(TreeNodeForm):
    """A department's level fits its parent's (`level_fits`) and the levels of the units below it.
    Checked when either changes only: an older unit placed otherwise can still be renamed or
    deactivated without being moved first."""

    def clean_phone(self) -> str:
        # Filled into the replies citizens read ({联系电话}): a number they can dial, in ASCII as the
        # operator console keeps callers' numbers. One written before this check stays until changed.
        phone = half_width(self.cleaned_data.get("phone") or "").strip()
        if phone and "phone" in self.changed_data and not is_phone_number(phone):
            raise forms.ValidationError(
                gettext("联系电话须为固定电话（区号、分机号可带可不带）、手机号码或 12345 这样的服务号码")
            )
        return phone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        level, parent = data.get("level"), data.get("parent")
        if level is None or not {"level", "parent"} & set(self.changed_data):
            return data
        if parent is not None and not level_fits(level, parent.level):
            above = LEVELS.index(DepartmentLevel(parent.level))
            self.add_error(
                "level",
                gettext("上级单位“%(parent)s”为%(level)s，本单位的层级应为%(allowed)s")
                % {
                    "parent": parent.name,
                    "level": DepartmentLevel(parent.level).label,
                    "allowed": _either(LEVELS[above : above + 2]),
                },
            )
        elif self.instance.pk is not None and "level" in self.changed_data:
            below = self.instance.children.order_by("code")
            child = next((c for c in below if not level_fits(c.level, level)), None)
            if child is not None:
                under = LEVELS.index(DepartmentLevel(child.level))
                self.add_error(
                    "level",
                    gettext("下级单位“%(child)s”为%(level)s，本单位的层级应为%(allowed)s")
                    % {
                        "child": child.name,
                        "level": DepartmentLevel(child.level).label,
                        "allowed": _either(LEVELS[max(under - 1, 0) : under + 1]),
                    },
                )
        return data


class PlaceFormSet(BaseInlineFormSet):
    """The gazetteer entry of a department: only an area has one. `Place.clean` says so on the entry's
    department field, which the inline keeps hidden: unticking 属地单位 of an area with an entry
    was refused with "请更正以下错误" and no error to be seen. Said above the entry too."""

    def clean(self) -> None:
        super().clean()
        kept = [
            form
            for form in self.forms
            if (form.instance.pk is not None or form.has_changed()) and not form.cleaned_data.get("DELETE")
        ]
        if kept and not self.instance.is_area:
            raise forms.ValidationError(gettext("只有属地单位（区、街道、社区）可以登记地名"))


class PlaceInline(admin.StackedInline):
    model = Place
    formset = PlaceFormSet
    extra = 0
    fields = ["aliases", "adcode", "boundary"]


@admin.register(Department)
class DepartmentAdmin(ProtectedSaidAdminMixin, admin.ModelAdmin):
    form = DepartmentForm
    list_display = ["code", "name", "level", "parent", "phone", "is_area", "is_active"]
    list_filter = ["level", "is_area", "is_active"]
    search_fields = ["code", "name", "phone"]
    autocomplete_fields = ["parent"]
    inlines = [PlaceInline]

    def save_model(self, request: HttpRequest, obj: Department, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            self._say_what_still_uses(request, obj)

    def _say_what_still_uses(self, request: HttpRequest, department: Department) -> None:
        """Said, not refused: a unit merged away or abolished is retired in steps (its units below
        moved, its rules given to another, its staff finishing its open tickets first), and nothing
        breaks meanwhile (routing skips a rule whose lead is inactive, and says so in its reasons);
        but each of these would otherwise be found only by chance."""
        children = department.children.filter(is_active=True).count()
        rules = (
            Responsibility.objects.filter(is_active=True)
            .filter(
                Q(lead_department=department) | Q(area=department) | Q(co_handlers__department=department)
            )
            .distinct()
            .count()
        )
        users = department.members.filter(is_active=True).count()
        left = [
            said % {"count": count}
            for said, count in (
                (gettext("%(count)s 个启用的下级单位"), children),
                (gettext("%(count)s 条启用的权责清单规则（主办、协办或属地范围）"), rules),
                (gettext("%(count)s 个启用的用户"), users),
            )
            if count
        ]
        if left:
            self.message_user(
                request,
                gettext("“%(department)s”已停用，但仍有 %(left)s：请将它们移至其他单位或一并停用")
                % {"department": department.name, "left": gettext("、").join(left)},
                messages.WARNING,
            )


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    """The gazetteer (地名库): aliases, division codes and boundaries of the area departments."""

    list_display = ["department", "aliases", "adcode", "has_boundary"]
    search_fields = ["department__name", "department__code", "aliases", "adcode"]
    autocomplete_fields = ["department"]

    @admin.display(boolean=True, description=_("有边界"))
    def has_boundary(self, obj: Place) -> bool:
        return obj.boundary is not None


class CoHandlerFormSet(BaseInlineFormSet):
    """The co-handlers of a rule: not its lead (a department cannot take a ticket twice), and active
    while the rule is (routing leaves an inactive one out without a word)."""

    def get_unique_error_message(self, unique_check: Any) -> str:
        return gettext("同一协办单位只需列一次")  # Django's own names the field as the code does

    def clean(self) -> None:
        super().clean()
        rule: Responsibility = self.instance
        for form in self.forms:
            department = form.cleaned_data.get("department") if form.cleaned_data else None
            if department is None or form.cleaned_data.get("DELETE"):
                continue
            if department.pk == rule.lead_department_id:
                form.add_error("department", gettext("主办单位不能同时作为协办单位"))
            elif rule.is_active and not department.is_active:
                form.add_error(
                    "department", gettext("协办单位“%(department)s”已停用") % {"department": department.name}
                )


class CoHandlerInline(admin.TabularInline):
    model = ResponsibilityCoHandler
    formset = CoHandlerFormSet
    extra = 1
    autocomplete_fields = ["department"]


class ResponsibilityForm(forms.ModelForm):
    """An active rule names an active category and lead: routing would never fire it on the one, and
    would list the other as a failure, while the list showed the rule as in force."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("is_active"):
            return data  # a rule kept for the record, e.g. of a unit merged away
        category, lead = data.get("category"), data.get("lead_department")
        if category is not None and not category.is_active:
            self.add_error("category", gettext("分类“%(category)s”已停用") % {"category": category.name})
        if lead is not None and not lead.is_active:
            self.add_error(
                "lead_department", gettext("主办单位“%(department)s”已停用") % {"department": lead.name}
            )
        return data


@admin.register(Responsibility)
class ResponsibilityAdmin(admin.ModelAdmin):
    """The responsibility list (权责清单); routing's admin adds the console that shows which rule
    fires for a text (routing/admin.py)."""

    form = ResponsibilityForm
    list_display = ["name", "category", "area", "lead_department", "area_role", "priority", "is_active"]
    list_filter = ["is_active", "area_role", "category__parent"]
    search_fields = ["name", "keywords", "category__name", "lead_department__name", "area__name"]
    autocomplete_fields = ["category", "area", "lead_department"]
    inlines = [CoHandlerInline]
    fieldsets = [
        (None, {"fields": ["name", "is_active", "priority"]}),
        (_("适用条件"), {"fields": ["category", "area", "keywords", "exclude_keywords"]}),
        (_("承办"), {"fields": ["lead_department", "area_role", "note"]}),
    ]
