"""Finding tickets (工单查询) for every staff role, within what the role and department may see.

GET /tickets/              the search form and the tickets that match, newest first, a page at a time
                           by keyset (`?after=` the last row's time and id), so a page deep in a
                           million tickets costs what the first does
GET /tickets/export.xlsx   the same filters, every matching ticket as an Excel sheet (web/exports.py)

Filters: number or text, caller's phone (the whole number or its last four digits at least),
status, category (and below), department holding it, area, channel, received between two dates.

The page says how many tickets match in all (共 N 件) and which page of them it shows. A query
that cannot be read is said to be so, in the form's words: a day that is no date, or a condition
the form does not have (`received_from=` for `created_from=`), which the page names as ignored and
the export refuses, rather than export every ticket the condition was meant to leave out
(`unknown_conditions`).

The phone filter is for the roles that see full numbers (`PHONE_ROLES`) only. To any other role
(a leader sees 138****5678) it would tell the masked digits one guess at a time: ?phone=05678 to
95678, keep the digit that still finds the ticket, go on. For them the form has no such field and
a `phone` in the query is ignored, unnamed: refusing it would only break a link a dispatcher
shared, and ignoring it tells them nothing. For the same reason their search by text does not
match the digits of a number written in a ticket (`tickets.selectors.filtered_tickets`: the masked
text); their form says so.
"""

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from hotline.accounts.models import User
from hotline.accounts.permissions import PHONE_ROLES
from hotline.core import timerange
from hotline.core.enums import Channel, TicketStatus
from hotline.core.phone import digits_of, mask_phone
from hotline.directory.models import Department
from hotline.taxonomy.selectors import active_categories
from hotline.tickets import presenter, selectors
from hotline.tickets.models import Ticket
from hotline.web.department_choices import department_groups
from hotline.web.params import cursor_parts, micros_of, moment
from hotline.web.wording import labelled

PAGE_SIZE = 50


class DateInput(forms.DateInput):
    """The browser's date picker; it sends and shows the day as 2026-11-03."""

    input_type = "date"


# Every row, not Django's "---------" or "- Select an option -".
EVERY = gettext_lazy("全部")
# What the page's links add to the form's conditions: the keyset cursor and the page's number.
PAGING = frozenset({"after", "page"})
BAD_DAY = {"invalid": gettext_lazy("日期无效，请按 2026-11-03 的格式填写")}


class SearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("编号或内容"), max_length=100, required=False)
    phone = forms.CharField(label=gettext_lazy("来电号码"), max_length=20, required=False)
    status = forms.MultipleChoiceField(
        label=gettext_lazy("状态"), choices=TicketStatus.choices, required=False, widget=forms.SelectMultiple
    )
    category = forms.ModelChoiceField(
        label=gettext_lazy("分类"), queryset=active_categories(), required=False, empty_label=EVERY
    )
    department = forms.ModelChoiceField(
        label=gettext_lazy("承办单位"),
        queryset=Department.objects.filter(is_active=True),
        required=False,
        empty_label=EVERY,
    )
    area = forms.ModelChoiceField(
        label=gettext_lazy("属地"),
        queryset=Department.objects.filter(is_active=True, is_area=True),
        required=False,
        empty_label=EVERY,
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("渠道"), choices=[("", EVERY), *Channel.choices], required=False
    )
    created_from = forms.DateField(
        label=gettext_lazy("受理日期自"),
        required=False,
        widget=DateInput(format="%Y-%m-%d"),
        error_messages=BAD_DAY,
    )
    created_to = forms.DateField(
        label=gettext_lazy("至"), required=False, widget=DateInput(format="%Y-%m-%d"), error_messages=BAD_DAY
    )

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        """`user`: whose search; the phone filter is left out for a role that sees masked numbers."""
        super().__init__(*args, **kwargs)
        if user is not None and not searches_by_phone(user):
            del self.fields["phone"]
            self.fields["q"].widget.attrs["placeholder"] = _("内容中的电话、证件号码不参与检索")
        # By name, grouped by level, as every department select (web.department_choices); the
        # queryset still decides what is valid.
        for name, units in (
            ("department", None),
            ("area", Department.objects.filter(is_active=True, is_area=True).select_related("parent")),
        ):
            field: Any = self.fields[name]
            field.choices = [
                ("", EVERY),
                *((g.label, [(o.pk, o.label) for o in g.options]) for g in department_groups(units)),
            ]

    def clean_phone(self) -> str:
        phone: str = self.cleaned_data.get("phone") or ""
        digits = digits_of(phone)
        if phone and len(digits) < 4:
            raise forms.ValidationError(_("请输入完整号码或至少后四位"))
        return digits

    def clean_created_from(self) -> date | None:
        return _day_in_range(self, "created_from")

    def clean_created_to(self) -> date | None:
        return _day_in_range(self, "created_to")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("created_from"), data.get("created_to")
        if start and end and start > end:
            raise forms.ValidationError(_("起始日期晚于结束日期"))
        return data


def searches_by_phone(user: User) -> bool:
    return user.role in PHONE_ROLES


def unknown_conditions(query: QueryDict) -> list[str]:
    """The names in `query` that are no condition of the form and not the page's own (paging), in
    order; `phone` is known whoever asks (ignored for a masked role, see above)."""
    known = set(SearchForm.base_fields) | PAGING
    return [name for name in dict.fromkeys(query) if name not in known]


def unknown_message(names: list[str]) -> str:
    # Translators: the separator between names in a list (an enumeration comma in Chinese).
    return _("无法识别的查询条件：%(names)s") % {"names": _("、").join(names)}


def page_number(query: QueryDict) -> int:
    """The page's number as its links carry it (1 without, or when it is not one)."""
    raw = query.get("page", "")
    return int(raw) if raw.isdigit() and 1 <= len(raw) <= 6 and int(raw) >= 1 else 1


def _day_in_range(form: forms.Form, name: str) -> date | None:
    # A day outside core.timerange's range would overflow when it becomes a moment in the zone.
    day: date | None = form.cleaned_data.get(name)
    if day is not None and not timerange.day_in_range(day):
        raise forms.ValidationError(labelled(str(form.fields[name].label), timerange.range_message()))
    return day


def _day_start(day: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def matching(user: User, form: SearchForm) -> QuerySet[Ticket]:
    """The tickets `user` may see that the (valid) form asks for, newest first."""
    data = form.cleaned_data
    end = data.get("created_to")
    return selectors.filtered_tickets(
        user,
        statuses=data.get("status") or (),
        department_id=data["department"].pk if data.get("department") else None,
        category_id=data["category"].pk if data.get("category") else None,
        created_from=_day_start(data["created_from"]) if data.get("created_from") else None,
        created_to=_day_start(end + timedelta(days=1)) if end else None,
        created_to_inclusive=False,
        text=(data.get("q") or "").strip(),
        area_id=data["area"].pk if data.get("area") else None,
        channel=data.get("channel") or None,
        # Also when a form came without its user (the export's): never a filter for a masked role.
        phone=(data.get("phone") or "") if searches_by_phone(user) else "",
    ).order_by("-created_at", "-pk")


def rows_after(tickets: QuerySet[Ticket], cursor: str) -> QuerySet[Ticket]:
    """The rows after the cursor "<created_at in µs since 1970>_<id>" in the newest-first order; a
    cursor that is not one starts from the top."""
    parts = cursor_parts(cursor, 2)
    at = moment(parts[0]) if parts is not None else None
    if parts is None or at is None:
        return tickets
    pk = parts[1]
    # `created_at <= at` alone bounds the index scan; the OR after it does not, and without it
    # PostgreSQL reads the list from the top down to the cursor (500,000 rows, 130 ms, half way
    # down a million tickets: docs/benchmarks.md, "Pages").
    return tickets.filter(created_at__lte=at).filter(Q(created_at__lt=at) | Q(created_at=at, pk__lt=pk))


def cursor_of(ticket: Ticket) -> str:
    return f"{micros_of(ticket.created_at)}_{ticket.pk}"


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = SearchForm(request.GET or None, user=user)
    unknown = unknown_conditions(request.GET)
    context: dict[str, Any] = {
        "form": form,
        "rows": None,
        "unknown": unknown_message(unknown) if unknown else "",
    }
    if form.is_bound and form.is_valid():
        tickets = matching(user, form)
        after = request.GET.get("after", "")
        number = page_number(request.GET) if after else 1
        page = list(
            selectors.with_list_relations(rows_after(tickets, after) if after else tickets)[: PAGE_SIZE + 1]
        )
        more = len(page) > PAGE_SIZE
        page = page[:PAGE_SIZE]
        query = request.GET.copy()
        for name in PAGING:
            query.pop(name, None)
        context |= {
            "rows": [list_row(t) for t in page],
            "total": tickets.count(),
            "page_number": number,
            "next_after": cursor_of(page[-1]) if more else None,
            "next_page": number + 1,
            "query": query.urlencode(),
            "paged": bool(after),
        }
    return render(
        request, "web/search.html", context, status=200 if form.is_valid() or not form.is_bound else 422
    )


def list_row(ticket: Ticket) -> dict[str, Any]:
    appeals = list(ticket.appeals.all())
    lead = ticket.lead_assignment
    return {
        "ticket": ticket,
        # Its numbers masked for every role, as the phone is (`tickets.presenter.listed_title`).
        "title": presenter.listed_title(ticket),
        "phone": mask_phone(appeals[0].citizen_phone) if appeals else "",
        "channel": appeals[0].get_channel_display() if appeals else "",
        "lead": lead.department.name if lead else "",
        "due_at": lead.due_at if lead else None,
    }


COLUMNS = (
    gettext_lazy("工单编号"),
    gettext_lazy("受理时间"),
    gettext_lazy("状态"),
    gettext_lazy("诉求类型"),
    gettext_lazy("标题"),
    gettext_lazy("分类"),
    gettext_lazy("属地"),
    gettext_lazy("主办单位"),
    gettext_lazy("办理时限"),
    gettext_lazy("渠道"),
    gettext_lazy("诉求人"),
    gettext_lazy("联系电话"),
    gettext_lazy("地址"),
)
