"""The typical cases (典型案例) in the weekly, monthly and quarterly reports, on the hand-built June of
tests/analytics: a case belongs to the period it was marked in, to the district its ticket is in and
to the department that leads it; it is in the page, the .xlsx, the PDF and the kept files, with the
numbers and the citizen's name the marker left in its story masked; the daily list has no cases."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from reportlab.platypus import Paragraph

from hotline.analytics import scopes
from hotline.analytics.models import FigureSettings
from hotline.analytics.reports import build
from hotline.core import clock
from hotline.core.enums import ReportScope
from hotline.knowledge.cases import do_mark_case
from hotline.web.kept_reports import make_due
from hotline.web.models import KeptReport
from hotline.web.reports import pdf_flowables, render_pdf
from tests.analytics.conftest import at, june  # noqa: F401  (the hand-built June)

NOW = at(6, 20, 12)
STORY = "张先生（13812341234）反映路灯不亮。\n住建局当天派人更换灯泡，晚上复亮。"


@pytest.fixture
def marked(staff, june):  # noqa: F811
    """t1 (和平街道 under 东城区, led by 住建局, closed on 06-10) marked on Wednesday 06-18."""
    with clock.frozen_at(at(6, 18, 12)):
        return do_mark_case(
            june.tickets["t1"],
            staff["supervisor"],
            title="路灯当天修复",
            story=STORY,
            lesson="当天派单当天修",
        )


def titles(report) -> list[str]:
    return [c.title for c in report.cases]


def test_a_case_is_in_the_reports_of_the_period_it_was_marked_in(marked) -> None:
    with clock.frozen_at(NOW):
        month = build("monthly", date(2025, 6, 18))
        this_week = build("weekly", date(2025, 6, 18))
        closed_week = build("weekly", date(2025, 6, 10))  # t1 closed that week, marked the next
        quarter = build("quarterly", date(2025, 6, 18))
        july = build("monthly", date(2025, 7, 1))
        daily = build("daily", date(2025, 6, 18))
    assert titles(month) == titles(this_week) == titles(quarter) == ["路灯当天修复"]
    assert closed_week.cases == [] and july.cases == []
    assert daily.cases is None  # the leader list has no section for them
    case = month.cases[0]
    assert (case.number, case.category, case.area, case.department) == (
        marked.ticket.number,
        "城乡建设 / 市政设施",
        "和平街道",
        "住建局",
    )
    assert "13812341234" not in case.story and "***" in case.story and case.lesson == "当天派单当天修"
    # Nor does a report name the citizen the marker did (the appellant's name reads as 市民).
    assert "张先生" not in case.story and case.story.startswith("市民（")


def test_a_district_and_a_department_have_their_own_cases(marked, departments, june) -> None:  # noqa: F811
    with clock.frozen_at(NOW):
        shared = scopes.gather("monthly", date(2025, 6, 18))

        def of(scope_type: str, department) -> list[str]:
            scope = scopes.Scope(scope_type, department.pk, department.name)
            return titles(scopes.build("monthly", date(2025, 6, 18), scope, shared))

        assert of(ReportScope.DISTRICT, departments["district"]) == ["路灯当天修复"]  # its street's ticket
        assert of(ReportScope.DISTRICT, june.west) == []
        assert of(ReportScope.DEPARTMENT, departments["housing"]) == ["路灯当天修复"]
        assert of(ReportScope.DEPARTMENT, departments["water"]) == []  # co-handled nothing of it


def test_the_page_and_the_files_show_the_cases(client, staff, marked) -> None:
    client.force_login(staff["leader"])
    with clock.frozen_at(NOW):
        page = client.get("/reports/", {"kind": "monthly", "date": "2025-06-18"}).content.decode()
        xlsx = client.get("/reports/download", {"kind": "monthly", "date": "2025-06-18", "format": "xlsx"})
        file = client.get("/reports/download", {"kind": "weekly", "date": "2025-06-18", "format": "html"})
        empty = client.get("/reports/", {"kind": "weekly", "date": "2025-06-10"}).content.decode()
        daily = client.get("/reports/", {"kind": "daily", "date": "2025-06-18"}).content.decode()
        report = build("monthly", date(2025, 6, 18))
    for html in (page, file.content.decode()):
        assert 'id="report-cases"' in html and f'href="/cases/{marked.pk}/"' in html
        assert "路灯当天修复" in html and "住建局当天派人更换灯泡" in html and "当天派单当天修" in html
        assert (
            f"工单 {marked.ticket.number} · 城乡建设 / 市政设施 · 和平街道 · 主办：住建局 · 标记于 2025-06-18"
            in html
        )
        assert "13812341234" not in html
    assert "本期暂无标记的典型案例" in empty
    assert 'id="report-cases"' not in daily

    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames[-1] == "典型案例"
    rows = [[c.value for c in row] for row in book["典型案例"].iter_rows()]
    assert rows[0] == ["案例标题", "工单编号", "分类", "属地", "主办单位", "标记时间", "经验做法", "办理经过"]
    assert rows[1][:7] == [
        "路灯当天修复",
        marked.ticket.number,
        "城乡建设 / 市政设施",
        "和平街道",
        "住建局",
        "2025-06-18",
        "当天派单当天修",
    ]
    assert "住建局当天派人更换灯泡" in rows[1][7] and "13812341234" not in rows[1][7]

    # The PDF: a heading, then each case as paragraphs (its text escaped for reportlab's markup).
    texts = [f.text for f in pdf_flowables(report) if isinstance(f, Paragraph)]
    at_cases = texts.index("典型案例")
    assert texts[at_cases + 1] == "<b>1. 路灯当天修复</b>"
    assert texts[at_cases + 3].startswith("办理经过：市民（***）反映路灯不亮。<br/>住建局当天派人")
    assert texts[at_cases + 4] == "经验做法：当天派单当天修"
    assert render_pdf(report).startswith(b"%PDF")


def test_a_title_with_markup_is_printed_as_written(staff, june) -> None:  # noqa: F811
    with clock.frozen_at(at(6, 18)):
        do_mark_case(june.tickets["t1"], staff["supervisor"], title="<路灯> & 电线", story="a < b")
    with clock.frozen_at(NOW):
        report = build("monthly", date(2025, 6, 18))
    texts = [f.text for f in pdf_flowables(report) if isinstance(f, Paragraph)]
    assert "<b>1. &lt;路灯&gt; &amp; 电线</b>" in texts and "办理经过：a &lt; b" in texts
    assert render_pdf(report).startswith(b"%PDF")


def test_the_kept_reports_hold_the_cases(settings, tmp_path, departments, marked) -> None:
    settings.HOTLINE_HOME = tmp_path
    FigureSettings.objects.update_or_create(pk=1, defaults={"min_received": 1})
    with clock.frozen_at(at(7, 1, 8)):
        make_due()
    east = KeptReport.objects.get(
        kind="monthly", scope=ReportScope.DISTRICT, scope_key=departments["district"].pk
    )
    west = KeptReport.objects.get(kind="monthly", scope=ReportScope.DISTRICT, scope_name="西城区")
    assert "路灯当天修复" in (tmp_path / "reports" / east.files["html"]["path"]).read_text()
    assert "路灯当天修复" not in (tmp_path / "reports" / west.files["html"]["path"]).read_text()
    book = load_workbook(tmp_path / "reports" / east.files["xlsx"]["path"])
    assert book["典型案例"]["A2"].value == "路灯当天修复"
