"""The public citizen portal (市民诉求门户), without a login, made for a phone's screen.

GET  /portal/         the appeal form, with a one-time token
POST /portal/         take the appeal in through the `web` channel (no staff actor; the token is the
                      appeal's external id, so a double submit makes one ticket) and show its number;
                      a form sent back for a wrong field keeps its photo (`web.photo_forms`)
POST /portal/track/   a ticket's public progress for its number and the last four digits of the
                      phone of one of its callers (its own, or a duplicate's merged into it):
                      status in plain words, the public timeline and the replies. A merged
                      duplicate's caller sees their own call's steps up to the merge, then the
                      joined ticket's after it (`citizen_timeline`); the replies read the other
                      appellants' names as 市民 (`feedback.disclosure.addressed_to`); a reply sent
                      back to its unit (退回重答) is shown after the ones that stand, marked 已更正
POST /portal/rate/    the citizen rates the answer, recorded as a callback (回访) with their own
                      appeal (each appellant of a merged ticket rates it once); unsatisfied reopens

What the public view leaves out: staff and their names, notes, returns, extensions, suspensions,
supervision (of a reply sent back, only that it is redone: not why), other callers, phone
numbers. A wrong pair of number and digits answers exactly as an unknown number does (404), so the
form cannot tell whether a number exists.

Rate limits (settings.HOTLINE["PORTAL"], `intake.limits`): submissions per IP address and per
phone number, lookups and ratings per IP address, each per hour; over a limit the answer is 429 and
nothing is stored. The public pages that read (the forms here, /qa/ and its feeds; /stats/ has its
own count) are counted per address together (PAGES_PER_HOUR) through `admit`, the one check of
them all. The lookup is a POST, so that the phone's digits stay out of URLs and logs.
"""

import functools
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from hotline.accounts.system import portal_user
from hotline.core.enums import Channel, EventType, Kind, Resolution, Satisfaction, TicketStatus
from hotline.core.errors import HotlineError
from hotline.core.http import client_ip, error_response, is_api
from hotline.core.phone import dialled, dialled_in_db, digits_of, mainland_number
from hotline.directory.models import Department
from hotline.feedback.actions import do_record_callback
from hotline.feedback.disclosure import addressed_to
from hotline.feedback.models import Reply
from hotline.feedback.selectors import appellants, people
from hotline.intake import attachments, limits
from hotline.intake.actions import AppealData, do_receive_appeal, existing_ticket
from hotline.intake.models import Appeal
from hotline.supervision import wording as supervision_wording
from hotline.tickets.models import Ticket, TicketEvent
from hotline.web import wording
from hotline.web.photo_forms import OnceWithPhotoForm, new_token

NUMBER = re.compile(r"\d{8}-\d{6}")
# What a phone's keyboard types between a number's date and serial, or a number without the hyphen.
DASHES = re.compile("[\u2010-\u2015\u2212\ufe63]")
DIGITS_ONLY = re.compile(r"[0-9]{14}")
# The external id of a portal appeal: the form's one-time token.
EXTERNAL_PREFIX = "portal-"
View = Callable[..., HttpResponse]
# A merged ticket's citizen follows it to the ticket it joined; no chain is this long in practice.
MAX_MERGE_HOPS = 5


def _portal() -> dict[str, Any]:
    return dict(settings.HOTLINE["PORTAL"])


class AppealForm(OnceWithPhotoForm):
    kind = forms.ChoiceField(label=gettext_lazy("诉求类型"), choices=Kind.choices, initial=Kind.COMPLAINT)
    title = forms.CharField(
        label=gettext_lazy("标题"), max_length=200, error_messages={"required": gettext_lazy("请填写标题")}
    )
    content = forms.CharField(
        label=gettext_lazy("诉求内容"),
        max_length=5000,
        widget=forms.Textarea,
        error_messages={"required": gettext_lazy("请填写诉求内容")},
    )
    address = forms.CharField(label=gettext_lazy("发生地址"), max_length=300, required=False)
    phone = forms.CharField(
        label=gettext_lazy("联系电话"),
        max_length=20,
        error_messages={"required": gettext_lazy("请填写联系电话")},
    )
    name = forms.CharField(
        label=gettext_lazy("姓名（可不填）"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    photo = forms.FileField(label=gettext_lazy("照片（可不传，JPEG 或 PNG，5 MB 以内）"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["photo"].widget.attrs.update(photo_attrs())

    def clean_phone(self) -> str:
        # A mainland mobile (where the SMS with the ticket's number goes) or a fixed line.
        phone = mainland_number(self.cleaned_data["phone"])
        if phone is None:
            raise forms.ValidationError(_("请填写 11 位手机号码，或带区号的固定电话号码"))
        return phone


def typed_number(typed: str) -> str:
    """A ticket's number as a phone's keyboard may type it, written as the number is: full-width
    digits and hyphen (a Chinese keyboard's), a dash, spaces, or the digits alone (a keyboard of
    digits has no hyphen)."""
    number = DASHES.sub("-", "".join(unicodedata.normalize("NFKC", typed).split()))
    return f"{number[:8]}-{number[8:]}" if DIGITS_ONLY.fullmatch(number) else number


class TrackForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("工单编号"), max_length=20)
    last4 = forms.CharField(label=gettext_lazy("联系电话后四位"), max_length=4, min_length=4)

    def clean_number(self) -> str:
        number = typed_number(self.cleaned_data["number"])
        if not NUMBER.fullmatch(number):
            raise forms.ValidationError(_("工单编号形如 20250611-000123"))
        return number

    def clean_last4(self) -> str:
        last4: str = self.cleaned_data["last4"]
        digits = digits_of(last4)
        if len(digits) != 4:
            raise forms.ValidationError(_("请输入 4 位数字"))
        return digits


class RateForm(TrackForm):
    # Each refusal names its question (Django's own "这个字段是必填项" did not say which was skipped).
    resolution = forms.ChoiceField(
        label=gettext_lazy("问题解决了吗"),
        choices=Resolution.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("请选择问题是否已解决")},
    )
    satisfaction = forms.ChoiceField(
        label=gettext_lazy("您对答复满意吗"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("请选择您对答复是否满意")},
    )


def photo_attrs() -> dict[str, str]:
    """The attributes of a form's photo field on a phone (web/static/web/photo.js): the types the
    server takes, which also has an iPhone send its HEIC photo as a JPEG, and the size the page
    makes a larger photo fit, with what it says meanwhile."""
    limit = attachments.max_photo_bytes()
    return {
        "accept": ",".join(sorted(attachments.PHOTOS)),
        "data-max-bytes": str(limit),
        "data-shrinking": _("照片较大，正在压缩…"),
        "data-shrunk": _("照片已压缩为 %(mb)s MB"),
        "data-unreadable": _("无法压缩这张照片：请另选一张 %(mb)s MB 以内的 JPEG 或 PNG 照片")
        % {"mb": limit // (1024 * 1024)},
    }


def limited_page(request: HttpRequest, message: str, *counted: tuple[str, str]) -> HttpResponse:
    """429 with the page that says why (under /api/ and /open311/, their JSON), and Retry-After:
    when every exceeded count has room again. Never kept by a cache: the next caller is not over."""
    if is_api(request):
        response = error_response(request, 429, message)
    else:
        response = render(request, "web/portal_limited.html", {"message": message}, status=429)
    waits = [limits.retry_after(kind, key) for kind, key in counted]
    response["Retry-After"] = str(max((w for w in waits if w), default=limits.WINDOW.seconds))
    add_never_cache_headers(response)
    return response


def admit(request: HttpRequest, kind: str, setting: str, message: str | None = None) -> HttpResponse | None:
    """Count this request of its address (`core.http.client_ip`) for `kind`; the 429 to answer
    instead when the address already made PORTAL[`setting`] of them within the hour. `message`
    says why, with %(n)s for the limit."""
    ip, limit = client_ip(request), _portal()[setting]
    if limits.exceeded(kind, ip, limit):
        message = message or _("访问过于频繁：每小时最多访问 %(n)s 次，请稍后再试。")
        return limited_page(request, message % {"n": limit}, (kind, ip))
    limits.count(kind, ip)
    return None


def limited_per_address(kind: str, setting: str) -> Callable[[View], View]:
    """A public view that one address may ask PORTAL[`setting`] times an hour (`admit`). Put it
    above `cache_control`, so that its 429 is not marked as cacheable."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            return admit(request, kind, setting) or view(request, *args, **kwargs)

        return limited

    return decorate


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        if (refused := admit(request, limits.PAGES_BY_IP, "PAGES_PER_HOUR")) is not None:
            return refused
        form = AppealForm(initial={"token": new_token()})
        return render(request, "web/portal_submit.html", {"form": form})
    ip = client_ip(request)
    conf = _portal()
    form = AppealForm(request.POST, request.FILES, session=request.session)
    if not form.is_valid():
        form.renew_lost_token()
        form.keep_photo()
        return render(request, "web/portal_submit.html", {"form": form}, status=422)
    data = form.cleaned_data
    external_id = EXTERNAL_PREFIX + data["token"]
    # The same form sent twice (a double tap, a reload): the ticket it made, counted once.
    if (done := existing_ticket(Channel.WEB, external_id)) is not None:
        form.photo_taken()
        return render(request, "web/portal_submitted.html", {"ticket": done})
    limit = conf["SUBMITS_PER_HOUR"]
    exceeded = [
        (kind, key)
        for kind, key in ((limits.SUBMIT_BY_IP, ip), (limits.SUBMIT_BY_PHONE, data["phone"]))
        if limits.exceeded(kind, key, limit)
    ]
    if exceeded:
        message = _("提交过于频繁：每小时最多提交 %(n)s 件诉求，请稍后再试。") % {"n": limit}
        return limited_page(request, message, *exceeded)
    try:
        with transaction.atomic():
            ticket, created = do_receive_appeal(
                AppealData(
                    channel=Channel.WEB,
                    external_id=external_id,
                    kind=data["kind"],
                    title=data["title"],
                    content=data["content"],
                    address=data["address"],
                    citizen_phone=data["phone"],
                    citizen_name=data["name"],
                ),
                actor=None,
            )
            if created:
                if data["photo"] is not None:
                    appeal = ticket.appeals.get(external_id=external_id)
                    attachments.store_photo(appeal, data["photo"], form.photo_type)
                limits.count(limits.SUBMIT_BY_IP, ip)
                limits.count(limits.SUBMIT_BY_PHONE, data["phone"])
    except HotlineError as exc:
        form.add_error(None, wording.shown(exc))
        form.keep_photo()
        return render(request, "web/portal_submit.html", {"form": form}, status=422)
    form.photo_taken()
    return render(request, "web/portal_submitted.html", {"ticket": ticket})


# --- tracking --------------------------------------------------------------------------------------


def find_for_citizen(number: str, last4: str) -> Ticket | None:
    """The ticket `number` when one of its appellants' phones ends in `last4` (`citizen_appeal`);
    else None, whichever of the two was wrong."""
    ticket = Ticket.objects.filter(number=number).first()
    if ticket is None or citizen_appeal(ticket, last4) is None:
        return None
    return ticket


def citizen_appeal(ticket: Ticket, last4: str) -> Appeal | None:
    """The appeal whose caller's phone ends in `last4`, the citizen looking `ticket` up: one of its
    own, else one of a duplicate merged into it (`feedback.selectors.appellants`, with its ticket).
    A call the console attached to a ticket comes in as a duplicate of it: its caller's messages
    name the duplicate's number, the console names both, and either finds the same progress."""
    for appeal in appellants(ticket):
        digits = digits_of(appeal.citizen_phone)
        if len(digits) >= 4 and digits[-4:] == last4:
            return appeal
    return None


def followed(ticket: Ticket) -> Ticket:
    """The ticket that handles `ticket`'s issue: itself, or the one it was merged into."""
    for _hop in range(MAX_MERGE_HOPS):
        if ticket.status != TicketStatus.MERGED or ticket.merged_into_id is None:
            break
        ticket = Ticket.objects.get(pk=ticket.merged_into_id)
    return ticket


# What a citizen reads for each status.
PUBLIC_STATUS: dict[str, Any] = {
    TicketStatus.NEW: gettext_lazy("已受理，正在确定承办单位"),
    TicketStatus.DISPATCHED: gettext_lazy("已转交承办单位"),
    TicketStatus.ACCEPTED: gettext_lazy("承办单位正在办理"),
    TicketStatus.RETURNED: gettext_lazy("正在重新确定承办单位"),
    TicketStatus.REPLIED: gettext_lazy("已答复"),
    TicketStatus.REOPENED: gettext_lazy("正在重新办理"),
    TicketStatus.ANSWERED: gettext_lazy("已答复"),
    TicketStatus.CLOSED: gettext_lazy("已办结"),
    TicketStatus.MERGED: gettext_lazy("已与反映同一问题的诉求合并办理"),
    TicketStatus.INVALID: gettext_lazy("经审核不予受理"),
}


@dataclass(frozen=True)
class PublicStep:
    at: datetime
    text: str
    action: str  # the event's type (core.enums.EventType), for channels that show it (Open311's notes)


# What the public steps read of an event.
PUBLIC_EVENT_FIELDS = ("ticket_id", "action", "at", "to_status", "details")


def public_timeline(ticket: Ticket, caller: Collection[int] | None = None) -> list[PublicStep]:
    """The steps a citizen may see, oldest first: no staff, no notes, no internal steps. `caller`:
    as for `public_steps`."""
    events = list(ticket.events.order_by("at", "pk").only(*PUBLIC_EVENT_FIELDS))
    return public_steps(events, department_names(events), caller)


def department_names(events: Iterable[TicketEvent]) -> dict[str, str]:
    """The names of the departments that `events` name by code, in one query."""
    codes: set[str] = set()
    for event in events:
        for key in ("lead", "department"):
            if isinstance(code := event.details.get(key), str):
                codes.add(code)
        codes.update(_co_codes(event.details))
    return dict(Department.objects.filter(code__in=codes).values_list("code", "name"))


def _co_codes(details: dict[str, Any]) -> list[str]:
    """The co-handling units a dispatch or an upheld return's review named, by code."""
    co = details.get("co")
    return [code for code in co if isinstance(code, str)] if isinstance(co, list) else []


def _unit_name(names: dict[str, str], code: object) -> str:
    return names.get(code, _("承办单位")) if isinstance(code, str) else _("承办单位")


def _with_co(text: str, names: dict[str, str], co: list[str]) -> str:
    """`text` (a unit handles it) with the co-handling units after it: each signs for its part, and
    a unit the citizen reads signing was told to them first."""
    if co:
        text += _("，%(co)s 协办") % {"co": _("、").join(_unit_name(names, code) for code in co)}
    return text


def public_steps(
    events: Iterable[TicketEvent], names: dict[str, str], caller: Collection[int] | None = None
) -> list[PublicStep]:
    """The public steps of one ticket's `events` (oldest first), departments named from `names`.
    `caller`: the appeals of the citizen reading them (None: a public list, every step): the
    callbacks of the other appellants of a merged ticket are not theirs to read (each was called
    and rated on their own); one that sent the ticket back to work is said without its rating."""

    def dept(code: object) -> str:
        return _unit_name(names, code)

    def passed(text: str, d: dict[str, Any]) -> str:
        return _with_co(text % {"department": dept(d.get("lead"))}, names, _co_codes(d))

    steps: list[PublicStep] = []
    sent_back = False  # the last answer was sent back to its unit: the next reply answers again
    for event in events:
        d, text = event.details, None
        match event.action:
            case EventType.RECEIVE:
                text = _("诉求已受理")
            case EventType.DISPATCH:
                text = passed(_("已转交 %(department)s 办理"), d)
            case EventType.REVIEW_RETURN if d.get("lead"):
                text = passed(_("已改派 %(department)s 办理"), d)
            case EventType.ACCEPT:
                text = _("%(department)s 已签收") % {"department": dept(d.get("department"))}
            case EventType.REPLY if sent_back:
                text = _("%(department)s 已重新答复") % {"department": dept(d.get("department"))}
                sent_back = False
            case EventType.REPLY:
                text = _("%(department)s 已答复") % {"department": dept(d.get("department"))}
            case EventType.RETURN_REPLY:
                # The citizen has the reply already (its SMS): they learn it no longer stands, not
                # why (the reviewer's reason is for the unit).
                text = _("答复需补充完善，由 %(department)s 重新办理") % {
                    "department": dept(d.get("department"))
                }
                sent_back = True
            case EventType.ANSWER_ON_SPOT:
                text = _("已直接答复")
            case EventType.CALLBACK if caller is not None and not _called(d, caller):
                if event.to_status in (TicketStatus.REOPENED, TicketStatus.NEW):
                    text = _("经回访，重新办理")
            case EventType.CALLBACK:
                text = _("回访：%(satisfaction)s") % {
                    "satisfaction": _label(Satisfaction, d.get("satisfaction"))
                }
                if event.to_status in (TicketStatus.REOPENED, TicketStatus.NEW):
                    text += _("，重新办理")
            case EventType.CLOSE:
                text = _("已办结")
            case EventType.MERGE:
                text = _("已与反映同一问题的诉求合并办理")
            case EventType.CONFIRM_INVALIDATION if d.get("confirmed"):
                text = _("经审核不予受理")
        if text is not None:
            steps.append(PublicStep(at=event.at, text=text, action=event.action))
    return steps


def _called(details: dict[str, Any], caller: Collection[int]) -> bool:
    """Whether a callback's event (`tickets.events.called_back`'s details) was the call to `caller`:
    the appeal it names, or those it covers. A callback recorded before appellants were named names
    none: it was the ticket's, the caller's too."""
    named = {details.get("appeal"), *(details.get("appeals") or [])} - {None}
    return not named or bool(named & set(caller))


def _units_at(events: Iterable[TicketEvent], moment: datetime) -> tuple[str | None, list[str]]:
    """The codes of the department that led the ticket of `events` (oldest first) at `moment` and of
    its co-handling units, as its dispatches, returns and their reviews left them; (None, []):
    nobody led it then."""
    lead: str | None = None
    co: list[str] = []
    before_return: tuple[str | None, list[str]] = (None, [])
    for event in events:
        if event.at > moment:
            break
        d = event.details
        if event.action in (EventType.DISPATCH, EventType.REVIEW_RETURN) and isinstance(d.get("lead"), str):
            lead = d["lead"]
            co = _co_codes(d)
        elif event.action == EventType.RETURN:
            before_return = (lead, co)
        elif event.action == EventType.REVIEW_RETURN and not d.get("uphold"):
            lead, co = before_return  # a return refused: the units keep the ticket
        if event.to_status in (TicketStatus.NEW, TicketStatus.RETURNED):
            lead, co = None, []
    return lead, co


def citizen_timeline(own: Ticket, shown: Ticket, caller: Collection[int] | None = None) -> list[PublicStep]:
    """The steps the caller of `own` sees when it was merged into `shown` (through other duplicates,
    perhaps): their own ticket's up to its merge, received at their call and with what they were
    told (a dispatch), then the merge, naming the unit that leads the ticket they joined, then that
    ticket's steps after it. Before the merge that ticket was another citizen's: its receipt is not
    theirs, and its dispatch then is what the merge step tells. Without a merge, `shown`'s own.
    `caller`: the citizen's appeals, as for `public_steps`."""
    chain = [own]
    while chain[-1].pk != shown.pk and chain[-1].merged_into_id is not None and len(chain) <= MAX_MERGE_HOPS:
        upper = chain[-1].merged_into_id
        chain.append(shown if upper == shown.pk else Ticket.objects.get(pk=upper))
    if len(chain) == 1 or chain[-1].pk != shown.pk:
        return public_timeline(shown, caller)
    events = list(
        TicketEvent.objects.filter(ticket_id__in=[t.pk for t in chain])
        .order_by("at", "pk")
        .only(*PUBLIC_EVENT_FIELDS)
    )
    names = department_names(events)
    steps: list[PublicStep] = []
    joined: datetime | None = None
    for here, above in zip(chain, [*chain[1:], None], strict=True):
        mine = [e for e in events if e.ticket_id == here.pk and (joined is None or e.at > joined)]
        merge, merged_text = None, ""
        if above is not None:
            merges = [e for e in mine if e.action == EventType.MERGE and e.details.get("into") == above.pk]
            if not merges:  # no merge on record (bad data): the joined ticket's steps, as they are
                return public_timeline(shown, caller)
            merge = merges[-1]
            mine = [e for e in mine if e.at <= merge.at]
            lead, co = _units_at((e for e in events if e.ticket_id == above.pk), merge.at)
            if lead is not None:
                merged_text = _with_co(  # as the dispatch step says them (`public_steps`)
                    _("已与反映同一问题的诉求合并，由 %(department)s 办理")
                    % {"department": _unit_name(names, lead)},
                    names,
                    co,
                )
        for step in public_steps(mine, names, caller):
            if merged_text and merge is not None and step.action == EventType.MERGE and step.at == merge.at:
                step = replace(step, text=merged_text)
            steps.append(step)
        joined = merge.at if merge is not None else joined
    return steps


def _label(choices: Any, value: object) -> str:
    return str(choices(value).label) if value in choices.values else ""


def can_rate(ticket: Ticket, appeal: Appeal | None) -> bool:
    """A reply exists, the ticket waits for its callback, and none was recorded after that reply
    with this appellant (`appeal`: the citizen's own, on the ticket or on a duplicate merged into
    it). Each person rates an answer once, whichever of their appeals they track it by: appeals
    with the same number (`core.phone.dialled`) are one person's, as at the callback desk."""
    if ticket.status not in (TicketStatus.REPLIED, TicketStatus.ANSWERED):
        return False
    last = ticket.replies.order_by("-pk").first()
    if last is None:
        return False
    callbacks = ticket.callbacks.filter(reply=last)
    number = dialled(appeal.citizen_phone) if appeal is not None else ""
    if number:
        callbacks = callbacks.annotate(person=dialled_in_db("appeal__citizen_phone")).filter(person=number)
    else:
        callbacks = callbacks.filter(appeal=appeal)
    return not callbacks.exists()


def _public_context(ticket: Ticket, number: str, last4: str) -> dict[str, Any]:
    """What the progress page shows of `ticket` (found by `number`) to the caller whose phone ends
    in `last4`: the progress of the ticket handling the issue (`followed`), under the caller's own
    ticket, its number and title (looked up by the number of the ticket their call joined, the
    page names no other citizen's words)."""
    shown = followed(ticket)
    everyone = appellants(shown)
    appeal = citizen_appeal(ticket, last4)
    own = appeal.ticket if appeal is not None else ticket
    replies, superseded = public_replies(shown, appeal, everyone)
    rateable = can_rate(shown, appeal)
    return {
        "ticket": own,
        "shown": shown,
        "merged": shown.pk != own.pk,
        "status_text": PUBLIC_STATUS.get(shown.status, ""),
        "steps": citizen_timeline(own, shown, callers_appeals(appeal, everyone)),
        "replies": replies,
        "superseded": superseded,
        "rate_form": RateForm(initial={"number": number, "last4": last4}) if rateable else None,
    }


def callers_appeals(appeal: Appeal | None, everyone: Iterable[Appeal]) -> set[int]:
    """The appeals of the citizen who made `appeal` among a ticket's appellants: one person as at
    the callback desk (`feedback.selectors.people`: one number; an appeal without one, a grid
    worker's report or a letter, is its own)."""
    if appeal is None:
        return set()
    return next(({a.pk for a in person} for person in people(everyone) if appeal in person), {appeal.pk})


def _not_found(request: HttpRequest, form: forms.Form) -> HttpResponse:
    form.add_error(None, _("未找到该工单：请核对工单编号和联系电话后四位。"))
    return render(request, "web/portal_track.html", {"form": form}, status=404)


def _track_limited(request: HttpRequest) -> HttpResponse | None:
    message = _("查询过于频繁：每小时最多查询 %(n)s 次，请稍后再试。")
    return admit(request, limits.TRACK_BY_IP, "TRACKS_PER_HOUR", message)


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        if (refused := admit(request, limits.PAGES_BY_IP, "PAGES_PER_HOUR")) is not None:
            return refused
        return render(request, "web/portal_track.html", {"form": TrackForm()})
    if (refused := _track_limited(request)) is not None:
        return refused
    form = TrackForm(request.POST)
    if not form.is_valid():
        return render(request, "web/portal_track.html", {"form": form}, status=422)
    number, last4 = form.cleaned_data["number"], form.cleaned_data["last4"]
    ticket = find_for_citizen(number, last4)
    if ticket is None:
        return _not_found(request, form)
    return render(request, "web/portal_track.html", {"form": form, **_public_context(ticket, number, last4)})


@require_http_methods(["GET", "HEAD", "POST"])
def rate(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        # The rating's answer is a page at this address: the language switch (`next` is the page's path), a
        # reload or a bookmark come back here without the form. They go to the lookup; a 405 was shown by a
        # phone's browser as its own error page.
        return redirect("portal_track")
    if (refused := _track_limited(request)) is not None:
        return refused
    form = RateForm(request.POST)
    track_form = TrackForm(request.POST)
    if not track_form.is_valid():
        return render(request, "web/portal_track.html", {"form": track_form}, status=422)
    number, last4 = track_form.cleaned_data["number"], track_form.cleaned_data["last4"]
    ticket = find_for_citizen(number, last4)
    if ticket is None:
        return _not_found(request, track_form)
    if not form.is_valid():
        context = _public_context(ticket, number, last4)
        if context["rate_form"] is not None:
            context["rate_form"] = form
        return render(request, "web/portal_track.html", {"form": track_form, **context}, status=422)
    data = form.cleaned_data
    message, status = _("感谢您的评价。"), 200
    try:
        with transaction.atomic():
            # The row lock makes the check and the record one step: two ratings sent at once
            # record one callback.
            shown = Ticket.objects.select_for_update().get(pk=followed(ticket).pk)
            appeal = citizen_appeal(ticket, last4)
            if appeal is None or not can_rate(shown, appeal):
                message, status = _("这件诉求目前不能评价：已评价过，或尚未答复。"), 409
            else:
                do_record_callback(
                    shown,
                    portal_user(),
                    resolution=data["resolution"],
                    satisfaction=data["satisfaction"],
                    # Stored in the city's words whatever the citizen's, said in the reader's.
                    note=supervision_wording.stored("rated_on_portal"),
                    appeal_id=appeal.pk,
                )
    except HotlineError as exc:
        message, status = wording.shown(exc), exc.status_code
    ticket.refresh_from_db()
    context = _public_context(ticket, number, last4)
    return render(
        request,
        "web/portal_track.html",
        {"form": track_form, "message": message, "message_ok": status == 200, **context},
        status=status,
    )


def public_replies(
    shown: Ticket, appeal: Appeal | None, everyone: list[Appeal]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The replies of `shown` as an appellant reads them (the citizen's progress page, a grid
    worker's report): those that stand, and after them those sent back to their unit (退回重答),
    which reached the citizen by SMS and so are not hidden but marked as corrected, each saying
    whether a new answer followed. Each reply names the appellants other than `appeal` as 市民
    (the answer went to all of them)."""
    sent_back = {
        e.details.get("reply") for e in shown.events.filter(action=EventType.RETURN_REPLY).only("details")
    }
    replies: list[dict[str, Any]] = []
    superseded: list[dict[str, Any]] = []
    for r in Reply.objects.filter(ticket=shown).select_related("department").order_by("replied_at", "pk"):
        row = {
            "at": r.replied_at,
            "text": addressed_to(r.text, appeal, everyone),
            "department": r.department.name if r.department else "",
        }
        (superseded if r.pk in sent_back else replies).append(row)
    for earlier in superseded:
        earlier["answered_again"] = any(r["at"] > earlier["at"] for r in replies)
    return replies, superseded
