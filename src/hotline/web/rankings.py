"""The rankings (红黑榜) for leaders, supervisors and admins, and the tickets behind every figure.

GET /rankings/?dimension=department&period=2026-11  the departments (or areas, categories, or
                                                    districts with every area under them:
                                                    `dimension=district`) of a month (2026-11), a
                                                    quarter (2026-Q4) or a year (2026) by their
                                                    composite score of the four rates, with the
                                                    change against the period of the same length
                                                    before; `span=quarter` (or month, year)
                                                    without `period`: the running one; each
                                                    row's 受理量 links to its tickets
GET /rankings/tickets/?rate=on_time&dimension=department&key=7&period=2026-11[&missed=1]
                                                    the tickets a figure is counted from, newest
                                                    first; `missed=1`: only those that did not
                                                    count (answered late, not handled, ...);
                                                    `day=2026-12-06` or `week=2026-11-30` in
                                                    place of `period`: a day's or a week's (the
                                                    daily and weekly reports' figures);
                                                    `first=2026-11-03&last=2026-11-20`: those
                                                    days' (a report of chosen days)

`month=2026-11` is read as `period=2026-11` (the links of before the quarters and years).

The figures are those of `analytics.facts`, kept per day (`analytics.figures`); the score and the
ranks are `analytics.rankings`'. A row without any rate to count is 无数据, last, with no score and
no change (never a 0); a row with a score and fewer tickets than a rank asks for says 样本不足 and
why; a score over fewer than the four rates is marked, with a note below the table; a rate without
data is plain "—", not a link to an empty list. The running
period says it runs and links to the last whole one.
"""

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from hotline.accounts.models import User
from hotline.analytics import facts, scopes
from hotline.analytics.models import FigureSettings
from hotline.analytics.periods import Period
from hotline.analytics.rankings import Ranked, RankingPeriod, find_offered, names_of, offered, rank_period
from hotline.analytics.reports import period_of
from hotline.core import clock
from hotline.core.enums import DepartmentLevel, FigureDimension, RankingSpan, ReportKind
from hotline.directory.models import Department
from hotline.tickets import presenter, selectors
from hotline.tickets.models import Ticket
from hotline.web.dispatch import paginate
from hotline.web.overview import DISTRICT, RATE_TEXT, drill_slice, not_found, unit_scope
from hotline.web.params import parse_id, read_day
from hotline.web.reports import asked_days

# How many rows each of the red and the black list shows.
LISTED = 3

# What the rankings rank: the kept slices, and the districts, each the sum of its areas (the
# district itself, its streets and communities: `analytics.scopes.rank_districts`), ranked by the
# same rules as the units beside them.
DIMENSIONS: dict[str, Any] = {
    FigureDimension.DEPARTMENT: gettext_lazy("主办单位"),
    DISTRICT: gettext_lazy("区县（含街道、社区）"),
    FigureDimension.AREA: gettext_lazy("属地"),
    FigureDimension.CATEGORY: gettext_lazy("一级分类"),
}


def _chosen(request: HttpRequest, today: date) -> tuple[RankingPeriod, str]:
    """The period asked for by `period` (or the older `month`) among those offered; else the
    running one of the `span` asked for (the month by default), with what was not understood (a
    period not offered is said to be, not silently replaced by another)."""
    wanted = (request.GET.get("period") or request.GET.get("month", "")).strip()
    found = find_offered(wanted, today) if wanted else None
    if found is not None:
        return found, ""
    span = request.GET.get("span", "")
    shown = offered(span if span in RankingSpan.values else RankingSpan.MONTH, today)[0]
    if not wanted:
        return shown, ""
    return shown, _(
        "无法识别期间“%(period)s”：可选最近 12 个月（如 %(month)s）、"
        "8 个季度（如 %(quarter)s）或 3 年（如 %(year)s）。"
    ) % {
        "period": wanted[:20],
        "month": offered(RankingSpan.MONTH, today)[0].token,
        "quarter": offered(RankingSpan.QUARTER, today)[0].token,
        "year": offered(RankingSpan.YEAR, today)[0].token,
    }


def _dimension(request: HttpRequest) -> str:
    wanted = request.GET.get("dimension", "")
    return wanted if wanted in DIMENSIONS else FigureDimension.DEPARTMENT


def _ranked(chosen: RankingPeriod, dimension: str) -> list[Ranked]:
    if dimension == DISTRICT:
        return scopes.rank_districts(chosen)
    return rank_period(chosen, FigureDimension(dimension))


@login_required
@require_GET
def rankings(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    unit, refused = unit_scope(request, user)
    if refused is not None:
        return refused
    if unit is not None:
        # A unit head's place among its peers is in their unit's report (its standing and table).
        return redirect("reports")
    now = clock.localtime()
    today = now.date()
    chosen, wrong = _chosen(request, today)
    dimension = _dimension(request)
    before = chosen.previous
    rows = _ranked(chosen, dimension)
    weights = FigureSettings.current()
    # The running period (the default) is said to be one: its latest tickets are still within
    # their time to be handled, so its rates and scores are low for now and a change against the
    # whole period before is no fall yet; the page leads to the last whole period beside it.
    running = chosen.period.start <= now < chosen.period.end
    ranked = [r for r in rows if r.rank is not None]
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
            "dimensions": [(str(d), label) for d, label in DIMENSIONS.items()],
            "rate_names": [(key, RATE_TEXT[key][0]) for key in facts.FOUR_RATES],
            "weights": weights,
            # The least volume a rank asks for (`analytics.rankings`: one ticket at least), said
            # beside a row with a score and no rank (样本不足); a partial score is explained below.
            "least": max(weights.min_received, 1),
            "partial_scores": any(r.partial for r in rows),
            # Departments only: the share of their replies the quality check flagged (答复质量存疑率),
            # each row's own (`Ranked.weak_replies`).
            "show_weak": dimension == FigureDimension.DEPARTMENT,
            "red": ranked[:LISTED],
            "black": ranked[LISTED:][-LISTED:][::-1],
            "ranked_count": len(ranked),
            "listed": LISTED,
            "wrong": wrong,
        },
        # A period that could not be read is a bad request, shown with the running one and why.
        status=400 if wrong else 200,
    )


DRILL_TEXT = {
    **RATE_TEXT,
    "received": (
        gettext_lazy("受理量"),
        gettext_lazy("期间内受理的工单（已合并和无效诉求不计入，除非考核设置计入）"),
    ),
}


def _drilled_period(request: HttpRequest, today: date) -> tuple[RankingPeriod, Period, str, str]:
    """The ranking period the list belongs to, the period it lists, its label, and what was not
    understood: `day=2026-12-06` (the overview's 今日受理, a daily report), `week=2026-11-30` (the
    Monday-to-Sunday week holding that day: a weekly report), `first` and `last` (the days of a
    report of chosen days, read as that report reads them) or the `period` of the rankings."""
    if "first" in request.GET or "last" in request.GET:
        first, last, why = asked_days(request)
        if first is None or last is None:
            return offered(RankingSpan.MONTH, today)[0], Period.day(today), "", why
        label = _("%(first)s 至 %(last)s") % {"first": f"{first:%Y-%m-%d}", "last": f"{last:%Y-%m-%d}"}
        return RankingPeriod.holding(RankingSpan.MONTH, first), Period.days(first, last), label, ""
    for name in ("day", "week"):
        asked = request.GET.get(name, "").strip()
        if not asked:
            continue
        day, why = read_day(asked)
        if day is None:
            return offered(RankingSpan.MONTH, today)[0], Period.day(today), "", why
        if name == "day":
            return RankingPeriod.holding(RankingSpan.MONTH, day), Period.day(day), f"{day:%Y-%m-%d}", ""
        week = period_of(ReportKind.WEEKLY, day)
        label = _("%(first)s 至 %(last)s") % {
            "first": f"{week.first_day:%Y-%m-%d}",
            "last": f"{week.last_day:%Y-%m-%d}",
        }
        return RankingPeriod.holding(RankingSpan.MONTH, week.first_day), week, label, ""
    chosen, wrong = _chosen(request, today)
    return chosen, chosen.period, chosen.label, wrong


@login_required
@require_GET
def rankings_tickets(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    unit, refused = unit_scope(request, user)
    if refused is not None:
        return refused
    chosen, period, period_label, wrong = _drilled_period(request, clock.localtime().date())
    if wrong:
        # The tickets of another period than the one asked for would pass for its own.
        return not_found(request, wrong)
    rate = request.GET.get("rate", "")
    if rate not in facts.DRILLED:
        rate = "on_time"
    dimension = request.GET.get("dimension", FigureDimension.CITY)
    if dimension not in (*FigureDimension.values, DISTRICT):
        dimension = FigureDimension.CITY
    key_id = parse_id(request.GET.get("key")) or 0
    if unit is not None and (dimension, key_id) != drill_slice(unit):
        # A unit head reads their own unit's tickets, never another's nor the city's.
        return render(request, "web/forbidden.html", {"message": _("只能查看本单位的工单")}, status=403)
    slice_name = _slice_name(dimension, key_id)
    if slice_name is None:
        return not_found(request, _("没有这个统计对象"))
    missed = request.GET.get("missed") == "1"
    if dimension == DISTRICT:
        areas = [area for area, district in scopes.district_of_area().items() if district == key_id]
        rows = facts.behind(rate, period, FigureDimension.AREA, key_id, keys=areas)
    else:
        rows = facts.behind(rate, period, dimension, key_id)
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
            # Listed, their numbers masked for every role (`tickets.presenter.listed_title`).
            "titles": {t.pk: presenter.listed_title(t) for t in page["rows"]},
            "rate": rate,
            "rate_label": DRILL_TEXT[rate][0],
            "rate_definition": DRILL_TEXT[rate][1],
            # The volume counts every ticket listed: nothing is left out to show apart.
            "volume": rate == "received",
            "chosen": chosen,
            "period_label": period_label,
            "unit": unit,
            "missed": missed,
            "slice_name": slice_name,
            # 返回红黑榜 goes back to the ranking the slice is a row of (the city's figures are no row).
            "ranked_by": dimension if dimension in DIMENSIONS else "",
            "query": query.urlencode(),
            "every_query": every.urlencode(),
        },
    )


def _slice_name(dimension: str, key: int) -> str | None:
    """The slice's name; None when there is no such department, area, district or category."""
    if dimension == FigureDimension.CITY:
        return str(FigureDimension.CITY.label)
    if dimension == DISTRICT:
        return dict(
            Department.objects.filter(pk=key, is_area=True, level=DepartmentLevel.DISTRICT).values_list(
                "pk", "name"
            )
        ).get(key)
    return names_of(dimension, [key]).get(key)
