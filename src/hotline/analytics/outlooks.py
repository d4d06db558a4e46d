"""The forecasts the overview shows (未诉先办): the next week and the next four weeks of appeals for
the city and for its top categories and areas, and the city's next two weeks day by day (the band
along the overview's trend), made by the worker once a day from the kept daily figures
(`analytics.forecast` is the model) and kept as a `ForecastSet`."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from hotline.analytics import figures
from hotline.analytics.forecast import daily, fit, predict
from hotline.analytics.models import ForecastSet
from hotline.analytics.periods import Period
from hotline.analytics.rankings import names_of
from hotline.core import clock
from hotline.core.enums import FigureDimension
from hotline.sla.selectors import calendar_for

HISTORY_DAYS = 730
TOP = 5
HORIZONS = {"week": 7, "month": 28}
# The city's days forecast one by one, for the trend's band.
DAYS_AHEAD = 14


def _outlooks(
    history: dict[date, int], start: date, workday: Any, days_ahead: int = 0
) -> dict[str, Any] | None:
    """The totals of each horizon, and (`days_ahead`) each of the next days; one fit."""
    model = fit(history, workday=workday)
    if model is None:
        return None
    found: dict[str, Any] = {name: predict(model, start, days).as_dict() for name, days in HORIZONS.items()}
    if days_ahead:
        found["days"] = [day.as_dict() for day in daily(model, start, days_ahead)]
    return found


def make_forecasts(today: date | None = None) -> ForecastSet | None:
    """Forecast from today on the history up to yesterday (today is not over), for the city, the
    TOP categories and the TOP areas by the last four weeks' volume; kept. None when the city's
    history is too short to forecast. A handful of queries, whatever the history."""
    today = today or clock.localtime().date()
    history = Period.days(today - timedelta(days=HISTORY_DAYS), today - timedelta(days=1))
    calendar = calendar_for()

    def workday(day: date) -> bool:
        return calendar.day(day).is_workday

    received = {day: c.received for day, c in figures.read(history, slices=False).days.items()}
    # The history starts with the first appeal, not with the zeros of the days before the city
    # began to use Hotline.
    started = min((day for day, n in received.items() if n), default=None)
    if started is None:
        return None
    city_days = {day: n for day, n in received.items() if day >= started}
    city = _outlooks(city_days, today, workday, DAYS_AHEAD)
    if city is None:
        return None
    recent = figures.read(Period.days(today - timedelta(days=28), today - timedelta(days=1)))
    # The city's line keeps its dimension, not a name in the worker's language: `lines` names it in
    # the reader's.
    data: dict[str, Any] = {"city": {"dimension": FigureDimension.CITY.value, **city}}
    for dimension, label in ((FigureDimension.CATEGORY, "categories"), (FigureDimension.AREA, "areas")):
        ranked = sorted(recent.of(dimension).items(), key=lambda item: -item[1].received)[:TOP]
        keys = [key for key, counts in ranked if counts.received]
        names = names_of(dimension, keys)
        series = figures.received_by_day(history, dimension, keys)
        rows = []
        for key in keys:
            # Kept days without a row had nothing received in that slice: zeros, not gaps.
            days = {day: series[key].get(day, 0) for day in city_days}
            found = _outlooks(days, today, workday)
            if found is not None:
                rows.append({"key": key, "name": names.get(key, str(key)), **found})
        data[label] = rows
    return ForecastSet.objects.create(made_at=clock.now(), starts_on=today, data=data)


def latest() -> ForecastSet | None:
    return ForecastSet.objects.order_by("-made_at").first()


@dataclass(frozen=True)
class Band:
    """A horizon's total as shown: whole appeals, expected and its 80% interval."""

    expected: int
    low: int
    high: int

    @classmethod
    def of(cls, kept: dict[str, Any]) -> "Band":
        return cls(round(kept["expected"]), round(kept["low"]), round(kept["high"]))


@dataclass(frozen=True)
class Line:
    """One line of a forecast table: the city, a top category or a top area of the kept set, its
    next week (7 days) and next four weeks (28 days)."""

    dimension: str  # FigureDimension
    key: int | None
    name: str
    week: Band
    month: Band

    @property
    def dimension_label(self) -> str:
        return str(FigureDimension(self.dimension).label)


def lines(
    forecast: ForecastSet | None,
    *,
    categories: Collection[int] | None = None,
    areas: Collection[int] | None = None,
) -> list[Line]:
    """The lines every forecast table shows (the overview's, the reports' page, files and sheets):
    the city first, then the kept top categories and areas, in the set's order; only those of
    `categories` and `areas` when given (a district's or department's report, `analytics.scopes`)."""
    if forecast is None:
        return []
    data = forecast.data

    def line(dimension: str, row: dict[str, Any]) -> Line:
        # The city by its label, whatever an older set kept as its name (the worker's 全市).
        name = str(FigureDimension.CITY.label) if dimension == FigureDimension.CITY else row["name"]
        return Line(dimension, row.get("key"), name, Band.of(row["week"]), Band.of(row["month"]))

    found = [line(FigureDimension.CITY, data["city"])]
    for dimension, label, wanted in (
        (FigureDimension.CATEGORY, "categories", categories),
        (FigureDimension.AREA, "areas", areas),
    ):
        found += [
            line(dimension, row) for row in data.get(label, []) if wanted is None or row["key"] in wanted
        ]
    return found
