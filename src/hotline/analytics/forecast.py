"""Forecasts of the volume (未诉先办): how many appeals the next week and the next month will bring, in
total and per top category and area, with an interval, from the city's own history.

The model is a Poisson regression of the daily count on: a trend, the day of the week, whether the
day is a working day in the city's calendar (statutory holidays off and make-up weekends on, from
`sla.calendar`: a Golden Week looks like a week of Sundays, not like its weekdays), and, once two
years of history are there, the time of year (three pairs of Fourier terms, so that a summer or an
exam season recurs). Counts are overdispersed (one storm, one campaign), so the interval widens the
Poisson variance by the dispersion measured on the history (quasi-Poisson) and takes a normal
approximation of the total over the horizon: a period's total of dozens of appeals and more is
close enough to normal. Too short a history (under four weeks) gives no forecast rather than a
guess.

Fitting is pure (`fit`, `predict`): numbers in, numbers out; `bench/forecast.py` backtests it on
real message times against the naive forecasts a planner would otherwise use.
"""

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

MIN_HISTORY_DAYS = 28
YEARLY_FROM_DAYS = 730
FOURIER_PAIRS = 3
HALF_LIFE_DAYS = 56.0
# The interval's coverage: 80% (z = 1.2816), the usual band for a planning forecast.
Z = 1.2816

Workday = Callable[[date], bool]


def weekday_rule(day: date) -> bool:
    return day.weekday() < 5


@dataclass(frozen=True)
class Model:
    first: date
    span: float  # days from the first to the last day of the history, for the trend's scale
    yearly: bool
    coef: np.ndarray
    intercept: float
    workday: Workday
    # The history and the model's fit of it, for the dispersion at each horizon.
    observed: np.ndarray
    fitted: np.ndarray

    def dispersion(self, days: int) -> float:
        """The dispersion of totals over `days` days, measured on the history's windows of that
        length (of a week when the history holds fewer than three)."""
        window = days if len(self.observed) // days >= 3 else 7
        return _dispersion(self.observed, self.fitted, window)

    def _features(self, days: list[date]) -> np.ndarray:
        return _features(days, self.first, self.span, self.yearly, self.workday)


def _features(days: list[date], first: date, span: float, yearly: bool, workday: Workday) -> np.ndarray:
    rows = []
    for day in days:
        row = [(day - first).days / span]
        row += [1.0 if day.weekday() == k else 0.0 for k in range(1, 7)]  # Monday is the base
        row.append(1.0 if workday(day) else 0.0)
        if yearly:
            angle = 2 * math.pi * day.timetuple().tm_yday / 365.25
            for k in range(1, FOURIER_PAIRS + 1):
                row += [math.sin(k * angle), math.cos(k * angle)]
        rows.append(row)
    return np.array(rows, dtype=float)


def fit(
    history: Mapping[date, int], *, workday: Workday = weekday_rule, half_life: float | None = HALF_LIFE_DAYS
) -> Model | None:
    """The model of a daily series (days missing from `history` count 0, between its first and last
    day); None when the history is shorter than MIN_HISTORY_DAYS or holds nothing."""
    if not history:
        return None
    first, last = min(history), max(history)
    n = (last - first).days + 1
    if n < MIN_HISTORY_DAYS or not any(history.values()):
        return None
    days = [first + timedelta(days=i) for i in range(n)]
    y = np.array([history.get(day, 0) for day in days], dtype=float)
    span = float(max(n - 1, 1))
    yearly = n >= YEARLY_FROM_DAYS
    x = _features(days, first, span, yearly, workday)
    # A light ridge keeps a rare weekday or a short history from swinging the weights.
    # Recent days weigh more (half-life): the level of the last months, not of two years ago.
    age = np.arange(n)[::-1]
    weights = np.ones(n) if half_life is None else 0.5 ** (age / half_life)
    # Imported here: the web processes that only show a kept forecast need not load scikit-learn.
    from sklearn.linear_model import PoissonRegressor
    from threadpoolctl import threadpool_limits

    regression = PoissonRegressor(alpha=1e-3, max_iter=300)
    # One BLAS thread: the problem is tiny, and on a busy machine the threads' spinning took 1.3 s
    # instead of 3 ms (measured with the suite running beside it).
    with threadpool_limits(limits=1):
        regression.fit(x, y, sample_weight=weights)
    return Model(
        first, span, yearly, regression.coef_, float(regression.intercept_), workday, y, regression.predict(x)
    )


def _dispersion(y: np.ndarray, mu: np.ndarray, window: int) -> float:
    """How much more the totals of `window` days vary than Poisson says, over the history's last
    non-overlapping windows: mean of (Y - M)^2 / M. Days are not independent (a busy week stays
    busy), so this is wider than the daily quasi-Poisson dispersion, and right for totals."""
    weeks = len(y) // window
    if weeks < 2:
        return 1.0
    ys = y[len(y) - weeks * window :].reshape(weeks, window).sum(axis=1)
    ms = mu[len(mu) - weeks * window :].reshape(weeks, window).sum(axis=1)
    return max(1.0, float(np.mean((ys - ms) ** 2 / np.maximum(ms, 1e-9))))


@dataclass(frozen=True)
class Outlook:
    """The expected total of `days` days from `start`, and its 80% interval."""

    start: date
    days: int
    expected: float
    low: float
    high: float

    @property
    def end(self) -> date:
        return self.start + timedelta(days=self.days - 1)

    def as_dict(self) -> dict[str, object]:
        return {
            "start": self.start.isoformat(),
            "days": self.days,
            "expected": round(self.expected, 1),
            "low": round(self.low, 1),
            "high": round(self.high, 1),
        }


def predict(model: Model, start: date, days: int) -> Outlook:
    """The total expected over `days` days from `start`, with its 80% interval (never below 0)."""
    span = [start + timedelta(days=i) for i in range(days)]
    mu = np.exp(model._features(span) @ model.coef + model.intercept)
    expected = float(mu.sum())
    spread = Z * math.sqrt(model.dispersion(days) * expected)
    return Outlook(start, days, expected, max(0.0, expected - spread), expected + spread)


def daily(model: Model, start: date, days: int) -> list[Outlook]:
    """Each of the `days` days from `start` on its own, with its 80% interval (the dispersion of
    single days): the band drawn along the trend."""
    return [predict(model, start + timedelta(days=i), 1) for i in range(days)]


def outlook(
    history: Mapping[date, int], start: date, days: int, *, workday: Workday = weekday_rule
) -> Outlook | None:
    """`fit` then `predict`; None when the history is too short."""
    model = fit(history, workday=workday)
    return None if model is None else predict(model, start, days)
