"""The composite score and the rankings (红黑榜) of departments, areas and categories by the four
rates of a period, with the change against the period before.

The score of a slice is the weighted mean of its four rates in percent (weights: `FigureSettings`,
set in the admin); a rate with nothing to count is left out and the other weights share its part;
a slice with no rate at all has no score. Slices that received fewer than
`FigureSettings.min_received` tickets are listed after the ranked ones, without a rank.
"""

from dataclasses import dataclass

from hotline.analytics.facts import FOUR_RATES, Counts
from hotline.analytics.figures import Figures
from hotline.analytics.models import FigureSettings
from hotline.analytics.periods import Rate
from hotline.core.enums import FigureDimension
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
    def rates(self) -> dict[str, Rate]:
        return self.counts.rates

    @property
    def cells(self) -> list[tuple[str, Rate]]:
        """The four rates in their order, as (key, rate)."""
        rates = self.counts.rates
        return [(name, rates[name]) for name in FOUR_RATES]

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
    scored = {key: score(c, weights) for key, c in counts.items()}
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
    unranked by volume), each with its score and rank in `previous`' period. Two queries (the
    weights, the names)."""
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
    return sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, -r.counts.received, r.name))
