"""What `hotline dedup` refuses, naming the option or the line: days outside the range Hotline
takes in (core/timerange.py), and pair files it cannot read. A pair file is read as `hotline
import` reads a CSV: UTF-8 with or without BOM, or GB18030."""

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hotline.core.csvfiles import CSV_FIELD_LIMIT

HEADER = "pair_id,title_a,detail_a,title_b,detail_b\r\n"
PAIR = "p1,路灯不亮,幸福路12号路灯坏了,路灯坏了,幸福路12号门口路灯不亮\r\n"


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("dedup", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.parametrize(
    "args",
    [
        ["--since", "0001-01-01"],
        ["--since", "1999-12-31"],
        ["--since", "2026-03-01", "--until", "9999-12-31"],
        ["--since", "2026-03-01", "--until", "2101-01-01"],
    ],
)
def test_scan_refuses_days_out_of_range(db, args) -> None:
    option = args[-2]
    with pytest.raises(CommandError, match=f"^{option}: 须在 2000-01-01 至 2100-12-31 之间（北京时间）$"):
        run("scan", *args)


def test_scan_takes_the_ends_of_the_range(db) -> None:
    assert run("scan", "--since", "2000-01-01", "--until", "2100-12-31").endswith("共 0 组重复诉求\n")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_score_reads_utf8_and_gb18030(db, tmp_path: Path, encoding) -> None:
    path = tmp_path / "pairs.csv"
    path.write_bytes((HEADER + PAIR).encode(encoding))
    rows = list(csv.reader(io.StringIO(run("score", "--pairs", str(path)))))
    assert [r[0] for r in rows] == ["pair_id", "p1"]


def test_score_names_the_line_of_a_cell_over_the_limit(db, tmp_path: Path) -> None:
    path = tmp_path / "pairs.csv"
    huge = "长" * (CSV_FIELD_LIMIT + 1)
    path.write_text(HEADER + PAIR + f"p2,路灯,{huge},路灯,坏了\r\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"pairs\.csv 第 3 行：CSV 格式错误"):
        run("score", "--pairs", str(path))


def test_score_refuses_a_file_in_neither_encoding(db, tmp_path: Path) -> None:
    path = tmp_path / "pairs.csv"
    path.write_bytes(HEADER.encode() + b"p1,\xff\xfe,\xff,\xff,\xff\r\n")
    with pytest.raises(CommandError, match=r"无法识别文件编码（应为 UTF-8 或 GB18030）"):
        run("score", "--pairs", str(path))
