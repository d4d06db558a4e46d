"""A ticket's own page (工单详情) for every staff role.

GET  /tickets/<number>/                          everything about the ticket the user may see: its
                                                 appeals (merged ones too), the caller, assignments
                                                 with their deadlines and clocks, replies, callbacks,
                                                 the clock's records and the timeline; and a form for
                                                 each action the user may take now (`allowed_actions`),
                                                 posting to `web.actions`
POST /tickets/<number>/appeals/<id>/phone/       show one caller's full number, for roles that call
                                                 citizens back; every reveal is recorded
POST /tickets/<number>/messages/<id>/resend/     send a message to a citizen that failed for good
                                                 again (告知记录: `citizen_messages.actions.do_resend`)

A ticket another department holds answers 404, the same as one that does not exist.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext
from django.views.decorators.http import require_GET, require_POST

from hotline.accounts.models import User
from hotline.accounts.permissions import ACTION_ROLES, PHONE_ROLES
from hotline.citizen_messages.actions import do_resend
from hotline.citizen_messages.selectors import explained, messages_of
from hotline.core import clock
from hotline.core.api import MAX_NOTE
from hotline.core.enums import (
    NOT_MERGEABLE_INTO,
    OPEN_ASSIGNMENT_STATUSES,
    AssignmentRole,
    AssignmentStatus,
    Channel,
    EventType,
    RepetitionOutcome,
    Resolution,
    Satisfaction,
    SupervisionReason,
    SuspensionReason,
    TicketStatus,
)
from hotline.core.errors import HotlineError
from hotline.core.http import client_ip
from hotline.core.phone import mask_phone
from hotline.directory.models import Department
from hotline.feedback.selectors import appellants, callback_round, merged_appeals
from hotline.intake import attachments
from hotline.intake.actions import do_reveal_phone
from hotline.intake.models import FILE_SUFFIXES, Appeal, Attachment
from hotline.routing.reasons import dispatch_note
from hotline.supervision import wording as supervision_wording
from hotline.supervision.repetition import open_repetitions_of
from hotline.taxonomy.selectors import active_categories
from hotline.tickets import presenter, selectors
from hotline.tickets.models import Ticket, linked_ids
from hotline.tickets.schemas import EventOut, ExtensionOut, TicketDetail
from hotline.tickets.transitions import ASSIGNMENT_NEEDS, actor_assignment
from hotline.web import grid
from hotline.web.actions import NOT_FIELDS, refusal_page, visible_by_number
from hotline.web.department_choices import department_groups
from hotline.web.dispatch import likely_duplicates, staff_view
from hotline.web.forms import posted_text
from hotline.web.inbox import awaited_response, response_clock
from hotline.web.overview import echarts_installed
from hotline.web.params import parse_id
from hotline.web.wording import shown

# Details of a timeline event worth a line on the page, in this order, with their labels.
_DETAIL_LABELS: tuple[tuple[str, str], ...] = (
    ("department", gettext_noop("单位")),
    ("lead", gettext_noop("主办")),
    ("co", gettext_noop("协办")),
    ("withdrawn", gettext_noop("撤回自")),
    ("outcome", gettext_noop("审核结论")),  # before its reason (a review's note)
    ("reason", gettext_noop("理由")),
    ("text", gettext_noop("内容")),
    ("note", gettext_noop("说明")),
    ("contacted", gettext_noop("已联系诉求人")),
    ("no_contact", gettext_noop("无法回访")),
    ("resolution", gettext_noop("解决情况")),
    ("satisfaction", gettext_noop("满意度")),
    ("attempt", gettext_noop("未接通次数")),
    ("retry_at", gettext_noop("下次回访")),
    ("due_at", gettext_noop("办理时限")),
    ("requested_due_at", gettext_noop("申请时限")),
    ("into_number", gettext_noop("并入工单")),
    ("joined_number", gettext_noop("并入本工单")),
    ("from_number", gettext_noop("原合并至")),
    ("released_number", gettext_noop("移出工单")),
    ("other_number", gettext_noop("关联工单")),
    ("error", gettext_noop("错误")),
    ("article_title", gettext_noop("依据知识")),
)


# The reasons a timeline stores as codes: a suspension's (挂起) and a supervision's (督办); other
# events' reasons are people's words. The two sets of codes do not overlap.
_REASON_LABELS: dict[str, Any] = {**dict(SuspensionReason.choices), **dict(SupervisionReason.choices)}


@dataclass(frozen=True)
class TimelineRow:
    at: datetime
    label: str
    actor: str | None
    from_status: str
    to_status: str
    facts: list[tuple[str, str]]


def _channel_label(value: str) -> str:
    return str(Channel(value).label) if value in Channel.values else value


def _status_label(value: str) -> str:
    return str(TicketStatus(value).label) if value in TicketStatus.values else value


def _fact(key: str, value: Any, departments: dict[str, str]) -> str:
    if key in ("department", "lead") and isinstance(value, str):
        return departments.get(value, value)
    if key in ("co", "withdrawn") and isinstance(value, list):
        # Translators: the separator between names in a list (an enumeration comma in Chinese).
        return _("、").join(departments.get(str(v), str(v)) for v in value)
    if key in ("due_at", "requested_due_at", "retry_at") and isinstance(value, str):
        try:
            return f"{clock.localtime(datetime.fromisoformat(value)):%Y-%m-%d %H:%M}"
        except (ValueError, OverflowError):
            # A moment from before the range was enforced (year 9999 at -12:00) has no local time;
            # the timeline is a record and keeps it as it was written.
            return value
    if key == "reason" and value in _REASON_LABELS:
        return str(_REASON_LABELS[value])
    if key == "outcome" and value in RepetitionOutcome.values:
        return str(RepetitionOutcome(value).label)
    if key == "no_contact" and value is True:
        return _("诉求人未留联系电话，办结未回访")
    if key == "resolution" and value in Resolution.values:
        return str(Resolution(value).label)
    if key == "contacted" and isinstance(value, bool):
        return _("是") if value else _("否")
    if key == "satisfaction" and value in Satisfaction.values:
        return str(Satisfaction(value).label)
    return str(value)


def _actor(username: str | None, names: dict[str, str]) -> str | None:
    """Who acted, as the timeline names them: their full name (`full_names`); None (shown as 系统)
    for the system user as for no user, whose automatic steps would otherwise read as a person
    called "system"."""
    if username is None or username == settings.HOTLINE["ROUTING"]["SYSTEM_USERNAME"]:
        return None
    return names.get(username, username)


def full_names(usernames: Iterable[str | None]) -> dict[str, str]:
    """Each of `usernames` as the pages name the person (`User.display_name`: the full name, the
    username for a user without one), in one query; a username of nobody is left out."""
    wanted = {u for u in usernames if u}
    if not wanted:
        return {}
    users = User.objects.filter(username__in=wanted).only("username", "first_name", "last_name")
    return {u.username: u.display_name for u in users}


def named(name: str, phone: str) -> str:
    """A caller as the pages name them: the name (匿名 without one) and the masked number."""
    return f"{name or _('匿名')} {mask_phone(phone)}".strip()


def callers_named(appeal_ids: Iterable[object]) -> dict[int, str]:
    """`named` for each appeal of `appeal_ids` (ids that are not ints are passed over), in one query."""
    ids = {pk for pk in appeal_ids if isinstance(pk, int)}
    if not ids:
        return {}
    rows = Appeal.objects.filter(pk__in=ids).values_list("pk", "citizen_name", "citizen_phone")
    return {pk: named(name, phone) for pk, name, phone in rows}


# The events that name the appellant they were with (`details["appeal"]`).
_WITH_APPELLANT = (EventType.CALLBACK, EventType.CALLBACK_ATTEMPT)


def timeline(events: list[EventOut], names: dict[str, str] | None = None) -> list[TimelineRow]:
    """The timeline as people read it: what happened (the event type's name), who (by full name:
    `names`, else read here), the move between states, and the facts worth a line, departments by
    name, a callback's appellant by name and masked number."""
    if names is None:
        names = full_names(e.actor for e in events)
    callers = callers_named(e.details.get("appeal") for e in events if e.action in _WITH_APPELLANT)
    codes: set[str] = set()
    for e in events:
        for key in ("department", "lead", "co", "withdrawn"):
            value = e.details.get(key)
            codes.update(v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str))
    departments = dict(Department.objects.filter(code__in=codes).values_list("code", "name"))
    rows = []
    for e in events:
        label = str(EventType(e.action).label) if e.action in EventType.values else e.action
        details = e.details
        if isinstance(details.get("note"), str):
            # A note the system wrote (a step up's closing a supervision, an extension request's
            # withdrawal, a call merged at the console: `supervision.wording`) is stored in the
            # city's language: said again in the reader's; a person's note stays as typed.
            details = {**details, "note": supervision_wording.shown(details["note"])}
        if isinstance(details.get("routed"), dict):
            # An automatic dispatch: its note told again from its facts, in the reader's language
            # (the stored note is in the city's; a dispatch stored before the facts has it alone).
            details = {**details, "note": dispatch_note(details["routed"])}
        if e.action == EventType.REVIEW_RETURN and isinstance(details.get("uphold"), bool):
            # Its outcome in words: a rejection and an upheld return read alike by their name alone,
            # and the department that returned the ticket reads here why it came back (the note).
            outcome = (
                pgettext("outcome", "支持退单") if details["uphold"] else pgettext("outcome", "驳回退单")
            )
            details = {**details, "outcome": outcome}
        facts = [
            (_(name), _fact(key, details[key], departments))
            for key, name in _DETAIL_LABELS
            if details.get(key) not in (None, "", [], False)  # a "no" (not contacted) is no fact
        ]
        if e.action in _WITH_APPELLANT and details.get("appeal") in callers:
            facts.insert(0, (_("诉求人"), callers[details["appeal"]]))
        rows.append(
            TimelineRow(
                e.at,
                label,
                _actor(e.actor, names),
                _status_label(e.from_status),
                _status_label(e.to_status),
                facts,
            )
        )
    return rows


def _merge_candidates(user: User, ticket: Ticket) -> list[dict[str, Any]]:
    """The likely duplicates the ticket may be merged into (not those answered already: a merge
    into them is refused, `tickets.transitions.NOT_MERGEABLE_INTO`), titles as lists show them.
    From the vector the worker stored: the page does not wait for the encoder (a ticket received
    seconds ago has none yet; its queue card finds them)."""
    found = [
        m for m in likely_duplicates(user, ticket, embed=False) if m.ticket.status not in NOT_MERGEABLE_INTO
    ]
    titles = presenter.listed_titles(m.ticket for m in found)
    return [{"match": m, "title": titles[m.ticket.pk]} for m in found]


def _place(detail: TicketDetail) -> dict[str, Any] | None:
    """Where the ticket is, for its map: the first appeal that came with a position."""
    for appeal in detail.appeals:
        if appeal.latitude is not None and appeal.longitude is not None:
            return {"lat": appeal.latitude, "lng": appeal.longitude, "label": detail.address or detail.title}
    return None


def _my_assignments(user: User, ticket: Ticket, detail: TicketDetail) -> dict[str, int | None]:
    """For each assignment action the user may take, the assignment it would act on (so the form
    can name it); None when the action must be told which (several fit)."""
    chosen: dict[str, int | None] = {}
    for name in detail.allowed_actions:
        if name not in ASSIGNMENT_NEEDS:
            continue
        try:
            chosen[name] = actor_assignment(ticket, user, name).pk
        except HotlineError:
            chosen[name] = None
    return chosen


@dataclass(frozen=True)
class Callees:
    """Whom the callback forms may name (`offered`), and the callbacks recorded since the last answer
    when every person with a number has one (`called`: the page shows them, and the form only to
    correct one)."""

    offered: list[dict[str, Any]]
    called: list[dict[str, Any]]


def _callees(ticket: Ticket, allowed: set[str]) -> Callees:
    """One entry per person (`feedback.selectors.people`): those with a number still owed a callback
    since the last answer, else (all were called) each with a number, whose new callback supersedes
    theirs. Empty when the user may record neither."""
    if not allowed & {"callback", "callback_attempt"}:
        return Callees([], [])
    reachable = [p for p in callback_round(ticket) if p.reachable]
    owed = [p for p in reachable if p.callback is None]
    offered = [
        {"appeal_id": p.appeal.pk, "who": named(p.appeal.citizen_name, p.appeal.citizen_phone)}
        for p in owed or reachable
    ]
    called = (
        []
        if owed
        else [
            {"who": named(p.appeal.citizen_name, p.appeal.citizen_phone), "callback": p.callback}
            for p in reachable
        ]
    )
    return Callees(offered, called)


def _extension_asked(chosen: dict[str, int | None], detail: TicketDetail) -> ExtensionOut | None:
    """The request for more time of the assignment the user would ask for, while it waits for its
    decision: one at a time, a second would be refused (`sla.actions.do_request_extension`)."""
    assignment = chosen.get("request_extension")
    if assignment is None:
        return None
    return next((x for x in detail.extensions if x.approved is None and x.assignment_id == assignment), None)


def _response(detail: TicketDetail) -> dict[str, Any] | None:
    """The first response awaited on the ticket (an urgent ticket's, before its unit signs), the
    lead's first, with its countdown (`inbox.response_clock`): the deadline due first."""
    now = clock.now()
    awaited = [(a, due) for a in detail.assignments if (due := awaited_response(a, now)) is not None]
    if not awaited:
        return None
    a, due = min(awaited, key=lambda pair: (pair[0].role != AssignmentRole.LEAD, pair[1]))
    clock_text, urgency = response_clock(due, now)
    return {"due": due, "clock": clock_text, "urgency": urgency, "department": a.department}


def _co_awaited(detail: TicketDetail, allowed: set[str]) -> list[str]:
    """The co-handling units whose answer the lead's reply waits for, by name, when the user may
    reply (only the lead may): `feedback.actions.do_reply_ticket` refuses the reply until each has
    answered, so the page says so instead of a form that can only be refused."""
    if "reply" not in allowed:
        return []
    return [
        a.department.name
        for a in detail.assignments
        if a.role == AssignmentRole.CO and a.status in OPEN_ASSIGNMENT_STATUSES
    ]


def _revealable(user: User, appeals: list[Appeal]) -> set[int]:
    """The appeals among `appeals` (of duplicates merged into a ticket) whose full number the user
    may see, as `intake.actions.do_reveal_phone` checks it (`tickets.selectors.can_see_phone`)."""
    seen = selectors.tickets_with_phones_shown(user, {a.ticket_id for a in appeals})
    return {a.pk for a in appeals if a.ticket_id in seen and a.citizen_phone}


def _context(request: HttpRequest, user: User, number: str, revealed: dict[int, str]) -> dict[str, Any]:
    ticket = visible_by_number(user, number)
    detail = presenter.ticket_detail(user, ticket.pk, mask_phones=True)
    allowed = set(detail.allowed_actions)
    merged = merged_appeals(ticket)
    # Their titles as the reader may read them (`presenter.ticket_detail`: numbers masked or not).
    merged_titles = {a.id: a.title for a in detail.merged_appeals}
    revealable = _revealable(user, merged)
    chosen = _my_assignments(user, ticket, detail)
    callees = _callees(ticket, allowed)
    links = list(
        selectors.visible_tickets(user)
        .filter(pk__in=linked_ids(ticket.pk))
        .prefetch_related("appeals")
        .order_by("-created_at", "-pk")
    )
    # The staff the page names, by their full names: who acted, asked, replied.
    people = full_names(
        [
            *(e.actor for e in detail.events),
            *(x.requested_by for x in detail.extensions),
            *(r.requested_by for r in detail.invalidation_requests),
            *(r.replied_by for r in detail.replies),
            *(r.quality.reviewed_by for r in detail.replies if r.quality is not None),
        ]
    )
    return {
        "t": detail,
        "allowed": allowed,
        "timeline": timeline(detail.events, people),
        "people": people,
        "appeal_rows": [
            {
                "appeal": a,
                "channel": _channel_label(a.channel),
                "revealed": revealed.get(a.id),
                "by_grid": a.channel == Channel.GRID,
            }
            for a in detail.appeals
        ],
        # The appeals of duplicates merged into this ticket (and into those): their callers get this
        # ticket's reply and callback.
        "merged_appeals": [
            {
                "appeal": a,
                "title": merged_titles.get(a.pk, ""),
                "phone": mask_phone(a.citizen_phone),
                "revealed": revealed.get(a.pk),
                "can_reveal": a.pk in revealable,
                "by_grid": a.channel == Channel.GRID,
            }
            for a in merged
        ],
        "callees": callees.offered,
        "called": callees.called,
        "callback_callers": callers_named(c.appeal_id for c in detail.callbacks),
        "can_resend": user.role in ACTION_ROLES["resend_citizen_message"],
        # What each message's last attempt means, in words (the sender's own text is the admin's).
        "message_notes": {
            m.id: explained(m.medium, m.state, m.attempts, m.detail) for m in detail.citizen_messages
        },
        "links": links,
        # Listed as other tickets are, their numbers masked for every role (`presenter.listed_title`).
        "link_titles": {other.pk: presenter.listed_title(other) for other in links},
        "repetitions": open_repetitions_of(ticket),
        # The tickets it likely duplicates, offered to 合并到另一工单 (its number is otherwise typed).
        "merge_candidates": _merge_candidates(user, ticket) if "merge" in allowed else [],
        "can_review_repetition": user.role in ACTION_ROLES["review_repetition"],
        "outcomes": RepetitionOutcome.choices,
        "photos": _photos(ticket),
        "can_reveal": user.role in PHONE_ROLES,
        "chosen": chosen,
        "pending_extensions": [x for x in detail.extensions if x.approved is None],
        "response": _response(detail),
        "co_awaited": _co_awaited(detail, allowed),
        # The reply a send-back (退回重答) would send back: the last, which alone it may.
        "send_back_reply": (
            max(r.id for r in detail.replies) if "return_reply" in allowed and detail.replies else None
        ),
        "extension_asked": _extension_asked(chosen, detail),
        # review_return is allowed while the ticket is at work, returned or not: the link to the
        # returns only when one of its assignments waits there.
        "return_waiting": any(a.status == AssignmentStatus.RETURNED for a in detail.assignments),
        # A closed ticket keeps its callback deadline on record; only a replied one owes a callback.
        "callback_due": detail.status == TicketStatus.REPLIED and detail.callback_due_at is not None,
        "open_statuses": [AssignmentStatus.PENDING.value, AssignmentStatus.ACCEPTED.value],
        # An answered suggestion may be published on 百问百答 (web.publication).
        "answered_statuses": [TicketStatus.REPLIED.value, TicketStatus.CLOSED.value],
        "resolutions": Resolution.choices,
        "satisfactions": Satisfaction.choices,
        "suspension_reasons": SuspensionReason.choices,
        "department_groups": department_groups() if "dispatch" in allowed else [],
        "categories": (list(active_categories()) if "dispatch" in allowed else []),
        "now": clock.localtime(),
        "place": _place(detail),
        "echarts_installed": echarts_installed(),
    }


def _ticket_attachments(ticket: Ticket) -> QuerySet[Attachment]:
    """The files sent with the ticket's appeals and with those of the duplicates merged into it."""
    return Attachment.objects.filter(appeal__in=[a.pk for a in appellants(ticket)])


def _photos(ticket: Ticket) -> dict[int, list[Attachment]]:
    """The ticket's attachments by appeal id."""
    found: dict[int, list[Attachment]] = {}
    for attachment in _ticket_attachments(ticket).order_by("uploaded_at", "pk"):
        found.setdefault(attachment.appeal_id, []).append(attachment)
    return found


@login_required
@require_GET
def ticket_attachment(request: HttpRequest, number: str, attachment_id: int) -> HttpResponseBase:
    """A file sent with the ticket's appeals, only to those who may see the ticket (the files are
    not served as media): a photo shown in the page, a document (a letter's PDF, Word or Excel
    attachment) downloaded under the ticket's number, never opened in the page."""
    user: User = request.user  # type: ignore[assignment]
    try:
        ticket = visible_by_number(user, number)
    except HotlineError as error:
        return render(request, "web/forbidden.html", {"message": shown(error)}, status=error.status_code)
    files = _ticket_attachments(ticket)
    if user.role in ACTION_ROLES["grid_report"]:
        # A grid worker's page shows their own photos (web.grid), not those of citizens whose calls
        # were merged into their report.
        files = files.filter(appeal__created_by=user)
    attachment = files.filter(pk=attachment_id).first()
    if attachment is None or not attachment.file.storage.exists(attachment.file.name or ""):
        return render(request, "web/forbidden.html", {"message": _("附件不存在")}, status=404)
    document = attachment.content_type not in attachments.PHOTOS
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=document,
        filename=f"{ticket.number}-{attachment.pk}{FILE_SUFFIXES.get(attachment.content_type, '')}",
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_GET
def ticket_page(request: HttpRequest, number: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    try:
        if user.role in ACTION_ROLES["grid_report"]:
            # A grid worker's own report: its progress and reply, read-only (web.grid).
            return grid.reported_ticket(request, user, visible_by_number(user, number))
        context = _context(request, user, number, {})
    except HotlineError as error:
        return render(request, "web/forbidden.html", {"message": shown(error)}, status=error.status_code)
    return render(request, "web/ticket.html", context)


# The id of the message beside a refused form of the page (ticket.html): the action's, hyphenated
# (progress-refused), but for these.
_REFUSAL_IDS = {"request_extension": "extension-refused"}


def refused_on_page(
    request: HttpRequest, user: User, number: str, action: str, message: str, status: int
) -> HttpResponse | None:
    """The ticket's page again after `action` (one of `web.actions.KEPT_ON_PAGE`) was refused: its
    form holds what was posted (text, choices) and says why beside it; the status is the refusal's.
    None when the page has no form for it (a co-handler's reply): the refusal's own page says why."""
    try:
        context = _context(request, user, number, {})
    except HotlineError:
        return None
    if action not in context["allowed"]:
        return None
    kept = {
        # What its form holds, as posted: a reply's text, a reason, a note, a date, a choice.
        **{name: request.POST.get(name, "") for name in request.POST if name not in NOT_FIELDS},
        # The departments and the category a dispatch chose, as the page's choices name them (ids).
        "lead_id": parse_id(request.POST.get("lead_department_id")),
        "co_ids": [pk for pk in map(parse_id, request.POST.getlist("co_department_ids")) if pk is not None],
        "category_pk": parse_id(request.POST.get("category_id")),
        "action": action,
        "message": message,
    }
    # The page's own address for its forms' `next` (this request's is the action's).
    here = reverse("ticket_page", args=[number])
    page = render(request, "web/ticket.html", {**context, "refused": kept, "page_path": here}, status=status)
    # A form the page shows only in some states (a callback attempt while someone is still to call,
    # the review of a request still waiting) may be missing though the action is allowed: then the
    # refusal's own page says why, not a page without a word of it.
    said = _REFUSAL_IDS.get(action, action.replace("_", "-") + "-refused")
    return page if f'id="{said}"'.encode() in page.content else None


@login_required
@require_POST
def reveal_phone(request: HttpRequest, number: str, appeal_id: int) -> HttpResponse:
    """The full number of one appeal's caller; recorded. With htmx only the number comes back."""
    user: User = request.user  # type: ignore[assignment]
    try:
        ticket = visible_by_number(user, number)
        # One of its appellants: its own callers and those of the duplicates merged into it.
        appeal = next((a for a in appellants(ticket) if a.pk == appeal_id), None)
        if appeal is None:
            return render(request, "web/forbidden.html", {"message": _("诉求不存在")}, status=404)
        phone = do_reveal_phone(appeal, user, ip=client_ip(request))
        if request.headers.get("HX-Request") == "true":
            return render(request, "web/_phone.html", {"phone": phone})
        context = _context(request, user, number, {appeal.pk: phone})
    except HotlineError as error:
        return render(request, "web/forbidden.html", {"message": shown(error)}, status=error.status_code)
    return render(request, "web/ticket.html", context)


@staff_view("resend_citizen_message", require_POST)
def resend_message(request: HttpRequest, user: User, number: str, message_id: int) -> HttpResponse:
    """Put a failed message to a citizen back to be sent (the worker sends it on its next round)."""
    back = reverse("ticket_page", args=[number]) + "#citizen-messages"
    try:
        ticket = visible_by_number(user, number)
        message = messages_of(ticket).filter(pk=message_id).first()
        if message is None:
            return refusal_page(request, _("告知记录 %(id)s 不存在") % {"id": message_id}, 404, back)
        do_resend(message, user, note=posted_text(request, "note", MAX_NOTE))
    except HotlineError as error:
        return refusal_page(request, shown(error), error.status_code, back)
    return HttpResponseRedirect(back)
