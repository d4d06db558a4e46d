"""The callback desk (回访): the answered tickets whose citizen is to be called back, and the call's
outcome recorded in place.

GET /callbacks/     the tickets the user may see that wait for their callback (replied by a
                    department, or answered on the spot), the oldest callback deadline first, an
                    overdue one red and one due today orange; those whose citizen was not reached
                    and is not to be called again yet come after the others, and after them, apart,
                    those nobody can be called about (无法回访: no appellant left a phone number),
                    neither to call nor overdue, offered to be closed as they are. Counters, filters
                    (due today, overdue, 无法回访, all) and pages like the inbox.

Each row shows what the call needs: every appellant (the ticket's own callers and those of the
duplicates merged into it, each owed the answer; one entry for the appeals of one number, called
once: `feedback.selectors.people`) with a masked number (one click shows the full number and
records who looked, through the ticket page's reveal endpoint) and where their call stands, the
appellant to call next chosen in the forms, the lead department,
the answer given, the attempts so far. Its forms post to the pages' action endpoint
(`web.actions.act`, `ticket_action`) with `next` = this page as it is: the outcome (`callback`:
resolution, satisfaction, note; unsatisfied reopens the ticket, 重办), the citizen not reached
(`callback_attempt`), and, once a callback that keeps the ticket is recorded, closing it (`close`).
"""

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
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
    callback_desk,
    callback_rounds,
    desk_counts,
    desk_order,
    desk_tickets,
    retry_delay,
)
from hotline.tickets.models import Ticket
from hotline.tickets.transitions import allowed_actions
from hotline.web.actions import RowChange
from hotline.web.dispatch import paginate, staff_view
from hotline.web.inbox import duration

FILTER_LABELS = {
    "to_call": gettext_lazy("待回访"),
    "due_today": gettext_lazy("今日到期"),
    "overdue": gettext_lazy("已超期"),
    "no_contact": gettext_lazy("无法回访"),
}
assert set(FILTER_LABELS) == set(CALLBACK_FILTERS)


@dataclass(frozen=True)
class Caller:
    """One appellant: the ticket's own caller or the caller of a duplicate merged into it, with
    every appeal of theirs (one number) on the ticket and its duplicates."""

    appeal_id: int  # the appeal that names them (`Appellant.appeal`)
    name: str
    phone: str  # masked
    own: bool  # one of their appeals is the ticket's own
    merged_from: str  # the numbers of the duplicates they called in, "" for none
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
    no_contact: bool = False  # nobody left a number: not to call, closed without a callback


# Who this page is for, said to anybody else.
CALLBACKS_FOR = gettext_noop("回访工作台供受理员、督办员和管理员使用；您的角色“%(role)s”请使用其他页面。")


def _due(ticket: Ticket, now: datetime, done: bool, no_contact: bool) -> tuple[str, str]:
    if no_contact:  # no deadline to keep for a call that cannot be made
        return "", _("无联系电话，无法回访，可直接办结")
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
    # Their appeals come the ticket's own first: when the first is not one, none is.
    own = a.ticket_id if appellant.own else None
    duplicates = dict.fromkeys(x.ticket.number for x in appellant.appeals if x.ticket_id != own)
    return Caller(
        appeal_id=a.pk,
        name=a.citizen_name,
        phone=mask_phone(a.citizen_phone),
        own=appellant.own,
        # Translators: the separator between names in a list (an enumeration comma in Chinese).
        merged_from=_("、").join(duplicates),
        called=(
            _("%(resolution)s，%(satisfaction)s")
            % {
                "resolution": callback.get_resolution_display(),
                "satisfaction": callback.get_satisfaction_display(),
            }
            if callback
            else ""
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
    no_contact: bool = ticket.no_number  # type: ignore[attr-defined]
    done = (callback is not None or no_contact) and not left
    wanted = {"close"} if done else {"callback", "callback_attempt"}
    actions = set(allowed_actions(user, ticket)) & wanted
    attempts: int = ticket.callback_attempts  # type: ignore[attr-defined]
    last_attempt: datetime | None = ticket.last_attempt_at  # type: ignore[attr-defined]
    waiting = ticket.waiting_retry == 1  # type: ignore[attr-defined]
    due, due_text = _due(ticket, now, done=callback is not None, no_contact=no_contact)
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
        no_contact=no_contact,
    )


def _shown(query: QueryDict) -> str | None:
    """The page's filter (`?filter=`), or None for every ticket."""
    show = query.get("filter") or None
    return show if show in CALLBACK_FILTERS else None


def _answer_context() -> dict[str, Any]:
    """What the rows' forms offer, the same on every row."""
    return {
        "resolutions": Resolution.choices,
        "satisfactions": Satisfaction.choices,
        "unsatisfied": Satisfaction.UNSATISFIED.value,
        "retry_after": duration(retry_delay()),
    }


@staff_view("callback", require_GET, refusal=CALLBACKS_FOR)
def callbacks(request: HttpRequest, user: User) -> HttpResponse:
    show = _shown(request.GET)
    now = clock.now()
    desk = callback_desk(user)
    page = paginate(request, desk_order(desk, now=now, show=show))
    tickets = desk_tickets(user, page.pop("rows"), now=now)
    rounds = callback_rounds(tickets)
    rows = [row(user, t, now, rounds[t.pk]) for t in tickets]
    return render(
        request,
        "web/callbacks.html",
        {
            **page,
            "rows": rows,
            "counts": desk_counts(desk, now=now),
            "show": show or "",
            "filters": list(FILTER_LABELS.items()),
            "here": request.get_full_path(),
            "query": urlencode({"filter": show} if show else {}),
            **_answer_context(),
        },
    )


ROW_ID = re.compile(r"ticket-(\d{1,18})")


def row_after(request: HttpRequest, user: User, change: RowChange) -> HttpResponse | None:
    """The row `change.row_id` after an action on it (`web.actions`): as the desk now lists it
    under the page's filter (the next appellant to call, the callback to close), with the message,
    or a line that says what was done once the desk no longer lists it (closed, reopened); the
    counters and the count of the tickets listed follow."""
    found = ROW_ID.fullmatch(change.row_id)
    if found is None:
        return None
    show = _shown(change.query)
    now = clock.now()
    desk = callback_desk(user)
    listed = desk_order(desk, now=now, show=show)
    here = [t for t in listed if t.pk == int(found[1])]
    ticket = next(iter(desk_tickets(user, here, now=now)), None)
    r = row(user, ticket, now, callback_rounds([ticket])[ticket.pk]) if ticket is not None else None
    return render(
        request,
        "web/_row_changed.html",
        {
            "r": r,
            "t": ticket,
            "ticket": ticket or change.ticket,
            "change": change,
            "row_template": "web/_callback_row.html",
            "row_class": "callback-row",
            "counters_template": "web/_callback_counters.html",
            "counts": desk_counts(desk, now=now),
            # The line under the counters (web/_callback_summary.html): how many the page lists.
            "total": len(listed),
            "show": show or "",
            "here": change.page,
            **_answer_context(),
        },
    )
