"""`hotline report --first D --last D` (or `hotline report custom --first D --last D`): the report of
chosen days as the page makes it (`kind=custom&first=…&last=…`), refused for the same days and
with the same words as the page (one rule: `web.reports.read_chosen_days`). On the hand-built June
of tests/analytics."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from hotline.core import clock
from tests.analytics.conftest import at, june  # noqa: F401  (the hand-built June)

NOW = at(6, 20, 12)
TITLE = "示范市 12345 热线自选期间报告（2025-06-10 — 2025-06-15）"


def run(*args: str) -> str:
    out = io.StringIO()
    with clock.frozen_at(NOW):
        call_command("report", *args, stdout=out)
    return out.getvalue().strip()


@pytest.mark.parametrize("kind", [(), ("custom",)])
def test_the_command_writes_the_report_of_chosen_days(tmp_path, june, kind) -> None:  # noqa: F811
    target = tmp_path / "chosen.xlsx"
    written = run(*kind, "--first", "2025-06-10", "--last", "2025-06-15", "--output", str(target))
    assert written == str(target)
    summary = load_workbook(target).worksheets[0]
    cells = [[c for c in row if c is not None] for row in summary.iter_rows(values_only=True)]
    assert cells[0] == [TITLE] and cells[1][:2] == ["受理量", 6]
    assert any("2025-06-04 至 2025-06-09" in str(row[0]) for row in cells[2:] if row)


def test_the_default_file_is_named_as_the_pages(tmp_path, june, monkeypatch, departments) -> None:  # noqa: F811
    monkeypatch.chdir(tmp_path)
    assert run("--first", "2025-06-10", "--last", "2025-06-15", "--format", "html") == (
        "report-custom-20250610-20250615.html"
    )
    assert TITLE in (tmp_path / "report-custom-20250610-20250615.html").read_text()
    written = run("--first", "2025-06-10", "--last", "2025-06-15", "--format", "html", "--scope", "D01")
    assert written == "report-custom-20250610-20250615-D01.html"
    assert (
        "示范市东城区 12345 热线自选期间报告（2025-06-10 — 2025-06-15）" in (tmp_path / written).read_text()
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--first", "2025-06-15", "--last", "2025-06-10"), "结束日期 2025-06-10 早于开始日期 2025-06-15"),
        (("--first", "2025-6-1", "--last", "2025-06-10"), "无法识别日期“2025-6-1”"),
        (("--first", "2025-06-01", "--last", "1899-01-01"), "日期 1899-01-01 不在 2000-01-01 至 2100-12-31"),
        (("--first", "2025-06-10", "--last", "2025-06-21"), "结束日期 2025-06-21 晚于今天（2025-06-20）"),
        (("--first", "2024-06-01", "--last", "2025-06-15"), "所选期间共 380 天，超过上限 366 天"),
        (("--first", "2025-06-10"), "--first 和 --last"),
        (("custom", "--last", "2025-06-10"), "--first 和 --last"),
        (("custom",), "--first 和 --last"),
        (("monthly", "--first", "2025-06-10", "--last", "2025-06-15"), "--first 和 --last"),
        (("custom", "--first", "2025-06-10", "--last", "2025-06-15", "--date", "2025-06-10"), "--date"),
        ((), "报告类型须为"),
    ],
)
def test_days_that_cannot_be_reported_are_refused_as_the_page_refuses_them(args, message) -> None:
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_a_year_is_the_longest(tmp_path, june) -> None:  # noqa: F811
    first = (NOW - timedelta(days=365)).date()
    written = run(
        "--first", f"{first:%Y-%m-%d}", "--last", "2025-06-20", "--output", str(tmp_path / "y.xlsx")
    )
    assert written == str(tmp_path / "y.xlsx")
