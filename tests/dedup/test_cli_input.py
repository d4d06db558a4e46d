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


def test_score_reads_a_file_with_blank_lines_before_its_header(db, tmp_path: Path) -> None:
    """A spreadsheet saved with empty rows on top: the header was read as an empty row and refused
    ("表头应为 …，实为 ") though every column was there (audit of 2026-12-06)."""
    path = tmp_path / "pairs.csv"
    path.write_text("\r\n,,,,\r\n" + HEADER + PAIR, encoding="utf-8")
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


LAMP = ("幸福路12号小区门口路灯不亮", "幸福路12号小区门口的路灯坏了一周，晚上很黑，请尽快修理。")
LAMP_AGAIN = ("幸福路12号小区路灯坏了", "幸福路12号小区门口的路灯坏了，晚上很黑，一周了还没人修理。")


@pytest.mark.parametrize("address", ["火星路999号", "北京市朝阳区建国路1号"])
def test_similar_refuses_an_address_the_gazetteer_does_not_know(departments, address) -> None:
    """Asked to raise the tickets near a place, the command says it knows no such place rather
    than answering as if no address had been given."""
    with pytest.raises(CommandError, match=f"^--address {address}: "):
        run("similar", "路灯不亮", "--address", address)


def test_similar_takes_an_address_the_gazetteer_knows(departments) -> None:
    assert run("similar", "路灯不亮", "--address", "东城区和平街道幸福路12号") == ""
    assert run("similar", "路灯不亮", "--address", "  ") == ""


def test_similar_and_scan_mask_the_numbers_in_a_title(staff) -> None:
    """The tickets are listed as the ticket list and its export list them: a caller's number
    written in the title is masked (tickets.presenter.listed_title)."""
    from datetime import UTC, datetime

    from hotline.tickets.models import Ticket
    from tests.factories import make_ticket

    make_ticket(actor=staff["operator"], title=LAMP[0] + "请回电13912345678", content=LAMP[1])
    make_ticket(actor=staff["operator"], title=LAMP_AGAIN[0], content=LAMP_AGAIN[1])
    Ticket.objects.update(created_at=datetime(2026, 3, 2, 1, tzinfo=UTC))
    run("index")
    found = run("similar", LAMP[0] + " 晚上很黑")
    scanned = run("scan", "--since", "2026-03-01", "--until", "2026-03-03", "--format", "csv")
    for out in (found, scanned, run("scan", "--since", "2026-03-01")):
        assert LAMP[0] + "请回电***" in out
        assert "13912345678" not in out
    assert len(list(csv.DictReader(io.StringIO(scanned)))) == 2


def test_similar_says_when_it_finds_nothing_and_how_to_index(staff) -> None:
    """Nothing found is said on stderr, with how many tickets the index holds: right after an
    import the worker has embedded nothing yet, and an empty answer looked like a broken command."""
    from tests.factories import make_ticket

    make_ticket(actor=staff["operator"], title=LAMP[0], content=LAMP[1])
    out, err = io.StringIO(), io.StringIO()
    call_command("dedup", "similar", LAMP[0], stdout=out, stderr=err)
    assert out.getvalue() == ""
    assert err.getvalue() == "没有找到相似的工单（已索引 0 件工单；未索引的工单可运行 hotline dedup index）\n"
    run("index")
    out, err = io.StringIO(), io.StringIO()
    call_command("dedup", "similar", LAMP[0], stdout=out, stderr=err)
    assert out.getvalue().count("\n") == 1 and err.getvalue() == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["scan", "--since", "2026-03-01", "--format", "json"], "--format 须为 text 或 csv，收到 'json'"),
        (["scan", "--since", "2026-03-01", "--format", "CSV"], "--format 须为 text 或 csv，收到 'CSV'"),
        (["similar", "路灯", "--top", "abc"], "--top 须在 1 到 50 之间"),
        (["similar", "路灯", "--top", "2.5"], "--top 须在 1 到 50 之间"),
        (["similar", "路灯", "--top", "-3"], "--top 须在 1 到 50 之间"),
    ],
)
def test_a_bad_option_is_refused_in_the_commands_words(db, args, message) -> None:
    """In the words `hotline hotspots` uses for its own --format and --top, not argparse's English."""
    with pytest.raises(CommandError, match=f"^{message}$"):
        run(*args)
