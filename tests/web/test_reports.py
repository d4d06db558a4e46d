"""The reports (日报, 周报, 月报, 季报) on the hand-built June of tests/analytics: their periods, their
content, the page, the files (xlsx, PDF, HTML) and `hotline report`."""

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from hotline.analytics.periods import Period
from hotline.analytics.reports import build, period_of
from hotline.core import clock
from hotline.web.reports import unit_title
from tests.analytics.conftest import at, june  # noqa: F401  (the hand-built June)

# After June: the hand-built June runs to 06-30 23:59, and a month still running is counted only up
# to the clock (test_report_periods), so June's report as a whole is read once June is over.
NOW = at(7, 1, 10)


def get(client, user, path: str, **params):
    client.force_login(user)
    with clock.frozen_at(NOW):
        return client.get(path, params)


def test_the_periods_of_the_reports() -> None:
    day = date(2025, 6, 18)  # a Wednesday
    assert period_of("daily", day) == Period.day(day)
    assert period_of("weekly", day) == Period.days(date(2025, 6, 16), date(2025, 6, 22))
    assert period_of("monthly", day) == Period.month(2025, 6)
    assert period_of("quarterly", day) == Period(Period.month(2025, 4).start, Period.month(2025, 6).end)
    assert period_of("quarterly", date(2025, 12, 31)).first_day == date(2025, 10, 1)


def test_the_monthly_report_of_june(june) -> None:  # noqa: F811
    with clock.frozen_at(NOW):
        report = build("monthly", date(2025, 6, 18))
    assert (report.city.received, report.city_before.received) == (8, 1)
    assert report.volume_change == 700.0
    assert [(key, now.percent) for key, now, _then in report.rates][:2] == [
        ("on_time", 50.0),
        ("handled", 60.0),
    ]
    assert [(d.name, d.counts.received) for d in report.departments] == [("住建局", 4)]
    assert [(line.name, line.count, line.previous) for line in report.categories] == [
        ("城乡建设", 3, 0),
        ("教育", 1, 0),
    ]
    # The leader list: 市政设施 in 和平街道 twice (t1, t2), both from the same caller: one repeat.
    first = report.items[0]
    assert (first.category, first.area, first.appeals, first.tickets, first.urgent, first.repeated) == (
        "市政设施",
        "和平街道",
        2,
        2,
        0,
        1,
    )


def test_the_page_and_its_files(client, staff, june) -> None:  # noqa: F811
    response = get(client, staff["leader"], "/reports/", kind="monthly", date="2025-06-18")
    assert response.status_code == 200
    html = response.content.decode()
    assert "示范市 12345 热线月报（2025-06-01 — 2025-06-30）" in html and 'id="report-items"' in html
    assert 'href="/reports/download?kind=monthly&amp;date=2025-06-18&amp;format=pdf"' in html

    xlsx = get(client, staff["leader"], "/reports/download", kind="monthly", date="2025-06-18", format="xlsx")
    assert xlsx["Content-Disposition"] == 'attachment; filename="report-monthly-20250601.xlsx"'
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == [
        "概况",
        "四率",
        "单位排名",
        "分类",
        "属地",
        "重点事项",
        "热点",
        "受理量预测",
        "典型案例",
    ]
    assert [c.value for c in book["重点事项"][2]][:3] == ["市政设施", "和平街道", 2]

    pdf = get(client, staff["leader"], "/reports/download", kind="weekly", date="2025-06-18", format="pdf")
    assert (
        pdf.status_code == 200
        and pdf.content.startswith(b"%PDF")
        and pdf["Content-Type"] == "application/pdf"
    )

    page = get(
        client, staff["supervisor"], "/reports/download", kind="daily", date="2025-06-10", format="html"
    )
    assert (
        page.content.decode().startswith("<!doctype html>") and "日报（2025-06-10）" in page.content.decode()
    )

    bad = get(client, staff["leader"], "/reports/download", kind="monthly", format="docx")
    assert bad.status_code == 400 and "不支持的格式" in bad.content.decode()
    # A kind or a date that is not one falls back to this month.
    assert get(client, staff["leader"], "/reports/", kind="x", date="2025-13-40").status_code == 200


@pytest.mark.parametrize("role", ["operator", "housing"])
def test_other_roles_are_refused(client, staff, role) -> None:
    assert get(client, staff[role], "/reports/").status_code == 403
    assert get(client, staff[role], "/reports/download", format="xlsx").status_code == 403


def test_the_command_writes_the_file(june, tmp_path) -> None:  # noqa: F811
    out = io.StringIO()
    target = tmp_path / "june.pdf"
    with clock.frozen_at(NOW):
        call_command(
            "report",
            "monthly",
            "--date",
            "2025-06-18",
            "--format",
            "pdf",
            "--output",
            str(target),
            stdout=out,
        )
    assert out.getvalue().strip() == str(target) and target.read_bytes().startswith(b"%PDF")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("yearly",), "报告类型须为"),
        (("monthly", "--format", "docx"), "--format 须为"),
        (("monthly", "--date", "18/06/2025"), "--date 须为 YYYY-MM-DD"),
        (("monthly", "--date", "1899-01-01"), "2000-01-01"),
        (("monthly", "--output", "/no/such/folder/r.xlsx"), "无法写入"),
    ],
)
def test_the_command_says_what_is_wrong(args, message) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("report", *args)


@pytest.mark.parametrize(
    ("unit", "named"),
    [("东湖区", "示范市东湖区"), ("市住建局", "示范市住建局"), ("示范市供电公司", "示范市供电公司")],
)
def test_a_units_report_names_it_once_after_the_city(unit, named) -> None:
    """The city's name before a unit's, as people write it: 市住建局 is 示范市住建局, not
    示范市市住建局; a unit named after the city is not named twice."""
    assert unit_title("示范市", unit) == named
