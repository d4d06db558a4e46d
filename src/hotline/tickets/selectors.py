"""Read queries over tickets, always limited to what the user may see."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from hotline.accounts.models import User
from hotline.accounts.permissions import PHONE_ROLES, department_scope
from hotline.core.enums import AssignmentStatus
from hotline.core.errors import NotFound
from hotline.tickets.models import Assignment, Ticket


def visible_tickets(user: User) -> QuerySet[Ticket]:
    """Citywide roles see every ticket; department roles see tickets assigned to their scope.

    A department keeps seeing tickets it worked on after they were merged, closed or invalidated,
    but not a ticket whose return it won (退单 upheld): that ticket was never its business.
    """
    tickets = Ticket.objects.all()
    scope = department_scope(user)
    if scope is None:
        return tickets
    mine = Assignment.objects.filter(ticket=OuterRef("pk"), department_id__in=scope).exclude(
        Q(status=AssignmentStatus.WITHDRAWN) & Q(returned_at__isnull=False)
    )
    return tickets.filter(Exists(mine))


def get_visible_ticket(user: User, ticket_id: int) -> Ticket:
    """The ticket, or NotFound when it does not exist or the user may not see it (the same answer)."""
    ticket = (
        visible_tickets(user).select_related("category", "area", "merged_into").filter(pk=ticket_id).first()
    )
    if ticket is None:
        raise NotFound(f"工单 {ticket_id} 不存在")
    return ticket


def can_see_phone(user: User, ticket: Ticket) -> bool:
    """Full phone numbers only on a ticket's own page, for roles that call citizens back."""
    return user.role in PHONE_ROLES and visible_tickets(user).filter(pk=ticket.pk).exists()
