"""The volume forecasts in the reports, on the hand-built June of tests/analytics and a forecast set
built by hand: the city's report (page, HTML, .xlsx, PDF, `hotline report`) shows every line of the
newest kept set, the city and its top categories and areas, next week and next four weeks with the
80% interval, in whole appeals as the overview shows them; a district's report the city and its own
areas of the set; a department's the city and the set's categories of the tickets it led."""

import io
import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from reportlab.platypus import Paragraph, Table

from hotline.analytics import scopes
from hotline.analytics.models import FigureSettings, ForecastSet
from hotline.analytics.periods import Period
from hotline.analytics.reports import build
from hotline.core import clock
from hotline.core.enums import ReportScope
from hotline.taxonomy.models import Category
from hotline.web import kept_reports
from hotline.web.models import KeptReport
from hotline.web.reports import pdf_flowables, render_pdf
from tests.analytics.conftest import at, june  # noqa: F401  (the hand-built June)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = at(6, 20, 12)
HEADINGS = ["维度", "对象", "未来 7 天", "下限", "上限", "未来 28 天", "下限", "上限"]


def outlook(start: str, days: int, expected: float, low: float, high: float) -> dict:
    return {"start": start, "days": days, "expected": expected, "low": low, "high": high}


@pytest.fixture
def forecast(june) -> ForecastSet:  # noqa: F811
    """A kept set: the city, 城乡建设 and 教育, 和平街道 (under 东城区) and 西城区; numbers that
    round one way (x.4 down, x.6 up), so that a line shown unrounded or misplaced is seen."""
    building, school = (Category.objects.get(name=name).pk for name in ("城乡建设", "教育"))
    street = june.tickets["t1"].area_id

    def line(key: int | None, name: str, week: tuple, month: tuple) -> dict:
        found = {
            "name": name,
            "week": outlook("2025-06-20", 7, *week),
            "month": outlook("2025-06-20", 28, *month),
        }
        return found if key is None else {"key": key, **found}

    # An older set: the reports read the newest.
    ForecastSet.objects.create(
        made_at=at(6, 19, 3),
        starts_on=date(2025, 6, 19),
        data={"city": line(None, "全市", (1, 0, 2), (4, 0, 8))},
    )
    return ForecastSet.objects.create(
        made_at=at(6, 20, 3),
        starts_on=date(2025, 6, 20),
        data={
            "city": line(None, "全市", (120.4, 100.6, 141.4), (480.6, 430.4, 531.6)),
            "categories": [
                line(building, "城乡建设", (40.4, 30.6, 50.4), (160.6, 140.4, 181.6)),
                line(school, "教育", (10.6, 6.4, 15.6), (42.4, 33.6, 51.4)),
            ],
            "areas": [
                line(street, "和平街道", (30.6, 22.4, 39.6), (121.4, 105.6, 138.4)),
                line(june.west.pk, "西城区", (20.4, 14.6, 26.4), (81.6, 70.4, 93.6)),
            ],
        },
    )


def expected_rows(forecast: ForecastSet, names: list[str]) -> list[list]:
    """The lines of `names` as the sheet holds them: dimension, name, then each horizon's expected,
    low and high in whole appeals, rounded from the kept set."""
    data = forecast.data
    found = {data["city"]["name"]: ("全市", data["city"])}
    found |= {row["name"]: ("一级分类", row) for row in data["categories"]}
    found |= {row["name"]: ("属地", row) for row in data["areas"]}
    rows = []
    for name in names:
        label, row = found[name]
        numbers = [round(row[h][k]) for h in ("week", "month") for k in ("expected", "low", "high")]
        rows.append([label, name, *numbers])
    return rows


def page_rows(html: str, table_id: str) -> list[list[str]]:
    """The cells of a forecast table, one list per line: dimension, name, week, month."""
    start = html.index(f'id="{table_id}"')
    body = html[html.index("<tbody>", start) : html.index("</tbody>", start)]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def shown(row: list) -> list[str]:
    """A sheet row as the page's table shows it: "expected (low–high)" per horizon."""
    return [row[0], row[1], f"{row[2]} ({row[3]}–{row[4]})", f"{row[5]} ({row[6]}–{row[7]})"]


def sheet_rows(book) -> list[list]:
    return [[c.value for c in row] for row in book["受理量预测"].iter_rows()]


def pdf_forecast(report) -> tuple[list[str], list[list[str]]]:
    """The PDF's paragraphs after the forecast's heading, and the cells of its table."""
    story = pdf_flowables(report)
    heading = next(i for i, f in enumerate(story) if isinstance(f, Paragraph) and f.text == "受理量预测")
    texts, cells = [], []
    for flowable in story[heading + 1 :]:
        if isinstance(flowable, Table):
            cells = flowable._cellvalues
            break
        if isinstance(flowable, Paragraph):
            if flowable.style.name == "Heading2":
                break
            texts.append(flowable.text)
    return texts, [list(row) for row in cells]


ALL = ["全市", "城乡建设", "教育", "和平街道", "西城区"]


def test_the_citys_report_shows_every_line_of_the_newest_set(client, staff, forecast, tmp_path) -> None:
    rows = expected_rows(forecast, ALL)
    assert rows[0] == ["全市", "全市", 120, 101, 141, 481, 430, 532]
    client.force_login(staff["leader"])
    with clock.frozen_at(NOW):
        page = client.get("/reports/", {"kind": "monthly", "date": "2025-06-18"}).content.decode()
        html = client.get("/reports/download", {"kind": "weekly", "date": "2025-06-18", "format": "html"})
        xlsx = client.get("/reports/download", {"kind": "daily", "date": "2025-06-18", "format": "xlsx"})
        overview = client.get("/overview/").content.decode()
        report = build("quarterly", date(2025, 6, 18))
        call_command("report", "monthly", "--date", "2025-06-18", "--output", str(tmp_path / "june.xlsx"))
    # The page and the HTML file show the overview's table, line for line.
    for text in (page, html.content.decode()):
        assert page_rows(text, "report-forecast") == [shown(row) for row in rows]
        assert "自 2025-06-20 起" in text and "预测于 2025-06-20 03:00" in text
        assert 'id="report-forecast-scope"' not in text
    assert page_rows(overview, "table-forecast") == [shown(row) for row in rows]

    # The .xlsx of the page and of the command: a sheet with the numbers, then when it was made.
    for book in (load_workbook(io.BytesIO(xlsx.content)), load_workbook(tmp_path / "june.xlsx")):
        assert book.sheetnames[book.sheetnames.index("热点") + 1] == "受理量预测"
        found = sheet_rows(book)
        assert found[0] == HEADINGS and found[1:6] == rows
        assert found[7][0].startswith("自 2025-06-20 起；") and found[7][0].endswith(
            "预测于 2025-06-20 03:00。"
        )

    # The PDF: the heading, when it was made, the table.
    texts, cells = pdf_forecast(report)
    made = "自 2025-06-20 起；按历史受理量、星期和节假日（工作日历）预测，下限、上限为 80% 区间；"
    assert texts == [f"{made}预测于 2025-06-20 03:00。"]
    assert cells == [HEADINGS, *[[str(v) for v in row] for row in rows]]
    assert render_pdf(report).startswith(b"%PDF")


def test_without_a_forecast_the_reports_say_why(client, staff, june) -> None:  # noqa: F811
    client.force_login(staff["leader"])
    with clock.frozen_at(NOW):
        page = client.get("/reports/", {"kind": "monthly", "date": "2025-06-18"}).content.decode()
        xlsx = client.get("/reports/download", {"kind": "monthly", "date": "2025-06-18", "format": "xlsx"})
        report = build("monthly", date(2025, 6, 18))
    assert "历史数据不足四周，或后台任务尚未生成今日预测。" in page and 'id="report-forecast"' not in page
    assert sheet_rows(load_workbook(io.BytesIO(xlsx.content))) == [
        HEADINGS,
        [None] * 8,
        ["历史数据不足四周，或后台任务尚未生成今日预测。", *[None] * 7],
    ]
    assert pdf_forecast(report) == (["历史数据不足四周，或后台任务尚未生成今日预测。"], [])


def test_a_district_and_a_department_see_their_own_lines(departments, forecast, tmp_path) -> None:
    east = departments["district"]
    with clock.frozen_at(NOW):
        for code in ("D01", "D02", "B01", "B02"):
            call_command(
                "report",
                "monthly",
                "--date",
                "2025-06-18",
                "--scope",
                code,
                "--output",
                str(tmp_path / f"{code}.xlsx"),
            )
        shared = scopes.gather("monthly", date(2025, 6, 18))
        reports = {
            key: scopes.build("monthly", date(2025, 6, 18), scope, shared)
            for key, scope in (
                ("D01", scopes.Scope(ReportScope.DISTRICT, east.pk, east.name)),
                ("B02", scopes.Scope(ReportScope.DEPARTMENT, departments["water"].pk, "水务局")),
            )
        }

    def lines(code: str) -> list[list]:
        return sheet_rows(load_workbook(tmp_path / f"{code}.xlsx"))

    # 东城区: the city and 和平街道, under it; 西城区: itself. Not the categories: city-wide figures.
    assert lines("D01")[1:3] == expected_rows(forecast, ["全市", "和平街道"])
    assert lines("D01")[4][0].startswith("自 2025-06-20 起") and lines("D01")[5] == [
        "全市之后为本区县列入预测的属地。预测只覆盖全市近四周受理量最多的 5 个分类和 5 个属地。",
        *[None] * 7,
    ]
    assert lines("D02")[1:3] == expected_rows(forecast, ["全市", "西城区"])
    # 住建局 led t1, t2 (城乡建设 / 市政设施) and t3 (城乡建设); t4 (教育) was answered on the spot.
    assert lines("B01")[1:3] == expected_rows(forecast, ["全市", "城乡建设"])
    assert lines("B01")[5][0].startswith("全市之后为本单位本期主办工单的分类中列入预测的")
    # 水务局 led nothing: the city's line alone, and why.
    assert lines("B02")[1:2] == expected_rows(forecast, ["全市"]) and lines("B02")[2] == [None] * 8
    assert lines("B02")[4][0].startswith("本单位本期主办工单的分类不在预测之列，仅列全市。")

    texts, cells = pdf_forecast(reports["D01"])
    assert (
        texts[0] == "全市之后为本区县列入预测的属地。预测只覆盖全市近四周受理量最多的 5 个分类和 5 个属地。"
    )
    assert cells[1:] == [[str(v) for v in row] for row in expected_rows(forecast, ["全市", "和平街道"])]
    texts, cells = pdf_forecast(reports["B02"])
    assert texts[0].startswith("本单位本期主办工单的分类不在预测之列") and len(cells) == 2


def test_the_kept_reports_hold_them(settings, tmp_path, departments, forecast) -> None:
    settings.HOTLINE_HOME = tmp_path
    FigureSettings.objects.update_or_create(pk=1, defaults={"min_received": 1})
    with clock.frozen_at(datetime(2025, 7, 1, 8, tzinfo=SHANGHAI)):
        kept_reports.make_period("monthly", Period.month(2025, 6))

    def kept(scope: str, key: int) -> tuple[str, list[list]]:
        row = KeptReport.objects.get(kind="monthly", scope=scope, scope_key=key)
        folder = Path(tmp_path) / "reports"
        html = (folder / row.files["html"]["path"]).read_text()
        return html, sheet_rows(load_workbook(folder / row.files["xlsx"]["path"]))

    html, sheet = kept(ReportScope.CITY, 0)
    assert page_rows(html, "report-forecast") == [shown(row) for row in expected_rows(forecast, ALL)]
    assert sheet[1:6] == expected_rows(forecast, ALL)
    html, sheet = kept(ReportScope.DISTRICT, departments["district"].pk)
    mine = expected_rows(forecast, ["全市", "和平街道"])
    assert page_rows(html, "report-forecast") == [shown(row) for row in mine] and sheet[1:3] == mine
    assert "全市之后为本区县列入预测的属地。" in html
