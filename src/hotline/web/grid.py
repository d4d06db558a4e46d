"""The grid worker's report page (网格员上报), made for a phone on patrol.

GET  /grid/report/   the form: what was found, where (the phone's location, which the page asks
                     the browser for, or an address typed by hand when there is none), a photo
                     from the camera, a one-time token; below it the worker's last reports
POST /grid/report/   take the report in (`intake.actions.do_receive_grid_report`: channel grid, the
                     worker's community as the area, routed by the worker) and show its number

Only grid workers (role 网格员) may use it. The token is the appeal's external id, so a report
sent twice (a double tap on a slow network) is one ticket.
"""

from typing import Any

from django import forms
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.http import require_http_methods

from hotline.accounts.models import User
from hotline.core.enums import Channel
from hotline.core.errors import HotlineError
from hotline.intake import attachments
from hotline.intake.actions import AppealData, do_receive_grid_report, existing_ticket
from hotline.intake.models import Appeal
from hotline.taxonomy.models import Category
from hotline.web.dispatch import staff_view
from hotline.web.photo_forms import OnceWithPhotoForm, new_token
from hotline.web.wording import shown

EXTERNAL_PREFIX = "grid-"
RECENT = 10


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

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        located = data.get("latitude") is not None and data.get("longitude") is not None
        if not located and not (data.get("address") or "").strip():
            self.add_error("address", _("没有取得手机定位：请填写地点"))
        return data


def _recent(user: User) -> list[Appeal]:
    return list(
        Appeal.objects.filter(channel=Channel.GRID, created_by=user)
        .select_related("ticket")
        .order_by("-received_at", "-pk")[:RECENT]
    )


def _page(request: HttpRequest, user: User, form: GridReportForm, **extra: Any) -> dict[str, Any]:
    return {"form": form, "recent": _recent(user), "area": user.department, **extra}


@staff_view(
    "grid_report",
    require_http_methods(["GET", "POST"]),
    refusal=gettext_noop("网格上报只供网格员使用；当前角色为“%(role)s”"),
)
def report(request: HttpRequest, user: User) -> HttpResponse:
    if request.method == "GET":
        form = GridReportForm(initial={"token": new_token()})
        return render(request, "web/grid_report.html", _page(request, user, form))
    form = GridReportForm(request.POST, request.FILES)
    if not form.is_valid():
        form.renew_lost_token()
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
            return render(request, "web/grid_report.html", _page(request, user, form), status=422)
    blank = GridReportForm(initial={"token": new_token()})
    return render(request, "web/grid_report.html", _page(request, user, blank, reported=done))
