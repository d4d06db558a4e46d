"""A damaged .xlsx is refused with a message naming the file (and the row after which it broke),
never a traceback: by `read_table`, by `hotline import` and by `hotline knowledge import`, which
then store nothing and exit with 1."""

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import ManagementUtility
from django.db import connections
from openpyxl import Workbook

from hotline.core.errors import InvalidInput
from hotline.intake.channels.tables import read_table
from hotline.intake.models import Appeal
from hotline.knowledge.models import Article

SHEET = "xl/worksheets/sheet1.xml"

# (the part damaged, how, what the message says after the file's name)
DAMAGES = [
    pytest.param(
        # Cut in the third row's XML: the first two rows were read.
        SHEET,
        lambda xml: xml[: xml.index(b'<row r="3"') + 20],
        "第 2 行之后",
        id="sheet-truncated",
    ),
    pytest.param(
        "xl/styles.xml", lambda xml: b"garbage<<", "不是可读的 Excel（.xlsx）文件", id="styles-garbage"
    ),
    pytest.param(
        "xl/workbook.xml", lambda xml: b"<workbook", "不是可读的 Excel（.xlsx）文件", id="workbook-cut"
    ),
    pytest.param(
        SHEET, lambda xml: xml.replace(b"<v>2</v>", b"<v>abc</v>"), "第 2 行之后", id="text-in-number"
    ),
    pytest.param(SHEET, lambda xml: b"", "不是可读的 Excel（.xlsx）文件", id="sheet-empty"),
]


def workbook(path: Path, header: list[str], *rows: list[object]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def damaged(path: Path, part: str, change: Callable[[bytes], bytes]) -> Path:
    """`path` rewritten with one part of its zip changed."""
    out = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info, change(data) if info.filename == part else data)
    path.write_bytes(out.getvalue())
    return path


def numbers(path: Path) -> Path:
    # The second row's number is a bare <v>2</v>, the one a damage turns into text.
    return workbook(path, ["编号", "内容"], [1, "甲"], [2, "乙"], [3, "丙"])


@pytest.mark.parametrize(("part", "change", "message"), DAMAGES)
def test_a_damaged_workbook_is_an_error_naming_the_file(tmp_path, part, change, message) -> None:
    path = damaged(numbers(tmp_path / "board.xlsx"), part, change)
    with pytest.raises(InvalidInput) as caught:
        read_table(path)
    assert caught.value.message.startswith("board.xlsx"), caught.value.message
    assert message in caught.value.message, caught.value.message


def test_a_part_whose_compressed_bytes_are_damaged(tmp_path) -> None:
    path = numbers(tmp_path / "board.xlsx")
    raw = bytearray(path.read_bytes())
    # Flip bytes inside the sheet's compressed data: zlib or the CRC check fails while reading it.
    with zipfile.ZipFile(path) as book:
        info = book.getinfo(SHEET)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 5, start + info.compress_size - 5):
        raw[i] ^= 0x5A
    path.write_bytes(bytes(raw))
    with pytest.raises(InvalidInput, match=r"^board\.xlsx"):
        read_table(path)


def test_an_intact_workbook_still_reads(tmp_path) -> None:
    table = read_table(numbers(tmp_path / "board.xlsx"))
    assert table.header == ("编号", "内容")
    assert [(row.line, row.cells["内容"]) for row in table.rows] == [(2, "甲"), (3, "乙"), (4, "丙")]


# --- the commands ----------------------------------------------------------------------------------


def refused_by(argv: list[str], capsys) -> str:
    """The command's stderr; it must end with exit code 1 and no traceback."""
    # As run from the shell; the command closes the database connections as it ends, which would
    # close the test's own.
    with pytest.raises(SystemExit) as exit_info, mock.patch.object(connections, "close_all"):
        ManagementUtility(["hotline", *argv]).execute()
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err, err
    return err


@pytest.mark.django_db
@pytest.mark.parametrize(("part", "change", "message"), DAMAGES)
def test_hotline_import_refuses_a_damaged_workbook(tmp_path, capsys, part, change, message) -> None:
    path = workbook(
        tmp_path / "board.xlsx",
        ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情"],
        [1, "U1", "路灯不亮", "2020/1/5 8:30:00", "坏了一周"],
        [2, "U2", "噪音扰民", "2020/1/6 9:00:00", "凌晨施工"],
        [3, "U3", "井盖缺失", "2020/1/7 9:00:00", "很危险"],
    )
    damaged(path, part, change)
    for dry_run in (["--dry-run"], []):
        err = refused_by(["import", str(path), "--preset", "tipdm", *dry_run], capsys)
        assert "board.xlsx" in err and message in err, err
    assert not Appeal.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("part", "change", "message"), DAMAGES)
def test_knowledge_import_refuses_a_damaged_workbook(tmp_path, capsys, part, change, message) -> None:
    path = workbook(
        tmp_path / "k.xlsx",
        ["编号", "标题", "答复口径"],
        [1, "社保卡丢失补办", "先挂失，再补办。"],
        [2, "失业保险金申领", "办理失业登记后申领。"],
        [3, "公积金提取", "持身份证到柜台办理。"],
    )
    damaged(path, part, change)
    for dry_run in (["--dry-run"], []):
        err = refused_by(["knowledge", "import", str(path), *dry_run], capsys)
        assert "k.xlsx" in err and message in err, err
    assert not Article.objects.exists()
