"""The leader overview (领导驾驶舱) for leaders, supervisors and admins.

GET /overview/                    today's and this month's volume, what is overdue now, this month's
                                  four rates with the counts behind them, the top categories and
                                  areas, the last 30 days' volume (today's marked as counted up to
                                  now: 今日截至 HH:MM) with the next two weeks' forecast and its 80%
                                  band, the volume and the rates (the four and 解决率) per district,
                                  the
                                  open early warnings and the hot spots of the last 30 days (as a
                                  list and as points on the district map, coloured by the volume
                                  or by one of the four rates of each district); each
                                  chart (ECharts, when installed) with its table, and the page reads
                                  whole without JavaScript
GET /overview/districts.geojson   the districts' boundaries from the gazetteer, for the map

Every figure is defined in `analytics.facts` (kept per day by `analytics.figures`, built into lists
in `analytics.selectors`); this module only picks the periods and lays them out.
"""

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from hotline.accounts.models import User
from hotline.accounts.permissions import ACTION_ROLES
from hotline.analytics import early_warning, figures, hotspot_sets, outlooks, scopes, selectors
from hotline.analytics.facts import FOUR_RATES
from hotline.analytics.models import ForecastSet
from hotline.analytics.periods import Period, Rate
from hotline.core import clock
from hotline.core.enums import FigureDimension, ReportScope

OVERVIEW_ROLES = ACTION_ROLES["view_figures"]

TREND_DAYS = 30
HOTSPOTS_SHOWN = 10
WARNINGS_SHOWN = 10


@cache
def echarts_installed() -> bool:
    """Whether ECharts is served (`npm ci`); without it the pages show their tables only."""
    return bool(finders.find("vendor/echarts/echarts.min.js"))


@dataclass(frozen=True)
class ShownRate:
    key: str
    label: str
    definition: str
    rate: Rate


# The four rates (四率) in their customary order, then 解决率; each defined in `analytics.facts`.
RATE_TEXT = {
    "on_time": (
        gettext_lazy("及时率"),
        gettext_lazy("本月答复的主办派单中，在办理时限（含批准的延期和挂起时间）内答复的比例"),
    ),
    "handled": (
        gettext_lazy("处置率"),
        gettext_lazy("本月受理并已离开派单队列的工单中，已答复、直接答复或已办结的比例"),
    ),
    "replied": (
        gettext_lazy("回复率"),
        gettext_lazy("本月受理并已处置的工单中，答复已送达市民（直接答复，或答复后已回访）的比例"),
    ),
    "satisfied": (gettext_lazy("满意率"), gettext_lazy("本月回访中，满意与基本满意的比例")),
    "resolved": (gettext_lazy("解决率"), gettext_lazy("本月回访中，市民认为已解决的比例")),
}
# Each district's rates on the overview (its table, the map's colours and tooltip): the four, then
# 解决率, as the city's figures above them.
DISTRICT_RATES = (*FOUR_RATES, "resolved")


def overview_refusal(request: HttpRequest, user: User) -> HttpResponse | None:
    """The 403 page for a role that may not see the leaders' figures; None for one that may."""
    if user.role in OVERVIEW_ROLES:
        return None
    message = _("角色“%(role)s”不能查看领导驾驶舱") % {"role": user.get_role_display()}
    return render(request, "web/forbidden.html", {"message": message}, status=403)


def unit_scope(request: HttpRequest, user: User) -> tuple[scopes.Scope | None, HttpResponse | None]:
    """Whose figures the user sees on the reports' pages: (None, None) for the city's (the roles of
    the overview); a unit head's own unit (their district, or their department when it is not an
    area), never another's; else the 403 page. A street's or community's head has no report of
    their own: their tickets are in their district's, which holds the district's other streets."""
    if user.role in OVERVIEW_ROLES:
        return None, None
    if user.role in ACTION_ROLES["view_unit_figures"] and user.department is not None:
        if (scope := scopes.scope_of(user.department)) is not None:
            return scope, None
        message = _("%(unit)s没有单独的考核报告：街道、社区的工单计入所属区县的报告。") % {
            "unit": user.department.name
        }
        return None, render(request, "web/forbidden.html", {"message": message}, status=403)
    return None, overview_refusal(request, user)


# The drill-down's slice of a district (`/rankings/tickets/?dimension=district`): the tickets placed
# in it or in any area under it, as the overview's district table and a district's report sum them.
DISTRICT = scopes.DISTRICT


def drill_slice(unit: scopes.Scope) -> tuple[str, int]:
    """The drill-down's slice of a unit's figures: a district's areas, a department's lead."""
    if unit.type == ReportScope.DISTRICT:
        return DISTRICT, unit.key
    return FigureDimension.DEPARTMENT, unit.key


def not_found(request: HttpRequest, message: str) -> HttpResponse:
    """The site's 404 page for the figures' pages, saying what was not found."""
    return render(request, "web/forbidden.html", {"message": message}, status=404)


def forecast_days(forecast: ForecastSet | None, today: date) -> list[dict[str, Any]]:
    """The kept forecast of the city's coming days, from today on (a forecast kept a few days ago
    still covers the days left of it; one kept before the days were, none)."""
    if forecast is None:
        return []
    return [d for d in forecast.data["city"].get("days", []) if d["start"] >= today.isoformat()]


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    unit, refused = unit_scope(request, user)
    if refused is not None:
        return refused
    if unit is not None:
        # A unit head's figures are their unit's report, not the city's cockpit.
        return redirect("reports")
    now = clock.now()
    today = clock.localtime(now).date()
    # Today is not over: its count is up to now, and read beside whole days a count at 09:00 looks
    # like a collapse. The table, the chart and a note name it so.
    so_far = _("今日截至 %(time)s") % {"time": f"{clock.localtime(now):%H:%M}"}
    month = figures.read(Period.month(today.year, today.month))
    rates = month.city.rates
    trend = selectors.daily_volume(today, TREND_DAYS)
    districts = selectors.district_volumes(month)
    categories = selectors.top_categories(month)
    areas = selectors.top_areas(month)
    has_map = selectors.has_district_boundaries()
    forecast = outlooks.latest()
    recent = hotspot_sets.recent_set(HOTSPOTS_SHOWN, appeals=False)
    hotspots = recent.hotspots if recent else []
    ahead = forecast_days(forecast, today)
    charts: dict[str, Any] = {
        "categories": [[r.name, r.count] for r in categories],
        "areas": [[r.name, r.count] for r in areas],
        "trend": [[day.isoformat(), n] for day, n in trend],
        "forecast": [[d["start"], d["expected"], d["low"], d["high"]] for d in ahead],
        "labels": {"volume": _("受理量"), "expected": _("预测"), "band": _("80% 区间")},
        # The trend's last day, drawn apart from the whole days before it and named as it stands.
        "today": {"day": today.isoformat(), "label": so_far},
        "districts": [[r.name, r.count] for r in districts],
        # The rates of each district in percent (None: nothing to count), for the map's colours and
        # tooltips; in the order of `districts`.
        "district_rates": [
            {key: r.counts.rates[key].percent for key in DISTRICT_RATES} if r.counts else {}
            for r in districts
        ],
        "rate_labels": {key: str(RATE_TEXT[key][0]) for key in DISTRICT_RATES},
        "hotspots": selectors.hotspot_points(hotspots),
    }
    return render(
        request,
        "web/overview.html",
        {
            "today": today,
            "today_volume": month.day(today).received,
            "month_volume": month.city.received,
            "overdue": selectors.overdue_now(now),
            "counted_at": month.counted_at,
            "forecast": forecast,
            "forecast_lines": outlooks.lines(forecast),
            "recount_minutes": max(1, round(settings.HOTLINE_FIGURES_INTERVAL / 60)),
            "rates": [
                ShownRate(key, str(label), str(text), rates[key]) for key, (label, text) in RATE_TEXT.items()
            ],
            "categories": categories,
            "areas": areas,
            "trend": trend,
            "so_far": so_far,
            "forecast_days": ahead,
            "districts": districts,
            # The month's tickets placed in no district (a consultation answered on the spot has no
            # area): said under the districts, whose counts otherwise sum to less than 本月受理.
            "unplaced": max(0, month.city.received - sum(r.count for r in districts)),
            "district_rows": [
                (r, [(key, r.counts.rates[key]) for key in DISTRICT_RATES] if r.counts else [])
                for r in districts
            ],
            "rate_choices": [(key, RATE_TEXT[key][0]) for key in DISTRICT_RATES],
            "has_map": has_map,
            "hotspots": hotspots,
            "hotspot_set": recent.set if recent else None,
            # How many the set keeps: the rest are on /hotspots/ (`web.hotspots`).
            "hotspot_total": recent.set.hotspots.count() if recent else 0,
            "warnings": early_warning.open_warnings(WARNINGS_SHOWN),
            "charts": charts,
            "echarts_installed": echarts_installed(),
        },
    )


@login_required
@require_GET
def districts_geojson(request: HttpRequest) -> HttpResponse:
    """The districts' outlines: public geography, for every signed-in user (the overview's map and
    the place of a ticket on its page)."""
    response = JsonResponse(selectors.district_geojson(), json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/geo+json"
    return response
