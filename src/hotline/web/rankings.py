"""The rankings (红黑榜) for leaders, supervisors and admins, and the tickets behind every figure.

GET /rankings/?dimension=department&period=2026-11  the departments (or areas, or categories) of a
                                                    month (2026-11), a quarter (2026-Q4) or a year
                                                    (2026) by their composite score of the four
                                                    rates, with the change against the period of
                                                    the same length before; `span=quarter` (or
                                                    month, year) without `period`: the running one
GET /rankings/tickets/?rate=on_time&dimension=department&key=7&period=2026-11[&missed=1]
                                                    the tickets a figure is counted from, newest
                                                    first; `missed=1`: only those that did not
                                                    count (answered late, not handled, ...)

`month=2026-11` is read as `period=2026-11` (the links of before the quarters and years).

The figures are those of `analytics.facts`, kept per day (`analytics.figures`); the score and the
ranks are `analytics.rankings`'. A row without any rate to count is 无数据, last, with no score and
no change (never a 0); a rate without data is plain "—", not a link to an empty list. The running
period says it runs and links to the last whole one.
"""

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from hotline.accounts.models import User
from hotline.analytics import facts
from hotline.analytics.models import FigureSettings
from hotline.analytics.rankings import RankingPeriod, find_offered, names_of, offered, rank_period
from hotline.core import clock
from hotline.core.enums import FigureDimension, RankingSpan
from hotline.tickets import selectors
from hotline.tickets.models import Ticket
from hotline.web.dispatch import paginate
from hotline.web.overview import RATE_TEXT, overview_refusal
from hotline.web.params import parse_id

DIMENSIONS = {
    FigureDimension.DEPARTMENT: gettext_lazy("主办单位"),
    FigureDimension.AREA: gettext_lazy("属地"),
    FigureDimension.CATEGORY: gettext_lazy("一级分类"),
}


def _chosen(request: HttpRequest, today: date) -> RankingPeriod:
    """The period asked for by `period` (or the older `month`) among those offered; else the
    running one of the `span` asked for (the month by default)."""
    wanted = request.GET.get("period") or request.GET.get("month", "")
    found = find_offered(wanted, today) if wanted else None
    if found is not None:
        return found
    span = request.GET.get("span", "")
    return offered(span if span in RankingSpan.values else RankingSpan.MONTH, today)[0]


def _dimension(request: HttpRequest) -> FigureDimension:
    wanted = request.GET.get("dimension", "")
    return next((d for d in DIMENSIONS if d.value == wanted), FigureDimension.DEPARTMENT)


@login_required
@require_GET
def rankings(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if (refused := overview_refusal(request, user)) is not None:
        return refused
    now = clock.localtime()
    today = now.date()
    chosen = _chosen(request, today)
    dimension = _dimension(request)
    before = chosen.previous
    rows = rank_period(chosen, dimension)
    weights = FigureSettings.current()
    # The running period (the default) is said to be one: its latest tickets are still within
    # their time to be handled, so its rates and scores are low for now and a change against the
    # whole period before is no fall yet; the page leads to the last whole period beside it.
    running = chosen.period.start <= now < chosen.period.end
    return render(
        request,
        "web/rankings.html",
        {
            "rows": rows,
            "chosen": chosen,
            "before": before,
            "running_until": now if running else None,
            "periods": offered(chosen.span, today),
            "spans": [(span.value, span.label) for span in RankingSpan],
            "dimension": dimension,
            "dimensions": [(d.value, label) for d, label in DIMENSIONS.items()],
            "rate_names": [(key, RATE_TEXT[key][0]) for key in facts.FOUR_RATES],
            "weights": weights,
            # Departments only: the share of their replies the quality check flagged (答复质量存疑率),
            # each row's own (`Ranked.weak_replies`).
            "show_weak": dimension == FigureDimension.DEPARTMENT,
            "red": [r for r in rows if r.rank is not None][:3],
            "black": [r for r in rows if r.rank is not None][3:][-3:][::-1],
        },
    )


@login_required
@require_GET
def rankings_tickets(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if (refused := overview_refusal(request, user)) is not None:
        return refused
    chosen = _chosen(request, clock.localtime().date())
    rate = request.GET.get("rate", "")
    if rate not in facts.RATES:
        rate = "on_time"
    dimension = request.GET.get("dimension", FigureDimension.CITY)
    if dimension not in FigureDimension.values:
        dimension = FigureDimension.CITY
    key_id = parse_id(request.GET.get("key")) or 0
    missed = request.GET.get("missed") == "1"
    rows = facts.behind(rate, chosen.period, dimension, key_id)
    if missed:
        rows = rows.filter(in_numerator=False)
    tickets = selectors.with_list_relations(Ticket.objects.filter(pk__in=rows.values("ticket_key"))).order_by(
        "-created_at", "-pk"
    )
    page: dict[str, Any] = paginate(request, tickets)
    # A ticket counts when any of its rows does (a ticket called back twice has two).
    counted: dict[int, bool] = {}
    for ticket_key, in_numerator in rows.filter(ticket_key__in=[t.pk for t in page["rows"]]).values_list(
        "ticket_key", "in_numerator"
    ):
        counted[ticket_key] = counted.get(ticket_key, False) or bool(in_numerator)
    query = request.GET.copy()
    query.pop("offset", None)
    every = query.copy()
    every.pop("missed", None)
    return render(
        request,
        "web/rankings_tickets.html",
        {
            **page,
            "entries": [(t, counted.get(t.pk, False)) for t in page["rows"]],
            "rate": rate,
            "rate_label": RATE_TEXT[rate][0],
            "rate_definition": RATE_TEXT[rate][1],
            "chosen": chosen,
            "missed": missed,
            "slice_name": _slice_name(dimension, key_id),
            "query": query.urlencode(),
            "every_query": every.urlencode(),
        },
    )


def _slice_name(dimension: str, key: int) -> str:
    if dimension == FigureDimension.CITY:
        return str(FigureDimension.CITY.label)
    return names_of(dimension, [key]).get(key, str(key))
