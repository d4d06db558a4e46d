"""Finding tickets (工单查询) for every staff role, within what the role and department may see.

GET /tickets/              the search form and the tickets that match, newest first, a page at a time
                           by keyset (`?after=` the last row's time and id), so a page deep in a
                           million tickets costs what the first does
GET /tickets/export.xlsx   the same filters, every matching ticket as an Excel sheet (web/exports.py)

Filters: number or text, caller's phone (the whole number or its last four digits at least),
status, category (and below), department holding it, area, channel, received between two dates.
"""

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from hotline.accounts.models import User
from hotline.core import timerange
from hotline.core.enums import Channel, TicketStatus
from hotline.core.phone import mask_phone
from hotline.directory.models import Department
from hotline.taxonomy.selectors import active_categories
from hotline.tickets import selectors
from hotline.tickets.models import Ticket

PAGE_SIZE = 50


class SearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("编号或内容"), max_length=100, required=False)
    phone = forms.CharField(label=gettext_lazy("来电号码"), max_length=20, required=False)
    status = forms.MultipleChoiceField(
        label=gettext_lazy("状态"), choices=TicketStatus.choices, required=False, widget=forms.SelectMultiple
    )
    category = forms.ModelChoiceField(
        label=gettext_lazy("分类"), queryset=active_categories(), required=False
    )
    department = forms.ModelChoiceField(
        label=gettext_lazy("承办单位"), queryset=Department.objects.filter(is_active=True), required=False
    )
    area = forms.ModelChoiceField(
        label=gettext_lazy("属地"),
        queryset=Department.objects.filter(is_active=True, is_area=True),
        required=False,
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("渠道"), choices=[("", "—"), *Channel.choices], required=False
    )
    created_from = forms.DateField(label=gettext_lazy("受理日期自"), required=False)
    created_to = forms.DateField(label=gettext_lazy("至"), required=False)

    def clean_phone(self) -> str:
        phone: str = self.cleaned_data.get("phone") or ""
        digits = "".join(c for c in phone if c.isdigit())
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


def _day_in_range(form: forms.Form, name: str) -> date | None:
    # A day outside core.timerange's range would overflow when it becomes a moment in the zone.
    day: date | None = form.cleaned_data.get(name)
    if day is not None and not timerange.day_in_range(day):
        raise forms.ValidationError(f"{form.fields[name].label}：{timerange.range_message()}")
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
        phone=data.get("phone") or "",
    ).order_by("-created_at", "-pk")


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def rows_after(tickets: QuerySet[Ticket], cursor: str) -> QuerySet[Ticket]:
    """The rows after the cursor "<created_at in µs since 1970>_<id>" in the newest-first order; a
    cursor that is not one starts from the top."""
    micros, _sep, pk = cursor.partition("_")
    if not (micros.isdigit() and pk.isdigit()) or len(micros) > 18 or len(pk) > 18:
        return tickets
    at = _EPOCH + timedelta(microseconds=int(micros))
    # `created_at <= at` alone bounds the index scan; the OR after it does not, and without it
    # PostgreSQL reads the list from the top down to the cursor (500,000 rows, 130 ms, half way
    # down a million tickets: docs/benchmarks.md, "Pages").
    return tickets.filter(created_at__lte=at).filter(Q(created_at__lt=at) | Q(created_at=at, pk__lt=int(pk)))


def cursor_of(ticket: Ticket) -> str:
    return f"{(ticket.created_at - _EPOCH) // timedelta(microseconds=1)}_{ticket.pk}"


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = SearchForm(request.GET or None)
    context: dict[str, Any] = {"form": form, "rows": None}
    if form.is_bound and form.is_valid():
        tickets = matching(user, form)
        after = request.GET.get("after", "")
        page = list(
            selectors.with_list_relations(rows_after(tickets, after) if after else tickets)[: PAGE_SIZE + 1]
        )
        more = len(page) > PAGE_SIZE
        page = page[:PAGE_SIZE]
        query = request.GET.copy()
        query.pop("after", None)
        context |= {
            "rows": [list_row(t) for t in page],
            "next_after": cursor_of(page[-1]) if more else None,
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
