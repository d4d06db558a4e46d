"""The dispatcher's page (派单台): the queue of new tickets, routing's suggestions, one click to dispatch.

GET  /dispatch/                  the tickets waiting for a dispatcher, urgent first, then the one
                                 waiting longest (since its earliest appellant's call: a duplicate
                                 received earlier may have been merged into it), each with
                                 routing's top suggestions and the reason for each (the rule that
                                 fired, the words that weighed most), and a form to choose otherwise;
                                 a page at a time by keyset (`?after=` the last card's place in the
                                 queue), so that cards dispatched in place push no ticket off the
                                 next page
POST /dispatch/<ticket id>/      dispatch it (`tickets.actions.do_dispatch_ticket`, as the signed-in
                                 dispatcher), with a suggestion's departments and category or the
                                 dispatcher's own choice
GET  /dispatch/news/?seen=&shown=
                                 the queue's news, which the page checks every 30 s while it is in
                                 view: "有 N 件新工单 · 刷新" and the counts at its top; the cards are
                                 left alone (the dispatcher may be typing in one)
GET  /dispatch/<ticket id>/similar/
                                 the ticket's likely duplicates (`dedup.search.similar_to_ticket`,
                                 at the duplicate threshold only), loaded into its card: score,
                                 reason, and one button to merge the
                                 ticket into a candidate, one to link the two as related
GET  /dispatch/<ticket id>/merge/?into_ticket_id=
                                 the page that asks the dispatcher to confirm a merge (or says why
                                 the merge would be refused, `merge_refusal`): where the
                                 合并至 button leads without JavaScript (with it, the card asks in
                                 place: the question, 确认合并至 and 取消, site.js `data-confirm`)
POST /dispatch/<ticket id>/merge/   merge it into `into_ticket_id` (`tickets.actions.do_merge_ticket`)
                                 when `confirm` is given; without it nothing is merged and the
                                 dispatcher is sent to the page that asks (a merge is not undone
                                 lightly: the appellants get the other ticket's answer)
POST /dispatch/<ticket id>/link/    link it with `other_ticket_id` (`tickets.actions.do_link_tickets`)
GET  /dispatch/returns/          the returns waiting for review (退单审核): who returned what and why,
                                 how long each has waited (the oldest first), with routing's
                                 suggestions for a new lead; paged like the queue
POST /dispatch/returns/<assignment id>/
                                 review one (`do_review_return`): uphold, with a new lead (and maybe
                                 the right category, and whether dispatch sent it to the wrong place),
                                 or reject with the reason, sending it back to the department;
                                 refused, the card comes back as the dispatcher filled it in (the
                                 lead, co-handlers and category chosen, the note), the reason beside
                                 it (without JavaScript, on the returns page, status as below)
GET  /dispatch/extensions/       the extension requests waiting for approval (延期待审批), the
                                 oldest first, each with its form to approve or refuse it
                                 (`review_extension`, through the pages' action endpoint, back here):
                                 dispatch approves them as supervision does, and has no board

With htmx a dispatch replaces the ticket's card in place, and the count at the top of the page
follows (an out-of-band swap); without JavaScript the form posts and the page comes back with a
message. A refused dispatch says why with the action's own message and status (403, 409, 422),
and changes nothing.
"""

from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hotline.accounts.models import User
from hotline.accounts.permissions import require_role
from hotline.core import clock
from hotline.core.api import MAX_NOTE
from hotline.core.enums import (
    NOT_MERGEABLE_INTO,
    OPEN_ASSIGNMENT_STATUSES,
    AssignmentRole,
    AssignmentStatus,
    TicketStatus,
    Urgency,
)
from hotline.core.errors import Forbidden, HotlineError, InvalidInput
from hotline.dedup.search import Match, similar_to_ticket
from hotline.routing.queue import QueueEntry, queue_entries, queue_entry
from hotline.routing.selectors import dispatch_queue, returns_to_review, routing_failures
from hotline.sla.withdrawals import review_blocker
from hotline.supervision.selectors import BoardFilters, board_extensions
from hotline.taxonomy.selectors import active_categories
from hotline.tickets import actions, selectors
from hotline.tickets.models import Assignment, Ticket, linked_ids
from hotline.web.department_choices import department_groups
from hotline.web.forms import posted_text
from hotline.web.params import cursor_parts, micros_of, moment, parse_id, parse_offset
from hotline.web.wording import for_people, labelled, shown

PAGE_SIZE = 20
MAX_CO = 20

View = Callable[..., HttpResponse]


def staff_view(
    action: str, method: Callable[[View], View], *, refusal: str | None = None
) -> Callable[[View], View]:
    """Signed in (else to the login page), the HTTP method, and a role that may do `action` (else a
    403 page that says why: the action's own refusal, or the page's `refusal`, a sentence marked
    with gettext_noop and naming the user's %(role)s, for a page that is a role's workplace). The
    view gets the user as its second argument."""

    def decorate(view: View) -> View:
        @login_required
        @method
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user: User = request.user  # type: ignore[assignment]
            try:
                require_role(user, action)
            except Forbidden as error:
                message = shown(error) if refusal is None else _(refusal) % {"role": user.get_role_display()}
                return render(request, "web/forbidden.html", {"message": message}, status=403)
            return view(request, user, *args, **kwargs)

        return wrapped

    return decorate


def _not_found(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "web/forbidden.html", {"message": message}, status=404)


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _choices() -> dict[str, Any]:
    return {
        "department_groups": department_groups(),
        "categories": list(active_categories()),
    }


def paginate(
    request: HttpRequest, rows: QuerySet[Any] | Sequence[Any], *, total: int | None = None
) -> dict[str, Any]:
    """One page of `rows` (a query, or a list worked out already) by `?offset=`, with the offsets of
    the pages before and after, and the rest of the query (`page_query`) for their links to keep
    (web/_pages.html). `total`: how many rows there are, when the caller has counted them already
    (a page's counters)."""
    offset = parse_offset(request.GET.get("offset"))
    if total is None:
        total = rows.count() if isinstance(rows, QuerySet) else len(rows)
    if total and offset >= total:
        # Past the end (its last rows read or reviewed away since the link was made): the last page,
        # not an empty one under a count that is not 0.
        offset = (total - 1) // PAGE_SIZE * PAGE_SIZE
    query = request.GET.copy()
    query.pop("offset", None)
    return {
        "rows": list(rows[offset : offset + PAGE_SIZE]),
        "total": total,
        "previous": max(0, offset - PAGE_SIZE) if offset else None,
        "next": offset + PAGE_SIZE if offset + PAGE_SIZE < total else None,
        "page_query": query.urlencode(),
    }


def keyset_page(
    request: HttpRequest,
    rows: QuerySet[Any],
    *,
    key: Callable[[Any], list[int]],
    after: Callable[[QuerySet[Any], list[int]], QuerySet[Any] | None],
    size: int,
) -> dict[str, Any]:
    """One page of `rows` after the row `?after=` names (its `key`: the `size` numbers of its place
    in the order, joined by "_"), and the cursor of the page after. A desk's list loses rows as
    they are worked on in place; an offset counted before that would skip as many rows as left,
    the place of the last row shown does not. `after`: the rows past a key, or None when the key
    is not one the order has (the list then starts from the top)."""
    total = rows.count()
    parts = cursor_parts(request.GET.get("after"), size)
    shown = after(rows, parts) if parts is not None else None
    page = list((rows if shown is None else shown)[: PAGE_SIZE + 1])
    more = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    return {
        "rows": page,
        "total": total,
        "next_after": "_".join(map(str, key(page[-1]))) if more else None,
        "paged": "after" in request.GET,
    }


def _queue_key(ticket: Ticket) -> list[int]:
    return [0 if ticket.urgency == Urgency.URGENT else 1, micros_of(ticket.waiting_since), ticket.pk]


def _queue_after(tickets: QuerySet[Ticket], key: list[int]) -> QuerySet[Ticket] | None:
    """The queue past `key`, in its order (`dispatch_queue`: urgent first, then the longest waiting
    first, then by id)."""
    urgent, micros, pk = key
    at = moment(micros)
    if urgent > 1 or at is None:
        return None
    return tickets.filter(
        Q(urgent_first__gt=urgent)
        | Q(urgent_first=urgent, waited_from__gt=at)
        | Q(urgent_first=urgent, waited_from=at, pk__gt=pk)
    )


def _queue_summary() -> dict[str, Any]:
    """The counts at the top of the queue as they are now, for a change made in place to send
    along (web/_queue_summary.html, swapped out of band): counted at page load, they would go on
    saying so many tickets wait after the dispatcher has dispatched some."""
    tickets = dispatch_queue()
    return {"total": tickets.count(), "routing_failed": routing_failures(tickets)}


def _news(seen: int) -> dict[str, Any]:
    """What the queue's news says (web/_queue_news.html): the counts at its top (`_queue_summary`)
    and the tickets in the queue received after the page was loaded (`seen`: the last ticket id
    then), how many and how many of them urgent; `shown`, all of it in one word, which the next
    check sends back so that nothing is swapped while nothing changed."""
    summary = _queue_summary()
    news: dict[str, Any] = (
        dispatch_queue()
        .filter(pk__gt=seen)
        .aggregate(fresh=Count("pk"), urgent=Count("pk", filter=Q(urgency=Urgency.URGENT)))
    )
    news |= {"summary": summary, "seen": seen}
    news["shown"] = "_".join(
        str(n) for n in (summary["total"], summary["routing_failed"], news["fresh"], news["urgent"])
    )
    return news


@staff_view("dispatch", require_GET)
def queue(request: HttpRequest, user: User) -> HttpResponse:
    tickets = dispatch_queue()
    page = keyset_page(request, tickets, key=_queue_key, after=_queue_after, size=3)
    page["entries"] = queue_entries(page.pop("rows"))
    page["routing_failed"] = routing_failures(tickets)
    # The last ticket there is now: those after it that come to the queue are news (`news`).
    seen = Ticket.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    news = {"seen": seen, "shown": f"{page['total']}_{page['routing_failed']}_0_0"}
    return render(request, "web/dispatch_queue.html", {**page, "news": news, **_choices()})


@staff_view("dispatch", require_GET)
def news(request: HttpRequest, user: User) -> HttpResponse:
    """The queue's news, checked by the page every 30 s while it is in view (web/_queue_news.html):
    how many tickets came in since it was loaded, with a link to reload, and the counts at its top
    (swapped out of band). The cards stay as they are: a queue re-rendered under the dispatcher's
    hands would move what they are reading, typing in or about to press. Nothing changed since the
    last check (`shown`): 204, nothing swapped."""
    seen = parse_id(request.GET.get("seen", "")) or 0
    found = _news(seen)
    if request.GET.get("shown") == found["shown"]:
        return HttpResponse(status=204)
    return render(request, "web/_queue_news.html", {"news": found, "oob": True})


def _ids(values: list[str], field: str) -> list[int]:
    ids = [parse_id(v) for v in values if v.strip()]
    if None in ids:
        raise InvalidInput(_("%(field)s: 须为编号") % {"field": field})
    if len(ids) > MAX_CO:
        raise InvalidInput(_("%(field)s: 最多 %(max)s 个") % {"field": field, "max": MAX_CO})
    return [i for i in ids if i is not None]


def _one_id(request: HttpRequest, field: str) -> int | None:
    ids = _ids([request.POST.get(field, "")], field)
    return ids[0] if ids else None


def _note(request: HttpRequest) -> str:
    return posted_text(request, "note", MAX_NOTE)


def _dispatch_arguments(request: HttpRequest) -> dict[str, Any]:
    lead = _one_id(request, "lead_department_id")
    if lead is None:
        raise InvalidInput(_("请选择主办单位"))
    return {
        "lead_department_id": lead,
        "co_department_ids": _ids(request.POST.getlist("co_department_ids"), "co_department_ids"),
        "category_id": _one_id(request, "category_id"),
        "note": _note(request),
    }


@staff_view("dispatch", require_POST)
def dispatch(request: HttpRequest, user: User, ticket_id: int) -> HttpResponse:
    ticket = Ticket.objects.filter(pk=ticket_id).select_related("category", "area").first()
    if ticket is None:
        return _not_found(request, _("工单不存在"))
    try:
        ticket = actions.do_dispatch_ticket(ticket, user, **_dispatch_arguments(request))
    except HotlineError as error:
        if not _is_htmx(request):
            messages.error(
                request, _("%(number)s：%(message)s") % {"number": ticket.number, "message": shown(error)}
            )
            return HttpResponseRedirect(reverse("dispatch_queue"))
        entry: QueueEntry | None = queue_entry(ticket) if ticket.status == TicketStatus.NEW else None
        # The manual form comes back open and as it was sent (`manual`: posted from it, not from a
        # suggestion's button): the lead, co-handlers and note were the dispatcher's choosing.
        chosen = _chosen(request) | {"manual": request.POST.get("manual") == "1"}
        return render(
            request,
            "web/_queue_item.html",
            {
                "entry": entry,
                "ticket": ticket,
                "error": shown(error),
                "chosen": chosen,
                "summary": _queue_summary(),
                **_choices(),
            },
            status=error.status_code,
        )
    lead = ticket.lead_assignment
    assert lead is not None  # a dispatch always makes one
    # The co-handlers sent along, named beside the lead: the card is all the dispatcher sees of it.
    co = [
        a.department
        for a in ticket.assignments.select_related("department").order_by("pk")
        if a.role == AssignmentRole.CO and a.status in OPEN_ASSIGNMENT_STATUSES
    ]
    if not _is_htmx(request):
        said = {"number": ticket.number, "lead": lead.department}
        if co:
            done = _("%(number)s 已派给 %(lead)s（协办：%(co)s）") % (
                said | {"co": _("、").join(map(str, co))}
            )
        else:
            done = _("%(number)s 已派给 %(lead)s") % said
        messages.success(request, done)
        return HttpResponseRedirect(reverse("dispatch_queue"))
    return render(
        request,
        "web/_dispatched.html",
        {"ticket": ticket, "lead": lead, "co": co, "summary": _queue_summary()},
    )


# Duplicate candidates shown in a queue card.
CANDIDATES = 3


def likely_duplicates(user: User, ticket: Ticket, *, embed: bool = True) -> list[Match]:
    """The tickets `user` may see that `ticket` likely duplicates, best first: what a queue card
    and the ticket page's 合并 offer. Only the candidates at the duplicate threshold (疑似重复), the
    ones 合并至 is for. Below it, on the hotline's short texts, e5 puts another problem of the same
    street at 0.92-0.95 (红绿灯 beside 停电: 5 of the demo's 7 cards, audit of 2026-12-06); the
    operator's console, where the caller can be asked, still lists from SHOWN_FROM. `embed`: as
    for `similar_to_ticket`."""
    found = similar_to_ticket(
        ticket, top=CANDIDATES, tickets=selectors.visible_tickets(user), shown_only=True, embed=embed
    )
    return [m for m in found if m.duplicate]


def _candidates(
    request: HttpRequest, user: User, ticket: Ticket, *, status: int = 200, **extra: Any
) -> HttpResponse:
    matches = likely_duplicates(user, ticket)
    return render(
        request,
        "web/_queue_similar.html",
        {
            "ticket": ticket,
            "matches": matches,
            "linked": linked_ids(ticket.pk),
            "closed": list(NOT_MERGEABLE_INTO),
            **extra,
        },
        status=status,
    )


@staff_view("dispatch", require_GET)
def similar(request: HttpRequest, user: User, ticket_id: int) -> HttpResponse:
    ticket = selectors.visible_tickets(user).filter(pk=ticket_id).first()
    if ticket is None:
        return _not_found(request, _("工单不存在"))
    return _candidates(request, user, ticket)


def _other_id_of(query: QueryDict, field: str) -> int:
    ids = _ids([query.get(field, "")], field)
    if not ids:
        raise InvalidInput(_("%(field)s: 请选择工单") % {"field": field})
    return ids[0]


def _other_id(request: HttpRequest, field: str) -> int:
    return _other_id_of(request.POST, field)


def _merge_target(user: User, query: QueryDict) -> Ticket:
    """The ticket a merge asked about goes into (`into_ticket_id` of `query`), if the user may see it."""
    into_id = _other_id_of(query, "into_ticket_id")
    into = selectors.visible_tickets(user).filter(pk=into_id).first()
    if into is None:
        raise InvalidInput(_("%(field)s: 工单 %(id)s 不存在") % {"field": "into_ticket_id", "id": into_id})
    return into


def _confirm_merge_page(request: HttpRequest, ticket: Ticket, into: Ticket) -> HttpResponse:
    """The question, or, when the merge would be refused as the tickets stand (`merge_refusal`: the
    same checks), why, with the two tickets and no button to confirm what cannot be done."""
    pair = [(_("重复工单"), ticket), (_("合并到的工单"), into)]
    context: dict[str, Any] = {"ticket": ticket, "into": into, "pair": pair}
    refusal = actions.merge_refusal(ticket, into)
    if refusal is None:
        return render(request, "web/dispatch_merge.html", context)
    context["refusal"] = shown(refusal)
    return render(request, "web/dispatch_merge.html", context, status=refusal.status_code)


@staff_view("dispatch", require_http_methods(["GET", "POST"]))
def merge(request: HttpRequest, user: User, ticket_id: int) -> HttpResponse:
    """The ticket in the queue is a duplicate of a candidate: merged into it once the dispatcher
    confirmed (`confirm`), the card says so. Asked without `confirm` (GET, the 合并至 button without
    JavaScript; or a POST without it), the page that asks; nothing is merged."""
    ticket = selectors.visible_tickets(user).filter(pk=ticket_id).first()
    if ticket is None:
        return _not_found(request, _("工单不存在"))
    try:
        if request.method == "GET":
            return _confirm_merge_page(request, ticket, _merge_target(user, request.GET))
        if request.POST.get("confirm") != "1":
            # Posted without the question answered (a form that did not ask, a page from before
            # it): nothing is merged, the dispatcher is asked on the page that asks.
            target = _merge_target(user, request.POST)
            ask = reverse("dispatch_merge", args=[ticket.pk]) + f"?into_ticket_id={target.pk}"
            if _is_htmx(request):
                return HttpResponse(status=204, headers={"HX-Redirect": ask})
            return HttpResponseRedirect(ask)
        ticket = actions.do_merge_ticket(
            ticket, user, into_ticket_id=_other_id(request, "into_ticket_id"), note=_note(request)
        )
    except HotlineError as error:
        if not _is_htmx(request):
            messages.error(
                request, _("%(number)s：%(message)s") % {"number": ticket.number, "message": shown(error)}
            )
            return HttpResponseRedirect(reverse("dispatch_queue"))
        # The merge button's target is the whole card (a merge done replaces it): a refusal goes to
        # the card's candidates instead, which it comes with, and the card stays.
        response = _candidates(
            request, user, ticket, status=error.status_code, error=shown(error), summary=_queue_summary()
        )
        response["HX-Retarget"] = f"#similar-{ticket.pk}"
        response["HX-Reswap"] = "innerHTML"
        return response
    into = ticket.merged_into
    assert into is not None
    done = _("%(number)s 已合并至 %(into)s") % {"number": ticket.number, "into": into.number}
    if not _is_htmx(request):
        messages.success(request, done)
        return HttpResponseRedirect(reverse("dispatch_queue"))
    return render(
        request, "web/_queue_done.html", {"ticket": ticket, "message": done, "summary": _queue_summary()}
    )


@staff_view("dispatch", require_POST)
def link(request: HttpRequest, user: User, ticket_id: int) -> HttpResponse:
    """A candidate is related but not the same problem: the two are linked, the ticket stays queued."""
    ticket = selectors.visible_tickets(user).filter(pk=ticket_id).first()
    if ticket is None:
        return _not_found(request, _("工单不存在"))
    try:
        other_id = _other_id(request, "other_ticket_id")
        ticket = actions.do_link_tickets(ticket, user, other_ticket_id=other_id, note=_note(request))
    except HotlineError as error:
        if not _is_htmx(request):
            messages.error(
                request, _("%(number)s：%(message)s") % {"number": ticket.number, "message": shown(error)}
            )
            return HttpResponseRedirect(reverse("dispatch_queue"))
        return _candidates(request, user, ticket, status=error.status_code, error=shown(error))
    if not _is_htmx(request):
        messages.success(request, _("%(number)s 已关联") % {"number": ticket.number})
        return HttpResponseRedirect(reverse("dispatch_queue"))
    # The candidate just linked says so in its row (a status: the keyboard goes on from there).
    return _candidates(request, user, ticket, just_linked=other_id)


def _return_key(assignment: Assignment) -> list[int]:
    assert assignment.returned_at is not None  # a returned assignment
    return [micros_of(assignment.returned_at), assignment.pk]


def _returns_after(assignments: QuerySet[Assignment], key: list[int]) -> QuerySet[Assignment] | None:
    """The returns past `key`, in their order (`returns_to_review`: the oldest first, then by id)."""
    micros, pk = key
    at = moment(micros)
    if at is None:
        return None
    return assignments.filter(Q(returned_at__gt=at) | Q(returned_at=at, pk__gt=pk))


def _returns_summary() -> dict[str, Any]:
    """The count at the top of the returns, as `_queue_summary` for the queue."""
    return {"total": returns_to_review().count()}


def _returns_page(
    request: HttpRequest, *, refused: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    """A page of the returns; with `refused` (a review refused, posted without JavaScript), that
    return's card as it was sent, the reason beside it, in its place on the first page or on top."""
    page = keyset_page(request, returns_to_review(), key=_return_key, after=_returns_after, size=2)
    items = [_return_item(a) for a in page.pop("rows")]
    if refused is not None:
        at = next(
            (i for i, item in enumerate(items) if item["assignment"].pk == refused["assignment"].pk), None
        )
        if at is None:
            items.insert(0, refused)
        else:
            items[at] = refused
        # Shown at the review's address, the pager's links (relative: "?after=") would lead there.
        page |= {"next_after": None, "paged": False}
    page["items"] = items
    return render(request, "web/returns.html", {**page, **_choices()}, status=status)


@staff_view("review_return", require_GET)
def returns(request: HttpRequest, user: User) -> HttpResponse:
    return _returns_page(request)


def _return_item(assignment: Assignment) -> dict[str, Any]:
    """The returned assignment with routing's suggestions, less the department that returned it."""
    entry = queue_entry(assignment.ticket)
    others = [s for s in entry.suggestions if s["lead"]["id"] != assignment.department_id]
    return {"assignment": assignment, "ticket": assignment.ticket, "suggestions": others[:3]}


def _chosen(request: HttpRequest) -> dict[str, Any]:
    """The review form as it was sent, for a refused review to come back with it (web/_return_item.html):
    a new lead, co-handlers and category chosen, the check and the note are the dispatcher's work, and a
    refusal of one field is no reason to make them choose all again. A value that is no id matches no
    option and is dropped."""
    post = request.POST
    co = [parse_id(v) for v in post.getlist("co_department_ids")]
    return {
        "lead": parse_id(post.get("lead_department_id")),
        "co": [i for i in co if i is not None],
        "category": parse_id(post.get("category_id")),
        "wrong_dispatch": post.get("wrong_dispatch") == "on",
        "note": post.get("note", ""),
    }


def _review_arguments(request: HttpRequest) -> dict[str, Any]:
    uphold = {"uphold": True, "reject": False}.get(request.POST.get("decision", ""))
    if uphold is None:
        raise InvalidInput(_("请选择支持或驳回退单"))
    arguments: dict[str, Any] = {"uphold": uphold, "note": _note(request)}
    if uphold:  # a rejection keeps the departments and the category as they are
        arguments |= {
            "lead_department_id": _one_id(request, "lead_department_id"),
            "co_department_ids": _ids(request.POST.getlist("co_department_ids"), "co_department_ids"),
            "category_id": _one_id(request, "category_id"),
            "wrong_dispatch": request.POST.get("wrong_dispatch") == "on",
        }
    return arguments


# The review form's own labels of the fields the actions name (`note` is 说明 on other forms).
_REVIEW_LABELS = {
    "note": gettext_noop("审核意见"),
    "lead_department_id": gettext_noop("新的主办单位"),
    "category_id": gettext_noop("改正分类"),
}


def _review_refusal(error: HotlineError) -> str:
    """A refused review's message with the fields named as the review form labels them."""
    parts = []
    for part in error.message.split("; "):
        field, colon, rest = part.partition(": ")
        parts.append(labelled(_(_REVIEW_LABELS[field]), rest) if colon and field in _REVIEW_LABELS else part)
    return for_people("; ".join(parts))


@staff_view("review_return", require_POST)
def review(request: HttpRequest, user: User, assignment_id: int) -> HttpResponse:
    assignment = Assignment.objects.filter(pk=assignment_id).select_related("ticket", "department").first()
    if assignment is None:
        return _not_found(request, _("退单不存在"))
    ticket = assignment.ticket
    try:
        arguments = _review_arguments(request)
        ticket = actions.do_review_return(ticket, user, assignment_id=assignment.pk, **arguments)
    except HotlineError as error:
        assignment.refresh_from_db()
        item = _return_item(assignment) if assignment.status == AssignmentStatus.RETURNED else None
        if not _is_htmx(request):
            if item is not None:  # still to review: the form comes back as it was sent, to try again
                refused = item | {"error": _review_refusal(error), "chosen": _chosen(request)}
                return _returns_page(request, refused=refused, status=error.status_code)
            messages.error(
                request,
                _("%(number)s：%(message)s") % {"number": ticket.number, "message": _review_refusal(error)},
            )
            return HttpResponseRedirect(reverse("dispatch_returns"))
        return render(
            request,
            "web/_return_item.html",
            {
                "item": item,
                "assignment": assignment,
                "ticket": ticket,
                "error": _review_refusal(error),
                "chosen": _chosen(request),  # as sent: the form comes back to try again
                "summary": _returns_summary(),
                **_choices(),
            },
            status=error.status_code,
        )
    done = _outcome(ticket, assignment, arguments["uphold"])
    if not _is_htmx(request):
        messages.success(request, done)
        return HttpResponseRedirect(reverse("dispatch_returns"))
    return render(
        request,
        "web/_reviewed.html",
        {"assignment": assignment, "message": done, "summary": _returns_summary()},
    )


def _outcome(ticket: Ticket, assignment: Assignment, uphold: bool) -> str:
    if not uphold:
        return _("%(number)s：退单已驳回，退回 %(department)s 继续办理") % {
            "number": ticket.number,
            "department": assignment.department,
        }
    if assignment.role == AssignmentRole.LEAD and (lead := ticket.lead_assignment) is not None:
        return _("%(number)s：退单成立，已改派 %(lead)s") % {"number": ticket.number, "lead": lead.department}
    return _("%(number)s：%(department)s 的协办退单成立") % {
        "number": ticket.number,
        "department": assignment.department,
    }


@staff_view("review_extension", require_GET)
def extensions(request: HttpRequest, user: User) -> HttpResponse:
    """The extension requests waiting for a decision, the oldest first, as the board's 延期审批 tab
    lists them (the whole city: those who approve are citywide roles), for a dispatcher, who may
    approve them but has no board; each row's form posts to the ticket's action and comes back, or
    the row says why it cannot be decided now (`sla.withdrawals.review_blocker`), as the board does."""
    now = clock.now()
    page = paginate(request, board_extensions(BoardFilters()))
    rows = [
        {"extension": e, "asked_past": e.requested_due_at <= now, "undecidable": review_blocker(e)}
        for e in page.pop("rows")
    ]
    return render(
        request,
        "web/dispatch_extensions.html",
        {**page, "rows": rows, "now_local": clock.localtime(now), "here": request.get_full_path()},
    )
