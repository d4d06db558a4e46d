"""`hotline replies check FILE.csv`: scores per row, and a bad file named by its line."""

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.feedback.test_quality import FORMULA, FULL, TEXT, TITLE

HEADER = ["id", "appeal_title", "appeal_text", "reply"]


def _write(path, rows, header=HEADER):
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _run(*args: str) -> list[dict[str, str]]:
    out = io.StringIO()
    call_command("replies", *args, stdout=out, stderr=io.StringIO())
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def test_each_row_gets_three_scores_and_a_verdict(tmp_path) -> None:
    path = _write(tmp_path / "r.csv", [["a1", TITLE, TEXT, FULL], ["a2", TITLE, TEXT, FORMULA]])
    rows = _run("check", str(path))
    assert [r["id"] for r in rows] == ["a1", "a2"]
    assert list(rows[0]) == ["id", "relevance", "completeness", "interpretability", "weak"]
    assert [r["weak"] for r in rows] == ["no", "yes"]
    for row in rows:
        for name in ("relevance", "completeness", "interpretability"):
            assert 0.0 <= float(row[name]) <= 1.0


def test_reasons_on_request(tmp_path) -> None:
    path = _write(tmp_path / "r.csv", [["a2", TITLE, TEXT, FORMULA]])
    (row,) = _run("check", str(path), "--reasons")
    assert "完整性" in row["reasons"] and "没有说明原因" in row["reasons"]


@pytest.mark.parametrize(
    ("rows", "header", "message"),
    [
        ([["1", TITLE, TEXT]], HEADER, "第 2 行：应有 4 列，实有 3 列"),
        ([["1", TITLE, TEXT, FULL], ["1", TITLE, TEXT, FULL]], HEADER, "第 3 行：id 1 重复"),
        ([["", TITLE, TEXT, FULL]], HEADER, "第 2 行：id 为空"),
        ([["1", TITLE, TEXT, ""]], HEADER, "第 2 行：答复为空"),
        ([["1", "", "", FULL]], HEADER, "第 2 行：诉求须有标题或内容"),
        ([["1", TITLE, TEXT, FULL]], ["id", "title", "text", "reply"], "第 1 行：表头应为"),
    ],
)
def test_a_bad_file_is_refused_naming_the_line(tmp_path, rows, header, message) -> None:
    path = _write(tmp_path / "r.csv", rows, header)
    with pytest.raises(CommandError, match=message):
        _run("check", str(path))


def test_a_missing_or_binary_file_is_refused(tmp_path) -> None:
    with pytest.raises(CommandError, match="无法读取"):
        _run("check", str(tmp_path / "none.csv"))
    (tmp_path / "b.csv").write_bytes(b"id,appeal_title\n\xff\xfe\x00")
    with pytest.raises(CommandError, match="UTF-8"):
        _run("check", str(tmp_path / "b.csv"))
