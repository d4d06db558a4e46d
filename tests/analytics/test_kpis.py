"""Each figure of analytics.kpis and analytics.selectors on the hand-built June (conftest.py), with
the exact numbers it must give."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hotline.analytics import kpis, selectors
from hotline.analytics.kpis import Period, Rate
from hotline.supervision.selectors import BoardFilters, board_counts
from tests.analytics.conftest import SHANGHAI, at

JUNE = Period.month(2025, 6)


def test_periods_are_local_days_and_months() -> None:
    assert JUNE.start.astimezone(SHANGHAI).isoformat() == "2025-06-01T00:00:00+08:00"
    assert JUNE.end.astimezone(SHANGHAI).isoformat() == "2025-07-01T00:00:00+08:00"
    assert Period.month(2025, 12).end.isoformat() == "2026-01-01T00:00:00+08:00"
    assert Period.day(date(2025, 6, 30)) == Period(at(6, 30, 0), at(7, 1, 0))


def test_volume_counts_tickets_received_in_the_local_period(june) -> None:
    # t10 t1 t2 t3 t4 t5 t11 t9; not t6 (merged), t7 (invalid) nor t8 (May).
    assert kpis.volume(JUNE) == 8
    # 23:59 local belongs to that day: t8 to 31 May, t9 to 30 June; 00:30 local on 1 June is June's.
    assert kpis.volume(Period.day(date(2025, 5, 31))) == 1
    assert kpis.volume(Period.day(date(2025, 6, 30))) == 1
    assert kpis.volume(Period.day(date(2025, 6, 1))) == 1
    assert kpis.volume(Period.month(2025, 5)) == 1
    assert kpis.volume(Period.day(date(2025, 6, 14))) == 1  # t5; t6 merged and t7 invalid are left out


def test_overdue_now_is_open_assignments_past_their_deadline(june) -> None:
    # t3's lead and co, never signed; t6's lead is past due too but its ticket was merged; t11's
    # reopened lead is due again on 24 June.
    now = at(6, 20, 12)
    assert kpis.overdue_now(now) == 2
    assert kpis.overdue_now(now) == board_counts(now=now, filters=BoardFilters())["overdue"]
    assert kpis.overdue_now(at(6, 12, 11)) == 0


def test_the_rates_of_june(june) -> None:
    rates = kpis.rates(JUNE)
    # Of t1 t2 t3 t4 t11 (left the queue): t1 closed, t2 replied, t4 answered on the spot.
    assert rates["replied"] == Rate(3, 5)
    # Leads answered in June: t1 on time, t2 late; t11's was reopened and is at work again.
    assert rates["on_time"] == Rate(1, 2)
    # Callbacks in June: t1 satisfied/resolved, t2 basically/partly, t11 unsatisfied/unresolved.
    assert rates["satisfied"] == Rate(2, 3)
    assert rates["resolved"] == Rate(1, 3)
    assert rates["satisfied"].percent == 66.7 and rates["replied"].percent == 60.0


def test_a_period_without_anything_has_no_rate(june) -> None:
    rates = kpis.rates(Period.month(2025, 4))
    assert all(r == Rate(0, 0) and r.share is None and r.percent is None for r in rates.values())


def test_rates_follow_the_time_of_their_own_event(june) -> None:
    # t2 was replied on 25 June and called back on 26 June: that week counts its answer and call.
    week = Period.days(date(2025, 6, 23), date(2025, 6, 29))
    assert kpis.on_time_rate(week) == Rate(0, 1)
    assert kpis.callback_rates(week) == {"satisfied": Rate(1, 1), "resolved": Rate(0, 1)}
    assert kpis.reply_rate(week) == Rate(0, 0)  # nothing was received that week


def test_top_categories_count_first_levels(june) -> None:
    ranked = selectors.top_categories(JUNE)
    assert [(r.name, r.count) for r in ranked] == [("城乡建设", 3), ("教育", 1)]
    assert [(r.name, r.count) for r in selectors.top_categories(JUNE, limit=1)] == [("城乡建设", 3)]


def test_top_areas_by_volume(june) -> None:
    ranked = selectors.top_areas(JUNE)
    assert [(r.name, r.count) for r in ranked] == [("和平街道", 2), ("西城区", 2), ("东城区", 1)]


def test_daily_volume_lists_every_day(june) -> None:
    series = selectors.daily_volume(date(2025, 6, 30), 30)
    assert len(series) == 30 and series[0] == (date(2025, 6, 1), 1) and series[-1] == (date(2025, 6, 30), 1)
    counts = dict(series)
    assert {d.day for d, n in series if n} == {1, 10, 11, 12, 13, 14, 15, 30}
    assert sum(counts.values()) == 8 and counts[date(2025, 6, 14)] == 1


def test_district_volumes_count_the_areas_below(june) -> None:
    # 东城区: t1 t2 (in its street 和平街道) and t3 (in the district itself); 西城区: t4 and t11.
    assert [(r.name, r.count) for r in selectors.district_volumes(JUNE)] == [("东城区", 3), ("西城区", 2)]


def test_monthly_series(june) -> None:
    months = selectors.monthly(date(2025, 6, 30), 3)
    assert [m.month for m in months] == [date(2025, 4, 1), date(2025, 5, 1), date(2025, 6, 1)]
    april, may, june_ = months
    assert (april.volume, may.volume, june_.volume) == (0, 1, 8)
    assert june_.on_time == Rate(1, 2) and june_.satisfied == Rate(2, 3) and june_.resolved == Rate(1, 3)
    assert may.on_time == Rate(0, 0) and may.satisfied.percent is None
    assert selectors.monthly(date(2026, 1, 15), 2)[0].month == date(2025, 12, 1)


def test_district_geojson(june) -> None:
    geo = selectors.district_geojson()
    assert geo["type"] == "FeatureCollection"
    assert [f["properties"]["name"] for f in geo["features"]] == ["东城区", "西城区"]  # not the street
    east = geo["features"][0]["geometry"]
    assert east["type"] == "Polygon"
    assert east["coordinates"] == [[[120.0, 30.0], [120.1, 30.0], [120.1, 30.1], [120.0, 30.0]]]  # closed
    assert selectors.has_district_boundaries()


@pytest.mark.django_db
def test_no_boundaries_no_map() -> None:
    assert selectors.district_geojson() == {"type": "FeatureCollection", "features": []}
    assert not selectors.has_district_boundaries()


def test_each_figure_takes_a_fixed_number_of_queries(june) -> None:
    def queries(run) -> int:
        with CaptureQueriesContext(connection) as ctx:
            run()
        return len(ctx.captured_queries)

    expected = {
        "volume": (lambda: kpis.volume(JUNE), 1),
        "overdue": (lambda: kpis.overdue_now(at(6, 20)), 1),
        "rates": (lambda: kpis.rates(JUNE), 3),
        "categories": (lambda: selectors.top_categories(JUNE), 1),
        "areas": (lambda: selectors.top_areas(JUNE), 1),
        "daily": (lambda: selectors.daily_volume(date(2025, 6, 30)), 1),
        "monthly": (lambda: selectors.monthly(date(2025, 6, 30)), 3),
        "districts": (lambda: selectors.district_volumes(JUNE), 2),
        "geojson": (selectors.district_geojson, 1),
    }
    assert {name: queries(run) for name, (run, _n) in expected.items()} == {
        name: n for name, (_run, n) in expected.items()
    }
