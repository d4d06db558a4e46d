"""The operator's console (受理台): one screen to take a call, made for the keyboard.

GET  /console/                     the form for a call (channel, phone, caller, kind, urgency, title,
                                   content, address, and optionally category and area); after a call
                                   (`?done=<number>`) the number to read to the caller, in large type
POST /console/                     receive it (`intake.actions.do_receive_appeal`; routing follows
                                   after the commit); with `submit=answer` a consultation is answered
                                   on the spot as well (`knowledge.actions.answer_on_spot`: from a
                                   knowledge-base article when `article_id` names one) and
                                   waits for its callback, which closes it; not routed, it is filed
                                   under the category and area routing reads in it (`_filed`)
GET  /console/caller/?citizen_phone=     the caller's earlier tickets (the whole number or its last
                                   four digits at least), newest first, phones masked; a merged
                                   one with the ticket handling its issue now and that one's state
GET  /console/suggest/?content=&...      smart dispatch's reading of the text (`routing.decision.
                                   decide`, nothing stored): category, area, urgency and the
                                   departments with their reasons
GET  /console/similar/?title=&content=&address=&...
                                   duplicate candidates as the operator types (`dedup.search.similar`,
                                   nothing stored): the tickets most like the call, each with its
                                   score and the reason (text, place, category, time), a button to
                                   attach the call to it and one to receive it linked to it; and,
                                   beside the form's 受理 button (out of band), how many were found
POST /console/attach/<ticket id>/  receive the call and merge it into that ticket at once
                                   (`tickets.actions.do_merge_ticket`), in one transaction
POST /console/link/<ticket id>/    receive the call as a ticket of its own, linked to that one as
                                   related (`tickets.actions.do_link_tickets`), in one transaction

Each form carries a one-time token (a hidden field, renewed for every new call) that becomes the
appeal's external id, as the portal's does: a call sent twice (a double click on 受理, the form
sent again after its answer was lost) is one ticket, and the second sending shows the first's.

A form with errors comes back with them and status 422, and nothing is stored; the side's panels
load again for what it holds, and a call on its way to a ticket (attach, link) keeps that ticket
chosen (`Chosen`). Only the roles that receive calls (`ACTION_ROLES["receive"]`) reach any of it;
others get a 403 page.
"""

from dataclasses import dataclass, replace
from typing import Any

from django import forms
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hotline.accounts.models import User
from hotline.core.api import MAX_TEXT
from hotline.core.enums import DESK_CHANNELS, NOT_MERGEABLE_INTO, Channel, Kind, TicketStatus, Urgency
from hotline.core.errors import HotlineError
from hotline.core.phone import digits_of, half_width, is_phone_number, mask_phone
from hotline.dedup.embedders import ticket_text
from hotline.dedup.search import similar as find_similar
from hotline.directory.models import Department
from hotline.intake.actions import AppealData, do_receive_appeal
from hotline.intake.models import Appeal
from hotline.knowledge.actions import answer_on_spot
from hotline.routing.decision import AppealFacts, Decision, decide
from hotline.routing.place import locate
from hotline.supervision import wording as supervision_wording
from hotline.taxonomy.models import Category
from hotline.tickets import selectors
from hotline.tickets.actions import do_link_tickets, do_merge_ticket
from hotline.tickets.models import Ticket, linked_ids
from hotline.web.department_choices import department_label
from hotline.web.dispatch import staff_view
from hotline.web.forms import Form, SentOnce, new_token
from hotline.web.params import parse_id, ticket_number
from hotline.web.portal import followed
from hotline.web.wording import shown

# How many earlier tickets of a caller, duplicate candidates and suggested departments the side shows.
SHOWN = 5
SUGGESTED = 3
# Texts shorter than this say too little for routing to read anything into them.
MIN_TEXT = 4

# What "how" routing found the place, as people read it.
PLACE_HOW = {
    "given": gettext_lazy("话务员选定"),
    "boundary": gettext_lazy("坐标所在区域"),
    "gazetteer": gettext_lazy("地名匹配"),
    "division": gettext_lazy("行政区划识别"),
}

# The side follows the text however it arrives: typed, pasted with the mouse, written by hand or
# dictated (an `input` event, with no key released), or committed by an IME (`compositionend`,
# which some browsers send with no `input` after it; console.js holds back the lookups of the
# pinyin while it is composed). Not `changed`: a new call empties the fields without an event, and
# the same text pasted into the next call must be looked up again.
_AS_TYPED = "input delay:400ms, compositionend delay:400ms"

# The external id of a call taken at the console: the form's one-time token.
EXTERNAL_PREFIX = "console-"


def _categories() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).select_related("parent", "parent__parent")


def _areas() -> QuerySet[Department]:
    return Department.objects.filter(is_active=True, is_area=True).select_related("parent").order_by("code")


class AreaField(forms.ModelChoiceField):
    """An area named as the dispatch forms name it: a community with its street (湖滨街道 · 湖滨社区)."""

    def label_from_instance(self, obj: Any) -> str:
        return department_label(obj)


class CallForm(SentOnce, Form):
    """One call as the operator takes it; field order is the Tab order (the order of the call). Its
    one-time token (`SentOnce`) becomes the appeal's external id."""

    channel = forms.ChoiceField(
        label=gettext_lazy("渠道"), choices=[(c.value, c.label) for c in DESK_CHANNELS], initial=Channel.PHONE
    )
    citizen_phone = forms.CharField(
        label=gettext_lazy("来电号码"),
        max_length=20,
        required=False,
        widget=forms.TextInput(
            attrs={
                "type": "tel",
                "inputmode": "tel",
                "hx-get": reverse_lazy("console_caller"),
                "hx-trigger": _AS_TYPED,
                "hx-target": "#console-caller",
                "hx-sync": "this:replace",
            }
        ),
    )
    citizen_name = forms.CharField(label=gettext_lazy("诉求人"), max_length=50, required=False)
    kind = forms.ChoiceField(label=gettext_lazy("诉求类型"), choices=Kind.choices, initial=Kind.COMPLAINT)
    urgency = forms.ChoiceField(
        label=gettext_lazy("紧急程度"), choices=Urgency.choices, initial=Urgency.NORMAL
    )
    title = forms.CharField(label=gettext_lazy("标题"), max_length=200)
    content = forms.CharField(
        label=gettext_lazy("诉求内容"),
        max_length=20_000,
        widget=forms.Textarea(
            attrs={
                "rows": 5,
                "hx-get": reverse_lazy("console_suggest"),
                "hx-trigger": _AS_TYPED,
                "hx-target": "#console-suggest",
                "hx-include": "#id_title, #id_address, #id_kind, #id_category, #id_area",
                "hx-sync": "this:replace",
            }
        ),
    )
    address = forms.CharField(
        label=gettext_lazy("地址"),
        max_length=300,
        required=False,
        widget=forms.TextInput(
            attrs={
                "hx-get": reverse_lazy("console_suggest"),
                "hx-trigger": _AS_TYPED,
                "hx-target": "#console-suggest",
                "hx-include": "#id_title, #id_content, #id_kind, #id_category, #id_area",
                "hx-sync": "this:replace",
            }
        ),
    )
    category = forms.ModelChoiceField(
        label=gettext_lazy("分类（可选）"), queryset=_categories(), required=False
    )
    area = AreaField(label=gettext_lazy("属地（可选）"), queryset=_areas(), required=False, empty_label="—")
    answer = forms.CharField(
        label=gettext_lazy("答复内容"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, answering: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.answering = answering
        # A long tree reads best sorted by its path ("城乡建设/市政设施").
        category = self.fields["category"]
        assert isinstance(category, forms.ModelChoiceField)
        category.choices = [("", "—"), *sorted(((c.pk, str(c)) for c in _categories()), key=lambda x: x[1])]
        # A forged or stale post of a machine's channel: say which ones the desk takes.
        # Translators: the separator between names in a list (an enumeration comma in Chinese).
        channels = _("、").join(str(c.label) for c in DESK_CHANNELS)
        self.fields["channel"].error_messages["invalid_choice"] = _(
            "受理台只录入人工受理的渠道：%(channels)s"
        ) % {"channels": channels}

    def clean_citizen_phone(self) -> str:
        # Kept as the caller gave it (in ASCII), to be read back to them; `core.phone.dialled` is
        # what compares it.
        phone = half_width(self.cleaned_data.get("citizen_phone") or "").strip()
        if not phone:
            return ""
        if not is_phone_number(phone):
            raise forms.ValidationError(
                _(
                    "来电号码须为手机号码、固定电话（区号、分机号可带可不带）、"
                    "以 + 开头的境外号码或 12345 这样的服务号码"
                )
            )
        return phone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.answering:
            if data.get("kind") != Kind.CONSULTATION:
                self.add_error("kind", _("只有咨询类诉求可以直接答复"))
            if not (data.get("answer") or "").strip():
                self.add_error("answer", _("请填写答复内容"))
        return data

    def appeal(self) -> AppealData:
        data = self.cleaned_data
        return AppealData(
            channel=data["channel"],
            title=data["title"],
            content=data["content"],
            citizen_name=data["citizen_name"],
            citizen_phone=data["citizen_phone"],
            address=data["address"],
            kind=data["kind"],
            urgency=data["urgency"],
            category_id=data["category"].pk if data.get("category") else None,
            area_id=data["area"].pk if data.get("area") else None,
            external_id=EXTERNAL_PREFIX + data["token"] if data.get("token") else None,
        )


@dataclass(frozen=True)
class Chosen:
    """The ticket the operator chose for the call, to merge it into (并入此工单) or to link it with
    (受理并关联), when the form came back with errors: the page keeps the choice, its button the
    form's default, so that Enter in the address finishes it instead of taking a new ticket."""

    ticket: Ticket
    merge: bool

    @property
    def url(self) -> str:
        return reverse("console_attach" if self.merge else "console_link", args=[self.ticket.pk])


def _render(
    request: HttpRequest,
    user: User,
    form: CallForm,
    *,
    status: int = 200,
    error: str = "",
    chosen: Chosen | None = None,
) -> HttpResponse:
    done = None
    linked: list[str] = []
    number = ticket_number(request.GET.get("done"))
    if number and not form.is_bound:
        done = selectors.visible_tickets(user).select_related("merged_into").filter(number=number).first()
    if done is not None:
        # A call received linked to a related ticket (受理并关联) says so beside its number: the
        # operator sees that the link they chose was made, and can tell the caller.
        linked = list(
            selectors.visible_tickets(user)
            .filter(pk__in=linked_ids(done.pk))
            .order_by("pk")
            .values_list("number", flat=True)
        )
    return render(
        request,
        "web/console.html",
        {
            "form": form,
            "done": done,
            "linked": linked,
            "error": error,
            "consultation": Kind.CONSULTATION.value,
            "article_id": article_id(request) if form.is_bound else None,
            "chosen": chosen,
        },
        status=status,
    )


def _filed(form: CallForm) -> AppealData:
    """The call of `form` with the category and area a consultation answered on the spot is filed
    under. Routing never sees it (there is nothing to dispatch), yet the figures count tickets by
    category and area: the operator's, else what routing reads in the call, as the side showed it
    (`routing.decision.decide`, which only reads): the category model's most likely category, the
    area the address or the text names."""
    appeal = form.appeal()
    if appeal.category_id is not None and appeal.area_id is not None:
        return appeal
    data = form.cleaned_data
    decision = decide(
        AppealFacts(
            title=appeal.title,
            content=appeal.content,
            address=appeal.address,
            category=data.get("category"),
            area=data.get("area"),
            kind=appeal.kind,
        )
    )
    area = decision.place.area
    return replace(
        appeal,
        category_id=decision.category.pk if decision.category is not None else None,
        area_id=area.pk if area is not None else None,
    )


def article_id(request: HttpRequest) -> int | None:
    """The knowledge-base article the answer was taken from (the console's hidden field), if any."""
    return parse_id(request.POST.get("article_id"))


def _done(ticket: Ticket) -> HttpResponse:
    return HttpResponseRedirect(reverse("console") + "?" + urlencode({"done": ticket.number}))


@staff_view("receive", require_http_methods(["GET", "POST"]))
def console(request: HttpRequest, user: User) -> HttpResponse:
    if request.method == "GET":
        return _render(request, user, CallForm(initial={"token": new_token()}))
    answering = request.POST.get("submit") == "answer"
    form = CallForm(request.POST, answering=answering)
    if not form.is_valid():
        return _render(request, user, form, status=422)
    try:
        with transaction.atomic():
            if answering:
                # Answered during the call: nothing to route; the callback desk takes it from here.
                ticket, created = do_receive_appeal(_filed(form), user, route=False)
                if created:  # else the form was sent twice: answered the first time
                    ticket = answer_on_spot(
                        ticket, user, text=form.cleaned_data["answer"], article_id=article_id(request)
                    )
            else:
                ticket, _created = do_receive_appeal(form.appeal(), user)
    except HotlineError as error:
        return _render(request, user, form, status=error.status_code, error=shown(error))
    return _done(ticket)


@staff_view("receive", require_POST)
def attach(request: HttpRequest, user: User, ticket_id: int) -> HttpResponse:
    """The call is about a ticket already open: receive it and merge it into that one."""
    return _with_existing(request, user, ticket_id, merge=True)


@staff_view("receive", require_POST)
def link(request: HttpRequest, user: User, ticket_id: int) -> HttpResponse:
    """The call is about a problem related to that ticket, not the same one: receive it as a ticket
    of its own (routed as usual) and link the two."""
    return _with_existing(request, user, ticket_id, merge=False)


def _with_existing(request: HttpRequest, user: User, ticket_id: int, *, merge: bool) -> HttpResponse:
    form = CallForm(request.POST)
    target = selectors.visible_tickets(user).filter(pk=ticket_id).first()
    if target is None:
        return _render(request, user, form, status=404, error=_("工单 %(id)s 不存在") % {"id": ticket_id})
    if not form.is_valid():
        # Not offered again: a merge into a ticket answered meanwhile (the action would refuse it).
        offered = not merge or target.status not in NOT_MERGEABLE_INTO
        return _render(request, user, form, status=422, chosen=Chosen(target, merge) if offered else None)
    try:
        with transaction.atomic():
            if merge:
                # Merged at once, so there is nothing to route: the ticket it joins is handled already.
                ticket, created = do_receive_appeal(form.appeal(), user, route=False)
                if not created:  # the form sent twice: merged the first time
                    return _done(ticket)
                ticket = do_merge_ticket(
                    ticket,
                    user,
                    into_ticket_id=target.pk,
                    # Stored in the city's words, said in the reader's on the timeline.
                    note=supervision_wording.stored("merged_at_console", number=target.number),
                )
            else:
                ticket, created = do_receive_appeal(form.appeal(), user)
                if not created:  # the form sent twice: linked the first time
                    return _done(ticket)
                ticket = do_link_tickets(
                    ticket,
                    user,
                    other_ticket_id=target.pk,
                    note=supervision_wording.stored("linked_at_console", number=target.number),
                )
    except HotlineError as error:
        return _render(request, user, form, status=error.status_code, error=shown(error))
    return _done(ticket)


# --- the side: the caller's earlier tickets, and what routing reads in the text -------------------


@dataclass(frozen=True)
class EarlierTicket:
    ticket: Ticket
    phones: list[str]  # the caller's number on its appeals, masked
    # A merged call's issue lives on in the ticket it joined (through a chain, the last one): the
    # ticket the operator speaks of, with its state. None for a ticket not merged.
    handled_by: Ticket | None = None


@staff_view("receive", require_GET)
def caller(request: HttpRequest, user: User) -> HttpResponse:
    # The digits as a phone field reads them: full-width ones (a Chinese input method's) as ASCII,
    # another script's not at all.
    digits = digits_of(request.GET.get("citizen_phone", ""))
    rows: list[EarlierTicket] | None = None
    total = 0
    if len(digits) >= 4:
        tickets = selectors.filtered_tickets(user, phone=digits).order_by("-created_at", "-pk")
        total = tickets.count()
        shown = tickets.select_related("category").prefetch_related(
            Prefetch("appeals", queryset=Appeal.objects.filter(citizen_phone__endswith=digits).order_by("pk"))
        )[:SHOWN]
        rows = [
            EarlierTicket(
                t,
                list(dict.fromkeys(mask_phone(a.citizen_phone) for a in t.appeals.all())),
                followed(t) if t.status == TicketStatus.MERGED else None,
            )
            for t in shown
        ]
    return render(request, "web/_console_caller.html", {"rows": rows, "total": total, "shown": SHOWN})


def _one(model: type[Category] | type[Department], value: str | None, **filters: Any) -> Any:
    pk = parse_id(value)
    if pk is None:
        return None
    return model.objects.filter(pk=pk, is_active=True, **filters).first()


@dataclass(frozen=True)
class Reading:
    """What the side shows of routing's decision."""

    decision: Decision
    place_how: str
    probability: float | None  # the category model's, when the category was predicted

    @property
    def suggestions(self) -> list[Any]:
        return self.decision.suggestions[:SUGGESTED]

    @property
    def specific(self) -> Category | None:
        """The most specific category routing read: the category of the rule that fired, when it
        lies below the decision's category (a first-level one, whose subcategory a keyword rule
        stood in for: 城乡建设 / 市政设施 / 井盖缺失 for 城乡建设), else the decision's own. What 采用
        sets: the first level alone would leave routing to guess the subcategory again."""
        category = self.decision.category
        fired = self.decision.rules.fired
        if category is None or fired is None:
            return category
        below = fired.rule.category
        node = below.parent
        while node is not None and node.pk != category.pk:
            node = node.parent
        return below if node is not None and below.is_active else category

    @property
    def refined(self) -> bool:
        """Whether `specific` is finer than the decision's category."""
        return self.specific is not None and self.specific != self.decision.category


@staff_view("receive", require_GET)
def suggest(request: HttpRequest, user: User) -> HttpResponse:
    title = request.GET.get("title", "")[:200]
    content = request.GET.get("content", "")[:20_000]
    address = request.GET.get("address", "")[:300]
    if len((title + content).strip()) < MIN_TEXT:
        return render(request, "web/_console_suggest.html", {"reading": None})
    facts = AppealFacts(
        title=title,
        content=content,
        address=address,
        category=_one(Category, request.GET.get("category")),
        area=_one(Department, request.GET.get("area"), is_area=True),
        kind=request.GET.get("kind", ""),
    )
    decision = decide(facts)
    probability = None
    if not decision.category_given and decision.predictions and decision.category is not None:
        probability = next((p for label, p in decision.predictions if label == decision.category.name), None)
    reading = Reading(decision, str(PLACE_HOW.get(decision.place.how, decision.place.how)), probability)
    return render(
        request,
        "web/_console_suggest.html",
        {"reading": reading, "urgent": Urgency.URGENT.value},
    )


@staff_view("receive", require_GET)
def similar(request: HttpRequest, user: User) -> HttpResponse:
    """The tickets most like the call being typed, best first, each with its score and reason: the
    area the operator chose or the one found from the address (or the text) raises those of the
    same community or street and lowers those of another district; the chosen category, those of
    the same category. Debounced by the page; the text is embedded here, the tickets were by the
    worker."""
    title = request.GET.get("title", "")[:200]
    content = request.GET.get("content", "")[:20_000]
    address = request.GET.get("address", "")[:300]
    if len((title + content).strip()) < MIN_TEXT:
        return render(request, "web/_console_similar.html", {"matches": None})
    text = ticket_text(title, content)
    area = _one(Department, request.GET.get("area"), is_area=True)
    if area is None:
        area = locate(address, [text]).area
    category = _one(Category, request.GET.get("category"))
    matches = find_similar(
        text,
        area=area,
        category_id=category.pk if category is not None else None,
        top=SHOWN,
        tickets=selectors.visible_tickets(user),
        shown_only=True,
    )
    return render(
        request,
        "web/_console_similar.html",
        {"matches": matches, "area": area, "closed": list(NOT_MERGEABLE_INTO)},
    )
