"""The in-app inbox (消息): what the system told the user, their unit (for their role) or their role
citywide — a sign-off or first response overdue, a deadline near, a 督办 and its closing, the day's
to-do reminder, an early warning, the reports made — newest first (`notifications.selectors.inbox`).

GET  /notifications/?unread=1&reason=supervision
                                  the inbox, a page at a time; `unread=1`: only what is unread;
                                  `reason`: one kind of notice (督办通知, 每日待办提醒, ...); each
                                  message with its reason, its time and its ticket (a link when the
                                  user may open it)
POST /notifications/<id>/read/    one marked read (htmx: the row again, else back to `next`)
POST /notifications/read/         every unread one marked read

What is sent to a unit is the unit's: read by one of its people (of the role it is for), it is read
for all of them, as a paper notice on the unit's desk would be. The nav's 消息 link counts the unread
ones (`unread_count`), at most `MOST_COUNTED`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hotline.accounts.models import User
from hotline.core.enums import NotificationReason
from hotline.core.errors import HotlineError
from hotline.notifications.actions import do_mark_all_read, do_mark_read
from hotline.notifications.models import Notification
from hotline.notifications.selectors import inbox
from hotline.tickets.presenter import callers_loaded
from hotline.tickets.selectors import visible_tickets
from hotline.web.actions import posted_next, refusal_page
from hotline.web.dispatch import paginate
from hotline.web.wording import shown

# The nav counts this many unread messages at most ("99+"): a unit that never reads its inbox would
# otherwise cost every page a count of thousands of rows.
MOST_COUNTED = 99


def unread_count(user: User) -> int:
    """The user's unread messages, counted up to `MOST_COUNTED` + 1."""
    return inbox(user, unread=True).values("pk")[: MOST_COUNTED + 1].count()


def _openable(user: User, rows: list[Notification]) -> set[int]:
    """The ids of the tickets of `rows` that `user` may open (a unit loses a ticket whose return it won)."""
    ids = {n.ticket_id for n in rows if n.ticket_id is not None}
    return set(visible_tickets(user).filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()


@login_required
@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    unread = request.GET.get("unread") == "1"
    reason = request.GET.get("reason") or ""
    if reason not in NotificationReason.values:
        reason = ""
    rows = inbox(user, unread=True if unread else None)
    if reason:
        rows = rows.filter(reason=reason)
    # The callers of each row's ticket, whose numbers a title said in a notice is masked with.
    page = paginate(request, rows.order_by("-created_at", "-pk").prefetch_related(callers_loaded("ticket")))
    return render(
        request,
        "web/notifications.html",
        {
            **page,
            "unread": unread,
            "reason": reason,
            "openable": _openable(user, page["rows"]),
            "unread_total": inbox(user, unread=True).count(),
            "reasons": NotificationReason.choices,
            "here": request.get_full_path(),
        },
    )


@login_required
@require_POST
def mark_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    back = posted_next(request) or reverse("notifications")
    try:
        notification = do_mark_read(notification_id, user)
    except HotlineError as error:
        return refusal_page(request, shown(error), error.status_code, back)
    if request.headers.get("HX-Request") == "true":
        # As read from the inbox, its ticket with it (`notifications.selectors.inbox`).
        return render(
            request,
            "web/_notification_row.html",
            {"n": notification, "openable": _openable(user, [notification]), "here": back, "changed": True},
        )
    return HttpResponseRedirect(back)


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    n = do_mark_all_read(user)
    messages.success(request, _("已将 %(n)s 条消息标为已读") % {"n": n})
    return HttpResponseRedirect(posted_next(request) or reverse("notifications"))
