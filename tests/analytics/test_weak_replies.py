"""Each department's share of weak replies (答复质量存疑率): counted from the quality checks of the
replies it sent in the period, and shown beside the rankings of departments: on the rankings page
and in the reports' ranking of departments (page, .xlsx, PDF, `hotline report`)."""

import io
from collections.abc import Iterator
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from reportlab.platypus import Paragraph, Table

from hotline.analytics.figures import read, recount
from hotline.analytics.periods import Period, Rate
from hotline.analytics.replies import weak_reply_share
from hotline.analytics.reports import build
from hotline.core import clock
from hotline.core.enums import FigureDimension, TicketStatus
from hotline.web.reports import pdf_flowables, render_pdf
from tests.feedback.test_quality import FORMULA, FULL
from tests.tickets.conftest import Flow

pytestmark = pytest.mark.django_db

S = TicketStatus
NOW = datetime(2025, 6, 10, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def flow(staff, departments) -> Iterator[Flow]:
    with clock.frozen_at(NOW):
        yield Flow(staff, departments)


def _replied(flow: Flow, text: str, lead: str = "housing"):
    ticket = flow.dispatch(flow.new(), lead=lead, co=())
    ticket = flow.accept(ticket, lead)
    return flow.reply(ticket, lead, text=text)


def shares_of(period: Period) -> dict[int, Rate]:
    """Department id -> its share, for those that sent a checked reply in `period`."""
    found = {key: weak_reply_share(c) for key, c in read(period).of(FigureDimension.DEPARTMENT).items()}
    return {key: share for key, share in found.items() if share is not None}


def test_the_share_of_weak_replies_per_department(flow: Flow) -> None:
    _replied(flow, FORMULA)
    _replied(flow, FULL)
    _replied(flow, FULL)
    _replied(flow, FORMULA, lead="water")
    day = NOW.date()
    housing, water = flow.dept("housing").pk, flow.dept("water").pk
    for kept in (False, True):  # counted live, then kept by the recount
        if kept:
            recount(day - timedelta(days=1), day)
        shares = shares_of(Period.day(day))
        assert (shares[housing].numerator, shares[housing].denominator) == (1, 3), kept
        assert (shares[water].numerator, shares[water].denominator) == (1, 1), kept
        assert shares_of(Period.day(day - timedelta(days=1))) == {}


def test_the_rankings_show_the_share_for_departments(client, flow: Flow) -> None:
    _replied(flow, FORMULA)
    client.force_login(flow.user("leader"))
    page = client.get("/rankings/?dimension=department").content.decode()
    assert "答复质量存疑率" in page and "100.0%" in page
    assert "答复质量存疑率" not in client.get("/rankings/?dimension=area").content.decode()


def _cells(report, heading: str) -> list[list[str]]:
    """The PDF's table after `heading` (web.reports.pdf_flowables, as the PDF lays it out)."""
    story = pdf_flowables(report)
    at = next(i for i, f in enumerate(story) if isinstance(f, Paragraph) and f.text == heading)
    return next(f for f in story[at:] if isinstance(f, Table))._cellvalues


def test_the_reports_rank_departments_with_their_share(client, flow: Flow, tmp_path) -> None:
    _replied(flow, FORMULA)
    _replied(flow, FULL)
    _replied(flow, FULL)
    _replied(flow, FORMULA, lead="water")
    day = NOW.date().isoformat()
    client.force_login(flow.user("leader"))
    page = client.get("/reports/", {"kind": "daily", "date": day}).content.decode()
    xlsx = client.get("/reports/download", {"kind": "monthly", "date": day, "format": "xlsx"})
    for code in ("B01", "D01"):  # a department's report ranks the departments, a district's the districts
        output = str(tmp_path / f"{code}.xlsx")
        call_command(
            "report", "monthly", "--date", day, "--scope", code, "--output", output, stdout=StringIO()
        )

    table = page[
        page.index('id="report-departments"') : page.index("</table>", page.index('id="report-departments"'))
    ]
    assert "<th>答复质量存疑率</th>" in table
    assert '<span title="1 / 3">33.3%</span>' in table and '<span title="1 / 1">100.0%</span>' in table

    def sheet(book) -> list[list]:
        return [[c.value for c in row] for row in book["单位排名"].iter_rows()]

    for rows in (sheet(load_workbook(io.BytesIO(xlsx.content))), sheet(load_workbook(tmp_path / "B01.xlsx"))):
        assert rows[0][-3:] == ["综合得分", "较上期", "答复质量存疑率"]
        assert {row[1]: row[-1] for row in rows[1:]} == {"住建局": 33.3, "水务局": 100.0}
    assert "答复质量存疑率" not in sheet(load_workbook(tmp_path / "D01.xlsx"))[0]

    report = build("daily", NOW.date())
    cells = _cells(report, "单位排名")
    assert cells[0][-1] == "答复质量存疑率"
    assert {row[1]: row[-1] for row in cells[1:]} == {"住建局": "33.3", "水务局": "100.0"}
    assert render_pdf(report).startswith(b"%PDF")
