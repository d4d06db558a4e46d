"""The grid worker's pages (网格员上报: the report form, my reports, one report's progress), made
for a phone on patrol.

GET  /grid/report/   the form: what was found, where (the phone's location, which the page asks
                     the browser for, or an address typed by hand when there is none, or when it
                     lies outside the city: `city_extent`), a photo from the camera, a
                     one-time token; below it the worker's last reports
POST /grid/report/   take the report in (`intake.actions.do_receive_grid_report`: channel grid, the
                     worker's community as the area, routed by the worker) and show its number
GET  /grid/reports/  my reports (我的上报): every report of the worker, newest first, a page at a time,
                     or those whose number, title or words hold `?q=`
/tickets/<number>/   one of them, for its worker (`web.tickets.ticket_page` hands it here): read-only,
                     the report as written, its progress as the public reads it and the replies

Only grid workers (role 网格员) may use them. The token is the appeal's external id, so a report
sent twice (a double tap on a slow network) is one ticket.

A grid worker handles nothing: their tickets (`tickets.selectors.visible_tickets`) are those they
reported, and their page of one is what a citizen tracking it reads (`web.portal`), with no staff
names, internal notes or other appellants: the handling units' work is not theirs to review.
"""

from typing import Any

from django import forms
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.http import require_http_methods

from hotline.accounts.models import User
from hotline.core.api import without_control_characters
from hotline.core.enums import Channel
from hotline.core.errors import HotlineError
from hotline.directory.geometry import parse_boundary
from hotline.directory.models import Place
from hotline.feedback.selectors import appellants
from hotline.intake import attachments
from hotline.intake.actions import AppealData, do_receive_grid_report, existing_ticket
from hotline.intake.models import Appeal, Attachment
from hotline.taxonomy.models import Category
from hotline.tickets.models import Ticket
from hotline.web.dispatch import PAGE_SIZE, paginate, staff_view
from hotline.web.photo_forms import OnceWithPhotoForm, new_token
from hotline.web.portal import (
    PUBLIC_STATUS,
    callers_appeals,
    citizen_timeline,
    followed,
    photo_attrs,
    public_replies,
)
from hotline.web.wording import shown

EXTERNAL_PREFIX = "grid-"
RECENT = 10
# Reports a page of 我的上报 lists: as many as every paged list (web.dispatch.paginate).
REPORTS_PAGE = PAGE_SIZE
# How far beyond its areas' boundaries (in degrees, about 20 km) a phone's location still counts as
# the city's: a fix at its edge, a worker just over it. Only a point well away (a wrong fix, a
# phone's location set elsewhere) is refused, which no map of the city would show.
CITY_MARGIN = 0.2


class GridReportForm(OnceWithPhotoForm):
    title = forms.CharField(
        label=gettext_lazy("发现了什么"),
        max_length=200,
        error_messages={"required": gettext_lazy("请简要写明发现的问题")},
    )
    content = forms.CharField(
        label=gettext_lazy("详细情况"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": gettext_lazy("请写明详细情况")},
    )
    category = forms.ModelChoiceField(
        label=gettext_lazy("问题类别（可不选）"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=gettext_lazy("不确定"),
    )
    address = forms.CharField(label=gettext_lazy("地点（无法定位时必填）"), max_length=300, required=False)
    latitude = forms.FloatField(min_value=-90, max_value=90, required=False, widget=forms.HiddenInput)
    longitude = forms.FloatField(min_value=-180, max_value=180, required=False, widget=forms.HiddenInput)
    photo = forms.FileField(label=gettext_lazy("现场照片（JPEG 或 PNG，5 MB 以内）"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category: Any = self.fields["category"]
        category.queryset = Category.objects.filter(level=1, is_active=True).order_by("code")
        # From the camera, on the worker's phone (`web.portal.photo_attrs`: shrunk to fit by the page).
        self.fields["photo"].widget.attrs.update({**photo_attrs(), "capture": "environment"})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        located = data.get("latitude") is not None and data.get("longitude") is not None
        far = located and not in_city(data["latitude"], data["longitude"])
        if far:  # a wrong fix: no location, rather than a point no map of the city shows
            data["latitude"] = data["longitude"] = None
        if (far or not located) and not (data.get("address") or "").strip():
            missing = _("手机定位不在本市范围内：请填写地点") if far else _("没有取得手机定位：请填写地点")
            self.add_error("address", missing)
        return data


def city_extent() -> tuple[float, float, float, float] | None:
    """(west, south, east, north): the box round the outer edges of the active areas' boundaries
    in the gazetteer (directory.Place), widened by CITY_MARGIN; None when none is recorded."""
    lons: list[float] = []
    lats: list[float] = []
    for boundary in Place.objects.filter(
        department__is_area=True, department__is_active=True, boundary__isnull=False
    ).values_list("boundary", flat=True):
        try:
            ring = parse_boundary(boundary)[0]
        except ValueError:
            continue  # not a polygon: the admin form refuses it, an import may not have
        lons.extend(p[0] for p in ring)
        lats.extend(p[1] for p in ring)
    if not lons:
        return None
    m = CITY_MARGIN
    return min(lons) - m, min(lats) - m, max(lons) + m, max(lats) + m


def in_city(latitude: float, longitude: float) -> bool:
    """Whether a phone's location lies in the city's extent (`city_extent`); any point does in a
    city whose areas have no boundary on record, as nothing says where it is."""
    extent = city_extent()
    if extent is None:
        return True
    west, south, east, north = extent
    return west <= longitude <= east and south <= latitude <= north


def reports_of(user: User) -> QuerySet[Appeal]:
    """The worker's reports (their appeals: a grid worker makes no other), newest first, each with
    its ticket."""
    return (
        Appeal.objects.filter(channel=Channel.GRID, created_by=user)
        .select_related("ticket")
        .order_by("-received_at", "-pk")
    )


def _page(request: HttpRequest, user: User, form: GridReportForm, **extra: Any) -> dict[str, Any]:
    return {"form": form, "recent": list(reports_of(user)[:RECENT]), "area": user.department, **extra}


@staff_view(
    "grid_report",
    require_http_methods(["GET", "POST"]),
    refusal=gettext_noop("网格上报只供网格员使用；当前角色为“%(role)s”"),
)
def report(request: HttpRequest, user: User) -> HttpResponse:
    if request.method == "GET":
        form = GridReportForm(initial={"token": new_token()})
        return render(request, "web/grid_report.html", _page(request, user, form))
    form = GridReportForm(request.POST, request.FILES, session=request.session)
    if not form.is_valid():
        form.renew_lost_token()
        form.keep_photo()
        return render(request, "web/grid_report.html", _page(request, user, form), status=422)
    data = form.cleaned_data
    external_id = EXTERNAL_PREFIX + data["token"]
    done = existing_ticket(Channel.GRID, external_id)
    if done is None:
        try:
            with transaction.atomic():
                done, created = do_receive_grid_report(
                    AppealData(
                        channel=Channel.GRID,
                        external_id=external_id,
                        citizen_name=user.display_name,
                        title=data["title"],
                        content=data["content"],
                        address=data["address"],
                        latitude=data["latitude"],
                        longitude=data["longitude"],
                        category_id=data["category"].pk if data["category"] else None,
                    ),
                    user,
                )
                if created and data["photo"] is not None:
                    appeal = done.appeals.get(channel=Channel.GRID, external_id=external_id)
                    attachments.store_photo(appeal, data["photo"], form.photo_type)
        except HotlineError as exc:
            form.add_error(None, shown(exc))
            form.keep_photo()
            return render(request, "web/grid_report.html", _page(request, user, form), status=422)
    form.photo_taken()
    blank = GridReportForm(initial={"token": new_token()})
    return render(request, "web/grid_report.html", _page(request, user, blank, reported=done))


@staff_view(
    "grid_report",
    require_http_methods(["GET"]),
    refusal=gettext_noop("网格上报只供网格员使用；当前角色为“%(role)s”"),
)
def reports(request: HttpRequest, user: User) -> HttpResponse:
    rows = reports_of(user)
    # Without control characters, which no report's text holds (and PostgreSQL refuses a NUL even
    # in a filter): the rest of the words are searched for.
    q = without_control_characters(request.GET.get("q", "")).strip()[:100]
    if q:
        rows = rows.filter(Q(ticket__number__icontains=q) | Q(title__icontains=q) | Q(content__icontains=q))
    return render(
        request, "web/grid_reports.html", {**paginate(request, rows), "q": q, "area": user.department}
    )


def reported_ticket(request: HttpRequest, user: User, ticket: Ticket) -> HttpResponse:
    """The page of `ticket`, one the grid worker `user` reported (`tickets.selectors.visible_tickets`
    found it so)."""
    own = reports_of(user).filter(ticket=ticket).order_by("received_at", "pk").first()
    shown = followed(ticket)
    everyone = appellants(shown)
    replies, superseded = public_replies(shown, own, everyone)  # as the citizen's progress page
    photos = (
        Attachment.objects.filter(appeal=own, content_type__in=list(attachments.PHOTOS)).order_by(
            "uploaded_at", "pk"
        )
        if own is not None
        else Attachment.objects.none()
    )
    return render(
        request,
        "web/grid_ticket.html",
        {
            "ticket": ticket,
            "own": own,
            "merged": shown.pk != ticket.pk,
            "status_text": PUBLIC_STATUS.get(shown.status, ""),
            # The worker's own callback, not the other appellants' ratings (as a citizen's page).
            "steps": citizen_timeline(ticket, shown, callers_appeals(own, everyone)),
            "replies": replies,
            "superseded": superseded,
            "photos": list(photos),
            "area": user.department,
        },
    )
