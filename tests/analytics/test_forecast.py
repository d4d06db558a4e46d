"""The volume forecasts: the model on series whose truth is known, and the day's forecasts the
worker keeps for the overview."""

from datetime import date, timedelta

import numpy as np
import pytest

from hotline.analytics.forecast import MIN_HISTORY_DAYS, fit, outlook, predict
from hotline.analytics.models import ForecastSet
from hotline.analytics.outlooks import latest, lines, make_forecasts
from hotline.core import clock
from tests.analytics.conftest import at, june  # noqa: F401  (the hand-built June)

START = date(2026, 1, 5)  # a Monday


def series(days: int, rate, seed: int = 1) -> dict[date, int]:
    """Poisson counts around `rate(day)` for `days` days from START."""
    rng = np.random.default_rng(seed)
    return {START + timedelta(days=i): int(rng.poisson(rate(START + timedelta(days=i)))) for i in range(days)}


def test_too_short_a_history_gives_no_forecast() -> None:
    assert fit({}) is None
    short = series(MIN_HISTORY_DAYS - 1, lambda d: 10)
    assert fit(short) is None and outlook(short, START + timedelta(days=30), 7) is None
    assert fit({START + timedelta(days=i): 0 for i in range(60)}) is None  # nothing ever came


def test_the_weekly_rhythm_is_learnt() -> None:
    # 20 a working day, 5 a weekend day: a week of 110.
    history = series(16 * 7, lambda d: 20 if d.weekday() < 5 else 5)
    start = START + timedelta(days=16 * 7)
    week = outlook(history, start, 7)
    assert week is not None
    assert 95 <= week.expected <= 125 and week.low < 110 < week.high
    assert 0 <= week.low < week.expected < week.high
    weekend = outlook(history, start + timedelta(days=5), 2)
    assert weekend is not None and weekend.expected < 15  # two weekend days


def test_holidays_from_the_calendar_lower_the_forecast() -> None:
    # A city whose calls drop on days off; the forecast week holds a three-day holiday.
    holiday = {START + timedelta(days=16 * 7 + i) for i in range(3)}
    past_holidays = {START + timedelta(days=7 * w + i) for w in (3, 8, 12) for i in range(2)}

    def workday(day: date) -> bool:
        return day.weekday() < 5 and day not in holiday and day not in past_holidays

    history = series(16 * 7, lambda d: 20 if workday(d) else 5)
    model = fit(history, workday=workday)
    assert model is not None
    start = START + timedelta(days=16 * 7)
    with_holiday = predict(model, start, 7).expected
    without = outlook(history, start, 7)  # the weekday rule: no holiday known
    assert without is not None and with_holiday < without.expected - 25


def test_a_quiet_series_never_forecasts_below_zero() -> None:
    history = series(8 * 7, lambda d: 0.3)
    result = outlook(history, START + timedelta(days=56), 28)
    assert result is not None and result.low >= 0 and result.expected < 20


def test_the_worker_keeps_the_days_forecasts(june) -> None:  # noqa: F811
    with clock.frozen_at(at(7, 1, 3)):
        made = make_forecasts()
    assert made is not None and latest() == made
    assert made.starts_on == date(2025, 7, 1)
    city = made.data["city"]
    # The city is kept by its dimension; the pages name it in their reader's language (`lines`).
    assert city["dimension"] == "city" and "name" not in city
    assert city["week"]["days"] == 7 and city["month"]["days"] == 28
    assert 0 <= city["week"]["low"] <= city["week"]["expected"] <= city["week"]["high"]
    # The city's next two weeks day by day (the overview's band): the same model as the week's total.
    days = city["days"]
    assert [d["start"] for d in days] == [
        (date(2025, 7, 1) + timedelta(days=i)).isoformat() for i in range(14)
    ]
    assert all(d["days"] == 1 and 0 <= d["low"] <= d["expected"] <= d["high"] for d in days)
    assert sum(d["expected"] for d in days[:7]) == pytest.approx(city["week"]["expected"], abs=0.5)
    # A day alone varies more, relative to its size, than a week's total.
    assert days[0]["high"] / max(days[0]["expected"], 0.1) > city["week"]["high"] / city["week"]["expected"]
    # The categories and areas of the last four weeks, the busiest first.
    assert [row["name"] for row in made.data["categories"]] == ["城乡建设", "教育"]
    assert {row["name"] for row in made.data["areas"]} == {"和平街道", "西城区", "东城区"}


@pytest.mark.django_db
def test_no_history_no_forecast() -> None:
    with clock.frozen_at(at(7, 1, 3)):
        assert make_forecasts() is None
    assert not ForecastSet.objects.exists()


def test_the_city_is_named_in_the_readers_language(june) -> None:  # noqa: F811
    from django.utils import translation

    with clock.frozen_at(at(7, 1, 3)):
        made = make_forecasts()
    assert made is not None
    # A set kept before the city was kept by its dimension holds the worker's words as its name.
    older = ForecastSet(made_at=made.made_at, starts_on=made.starts_on, data={**made.data})
    older.data["city"] = {**{k: v for k, v in made.data["city"].items() if k != "dimension"}, "name": "全市"}
    for kept in (made, older):
        assert lines(kept)[0].name == "全市"
        with translation.override("en"):
            assert lines(kept)[0].name == "Whole city"
