"""The callback desk (回访): the answered tickets whose citizen is to be called back, and the call's
outcome recorded in place.

GET /callbacks/     the tickets the user may see that wait for their callback (replied by a
                    department, or answered on the spot), the oldest callback deadline first, an
                    overdue one red and one due today orange; those whose citizen was not reached
                    and is not to be called again yet come after the others. Counters, filters (due
                    today, overdue, all) and pages like the inbox.

Each row shows what the call needs: every appellant (the ticket's own callers and those of the
duplicates merged into it, each owed the answer) with a masked number (one click shows the full
number and records who looked, through the ticket page's reveal endpoint) and where their call
stands, the appellant to call next chosen in the forms, the lead department,
the answer given, the attempts so far. Its forms post to the pages' action endpoint
(`web.actions.act`, `ticket_action`) with `next` = this page as it is: the outcome (`callback`:
resolution, satisfaction, note; unsatisfied reopens the ticket, 重办), the citizen not reached
(`callback_attempt`), and, once a callback that keeps the ticket is recorded, closing it (`close`).
"""

from dataclasses import dataclass
from datetime import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.http import require_GET

from hotline.accounts.models import User
from hotline.core import clock
from hotline.core.enums import Resolution, Satisfaction
from hotline.core.phone import mask_phone
from hotline.feedback.models import Callback, Reply
from hotline.feedback.selectors import (
    CALLBACK_FILTERS,
    Appellant,
    awaiting_callback,
    callback_counts,
    callback_rounds,
    retry_delay,
)
from hotline.tickets.models import Ticket
from hotline.tickets.transitions import allowed_actions
from hotline.web.dispatch import paginate, staff_view
from hotline.web.inbox import duration

FILTER_LABELS = {
    "due_today": gettext_lazy("今日到期"),
    "overdue": gettext_lazy("已超期"),
}
assert set(FILTER_LABELS) == set(CALLBACK_FILTERS)


@dataclass(frozen=True)
class Caller:
    """One appellant: the ticket's own caller or the caller of a duplicate merged into it."""

    appeal_id: int
    name: str
    phone: str  # masked
    merged_from: str  # the duplicate's number, "" for the ticket's own caller
    called: str  # the outcome of this appellant's callback since the last answer, "" if none
    attempts: int  # times not reached since the last answer
    to_call: bool


@dataclass(frozen=True)
class Row:
    """One ticket on the desk: whom to call, what they were told, where the callback stands."""

    ticket: Ticket
    callers: list[Caller]
    next_call: int | None  # the appellant the forms pick: the first still to call
    answered_by: str  # the lead department, or the operator's answer on the spot
    reply: Reply | None
    due: str  # "overdue", "today" or "" (the row's colour)
    due_text: str
    attempts: int
    retry_at: str  # while the citizen is not to be called again yet: when (HH:MM today, else with the date)
    callback: Callback | None  # recorded after the last reply and keeping the ticket: it may be closed
    actions: frozenset[str]


# Who this page is for, said to anybody else.
CALLBACKS_FOR = gettext_noop("回访工作台供受理员、督办员和管理员使用；您的角色“%(role)s”请使用其他页面。")


def _due(ticket: Ticket, now: datetime, done: bool) -> tuple[str, str]:
    due_at = ticket.callback_due_at
    if due_at is None:
        return "", _("无回访时限")
    when = clock.localtime(due_at)
    if done:
        return "", _("回访时限 %(due)s") % {"due": f"{when:%Y-%m-%d %H:%M}"}
    if due_at < now:
        return "overdue", _("回访超期 %(time)s") % {"time": duration(now - due_at)}
    if when.date() == clock.localtime(now).date():
        return "today", _("今日 %(time)s 前回访") % {"time": f"{when:%H:%M}"}
    return "", _("%(due)s 前回访") % {"due": f"{when:%Y-%m-%d %H:%M}"}


def _retry_text(at: datetime, now: datetime) -> str:
    local = clock.localtime(at)
    return f"{local:%H:%M}" if local.date() == clock.localtime(now).date() else f"{local:%m-%d %H:%M}"


def _caller(appellant: Appellant) -> Caller:
    a, callback = appellant.appeal, appellant.callback
    return Caller(
        appeal_id=a.pk,
        name=a.citizen_name,
        phone=mask_phone(a.citizen_phone),
        merged_from="" if appellant.own else a.ticket.number,
        called=(
            f"{callback.get_resolution_display()}，{callback.get_satisfaction_display()}" if callback else ""
        ),
        attempts=appellant.attempts,
        to_call=appellant.to_call,
    )


def row(user: User, ticket: Ticket, now: datetime, round_: list[Appellant]) -> Row:
    replies = list(ticket.replies.all())
    reply = replies[-1] if replies else None
    callback = None
    if reply is not None:
        kept = [c for c in ticket.callbacks.all() if c.reply_id == reply.pk and not c.reopened]
        callback = kept[-1] if kept else None
    lead = ticket.lead_assignment
    if reply is not None and reply.department is not None:
        answered_by = reply.department.name
    elif lead is not None:
        answered_by = lead.department.name
    else:
        answered_by = _("受理员直接答复")
    # Called back and kept, every appellant reached or tried: what is left is to close it.
    # Otherwise: call the next appellant, and record the outcome.
    left = any(a.to_call for a in round_)
    wanted = {"close"} if callback is not None and not left else {"callback", "callback_attempt"}
    actions = set(allowed_actions(user, ticket)) & wanted
    attempts: int = ticket.callback_attempts  # type: ignore[attr-defined]
    last_attempt: datetime | None = ticket.last_attempt_at  # type: ignore[attr-defined]
    waiting = ticket.waiting_retry == 1  # type: ignore[attr-defined]
    due, due_text = _due(ticket, now, done=callback is not None)
    return Row(
        ticket=ticket,
        callers=[_caller(a) for a in round_],
        next_call=next((a.appeal.pk for a in round_ if a.to_call), None),
        answered_by=answered_by,
        reply=reply,
        due=due,
        due_text=due_text,
        attempts=attempts,
        retry_at=_retry_text(last_attempt + retry_delay(), now) if waiting and last_attempt else "",
        callback=callback,
        actions=frozenset(actions),
    )


@staff_view("callback", require_GET, refusal=CALLBACKS_FOR)
def callbacks(request: HttpRequest, user: User) -> HttpResponse:
    show = request.GET.get("filter") or None
    if show not in CALLBACK_FILTERS:
        show = None
    now = clock.now()
    page = paginate(request, awaiting_callback(user, now=now, show=show))
    tickets = page.pop("rows")
    rounds = callback_rounds(tickets)
    rows = [row(user, t, now, rounds[t.pk]) for t in tickets]
    return render(
        request,
        "web/callbacks.html",
        {
            **page,
            "rows": rows,
            "counts": callback_counts(user, now=now),
            "show": show or "",
            "filters": list(FILTER_LABELS.items()),
            "here": request.get_full_path(),
            "query": urlencode({"filter": show} if show else {}),
            "resolutions": Resolution.choices,
            "satisfactions": Satisfaction.choices,
            "unsatisfied": Satisfaction.UNSATISFIED.value,
            "retry_after": duration(retry_delay()),
        },
    )
