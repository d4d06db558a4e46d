"""The composite score and the rankings (红黑榜) of departments, areas and categories by the four
rates of a period (a month, a quarter or a year: `RankingSpan`), with the change against the period
of the same length before it.

One rule for every slice (ADR 0008, addendum of 2026-12-06). The score of a slice is the weighted
mean of those of its four rates that have something to count (a denominator), in percent (weights:
`FigureSettings`, set in the admin); a rate with nothing to count is left out and the other weights
share its part, and such a score is partial (`Ranked.partial`, marked on the pages with the rates it
is the mean of). Each rate belongs to the day of its own event (`analytics.facts`), so a slice that
received nothing in the period but answered or was called back in it has the score of that work. A
rank needs the period's least volume (`FigureSettings.min_received` tickets received, one at least):
a slice with a score and fewer is listed after the ranked ones, without a rank, as 样本不足
(`Ranked.too_few`); a slice without any rate to count has no score (无数据) and comes last of all.
No score is never read as 0: it neither ranks a slice last nor makes a change against the period
before.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from hotline.analytics.facts import FOUR_RATES, Counts
from hotline.analytics.figures import Figures, read
from hotline.analytics.models import FigureSettings
from hotline.analytics.periods import Period, Rate
from hotline.analytics.replies import weak_reply_share
from hotline.core.enums import FigureDimension, RankingSpan
from hotline.directory.models import Department
from hotline.taxonomy.models import Category


def score(counts: Counts, weights: dict[str, int]) -> float | None:
    """The weighted mean of the four rates in percent, to one decimal; None when none counts."""
    rates = counts.rates
    parts = [(weights[name], rates[name].share) for name in FOUR_RATES if rates[name].share is not None]
    total = sum(weight for weight, _share in parts)
    if not total:
        return None
    return round(100 * sum(weight * share for weight, share in parts if share is not None) / total, 1)


@dataclass(frozen=True)
class Ranked:
    key: int
    name: str
    counts: Counts
    score: float | None
    rank: int | None  # None: too few tickets to rank, or no score
    previous_score: float | None
    previous_rank: int | None

    @property
    def has_data(self) -> bool:
        """Whether any of the four rates had something to count, so that there is a score. Without
        one the slice is shown as 无数据, its figures all "—", not as a score of 0 (which would rank
        it last and show a fall from the period before that nothing measured)."""
        return self.score is not None

    @property
    def counted_rates(self) -> list[str]:
        """The four rates that had something to count, in their order: those the score is the
        weighted mean of."""
        return [name for name, rate in self.cells if rate.denominator]

    @property
    def partial(self) -> bool:
        """Whether the score is the mean of fewer than the four rates (the others had nothing to
        count): the pages mark it and say of which."""
        return self.score is not None and len(self.counted_rates) < len(FOUR_RATES)

    @property
    def too_few(self) -> bool:
        """A score but no rank: fewer tickets received in the period than the least to be ranked
        (样本不足), not a slice without data."""
        return self.score is not None and self.rank is None

    @property
    def rates(self) -> dict[str, Rate]:
        return self.counts.rates

    @property
    def cells(self) -> list[tuple[str, Rate]]:
        """The four rates in their order, as (key, rate)."""
        rates = self.counts.rates
        return [(name, rates[name]) for name in FOUR_RATES]

    @property
    def weak_replies(self) -> Rate | None:
        """A department's share of weak replies (答复质量存疑率, `analytics.replies`), shown beside
        its score, not in it; None when it sent no reply in the period."""
        return weak_reply_share(self.counts)

    @property
    def score_change(self) -> float | None:
        if self.score is None or self.previous_score is None:
            return None
        return round(self.score - self.previous_score, 1)

    @property
    def rank_change(self) -> int | None:
        """Places gained since the period before (positive: up)."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank


def names_of(dimension: str, keys: list[int]) -> dict[int, str]:
    if dimension == FigureDimension.CATEGORY:
        return dict(Category.objects.filter(pk__in=keys).values_list("pk", "name"))
    return dict(Department.objects.filter(pk__in=keys).values_list("pk", "name"))


def _ranks(
    counts: dict[int, Counts], weights: dict[str, int], least: int
) -> dict[int, tuple[float | None, int | None]]:
    # Every slice is scored over the rates it has (its answers and callbacks of the period are its
    # work of the period, whatever it received); a rank asks for volume, and a slice that received
    # nothing is never ranked (one on-time answer is no 100.0 at the top of the red list).
    scored = {key: score(c, weights) for key, c in counts.items()}
    least = max(least, 1)
    eligible = sorted(
        (key for key, value in scored.items() if value is not None and counts[key].received >= least),
        key=lambda key: -(scored[key] or 0),
    )
    ranks: dict[int, int] = {}
    for position, key in enumerate(eligible, start=1):
        # Equal scores share the better place (competition ranking: 1, 2, 2, 4).
        previous = eligible[position - 2] if position > 1 else None
        same = previous is not None and scored[previous] == scored[key]
        ranks[key] = ranks[previous] if same and previous is not None else position
    return {key: (scored[key], ranks.get(key)) for key in counts}


def ranking(figures: Figures, previous: Figures, dimension: str) -> list[Ranked]:
    """The slices of `dimension` in `figures`' period, ranked by score (the best first, then the
    unranked with a score by volume, then those without data by volume), each with its score and
    rank in `previous`' period. Two queries (the weights, the names)."""
    settings = FigureSettings.current()
    weights, least = settings.as_dict(), settings.min_received
    now, before = figures.of(dimension), previous.of(dimension)
    current = _ranks(now, weights, least)
    past = _ranks(before, weights, least)
    names = names_of(dimension, list(now))
    rows = [
        Ranked(
            key=key,
            name=names.get(key, str(key)),
            counts=counts,
            score=current[key][0],
            rank=current[key][1],
            previous_score=past.get(key, (None, None))[0],
            previous_rank=past.get(key, (None, None))[1],
        )
        for key, counts in now.items()
        if key in names
    ]
    # Without data last, whatever their volume: listed apart from the slices that were measured,
    # not among them as if they had scored.
    return sorted(
        rows, key=lambda r: (r.rank is None, not r.has_data, r.rank or 0, -r.counts.received, r.name)
    )


# How many periods of each span the rankings offer, the newest (the one running) first.
OFFERED = {RankingSpan.MONTH: 12, RankingSpan.QUARTER: 8, RankingSpan.YEAR: 3}


def span_period(span: str, day: date) -> Period:
    """The month, quarter or year that holds the local day `day`."""
    if span == RankingSpan.MONTH:
        return Period.month(day.year, day.month)
    if span == RankingSpan.QUARTER:
        return Period.quarter(day.year, (day.month - 1) // 3 + 1)
    if span == RankingSpan.YEAR:
        return Period.year(day.year)
    raise ValueError(f"unknown ranking span {span!r}")


@dataclass(frozen=True)
class RankingPeriod:
    """A month, quarter or year the rankings are read over."""

    span: str
    period: Period

    @classmethod
    def holding(cls, span: str, day: date) -> "RankingPeriod":
        return cls(span, span_period(span, day))

    @property
    def previous(self) -> "RankingPeriod":
        """The period of the same span just before: the month, quarter or year before."""
        return RankingPeriod.holding(self.span, self.period.first_day - timedelta(days=1))

    @property
    def token(self) -> str:
        """How the period is named in URLs: 2026-11, 2026-Q4 or 2026."""
        first = self.period.first_day
        if self.span == RankingSpan.MONTH:
            return f"{first:%Y-%m}"
        if self.span == RankingSpan.QUARTER:
            return f"{first.year}-Q{(first.month - 1) // 3 + 1}"
        return str(first.year)

    @property
    def label(self) -> str:
        """How the period is shown: 2026-11, 2026年第4季度 or 2026年."""
        first = self.period.first_day
        if self.span == RankingSpan.QUARTER:
            return _("%(year)s年第%(quarter)s季度") % {
                "year": first.year,
                "quarter": (first.month - 1) // 3 + 1,
            }
        if self.span == RankingSpan.YEAR:
            return _("%(year)s年") % {"year": first.year}
        return f"{first:%Y-%m}"


def rank_period(chosen: RankingPeriod, dimension: FigureDimension) -> list[Ranked]:
    """`ranking` of the one `dimension` in `chosen` against the period before it: what the rankings
    page and the API show. Only that dimension's kept slices are read (a year holds ~100 rows a day
    over the three)."""
    return ranking(
        read(chosen.period, slices=[dimension]), read(chosen.previous.period, slices=[dimension]), dimension
    )


def offered(span: str, today: date) -> list[RankingPeriod]:
    """The periods of `span` the rankings offer, the one holding `today` first."""
    found = [RankingPeriod.holding(span, today)]
    while len(found) < OFFERED[RankingSpan(span)]:
        found.append(found[-1].previous)
    return found


def find_offered(token: str, today: date) -> RankingPeriod | None:
    """The offered period named `token` (of any span); None when no offered period has that name."""
    for span in RankingSpan.values:
        for each in offered(span, today):
            if each.token == token:
                return each
    return None
