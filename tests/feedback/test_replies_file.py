"""`hotline replies check FILE.csv` reads its file as `hotline import` does: UTF-8 with or without
BOM, or GB18030 as Excel on Chinese Windows saves it; every CSV error names its line."""

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hotline.core.csvfiles import CSV_FIELD_LIMIT
from tests.feedback.test_quality import FULL, TEXT, TITLE

HEADER = "id,appeal_title,appeal_text,reply\r\n"


def _run(path) -> list[dict[str, str]]:
    out = io.StringIO()
    call_command("replies", "check", str(path), stdout=out, stderr=io.StringIO())
    return list(csv.DictReader(io.StringIO(out.getvalue())))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_utf8_with_or_without_bom_and_gb18030_are_read(tmp_path, encoding) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(f"{HEADER}a1,{TITLE},{TEXT},{FULL}\r\n".encode(encoding))
    (row,) = _run(path)
    assert row["id"] == "a1" and row["weak"] == "no"


def test_a_cell_over_the_limit_is_refused_naming_its_line(tmp_path) -> None:
    path = tmp_path / "r.csv"
    huge = "长" * (CSV_FIELD_LIMIT + 1)
    path.write_text(f"{HEADER}a1,{TITLE},{TEXT},{FULL}\r\na2,{TITLE},{TEXT},{huge}\r\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"r\.csv 第 3 行：CSV 格式错误"):
        _run(path)


def test_a_cell_of_a_long_reply_is_read(tmp_path) -> None:
    # Over csv's own default of 128 KiB, within Hotline's limit.
    path = tmp_path / "r.csv"
    long_reply = FULL + "。" * 140_000
    path.write_text(f"{HEADER}a1,{TITLE},{TEXT},{long_reply}\r\n", encoding="utf-8")
    assert [row["id"] for row in _run(path)] == ["a1"]


def test_a_file_with_nul_characters_is_refused(tmp_path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(f"{HEADER}a1,{TITLE},{TEXT},{FULL}\x00\r\n".encode())
    with pytest.raises(CommandError, match="不是文本文件"):
        _run(path)
