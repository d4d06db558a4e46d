"""The front page (/): what Hotline is, and for signed-in staff what waits for them today.

Each role sees the counters of its own work, each a link to the page and filter that lists those
tickets: a department its assignments to sign, due today and overdue (the inbox); dispatch the new
tickets and the returns to review; the callback roles the callbacks due; supervision the overdue
assignments, today's deadlines and the tickets under supervision; the extension requests to those
who decide them, dispatch and supervision (not to leaders, who supervise but do not approve
extensions), linking to the board's tab or, for dispatch, its own list: each role only what it can
act on.
"""

from dataclasses import dataclass

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hotline.accounts.models import User
from hotline.accounts.permissions import ACTION_ROLES, department_scope
from hotline.core import clock
from hotline.core.enums import TicketStatus
from hotline.feedback.selectors import callback_counts
from hotline.routing.selectors import dispatch_queue, returns_to_review
from hotline.supervision.selectors import BoardFilters, board_counts, board_extensions
from hotline.tickets.selectors import inbox_counts, visible_tickets


@dataclass(frozen=True)
class Counter:
    label: str
    count: int
    url: str
    alert: bool = False  # something is late: shown in red


def _url(name: str, **query: str) -> str:
    return reverse(name) + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def counters(user: User) -> list[Counter]:
    """What waits for `user`, by what their role does."""
    now = clock.now()
    found: list[Counter] = []
    role = user.role
    if role in ACTION_ROLES["accept"]:
        c = inbox_counts(user, now=now)
        found += [
            Counter(str(_("待签收")), c["pending"], _url("inbox", status="pending")),
            Counter(str(_("今日到期")), c["due_today"], _url("inbox", status="due_today")),
            Counter(str(_("已超期")), c["overdue"], _url("inbox", status="overdue"), alert=True),
        ]
    if role in ACTION_ROLES["dispatch"]:
        found += [
            Counter(str(_("待派单")), dispatch_queue().count(), reverse("dispatch_queue")),
            Counter(str(_("退单待审核")), returns_to_review().count(), reverse("dispatch_returns")),
        ]
    if role in ACTION_ROLES["callback"]:
        c = callback_counts(user, now=now)
        found += [
            Counter(str(_("待回访")), c["to_call"], _url("callbacks", filter="to_call")),
            Counter(str(_("回访已超期")), c["overdue"], _url("callbacks", filter="overdue"), alert=True),
        ]
    if role in ACTION_ROLES["supervise"]:
        c = board_counts(now=now, filters=BoardFilters())
        found += [
            Counter(
                str(_("超期未办结")), c["overdue"], _url("supervision_board", view="overdue"), alert=True
            ),
            Counter(str(_("今日到期")), c["due_today"], _url("supervision_board", view="due_today")),
            Counter(str(_("督办中工单")), c["supervised"], _url("supervision_board", view="supervised")),
        ]
    if role in ACTION_ROLES["review_extension"]:
        # Dispatch approves extensions as supervision does; without the board, from its own list
        # of them. Both count the whole city: those who approve are citywide roles.
        if role in ACTION_ROLES["supervise"]:
            url = _url("supervision_board", view="extensions")
        else:
            url = reverse("dispatch_extensions")
        found.append(Counter(str(_("延期待审批")), board_extensions(BoardFilters()).count(), url))
    return found


def home(request: HttpRequest) -> HttpResponse:
    """What Hotline is; for signed-in staff what waits for them, and their tickets by status."""
    by_status: list[tuple[str, str, int]] = []
    waiting: list[Counter] = []
    citywide = False
    if request.user.is_authenticated:
        user: User = request.user  # type: ignore[assignment]
        if user.role in ACTION_ROLES["grid_report"]:
            return redirect("grid_report")  # a grid worker's one page
        counts = dict(
            visible_tickets(user).values_list("status").annotate(n=Count("pk")).values_list("status", "n")
        )
        by_status = [(value, str(label), counts.get(value, 0)) for value, label in TicketStatus.choices]
        waiting = counters(user)
        citywide = department_scope(user) is None
    return render(
        request, "web/home.html", {"by_status": by_status, "waiting": waiting, "citywide": citywide}
    )
