"""Which period a report shows when none is asked for, and how a period still running is compared.

A leader reads the daily report in the morning: at 06:00 today has barely begun, yesterday is the
day that is over. So a report asked for without a date is the last whole period of its kind
(yesterday, last week, last month, last quarter), compared with the whole period before it. A
period asked for while it runs says so (截至 the moment it is counted to) and is compared with the
same elapsed part of the period before (Dec 1 to Dec 5 06:00 against Nov 1 to Nov 5 06:00), never
with the whole of it: 0 tickets by 06:00 against yesterday's whole day is no collapse.

The tickets, received (and left new) at these local times of 2025:

    10-15 10:00
    11-01 10:00   11-03 05:00   11-04 10:00   11-05 05:30   11-05 09:00   11-20 10:00
    12-01 10:00   12-03 10:00   12-04 05:00   12-04 10:00   12-04 20:00   12-05 05:00

and the clock stands at Friday 2025-12-05 06:00 (Asia/Shanghai).
"""

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from hotline.analytics.figures import recount
from hotline.analytics.periods import Period
from hotline.analytics.reports import build, last_whole_day, window
from hotline.core import clock
from hotline.web.management.commands.report import Command
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 12, 5, 6, 0, tzinfo=SHANGHAI)
RECEIVED = [
    (10, 15, 10, 0),
    (11, 1, 10, 0),
    (11, 3, 5, 0),
    (11, 4, 10, 0),
    (11, 5, 5, 30),
    (11, 5, 9, 0),
    (11, 20, 10, 0),
    (12, 1, 10, 0),
    (12, 3, 10, 0),
    (12, 4, 5, 0),
    (12, 4, 10, 0),
    (12, 4, 20, 0),
    (12, 5, 5, 0),
]


def at(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def tickets(staff) -> None:
    for month, day, hour, minute in RECEIVED:
        with clock.frozen_at(at(month, day, hour, minute)):
            make_ticket(actor=staff["operator"])


def get(client, user, path: str, **params):
    client.force_login(user)
    with clock.frozen_at(NOW):
        return client.get(path, params)


def test_without_a_date_each_kind_is_its_last_whole_period() -> None:
    today = date(2025, 12, 5)  # a Friday
    assert last_whole_day("daily", today) == date(2025, 12, 4)
    assert last_whole_day("weekly", today) == date(2025, 11, 24)
    assert last_whole_day("monthly", today) == date(2025, 11, 1)
    assert last_whole_day("quarterly", today) == date(2025, 7, 1)
    assert last_whole_day("monthly", date(2026, 1, 1)) == date(2025, 12, 1)


def test_a_running_period_is_compared_with_the_same_part_of_the_one_before() -> None:
    # Up to now and what happened at the moment itself (a period's end is exclusive).
    tick = timedelta(microseconds=1)
    running = window("monthly", date(2025, 12, 5), NOW)
    assert running.until == NOW
    assert running.counted == Period(at(12, 1), NOW + tick)
    assert running.previous == Period(at(11, 1), at(11, 5, 6) + tick)
    daily = window("daily", date(2025, 12, 5), NOW)
    assert (daily.counted, daily.previous) == (
        Period(at(12, 5), NOW + tick),
        Period(at(12, 4), at(12, 4, 6) + tick),
    )
    # A whole period: the whole one before; a longer month than the one before: all of it at most.
    over = window("monthly", date(2025, 11, 5), NOW)
    assert (over.until, over.counted, over.previous) == (None, Period.month(2025, 11), Period.month(2025, 10))
    late = window("monthly", date(2025, 3, 31), at(3, 31, 12))
    assert late.previous == Period.month(2025, 2)
    # A period not begun yet counts nothing, and nothing of the one before.
    ahead = window("daily", date(2025, 12, 6), NOW)
    assert ahead.until == NOW
    assert ahead.counted == Period(at(12, 6), at(12, 6)) and ahead.previous == Period(at(12, 5), at(12, 5))


def test_the_morning_daily_report_is_yesterdays(client, staff, tickets) -> None:
    response = get(client, staff["leader"], "/reports/", kind="daily")
    assert response.status_code == 200
    report = response.context["report"]
    assert report.period == Period.day(date(2025, 12, 4)) and report.until is None
    assert (report.city.received, report.city_before.received) == (3, 1)
    html = response.content.decode()
    assert "示范市 12345 热线日报（2025-12-04）" in html and "截至" not in html
    assert "受理量 3 件，上期 1 件（+200.0%）" in html
    # An empty date asks for the last whole period of whichever kind is chosen next; the files are
    # of the period shown.
    assert 'name="date" value=""' in html
    assert 'href="/reports/download?kind=daily&amp;date=2025-12-04&amp;format=xlsx"' in html


def test_the_monthly_report_early_in_the_month_is_last_months(client, staff, tickets) -> None:
    report = get(client, staff["leader"], "/reports/", kind="monthly").context["report"]
    assert report.period == Period.month(2025, 11) and report.until is None
    assert (report.city.received, report.city_before.received, report.volume_change) == (6, 1, 500.0)


def test_today_asked_for_is_labelled_and_compared_with_the_same_hours_of_yesterday(
    client, staff, tickets
) -> None:
    response = get(client, staff["leader"], "/reports/", kind="daily", date="2025-12-05")
    report = response.context["report"]
    assert report.until == NOW and report.previous.start == at(12, 4)
    # 00:00-06:00 today (12-05 05:00) against 00:00-06:00 yesterday (12-04 05:00), not yesterday's 3.
    assert (report.city.received, report.city_before.received, report.volume_change) == (1, 1, 0.0)
    html = response.content.decode()
    assert "示范市 12345 热线日报（2025-12-05，截至 06:00）" in html
    assert "受理量 1 件，上期同期 1 件（0.0%）" in html and "-100.0%" not in html
    assert 'id="report-running"' in html and "2025-12-04 00:00 — 06:00" in html
    assert 'name="date" value="2025-12-05"' in html


def test_this_month_asked_for_is_compared_with_the_same_days_of_last_month(client, staff, tickets) -> None:
    response = get(client, staff["leader"], "/reports/", kind="monthly", date="2025-12-05")
    report = response.context["report"]
    # Dec 1 - Dec 5 06:00: six; Nov 1 - Nov 5 06:00: four (11-05 09:00 is later in the day).
    assert (report.city.received, report.city_before.received, report.volume_change) == (6, 4, 50.0)
    html = response.content.decode()
    assert "月报（2025-12-01 — 2025-12-31，截至 2025-12-05 06:00）" in html
    assert "2025-11-01 00:00 — 2025-11-05 06:00" in html
    # The same from the days the worker keeps, today's included, as from the live count.
    with clock.frozen_at(NOW):
        recount(date(2025, 10, 1), date(2025, 12, 5))
        kept = build("monthly", date(2025, 12, 5))
    assert (kept.city.received, kept.city_before.received) == (6, 4)


def test_the_files_of_a_running_period_say_so(client, staff, tickets) -> None:
    xlsx = get(client, staff["leader"], "/reports/download", kind="monthly", date="2025-12-05", format="xlsx")
    assert (
        xlsx["Content-Disposition"]
        == 'attachment; filename="report-monthly-20251201-until-202512050600.xlsx"'
    )
    summary = load_workbook(io.BytesIO(xlsx.content))["概况"]
    cells = [[c.value for c in row if c.value is not None] for row in summary.iter_rows()]
    assert cells[0] == ["示范市 12345 热线月报（2025-12-01 — 2025-12-31，截至 2025-12-05 06:00）"]
    assert cells[1] == ["受理量", 6, "上期同期", 4]
    assert any("2025-11-01 00:00 — 2025-11-05 06:00" in str(row[0]) for row in cells)
    whole = get(client, staff["leader"], "/reports/download", kind="monthly", format="xlsx")
    assert whole["Content-Disposition"] == 'attachment; filename="report-monthly-20251101.xlsx"'


def test_a_period_not_begun_shows_no_fall(client, staff, tickets) -> None:
    report = get(client, staff["leader"], "/reports/", kind="daily", date="2025-12-06").context["report"]
    assert (report.city.received, report.city_before.received, report.volume_change) == (0, 0, None)


def test_the_command_line_without_a_date_reports_the_pages_period(
    client, staff, tickets, tmp_path, monkeypatch
) -> None:
    """`hotline report KIND` with no --date: the last whole period, the one the page shows and its
    download names, not the running one (Friday 06:00: yesterday's daily report, November's monthly)."""
    monkeypatch.chdir(tmp_path)
    for kind, name, title in (
        ("daily", "report-daily-20251204.html", "日报（2025-12-04）"),
        ("weekly", "report-weekly-20251124.html", "周报（2025-11-24 — 2025-11-30）"),
        ("monthly", "report-monthly-20251101.html", "月报（2025-11-01 — 2025-11-30）"),
    ):
        download = get(client, staff["leader"], "/reports/download", kind=kind, format="html")
        assert download["Content-Disposition"] == f'attachment; filename="{name}"'
        out = io.StringIO()
        with clock.frozen_at(NOW):
            call_command("report", kind, "--format", "html", stdout=out)
        assert out.getvalue().strip() == name
        written = (tmp_path / name).read_text(encoding="utf-8")
        assert title in written and "截至" not in written
    help_text = Command().create_parser("hotline", "report").format_help()
    assert "default: the last whole period" in " ".join(help_text.split())
