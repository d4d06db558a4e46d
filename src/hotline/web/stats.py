"""Public statistics (/stats/, 数据公开), for anyone, without signing in.

The last 12 months' volume, on-time rate (及时率) and satisfaction rate (满意率) per month, and the
share of each first-level category over those months (`category_shares`: the tickets filed under
no category are a row of their own, 未分类, so that the rows add up to the total and each share is
of the total); the figures are those of `analytics.facts`, kept per day (`analytics.figures`).
Nothing personal and nothing internal is shown: no ticket numbers, names, phone numbers, texts or
addresses, no departments' figures. The page is built without the session (no user, no CSRF
token), so that a shared cache may keep it for five minutes; `?lang=` chooses its language (a
link for each, and one back to the portal, at its top). One address may fetch it
PORTAL["STATS_PER_HOUR"] times an hour (429 with Retry-After beyond), so that nobody can keep the
figures' queries busy by asking for the page in a loop.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from hotline.analytics import figures, selectors
from hotline.analytics.figures import Figures
from hotline.core import clock
from hotline.intake import limits
from hotline.web.overview import echarts_installed
from hotline.web.portal import limited_per_address

MONTHS = 12
MAX_AGE = 300


@dataclass(frozen=True)
class Share:
    name: str
    count: int
    percent: float


def _percent(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 1)


def category_shares(year: Figures) -> list[Share]:
    """Each first-level category's tickets of the period and their share of all the period's
    tickets, the largest first; then those filed under no category (未分类), when there are any."""
    total = year.city.received
    if not total:
        return []
    rows = [(r.name, r.count) for r in selectors.top_categories(year, limit=None)]
    uncategorised = total - sum(count for _name, count in rows)
    if uncategorised > 0:
        rows.append((_("未分类"), uncategorised))
    return [Share(name, count, round(100 * count / total, 1)) for name, count in rows]


@require_GET
@limited_per_address(limits.STATS_BY_IP, "STATS_PER_HOUR")
def public_stats(request: HttpRequest) -> HttpResponse:
    # The language chosen on the page is in its address (`?lang=`), not in the language cookie that
    # the other pages' switch sets: a cache keeps the page by its address (and Accept-Language), and
    # the page has no form (no CSRF token: nothing of the session) to post a choice with.
    wanted = request.GET.get("lang", "")
    named = wanted in dict(settings.LANGUAGES)
    language = wanted if named else translation.get_language()
    with translation.override(language):
        response = HttpResponse(_page())
    response["Content-Language"] = language
    # Without ?lang= the language may come from that cookie, which a shared cache does not key the
    # page by: such a page is this reader's alone (a Vary: Cookie would make every page so).
    followed_cookie = not named and settings.LANGUAGE_COOKIE_NAME in request.COOKIES
    patch_cache_control(
        response, max_age=MAX_AGE, **({"private": True} if followed_cookie else {"public": True})
    )
    return response


def _page() -> str:
    today = clock.localtime().date()
    year = figures.read(selectors.months_ending(today, MONTHS))
    months = selectors.monthly(year)
    first, last = months[0].month, months[-1].month
    shares = category_shares(year)
    charts: dict[str, Any] = {
        "months": [
            {
                "month": m.month.strftime("%Y-%m"),
                "volume": m.volume,
                "on_time": m.on_time.percent,
                "satisfied": m.satisfied.percent,
            }
            for m in months
        ],
        "shares": [[s.name, s.count] for s in shares],
        "labels": {"volume": _("受理量"), "on_time": _("及时率"), "satisfied": _("满意率")},
    }
    # Without the request: no context processor reads the session, so no Vary: Cookie.
    return render_to_string(
        "web/stats.html",
        {
            "months": months,
            "shares": shares,
            "total": sum(m.volume for m in months),
            "first": first,
            "last": last,
            "charts": charts,
            "echarts_installed": echarts_installed(),
            "city_name": settings.HOTLINE["CITY_NAME"],
        },
    )
