"""Read queries over supervisions, limited to what the user may see."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from hotline.accounts.models import User
from hotline.accounts.permissions import department_scope
from hotline.core.enums import SupervisionKind
from hotline.core.errors import NotFound
from hotline.supervision.models import Supervision
from hotline.tickets.selectors import visible_tickets


def visible_supervisions(user: User) -> QuerySet[Supervision]:
    """Supervisions on the tickets the user may see."""
    rows = Supervision.objects.select_related("ticket", "department", "created_by", "resolved_by")
    if department_scope(user) is None:
        return rows
    return rows.filter(ticket__in=visible_tickets(user))


def listing_board() -> QuerySet[Supervision]:
    """The leaders' board (挂牌督办): public listings still open, for every member of staff."""
    return Supervision.objects.select_related("ticket", "department", "created_by", "resolved_by").filter(
        is_public=True,
        resolved_at__isnull=True,
        kind__in=[SupervisionKind.LISTING, SupervisionKind.ELEVATION],
    )


def get_visible_supervision(user: User, supervision_id: int) -> Supervision:
    found = visible_supervisions(user).filter(pk=supervision_id).first()
    if found is None:
        raise NotFound(_("督办 %(id)s 不存在") % {"id": supervision_id})
    return found
