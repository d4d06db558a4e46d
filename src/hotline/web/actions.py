"""Every ticket action from the pages, through one endpoint: the same table, the same input schemas
and the same action functions as the API (`tickets.api.ACTION_ENDPOINTS`).

POST /tickets/<number>/do/<action>/   the form's fields, validated by the action's API schema;
                                      `next` (a path on this site) says where to go afterwards

Without htmx the page posts and comes back (Post/Redirect/Get) with a message; with htmx the answer
is an `HX-Redirect` to the same place, except from a row of a desk (the inbox, the callback desk,
the supervision board: `desk_rows`), whose form aims at the row's result slot: the answer is then
that row as the desk now shows it (or, when the desk no longer lists it, a line saying what was
done), swapped in place of the row with the desk's counters, so that the person keeps their place
on the page (site.js moves the keyboard on, as on the dispatch desk). A refused action changes
nothing and answers with the action's own status (403, 404, 409, 422) and its message, on a page or,
for htmx, as a fragment the form shows next to itself. A refused form of written words on the
ticket's page (`KEPT_ON_PAGE`: 答复, 直接答复, 退单, 申请延期, 办理进展, 挂起, every form with words
to write) comes back as that page, what was typed in its fields and the message next to it
(`web.tickets.refused_on_page`), as other refused forms do: a reply refused for a template's blank,
a return's reasons, a progress note pasted with a stray control character, are not lost.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from pydantic import ValidationError

from hotline.accounts.models import User
from hotline.accounts.permissions import ACTION_ROLES
from hotline.core.enums import EventType, TicketStatus
from hotline.core.errors import HotlineError, InvalidInput, NotFound
from hotline.tickets import selectors
from hotline.tickets.api import ACTION_ENDPOINTS, ActionEndpoint
from hotline.tickets.models import Ticket
from hotline.web.params import ticket_number
from hotline.web.wording import shown, validation_message

ENDPOINTS: dict[str, ActionEndpoint] = {spec.name: spec for spec in ACTION_ENDPOINTS}

# Fields a form gives as a ticket's number, for actions that take the ticket's id.
_BY_NUMBER: dict[str, tuple[tuple[str, str], ...]] = {
    "merge": (("into_number", "into_ticket_id"),),
    "link": (("other_number", "other_ticket_id"),),
    "unlink": (("other_number", "other_ticket_id"),),
}

# Form fields that are not the action's: Django's and this endpoint's own (where the form leads).
NOT_FIELDS = frozenset({"csrfmiddlewaretoken", "next"})

# The actions whose refusal, posted from the ticket's page, shows that page again with what was
# typed (a text to the citizen, a reason, a note, and the choices beside it) and the message beside
# the form: every form of the page with words to write.
KEPT_ON_PAGE = frozenset(
    {
        "reply",
        "answer_on_spot",
        "return",
        "request_extension",
        "progress",
        "answer",
        "suspend",
        "resume",
        "close",
        "callback",
        "callback_attempt",
        "dispatch",
        "recall",
        "merge",
        "unmerge",
        "link",
        "request_invalidation",
        "confirm_invalidation",
        "review_extension",
    }
)


def form_fields(spec: ActionEndpoint, post: QueryDict) -> dict[str, Any]:
    """The action's fields from a posted form: a list field takes every value given (checkboxes,
    multiple selects), an empty value means "not given", and the rest stay text for the schema to
    read (pydantic turns "true"/"1", "12" and "2026-12-05T17:30" into what the field is)."""
    fields: dict[str, Any] = {}
    for name in post:
        if name in NOT_FIELDS:
            continue
        info = spec.body.model_fields.get(name)
        is_list = info is not None and getattr(info.annotation, "__origin__", None) is list
        values = [v for v in post.getlist(name) if v.strip() != ""]
        if is_list:
            fields[name] = values
        elif values:
            fields[name] = values[-1]
    return fields


def posted_next(request: HttpRequest) -> str | None:
    """The posted `next` when it is a page of this site; None when it is missing or leads
    elsewhere (another site, a javascript: link)."""
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
        return wanted
    return None


def back_to(request: HttpRequest, page: str) -> str:
    """The posted `next` when it is `page` itself (its query kept: a list's filters and offset),
    else `page`: an action taken on a list comes back to the list as it was read, and never goes
    off it."""
    wanted = posted_next(request)
    return wanted if wanted is not None and urlsplit(wanted).path == page else page


def next_url(request: HttpRequest, ticket: Ticket | None) -> str:
    """Where to go after the action: `next` when it is a path on this site, else the ticket's page."""
    if (wanted := posted_next(request)) is not None:
        return wanted
    if ticket is not None:
        return reverse("ticket_page", args=[ticket.number])
    return reverse("home")


def refusal_page(request: HttpRequest, message: str, status: int, back: str) -> HttpResponse:
    if request.headers.get("HX-Request") == "true":
        return render(request, "web/_refused.html", {"message": message}, status=status)
    return render(request, "web/refused.html", {"message": message, "back": back}, status=status)


def visible_by_number(user: User, number: str) -> Ticket:
    """The ticket numbered `number` if the user may see it; NotFound otherwise (the same answer)."""
    looked_up = ticket_number(number)
    ticket = None if looked_up is None else selectors.visible_tickets(user).filter(number=looked_up).first()
    if ticket is None:
        raise NotFound(_("工单 %(number)s 不存在") % {"number": number})
    return ticket


@login_required
@require_POST
def act(request: HttpRequest, number: str, name: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    ticket: Ticket | None = None
    try:
        spec = ENDPOINTS.get(name)
        if spec is None:
            raise NotFound(_("未知操作 %(name)r") % {"name": name})
        ticket = visible_by_number(user, number)
        fields = form_fields(spec, request.POST)
        # People know tickets by number; the action takes the id of one the user can see.
        for number_field, id_field in _BY_NUMBER.get(name, ()):
            if number_field in fields:
                fields[id_field] = visible_by_number(user, fields.pop(number_field)).pk
        try:
            body = spec.body.model_validate(fields)
        except ValidationError as error:
            raise InvalidInput(validation_message(error)) from None
        spec.run(ticket, user, **body.model_dump(mode=spec.dump))
    except HotlineError as error:
        back = next_url(request, ticket)
        if ticket is not None and name in KEPT_ON_PAGE and request.headers.get("HX-Request") != "true":
            # Imported here: the ticket's page imports this module.
            from hotline.web.tickets import refused_on_page

            if urlsplit(back).path == reverse("ticket_page", args=[ticket.number]):
                page = refused_on_page(request, user, ticket.number, name, shown(error), error.status_code)
                if page is not None:
                    return page
        return refusal_page(request, shown(error), error.status_code, back)
    ticket.refresh_from_db()
    return done(request, user, ticket, done_message(name, ticket, request.POST))


# What each action did, as the message after it says (已签收, 已提交延期申请，等待审批): what happened,
# and what waits now, not the action's name with 已完成 (a request only submitted is not done). An
# action whose outcome its form chooses (approve or refuse) has a message for each.
DONE: dict[str, Any] = {
    "resume": gettext_lazy("已恢复计时"),
    "request_extension": gettext_lazy("已提交延期申请，等待审批"),
    "dispatch": gettext_lazy("已派单"),
    "accept": gettext_lazy("已签收"),
    "return": gettext_lazy("已退单，等待派单员审核"),
    "recall": gettext_lazy("已撤回派单，工单回到派单台"),
    "answer": gettext_lazy("已提交协办反馈"),
    "reply": gettext_lazy("已答复诉求人"),
    "return_reply": gettext_lazy("已退回承办单位重新答复"),
    "answer_on_spot": gettext_lazy("已直接答复，待回访"),
    "request_invalidation": gettext_lazy("已提交无效诉求申请，等待审核"),
    "callback": gettext_lazy("已记录回访结果"),
    "callback_attempt": gettext_lazy("已记录回访未接通，稍后再次回访"),
    "close": gettext_lazy("已办结"),
    "merge": gettext_lazy("已合并到工单 %(into_number)s"),
    "unmerge": gettext_lazy("已撤销合并，工单回到派单台"),
    "link": gettext_lazy("已关联工单 %(other_number)s"),
    "unlink": gettext_lazy("已取消与工单 %(other_number)s 的关联"),
    "suspend": gettext_lazy("已挂起，停止计时"),
    "progress": gettext_lazy("已记录办理进展"),
}
# The actions whose form chooses the outcome: (the field, the message when it is true, when false).
DONE_BY_CHOICE: dict[str, tuple[str, Any, Any]] = {
    "review_extension": ("approve", gettext_lazy("已批准延期申请"), gettext_lazy("已驳回延期申请")),
    "review_return": ("uphold", gettext_lazy("已支持退单并改派"), gettext_lazy("已驳回退单")),
    "confirm_invalidation": (
        "confirm",
        gettext_lazy("已确认为无效诉求"),
        gettext_lazy("已驳回无效诉求申请"),
    ),
}
_TRUE = frozenset({"true", "1", "on", "yes"})


def done_message(name: str, ticket: Ticket, post: QueryDict) -> str:
    """The message after the action `name` succeeded on `ticket` (as it now stands), from the form
    `post` it was done with."""
    if name in DONE_BY_CHOICE:
        field, yes, no = DONE_BY_CHOICE[name]
        what = str(yes if post.get(field, "").strip().lower() in _TRUE else no)
    elif name == "callback" and ticket.status == TicketStatus.REOPENED:
        what = _("已记录回访结果，诉求人不满意，工单已退回重办")
    elif name in DONE:
        what = str(DONE[name]) % {key: post.get(key, "").strip() for key in ("into_number", "other_number")}
    else:
        # An action without words of its own: its event's name, as the timeline records it.
        # Translators: %(action)s is the name of the event the ticket's timeline now shows.
        what = _("%(action)s已完成") % {"action": EventType(name).label}
    # Translators: the message after an action, e.g. "Ticket 20261206-000001: signed off".
    return _("工单 %(number)s：%(done)s") % {"number": ticket.number, "done": what}


@dataclass(frozen=True)
class RowChange:
    """An action done from a row of a desk, for the desk to show the row as it now stands."""

    ticket: Ticket
    row_id: str  # the row's element id, as the desk's row template writes it
    page: str  # the desk's page as the person has it (`next`): its query holds the filters in force
    message: str

    @property
    def query(self) -> QueryDict:
        return QueryDict(urlsplit(self.page).query)


# A desk's answer to a change of one of its rows: the row's HTML (with what the desk sends along out
# of band), or None when `row_id` is not one of its rows (the page is then loaded again).
DeskRow = Callable[[HttpRequest, User, RowChange], HttpResponse | None]


def desk_rows() -> dict[str, tuple[str, DeskRow]]:
    """The desks whose rows an action changes in place, by the url name of their page: the action
    of `ACTION_ROLES` whose roles may open the page (its `staff_view`), and the desk's answer."""
    # Imported here: these pages import this module, for its endpoint and helpers.
    from hotline.web import callbacks, inbox, supervision

    return {
        "inbox": ("accept", inbox.row_after),
        "callbacks": ("callback", callbacks.row_after),
        "supervision_board": ("supervise", supervision.row_after),
    }


def _row_in_place(
    request: HttpRequest, user: User, ticket: Ticket, target: str, message: str
) -> HttpResponse | None:
    """The answer of the desk at `target` for the row whose result slot the form aimed at (htmx
    names it in HX-Target: "<row id>-result"), swapped in place of the whole row; None when the
    action came from anywhere else."""
    slot = request.headers.get("HX-Target", "")
    if not slot.endswith("-result"):
        return None
    try:
        page = resolve(urlsplit(target).path)
    except Resolver404:
        return None
    desk = desk_rows().get(page.url_name or "")
    # The endpoint is every staff member's, a desk is its roles' (the board shows the whole city):
    # anybody else goes on to the page, which refuses them.
    if desk is None or user.role not in ACTION_ROLES[desk[0]]:
        return None
    row_id = slot.removesuffix("-result")
    response = desk[1](request, user, RowChange(ticket, row_id, target, message))
    if response is not None:
        response["HX-Retarget"] = f"#{row_id}"
        response["HX-Reswap"] = "outerHTML"
    return response


def done(request: HttpRequest, user: User, ticket: Ticket, message: str) -> HttpResponse:
    """What follows an action that succeeded: the desk's row changed in place (`_row_in_place`), or
    `next` with the message, loaded again (htmx: HX-Redirect) or by Post/Redirect/Get."""
    target = next_url(request, ticket)
    if request.headers.get("HX-Request") == "true":
        in_place = _row_in_place(request, user, ticket, target, message)
        if in_place is not None:
            return in_place
    messages.success(request, message)
    if request.headers.get("HX-Request") == "true":
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return HttpResponseRedirect(target)
