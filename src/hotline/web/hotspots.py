"""The appeals behind a hot spot of the overview, so that a leader can check what it groups.

GET /hotspots/<appeal id>/   the hot spot of the newest recent set (`analytics.hotspot_sets`) that
                             holds this appeal: its place, description, heat, people and time
                             range, then each of its appeals in the order they came, with its
                             ticket (number and link, status, area, category) and title. The
                             overview's rows link here by the hot spot's lowest appeal id
                             (`key_appeal`): the recent set is made again every half hour with
                             new rows, and a link by a row's id would break at each refresh.

GET /hotspots/                every hot spot of the newest recent set, by rank, a page at a time
                             (the overview shows its ten hottest)

GET /hotspots/<appeal id>/?set=<id>
                             the hot spot of that kept set (a report's period: `web.reports` links
                             its hot spots so) that holds this appeal, with the way back to the
                             report of its period.

For the roles of the overview (leaders, supervisors, admins); the tickets are those the user may
see (`tickets.selectors.visible_tickets`: every ticket for these citywide roles).
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from hotline.accounts.models import User
from hotline.analytics import hotspot_sets
from hotline.analytics.models import Hotspot, HotspotSet
from hotline.core import clock
from hotline.tickets import presenter, selectors
from hotline.web.dispatch import paginate
from hotline.web.overview import not_found, overview_refusal
from hotline.web.params import parse_id


@login_required
@require_GET
def hotspots_page(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if (refused := overview_refusal(request, user)) is not None:
        return refused
    recent = hotspot_sets.recent_set(appeals=False)
    page = paginate(request, recent.hotspots if recent is not None else [])
    return render(
        request,
        "web/hotspots.html",
        {**page, "hotspots": page.pop("rows"), "hotspot_set": recent.set if recent is not None else None},
    )


@login_required
@require_GET
def hotspot_tickets(request: HttpRequest, appeal_id: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if (refused := overview_refusal(request, user)) is not None:
        return refused
    set_id = parse_id(request.GET.get("set"))
    if set_id is not None:
        hotspot = (
            Hotspot.objects.filter(set_id=set_id, appeals=appeal_id)
            .select_related("set", "area", "category")
            .first()
        )
        if hotspot is None:
            return not_found(request, _("该报告的热点中没有这个热点。"))
    else:
        hotspot = hotspot_sets.recent_holding(appeal_id)
        if hotspot is None:
            return not_found(
                request, _("近30日热点中已没有这个热点：热点每半小时重新计算，请回到领导驾驶舱查看最新热点。")
            )
    visible = selectors.visible_tickets(user)
    appeals = list(
        hotspot.appeals.filter(ticket__in=visible)
        .select_related("ticket__category", "ticket__area", "ticket__merged_into")
        .order_by("received_at", "pk")
    )
    return render(
        request,
        "web/hotspot_tickets.html",
        {
            "hotspot": hotspot,
            "appeals": appeals,
            # Listed, their numbers masked for every role (`tickets.presenter.listed_title`).
            "titles": {a.pk: presenter.listed_title(a) for a in appeals},
            "hidden": hotspot.n_appeals - len(appeals),
            "back": _back(hotspot.set),
        },
    )


def _back(kept: HotspotSet) -> str | None:
    """The report a kept set's hot spots are read in (its kind and first day), or None for the
    recent set, which the overview shows."""
    if kept.scope == hotspot_sets.RECENT:
        return None
    first = clock.localtime(kept.since).date()
    return f"{reverse('reports')}?{urlencode({'kind': kept.scope, 'date': f'{first:%Y-%m-%d}'})}"
