"""Who a notification is for, and a user's inbox."""

from django.db.models import Q, QuerySet

from hotline.accounts.models import CITYWIDE_ROLES, User
from hotline.core.enums import NotificationChannel
from hotline.notifications.models import Notification


def audience_users(notification: Notification) -> QuerySet[User]:
    """The active users a notification is addressed to."""
    users = User.objects.filter(is_active=True)
    if notification.recipient_id is not None:
        return users.filter(pk=notification.recipient_id)
    if notification.department_id is not None:
        users = users.filter(department_id=notification.department_id)
    elif not notification.role:
        return users.none()  # neither a person, a department nor a role: nobody
    if notification.role:
        users = users.filter(role=notification.role)
    return users


def audience_emails(notification: Notification) -> list[str]:
    return sorted({email for email in audience_users(notification).values_list("email", flat=True) if email})


def addressed_to(user: User) -> Q:
    """Notifications addressed to `user`: by name, to their department (for their role), or to
    their role citywide."""
    mine = Q(recipient=user)
    if user.department_id is not None:
        mine |= Q(recipient__isnull=True, department_id=user.department_id) & (Q(role="") | Q(role=user.role))
    if user.role in CITYWIDE_ROLES:
        mine |= Q(recipient__isnull=True, department__isnull=True, role=user.role)
    return mine


def inbox(user: User, *, unread: bool | None = None) -> QuerySet[Notification]:
    """The user's in-app notifications, newest first."""
    rows = Notification.objects.filter(addressed_to(user), channel=NotificationChannel.INBOX)
    if unread is True:
        rows = rows.filter(read_at__isnull=True)
    elif unread is False:
        rows = rows.filter(read_at__isnull=False)
    return rows.select_related("ticket", "department")
