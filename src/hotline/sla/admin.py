"""Calendar overrides and deadline policies are configuration: administrators edit them here.
Suspensions, extensions and time lost are records written by the ticket actions: read-only."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import Field
from django.forms import TypedChoiceField
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from hotline.core.admin import ReadOnlyAdminMixin
from hotline.sla.calendar import STATUTORY_YEARS
from hotline.sla.models import CalendarOverride, CalendarYear, DeadlinePolicy, Extension, Suspension, TimeLost


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ("day", "department", "is_workday", "reason")
    list_filter = ("is_workday", "department")
    search_fields = ("reason", "department__name", "department__code")
    date_hierarchy = "day"
    # Picked by name: a raw id asked the administrator for a database number.
    autocomplete_fields = ("department",)

    def save_model(self, request: HttpRequest, obj: CalendarOverride, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        year = obj.day.year
        if year not in STATUTORY_YEARS and not CalendarYear.objects.filter(year=year).exists():
            # Until the year is registered its days stay assumed (推定) and `hotline calendar`
            # refuses it (`sla.calendar.UnknownCalendarYear`): the next step, said where it is taken.
            self.message_user(
                request,
                _(
                    "chinesecalendar 尚未收录 %(year)s 年的节假日："
                    "录完该年全部放假与调休后，请在“已录入年度”中登记 %(year)s 年"
                )
                % {"year": year},
                messages.WARNING,
            )


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "note")


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "kind",
        "urgency",
        "category",
        "department_level",
        *DeadlinePolicy.TERM_FIELDS,
        "is_active",
    )
    list_filter = ("is_active", "kind", "urgency", "department_level")
    search_fields = ("name", "category__name")
    autocomplete_fields = ("category",)

    def formfield_for_choice_field(
        self, db_field: Field, request: HttpRequest, **kwargs: Any
    ) -> TypedChoiceField | None:
        # A blank match matches anything (`sla.policies`): said so, rather than Django's "- Select an
        # option -", which read as a choice still to be made.
        if db_field.name in DeadlinePolicy.MATCH_FIELDS:
            kwargs["choices"] = [("", _("不限")), *(db_field.choices or [])]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


@admin.register(Suspension)
class SuspensionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("assignment", "reason", "started_at", "ended_at", "paused")
    list_filter = ("reason",)


@admin.register(Extension)
class ExtensionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "assignment",
        "previous_due_at",
        "requested_due_at",
        "approved",
        "withdrawn",
        "decided_at",
    )
    list_filter = ("approved", "withdrawn")


@admin.register(TimeLost)
class TimeLostAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("ticket", "cause", "department", "dispatcher", "started_at", "ended_at", "working_time")
    list_filter = ("cause",)
