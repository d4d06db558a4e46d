"""Each figure of analytics.facts, analytics.figures and analytics.selectors on the hand-built June
(conftest.py), with the exact numbers it must give, counted live and kept per day alike."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from hotline.analytics import facts, figures, selectors, tasks
from hotline.analytics.figures import read, recount
from hotline.analytics.models import DailyFigure, FigureDay, FiguresState
from hotline.analytics.periods import Period, Rate
from hotline.core import clock
from hotline.core.enums import Channel, FigureDimension, Resolution, Satisfaction, SuspensionReason
from hotline.feedback import actions as feedback
from hotline.intake.actions import AppealData, do_receive_appeal
from hotline.sla import actions as sla
from hotline.supervision.selectors import BoardFilters, board_counts
from hotline.tickets import actions
from tests.analytics.conftest import SHANGHAI, at

JUNE = Period.month(2025, 6)


def test_periods_are_local_days_and_months() -> None:
    assert JUNE.start.astimezone(SHANGHAI).isoformat() == "2025-06-01T00:00:00+08:00"
    assert JUNE.end.astimezone(SHANGHAI).isoformat() == "2025-07-01T00:00:00+08:00"
    assert Period.month(2025, 12).end.isoformat() == "2026-01-01T00:00:00+08:00"
    assert Period.day(date(2025, 6, 30)) == Period(at(6, 30, 0), at(7, 1, 0))


def volume(period: Period) -> int:
    return read(period).city.received


def receive(staff, when):
    with clock.frozen_at(when):
        ticket, _created = do_receive_appeal(
            AppealData(
                channel=Channel.WEB, title="噪音", content="夜间施工噪音。", citizen_phone="13900001111"
            ),
            staff["operator"],
        )
    return ticket


@pytest.fixture(params=["live", "kept"])
def june(request, june):
    """The hand-built June, its figures counted live from the tickets, or kept per day (recounted
    on 1 July, as the worker would) and read from the kept rows: every figure must agree."""
    if request.param == "kept":
        with clock.frozen_at(at(7, 1, 3)):
            assert recount(date(2025, 5, 1), date(2025, 6, 30)) == 61
    return june


def test_volume_counts_tickets_received_in_the_local_period(june) -> None:
    # t10 t1 t2 t3 t4 t5 t11 t9; not t6 (merged), t7 (invalid) nor t8 (May).
    assert volume(JUNE) == 8
    # 23:59 local belongs to that day: t8 to 31 May, t9 to 30 June; 00:30 local on 1 June is June's.
    assert volume(Period.day(date(2025, 5, 31))) == 1
    assert volume(Period.day(date(2025, 6, 30))) == 1
    assert volume(Period.day(date(2025, 6, 1))) == 1
    assert volume(Period.month(2025, 5)) == 1
    assert volume(Period.day(date(2025, 6, 14))) == 1  # t5; t6 merged and t7 invalid are left out


def test_overdue_now_is_open_assignments_past_their_deadline(june) -> None:
    # t3's lead and co, never signed; t6's lead is past due too but its ticket was merged; t11's
    # reopened lead is due again on 24 June.
    now = at(6, 20, 12)
    assert selectors.overdue_now(now) == 2
    assert selectors.overdue_now(now) == board_counts(now=now, filters=BoardFilters())["overdue"]
    assert selectors.overdue_now(at(6, 12, 11)) == 0


def test_the_rates_of_june(june) -> None:
    rates = read(JUNE).city.rates
    # Leads answered in June: t1 on time, t2 late; t11's was reopened and is at work again.
    assert rates["on_time"] == Rate(1, 2)
    # Of t1 t2 t3 t4 t11 (left the queue): t1 closed, t2 replied, t4 answered on the spot.
    assert rates["handled"] == Rate(3, 5)
    # Of those three, every answer reached the citizen: t1 and t2 called back, t4 told on the call.
    assert rates["replied"] == Rate(3, 3)
    # Callbacks in June: t1 satisfied/resolved, t2 basically/partly, t11 unsatisfied/unresolved.
    assert rates["satisfied"] == Rate(2, 3)
    assert rates["resolved"] == Rate(1, 3)
    assert rates["satisfied"].percent == 66.7 and rates["handled"].percent == 60.0


def test_a_period_without_anything_has_no_rate(june) -> None:
    rates = read(Period.month(2025, 4)).city.rates
    assert all(r == Rate(0, 0) and r.share is None and r.percent is None for r in rates.values())


def test_rates_follow_the_time_of_their_own_event(june) -> None:
    # t2 was replied on 25 June and called back on 26 June: that week counts its answer and call.
    rates = read(Period.days(date(2025, 6, 23), date(2025, 6, 29))).city.rates
    assert rates["on_time"] == Rate(0, 1)
    assert (rates["satisfied"], rates["resolved"]) == (Rate(1, 1), Rate(0, 1))
    assert rates["handled"] == Rate(0, 0)  # nothing was received that week


def test_the_slices_of_june(june, departments) -> None:
    month = read(JUNE)
    housing = month.of(FigureDimension.DEPARTMENT)[departments["housing"].pk]
    # t1 t2 t3 t11 are led by 住建局 (t6's lead too, but t6 was merged); 水务局 only helps on t3.
    assert housing.received == 4 and departments["water"].pk not in month.of(FigureDimension.DEPARTMENT)
    assert housing.rates["on_time"] == Rate(1, 2) and housing.rates["satisfied"] == Rate(2, 3)
    street = month.of(FigureDimension.AREA)[departments["street"].pk]
    assert (street.received, street.callbacks, street.leads_answered) == (2, 2, 2)
    # Every slice adds up to at most the city (tickets without an area or a category are the rest).
    for dimension in (FigureDimension.AREA, FigureDimension.CATEGORY, FigureDimension.DEPARTMENT):
        assert sum(c.received for c in month.of(dimension).values()) <= month.city.received


def test_top_categories_count_first_levels(june) -> None:
    ranked = selectors.top_categories(read(JUNE))
    assert [(r.name, r.count) for r in ranked] == [("城乡建设", 3), ("教育", 1)]
    assert [(r.name, r.count) for r in selectors.top_categories(read(JUNE), limit=1)] == [("城乡建设", 3)]


def test_top_areas_by_volume(june) -> None:
    ranked = selectors.top_areas(read(JUNE))
    assert [(r.name, r.count) for r in ranked] == [("和平街道", 2), ("西城区", 2), ("东城区", 1)]


def test_daily_volume_lists_every_day(june) -> None:
    series = selectors.daily_volume(date(2025, 6, 30), 30)
    assert len(series) == 30 and series[0] == (date(2025, 6, 1), 1) and series[-1] == (date(2025, 6, 30), 1)
    counts = dict(series)
    assert {d.day for d, n in series if n} == {1, 10, 11, 12, 13, 14, 15, 30}
    assert sum(counts.values()) == 8 and counts[date(2025, 6, 14)] == 1


def test_district_volumes_count_the_areas_below(june) -> None:
    # 东城区: t1 t2 (in its street 和平街道) and t3 (in the district itself); 西城区: t4 and t11.
    assert [(r.name, r.count) for r in selectors.district_volumes(read(JUNE))] == [
        ("东城区", 3),
        ("西城区", 2),
    ]


def test_monthly_series(june) -> None:
    months = selectors.monthly(read(selectors.months_ending(date(2025, 6, 30), 3)))
    assert [m.month for m in months] == [date(2025, 4, 1), date(2025, 5, 1), date(2025, 6, 1)]
    april, may, june_ = months
    assert (april.volume, may.volume, june_.volume) == (0, 1, 8)
    assert june_.on_time == Rate(1, 2) and june_.satisfied == Rate(2, 3)
    assert june_.counts.rates["resolved"] == Rate(1, 3)
    assert may.on_time == Rate(0, 0) and may.satisfied.percent is None
    assert selectors.months_ending(date(2026, 1, 15), 2) == Period(
        Period.month(2025, 12).start, Period.month(2026, 1).end
    )


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

    # The kept days; when some are kept, their city rows (and slices); when some are not, the
    # bounds of the days that can hold a measure (three) and five per run of those.
    kept = FigureDay.objects.exists()
    month = read(JUNE)
    expected = {
        "read": (lambda: read(JUNE), 3 if kept else 9),
        "read, no slices": (lambda: read(JUNE, slices=False), 2 if kept else 9),
        "overdue": (lambda: selectors.overdue_now(at(6, 20)), 1),
        "categories": (lambda: selectors.top_categories(month), 1),
        "areas": (lambda: selectors.top_areas(month), 1),
        "daily": (lambda: selectors.daily_volume(date(2025, 6, 30)), 2 if kept else 9),
        "monthly": (lambda: selectors.monthly(month), 0),
        "districts": (lambda: selectors.district_volumes(month), 1),
        "geojson": (selectors.district_geojson, 1),
    }
    assert {name: queries(run) for name, (run, _n) in expected.items()} == {
        name: n for name, (_run, n) in expected.items()
    }


def test_only_days_that_can_hold_a_measure_are_counted_live(june, monkeypatch) -> None:
    # June 2025's tickets, answers and callbacks run from 31 May (t8) to 30 June (t9): a year read
    # with nothing kept counts that span, not the empty months before and after it.
    FigureDay.objects.all().delete()
    counted: list[tuple[date, date]] = []
    real = figures.count_facts

    def spy(period: Period):
        counted.append((period.first_day, period.last_day))
        return real(period)

    monkeypatch.setattr(figures, "count_facts", spy)
    year = read(Period.days(date(2025, 1, 1), date(2025, 12, 31)))
    assert counted == [(date(2025, 5, 31), date(2025, 6, 30))]
    assert year.city.received == read(Period.days(date(2025, 5, 31), date(2025, 6, 30))).city.received == 9
    counted.clear()
    assert read(Period.month(2024, 1)).city.received == 0 and counted == []


def test_a_reading_of_one_dimension_has_its_slices_only(june) -> None:
    with clock.frozen_at(at(7, 1)):
        recount(date(2025, 5, 31), date(2025, 6, 30))
    every = read(JUNE)
    departments_only = read(JUNE, slices=[FigureDimension.DEPARTMENT])
    assert set(departments_only.slices) == {FigureDimension.DEPARTMENT}
    assert departments_only.of(FigureDimension.DEPARTMENT) == every.of(FigureDimension.DEPARTMENT)
    assert departments_only.city == every.city


def test_kept_days_are_read_until_recounted(june, staff) -> None:
    FigureDay.objects.all().delete()  # their rows with them
    assert not DailyFigure.objects.exists()
    with clock.frozen_at(at(6, 20, 12)):
        assert recount(date(2025, 6, 1), date(2025, 6, 30)) == 20  # up to today so far, no later
        assert not FigureDay.objects.filter(day__gt=date(2025, 6, 20)).exists()
        assert read(JUNE).counted_at == at(6, 20, 12)
        # A ticket received on a kept day before today waits for the recount; today (README: "today
        # is always counted live") and a later day are counted live.
        receive(staff, at(6, 20, 9))
        receive(staff, at(6, 12, 9))
        assert volume(Period.day(date(2025, 6, 20))) == 1
        assert volume(Period.day(date(2025, 6, 12))) == 1
        recount(date(2025, 6, 12), date(2025, 6, 20))
        assert volume(Period.day(date(2025, 6, 12))) == 2
        assert volume(Period.day(date(2025, 6, 20))) == 1
        assert volume(Period.day(date(2025, 6, 30))) == 1  # t9, not kept: counted live
    assert volume(JUNE) == 10


def test_an_answer_that_did_not_reach_the_citizen_is_handled_not_replied(june, staff, departments) -> None:
    FigureDay.objects.all().delete()
    with clock.frozen_at(at(6, 21)):
        ticket = receive(staff, at(6, 21))
        ticket = actions.do_dispatch_ticket(
            ticket, staff["dispatcher"], lead_department_id=departments["housing"].pk
        )
        ticket = actions.do_accept_assignment(ticket, staff["housing"])
        feedback.do_reply_ticket(ticket, staff["housing"], text="已处理。")
        day = read(Period.day(date(2025, 6, 21))).city
        assert (day.dispatched, day.handled, day.replied) == (1, 1, 0)
        feedback.do_record_callback_attempt(ticket, staff["operator"], note="无人接听")
        assert read(Period.day(date(2025, 6, 21))).city.replied == 0  # unreachable: not yet
        feedback.do_record_callback(
            ticket, staff["operator"], resolution=Resolution.RESOLVED, satisfaction=Satisfaction.SATISFIED
        )
        assert read(Period.day(date(2025, 6, 21))).city.rates["replied"] == Rate(1, 1)


def test_figures_are_kept_per_whole_local_day(june) -> None:
    with pytest.raises(ValueError, match="midnight"):
        read(Period(at(6, 1, 10), at(6, 2, 0)))


def test_the_workers_recount(june) -> None:
    FigureDay.objects.all().delete()
    with clock.frozen_at(at(7, 1, 3)):
        # The first of the day recounts every day since the first ticket (31 May) up to today.
        # Then the day's forecasts: the month of history (31 May to 30 June) is enough to make them,
        # and the leader lists of the running report periods and the ones before (4 x 2).
        assert tasks.recount_due() == {
            "days": 32,
            "full": True,
            "leader_lists": 8,
            "forecast": True,
            "seconds": 0.0,
        }
        assert FigureDay.objects.count() == 32
        # Later the same day only the recent days.
        assert tasks.recount_due()["full"] is False
        assert FiguresState.objects.get().last_report["days"] == 32
    with clock.frozen_at(at(9, 15, 3)):
        FigureDay.objects.filter(day=date(2025, 5, 31)).delete()
        tasks.recount_due()  # a new day: everything again, the lost day too
        assert FigureDay.objects.filter(day=date(2025, 5, 31)).exists()
        assert FigureDay.objects.count() == (date(2025, 9, 15) - date(2025, 5, 31)).days + 1
    assert volume(JUNE) == 8


def test_a_recount_inside_an_open_transaction_keeps_what_it_cannot_commit_yet(june, settings) -> None:
    """The demo recounts inside its own transaction: on PostgreSQL the months counted side by side
    on other connections saw none of its tickets and kept its days empty, with no forecast."""
    settings.HOTLINE_FIGURES_THREADS = 2
    FigureDay.objects.all().delete()
    with clock.frozen_at(at(7, 1, 3)):
        report = tasks.recount_due()  # 31 May to 1 July: two months of days
        assert report["days"] == 32 and report["forecast"] is True
    assert FigureDay.objects.count() == 32
    assert DailyFigure.objects.filter(day__lte=date(2025, 6, 30), dimension=FigureDimension.CITY).exists()
    assert volume(JUNE) == 8


def test_the_recount_is_enqueued_once_per_interval(june, settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    with clock.frozen_at(at(7, 1, 3)), TestCase.captureOnCommitCallbacks(execute=True):
        assert tasks.enqueue_recount_if_due(600)
    assert FigureDay.objects.filter(day=date(2025, 6, 30)).exists()
    with clock.frozen_at(at(7, 1, 3, 5)):
        assert not tasks.enqueue_recount_if_due(600)
    with clock.frozen_at(at(7, 1, 3, 11)):
        assert tasks.enqueue_recount_if_due(600) is True


def test_the_worker_keeps_the_figures(june, settings, django_capture_on_commit_callbacks) -> None:
    FigureDay.objects.all().delete()
    settings.HOTLINE_FIGURES_INTERVAL = 600
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    out = StringIO()
    with clock.frozen_at(at(7, 1, 3)), django_capture_on_commit_callbacks(execute=True):
        call_command("worker", "--once", "--no-sweep", stdout=out)
    assert "figures recount enqueued" in out.getvalue()
    assert FigureDay.objects.filter(day=date(2025, 6, 30)).exists()
    assert DailyFigure.objects.get(day=date(2025, 6, 10), dimension=FigureDimension.CITY).received == 1


def test_the_on_time_rate_follows_extensions_and_suspensions(staff, departments) -> None:
    """及时率 against the deadline as it then stood: an approved extension moves it, suspended
    working time moves it; a refused extension does not."""
    housing = departments["housing"].pk

    def handled(when):
        with clock.frozen_at(when):
            ticket = actions.do_dispatch_ticket(
                receive(staff, when), staff["dispatcher"], lead_department_id=housing
            )
            return actions.do_accept_assignment(ticket, staff["housing"])

    def reply(ticket, when):
        with clock.frozen_at(when):
            feedback.do_reply_ticket(ticket, staff["housing"], text="已处理。")

    def ask_more_time(ticket, when, approve):
        due = ticket.assignments.get().due_at
        with clock.frozen_at(when):
            ticket = sla.do_request_extension(
                ticket, staff["housing"], reason="需协调多部门", requested_due_at=due + timedelta(days=14)
            )
            return sla.do_review_extension(ticket, staff["dispatcher"], approve=approve)

    extended = ask_more_time(handled(at(9, 1)), at(9, 2), approve=True)
    refused = ask_more_time(handled(at(9, 1, 11)), at(9, 2), approve=False)
    suspended = handled(at(9, 1, 12))
    with clock.frozen_at(at(9, 2)):
        suspended = sla.do_suspend_assignment(suspended, staff["housing"], reason=SuspensionReason.values[0])
    with clock.frozen_at(at(9, 12)):  # ten days stopped
        suspended = sla.do_resume_assignment(suspended, staff["housing"])
    first_due = {
        t.pk: t.assignments.get().original_due_at or t.assignments.get().due_at for t in (extended, refused)
    }
    # All three answered after their first deadline; the extended and the suspended still in time.
    late = max(first_due.values()) + timedelta(days=2)
    for ticket in (extended, refused, suspended):
        reply(ticket, late)
    day = clock.localtime(late).date()
    rates = read(Period.day(day)).city.rates
    assert rates["on_time"] == Rate(2, 3)
    behind = {row.ticket_key: row.in_numerator for row in facts.behind("on_time", Period.day(day), "city", 0)}
    assert behind == {extended.pk: True, refused.pk: False, suspended.pk: True}


def test_the_admin_decides_which_tickets_are_exempt(june, admin_client) -> None:
    # By default the merged t6 and the invalid t7 count nowhere.
    assert volume(JUNE) == 8
    FiguresState.objects.create(pk=1, last_full_on=date(2025, 7, 1))
    response = admin_client.post(
        "/admin/analytics/figuresettings/add/",
        {
            "id": 1,
            "exempt_invalid": "on",
            "on_time": 25,
            "handled": 25,
            "replied": 25,
            "satisfied": 25,
            "min_received": 10,
        },
    )
    assert response.status_code == 302
    # The kept days are recounted in full at the worker's next round; then t6 counts, on its day.
    assert FiguresState.objects.get().last_full_on is None
    with clock.frozen_at(at(7, 1, 3)):
        tasks.recount_due()
    assert volume(JUNE) == 9


def test_postgresql_sums_the_slices_as_python_does(june) -> None:
    """On PostgreSQL the database sums each source per day and per slice (GROUPING SETS); the same
    June summed in Python, as on SQLite, gives every figure the same."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: GROUPING SETS; SQLite sums in Python")
    month = Period.days(date(2025, 5, 25), date(2025, 7, 5))
    for period in (month, Period.day(date(2025, 6, 14)), Period.day(date(2025, 6, 10))):
        assert facts._count_facts_grouping_sets(period) == facts._count_facts_in_python(period)
    assert {dimension for _day, dimension, _key in facts.count_facts(month)} == set(FigureDimension)
