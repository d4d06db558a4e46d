"""Read-only views of tickets for administrators.

A ticket's state changes only through the actions in tickets/actions.py, so the admin shows tickets
but never edits, adds or deletes them. Their timeline is the audit trail: it has a list of its own,
to search across tickets, and is read-only there too.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from hotline.core.admin import ReadOnlyAdminMixin
from hotline.core.phone import mask_phone
from hotline.intake.models import Appeal
from hotline.tickets.models import Assignment, Ticket, TicketEvent


class AssignmentInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Assignment
    fields = ("department", "role", "status", "dispatched_at", "due_at", "accepted_at", "answered_at")
    readonly_fields = fields
    extra = 0


class AppealInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Appeal
    fields = ("channel", "external_id", "citizen_name", "masked_phone", "received_at")
    readonly_fields = fields
    extra = 0

    @admin.display(description=_("联系电话"))
    def masked_phone(self, obj: Appeal) -> str:
        return mask_phone(obj.citizen_phone)


class EventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = TicketEvent
    fields = ("at", "action", "actor", "from_status", "to_status", "details")
    readonly_fields = fields
    extra = 0


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["number", "title", "kind", "urgency", "status", "category", "created_at"]
    list_filter = ["status", "kind", "urgency"]
    search_fields = ["number", "title"]
    date_hierarchy = "created_at"
    inlines = [AppealInline, AssignmentInline, EventInline]


@admin.register(TicketEvent)
class TicketEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "ticket", "action", "actor", "from_status", "to_status"]
    list_filter = ["action"]
    # Also by who did it: what one person did (someone who left, a slip to look into) across tickets.
    search_fields = ["ticket__number", "actor__username", "actor__first_name"]
    date_hierarchy = "at"
    list_select_related = ["ticket", "actor"]
    fields = ("at", "ticket", "action", "actor", "from_status", "to_status", "details")
    readonly_fields = fields
