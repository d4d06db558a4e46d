"""core.spreadsheets: a row of an .xlsx sheet (write-only or not) holds text as string cells,
whatever it begins with, without the characters openpyxl refuses, and numbers and dates as they
are; a CSV field that a spreadsheet would read as a formula is neutralised (OWASP)."""

import csv
import io
import zipfile
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

from hotline.core.spreadsheets import append_row, csv_field


def saved(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


ROW = [
    "=1+2",
    "+1",
    "-1层",
    "@A1",
    "\tx",
    "#N/A",
    "a\x01b\x0b\x1fc",
    "路灯",
    "",
    None,
    7,
    2.5,
    date(2026, 3, 2),
]
EXPECTED = ["=1+2", "+1", "-1层", "@A1", "\tx", "#N/A", "abc", "路灯", None, None, 7, 2.5]


@pytest.mark.parametrize("write_only", [True, False])
def test_text_is_a_string_cell_and_numbers_stay_typed(write_only: bool) -> None:
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("s")
    append_row(sheet, ROW)
    append_row(sheet, ["next", 1])  # a cell openpyxl reuses in write-only mode forgets the last one's type
    content = saved(book)
    with zipfile.ZipFile(io.BytesIO(content)) as files:
        assert not any(b"<f>" in files.read(n) for n in files.namelist() if n.startswith("xl/worksheets/"))
    first, second = load_workbook(io.BytesIO(content))["s"].iter_rows()
    assert [c.value for c in first[:12]] == EXPECTED
    assert first[12].is_date and first[12].value.date() == date(2026, 3, 2)
    assert [c.data_type for c in first[:8]] == ["s"] * 8
    assert [c.data_type for c in first[10:12]] == ["n", "n"]
    # Those a spreadsheet would read as a formula (or an error) when edited keep the quote prefix.
    assert [bool(c.quotePrefix) for c in first[:8]] == [True] * 6 + [False, False]
    assert [(c.value, c.data_type, bool(c.quotePrefix)) for c in second[:2]] == [
        ("next", "s", False),
        (1, "n", False),
    ]


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ("=1+2", "'=1+2"),
        ('=HYPERLINK("http://evil.example")', '\'=HYPERLINK("http://evil.example")'),
        ("+86 138", "'+86 138"),
        ("-1层", "'-1层"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("幸福路 =1", "幸福路 =1"),
        ("", ""),
    ],
)
def test_a_csv_field_that_would_be_a_formula_is_neutralised(value: str, field: str) -> None:
    assert csv_field(value) == field
    buffer = io.StringIO()
    csv.writer(buffer).writerow([csv_field(value)])
    assert next(csv.reader(io.StringIO(buffer.getvalue()))) == [field]
