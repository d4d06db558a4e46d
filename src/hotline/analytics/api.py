"""The figures in the API, for the city's performance reviews (绩效考核) and its own dashboards.

GET /api/v1/rankings?dimension=department&period=2026-11
    the departments (areas, categories, or districts with every area under them: `dimension=
    district`) of a month (2026-11), a quarter (2026-Q4) or a year (2026)
    ranked by their composite score of the four rates, each with the counts behind every rate, the
    score and rank of the period before, and a department's share of weak replies (答复质量存疑率);
    `span=quarter` (or month, year) without `period`: the running one. The same figures and order
    as the rankings page (`analytics.rankings`), for the roles that may see it.

A period that is not offered (the rankings keep the last 12 months, 8 quarters and 3 years) is a
422 that names the ones that are, not a silent fallback as on the page: a script must know which
period it got.
"""

from typing import Annotated, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from hotline.accounts.auth import request_user
from hotline.accounts.permissions import require_role
from hotline.analytics import scopes
from hotline.analytics.models import FigureSettings
from hotline.analytics.periods import Rate
from hotline.analytics.rankings import Ranked, RankingPeriod, find_offered, offered, rank_period
from hotline.core import clock
from hotline.core.api import ERRORS, bounded
from hotline.core.enums import FigureDimension, RankingSpan
from hotline.core.errors import InvalidInput

router = Router(tags=["analytics"])


class RankingFilters(Schema):
    dimension: Literal["department", "area", "category", "district"] = Field(
        "department",
        description="what is ranked: lead departments, areas (属地), top categories, or districts "
        "(区县) each with its streets and communities counted together",
    )
    period: Annotated[str, bounded(10, required=False)] = Field(
        "", description="2026-11 (a month), 2026-Q4 (a quarter) or 2026 (a year); default: the running one"
    )
    span: Literal["month", "quarter", "year"] = Field(
        "month", description="without `period`: the running month, quarter or year"
    )


class RateOut(Schema):
    numerator: int
    denominator: int
    percent: float | None = Field(description="to one decimal; null when there was nothing to count")


class PeriodOut(Schema):
    period: str = Field(description="as named in `period`: 2026-11, 2026-Q4, 2026")
    label: str
    first_day: str
    last_day: str


class RankedOut(Schema):
    key: int = Field(description="the department's or category's id")
    name: str
    received: int
    rates: dict[str, RateOut] = Field(
        description=(
            "on_time 及时率, handled 处置率, replied 回复率, satisfied 满意率 (the four); resolved 解决率"
        )
    )
    score: float | None = Field(description="the weighted mean of the four rates in percent (综合得分)")
    rank: int | None = Field(description="null: fewer tickets than the least to be ranked, or no score")
    previous_score: float | None
    previous_rank: int | None
    score_change: float | None
    rank_change: int | None = Field(description="places gained since the period before (positive: up)")
    weak_replies: RateOut | None = Field(
        description="departments: the replies the quality check flagged among those checked; null otherwise"
    )


class RankingOut(Schema):
    dimension: str
    period: PeriodOut
    previous: PeriodOut
    weights: dict[str, int] = Field(description="of the four rates in the score, set in the admin (考核设置)")
    min_received: int = Field(description="the least tickets received in the period to be ranked")
    rows: list[RankedOut]


def _rate(rate: Rate) -> RateOut:
    return RateOut(numerator=rate.numerator, denominator=rate.denominator, percent=rate.percent)


def _period(chosen: RankingPeriod) -> PeriodOut:
    return PeriodOut(
        period=chosen.token,
        label=chosen.label,
        first_day=chosen.period.first_day.isoformat(),
        last_day=chosen.period.last_day.isoformat(),
    )


def _row(row: Ranked, dimension: str) -> RankedOut:
    weak = row.weak_replies if dimension == FigureDimension.DEPARTMENT else None
    return RankedOut(
        key=row.key,
        name=row.name,
        received=row.counts.received,
        rates={name: _rate(rate) for name, rate in row.rates.items()},
        score=row.score,
        rank=row.rank,
        previous_score=row.previous_score,
        previous_rank=row.previous_rank,
        score_change=row.score_change,
        rank_change=row.rank_change,
        weak_replies=None if weak is None else _rate(weak),
    )


def _chosen(filters: RankingFilters) -> RankingPeriod:
    today = clock.localtime().date()
    if not filters.period:
        return offered(RankingSpan(filters.span), today)[0]
    found = find_offered(filters.period, today)
    if found is None:
        # The oldest and the newest offered of each span: "2025-05 – 2026-04, 2024-Q3 – ..."
        ranges = ", ".join(
            f"{periods[-1].token} – {periods[0].token}"
            for periods in (offered(s, today) for s in RankingSpan)
        )
        raise InvalidInput(
            _("period: “%(value)s”不是可选的期间（可选：%(ranges)s）")
            % {"value": filters.period, "ranges": ranges}
        )
    return found


@router.get("/rankings", response={200: RankingOut, **ERRORS}, operation_id="rankings")
def rankings(request: HttpRequest, filters: Query[RankingFilters]) -> RankingOut:
    """The rankings (红黑榜) of a period with the period before; leaders, supervisors and admins."""
    require_role(request_user(request), "view_figures")
    chosen = _chosen(filters)
    dimension = filters.dimension
    if dimension == scopes.DISTRICT:
        rows = scopes.rank_districts(chosen)
    else:
        rows = rank_period(chosen, FigureDimension(dimension))
    weights = FigureSettings.current()
    return RankingOut(
        dimension=dimension,
        period=_period(chosen),
        previous=_period(chosen.previous),
        weights=weights.as_dict(),
        min_received=weights.min_received,
        rows=[_row(row, dimension) for row in rows],
    )
