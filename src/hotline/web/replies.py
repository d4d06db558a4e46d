"""The reply-quality check (答复质量) on the staff pages.

GET  /replies/flagged/[?reviewed=1|all][&department=|&unit=][&first=&last=]
                                      the replies the check flagged (weak), not yet reviewed (or
                                      those reviewed, or all), newest first, each with its scores
                                      and reasons and a button to review it; for dispatchers,
                                      supervisors and admins (`ACTION_ROLES["review_reply"]`).
                                      `department`: those one department sent, `unit`: those it
                                      and the departments under it sent; `first`, `last`: sent on
                                      those local days, as the figures count them (the drill-down
                                      of a report's 答复质量存疑率). A unit head
                                      (`ACTION_ROLES["view_unit_figures"]`) reads, without
                                      reviewing, those their unit and the units under it sent
POST /replies/<reply id>/review/      review a flag (`feedback.actions.do_review_reply_check`);
                                      with htmx the row's new state comes back
POST /tickets/<number>/reply-check/   the check of a draft reply, before it is sent: the handler's
                                      reply form asks for it (htmx); nothing is stored. A draft
                                      that keeps a template's blank is told it will be refused,
                                      in the refusal's own words (`feedback.actions.blanks_refusal`)
GET  /tickets/<number>/reply-templates/  the reply templates (答复模板) that fit the ticket and the
                                      replying unit (the user's assignment on it, else their
                                      department), filled from the ticket and that unit (its name,
                                      its phone), each with a button that puts it in the reply
                                      box (htmx)

The check never holds a reply back by itself: a weak reply is sent and listed here. With
`HOTLINE["REPLY_CHECK"]["WHEN"] == "close"` its ticket is not closed until it has been reviewed.
"""

import re

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hotline.accounts.models import User
from hotline.accounts.permissions import ACTION_ROLES, department_scope, require_role
from hotline.analytics.facts import exempt_statuses
from hotline.analytics.periods import Period
from hotline.core.api import MAX_NOTE, MAX_TEXT
from hotline.core.errors import Forbidden, HotlineError
from hotline.directory.models import Department
from hotline.feedback.actions import blanks_refusal, do_review_reply_check
from hotline.feedback.models import ReplyCheck
from hotline.feedback.quality import check
from hotline.knowledge.templates import addressing_warning, fill, templates_for
from hotline.tickets import selectors
from hotline.tickets.models import Ticket
from hotline.tickets.transitions import actor_assignment
from hotline.web.actions import posted_next, refusal_page, visible_by_number
from hotline.web.dispatch import paginate, staff_view
from hotline.web.forms import posted_text
from hotline.web.params import parse_id, read_day
from hotline.web.wording import shown

# The reply boxes a template may fill: the ticket page's and the inbox rows' (`reply-text-<id>`).
_FIELD = re.compile(r"reply-text(?:-\d{1,20})?")


def _checks(user: User) -> QuerySet[ReplyCheck]:
    return ReplyCheck.objects.filter(
        weak=True, reply__ticket__in=selectors.visible_tickets(user).values("pk")
    ).select_related("reply", "reply__ticket", "reply__department", "reply__replied_by", "reviewed_by")


def _refused(request: HttpRequest, message: str, status: int = 403) -> HttpResponse:
    return render(request, "web/forbidden.html", {"message": message}, status=status)


@login_required
@require_GET
def flagged(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    try:
        require_role(user, "review_reply")
        units: set[int] | None = None
    except Forbidden as error:
        if user.role not in ACTION_ROLES["view_unit_figures"]:
            return _refused(request, shown(error))
        # A unit head reads what their units sent (答复质量存疑率 of their report), never reviews.
        units = department_scope(user) or set()
    checks = _checks(user)
    if units is not None:
        checks = checks.filter(reply__department_id__in=units)
    department, unit = parse_id(request.GET.get("department")), parse_id(request.GET.get("unit"))
    sent_by = {department} if department else None
    if unit:
        found = Department.objects.filter(pk=unit).first()
        sent_by = found.descendant_ids() if found is not None else set()
    if sent_by is not None:
        if units is not None and not sent_by <= units:
            return _refused(request, _("只能查看本单位的答复"))
        checks = checks.filter(reply__department_id__in=sent_by)
    first, last = request.GET.get("first", "").strip(), request.GET.get("last", "").strip()
    period = None
    if first or last:
        (first_day, why), (last_day, why_last) = read_day(first or last), read_day(last or first)
        if first_day is None or last_day is None:
            return _refused(request, why or why_last, 400)
        period = Period.days(first_day, last_day)
        # As the share counts them (`analytics.facts`): sent in those days, exempt tickets left out.
        checks = checks.filter(reply__replied_at__gte=period.start, reply__replied_at__lt=period.end).exclude(
            reply__ticket__status__in=exempt_statuses()
        )
    shown_state = request.GET.get("reviewed", "")
    if shown_state == "1":
        checks = checks.filter(reviewed_at__isnull=False)
    elif shown_state != "all":
        shown_state = ""
        checks = checks.filter(reviewed_at__isnull=True)
    filters = request.GET.copy()
    for name in ("reviewed", "offset"):
        filters.pop(name, None)
    named = unit or department
    sender = Department.objects.filter(pk=named).values_list("name", flat=True).first() if named else None
    return render(
        request,
        "web/replies_flagged.html",
        {
            **paginate(request, checks.order_by("-checked_at", "-pk")),
            "reviewed": shown_state == "1",
            "every": shown_state == "all",
            "filters": filters.urlencode(),
            "sender": sender,
            "below": bool(unit),
            "period": period,
        },
    )


@staff_view("review_reply", require_POST)
def review(request: HttpRequest, user: User, reply_id: int) -> HttpResponse:
    found = _checks(user).filter(reply_id=reply_id).first()
    back = posted_next(request) or reverse("replies_flagged")
    if found is None:
        return refusal_page(request, _("答复 %(id)s 不存在或未被标记") % {"id": reply_id}, 404, back)
    try:
        done = do_review_reply_check(found, user, note=posted_text(request, "note", MAX_NOTE))
    except HotlineError as error:
        return refusal_page(request, shown(error), error.status_code, back)
    if request.headers.get("HX-Request") == "true":
        return render(request, "web/_reply_quality.html", {"q": done, "reply_id": reply_id})
    return HttpResponseRedirect(back)


@staff_view("reply", require_POST)
def preview(request: HttpRequest, user: User, number: str) -> HttpResponse:
    """The check of a reply as drafted: what a supervisor would see, before the citizen does."""
    try:
        ticket = visible_by_number(user, number)
    except HotlineError as error:
        return refusal_page(request, shown(error), error.status_code, reverse("home"))
    text = request.POST.get("text", "")[:MAX_TEXT].strip()
    if not text:
        return render(request, "web/_reply_preview.html", {"result": None})
    refused = blanks_refusal(text)
    return render(
        request,
        "web/_reply_preview.html",
        {
            "result": check(ticket.title, ticket.content, text),
            "text": text,  # its elements, as a checklist beside the scores
            # What sending it would be refused for: said first, and "仍可发送" is not.
            "refused": shown(refused) if refused is not None else "",
            "addressing": addressing_warning(ticket, text),  # one citizen named, sent to several
        },
    )


def _replying_unit(ticket: Ticket, user: User) -> Department | None:
    """The unit whose reply a template is filled for: the one of the user's assignment that would
    reply (a head's may be a unit under theirs), else the user's own."""
    try:
        return actor_assignment(ticket, user, "reply").department
    except HotlineError:
        return user.department


@staff_view("reply", require_GET)
def reply_templates(request: HttpRequest, user: User, number: str) -> HttpResponse:
    try:
        ticket = visible_by_number(user, number)
    except HotlineError as error:
        return refusal_page(request, shown(error), error.status_code, reverse("home"))
    department = _replying_unit(ticket, user)
    offered = [(t, fill(t, ticket, department)) for t in templates_for(ticket, department)]
    # The box a template fills: the ticket page's, or a row's of the inbox (`reply-text-<id>`).
    field = request.GET.get("field", "")
    if not _FIELD.fullmatch(field):
        field = "reply-text"
    return render(request, "web/_reply_templates.html", {"offered": offered, "field": field})
