"""Files that read as something they are not: a CSV quote left open (every later line would become
one cell), a workbook that declares itself smaller than it is (the rows past the declared size
would be dropped), a workbook that unpacks to gigabytes. Each is said with the file's name (and
line), never a traceback, and nothing is stored; the rows of a mis-sized workbook are all read."""

import io
import os
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from hotline.core.errors import InvalidInput
from hotline.intake.channels.tables import read_table
from hotline.intake.models import Appeal
from hotline.knowledge.models import Article
from tests.intake.test_tables import SHEET, damaged, workbook
from tests.routing.conftest import corpus

OPEN_QUOTE = (
    "title,content\n"
    "路灯不亮,幸福路路灯坏了\n"
    '井盖缺失,"人民路井盖缺失\n'  # the quote is never closed: the lines below would be its cell
    "噪音扰民,凌晨施工\n"
    "垃圾未清,小区垃圾三天没人收\n"
)


def refused(*argv: str) -> str:
    with pytest.raises(CommandError) as caught:
        call_command(*argv, stdout=StringIO(), stderr=StringIO())
    return str(caught.value)


# --- a quote left open -----------------------------------------------------------------------------


def test_a_quote_left_open_is_named_with_its_line(tmp_path) -> None:
    path = tmp_path / "board.csv"
    path.write_text(OPEN_QUOTE, encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        read_table(path)
    assert caught.value.message == "board.csv 第 3 行：引号未闭合，其后直到文件末尾都会被读成同一格"


def test_a_closed_quote_over_lines_and_a_quote_inside_a_cell_still_read(tmp_path) -> None:
    path = tmp_path / "board.csv"
    path.write_text(
        'title,content\n井盖缺失,"人民路井盖缺失，\n已有人摔倒"\n他说"马上修",至今未修\n', encoding="utf-8"
    )
    table = read_table(path)
    assert [(row.line, row.cells["title"]) for row in table.rows] == [(2, "井盖缺失"), (4, '他说"马上修"')]


@pytest.mark.django_db
@pytest.mark.parametrize("dry_run", [["--dry-run"], [], ["--skip-invalid"]])
def test_hotline_import_stores_nothing_from_a_file_with_a_quote_left_open(tmp_path, dry_run) -> None:
    path = tmp_path / "board.csv"
    path.write_text(OPEN_QUOTE, encoding="utf-8")
    assert "board.csv 第 3 行：引号未闭合" in refused("import", str(path), *dry_run)
    assert not Appeal.objects.exists()


@pytest.mark.django_db
def test_knowledge_import_stores_nothing_from_a_file_with_a_quote_left_open(tmp_path) -> None:
    path = tmp_path / "k.csv"
    path.write_text('标题,答复口径\n社保卡补办,"先挂失\n公积金提取,持身份证办理\n', encoding="utf-8")
    assert "k.csv 第 2 行：引号未闭合" in refused("knowledge", "import", str(path))
    assert not Article.objects.exists()


def test_replies_check_and_dedup_score_name_a_quote_left_open(tmp_path) -> None:
    replies = tmp_path / "replies.csv"
    replies.write_text(
        'id,appeal_title,appeal_text,reply\n1,路灯不亮,幸福路路灯坏了,"已修复\n2,井盖缺失,人民路,已补\n',
        encoding="utf-8",
    )
    assert "replies.csv 第 2 行：引号未闭合" in refused("replies", "check", str(replies))
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        'pair_id,title_a,detail_a,title_b,detail_b\np1,路灯,"坏了,路灯,不亮\np2,井盖,缺失,井盖,没了\n',
        encoding="utf-8",
    )
    assert "pairs.csv 第 2 行：引号未闭合" in refused("dedup", "score", "--pairs", str(pairs))


# --- a workbook that is not the size it says -------------------------------------------------------


def undersized(path: Path) -> Path:
    """A workbook of three rows under its header whose sheet declares only the first of them (as
    some programs that write .xlsx get it wrong)."""
    workbook(
        path, ["title", "content"], ["路灯不亮", "幸福路"], ["井盖缺失", "人民路"], ["噪音扰民", "凌晨施工"]
    )
    with zipfile.ZipFile(path) as book:
        assert b'<dimension ref="A1:B4" />' in book.read(SHEET)
    return damaged(
        path, SHEET, lambda xml: xml.replace(b'<dimension ref="A1:B4" />', b'<dimension ref="A1:B2" />')
    )


def test_every_row_of_a_workbook_is_read_whatever_size_it_declares(tmp_path) -> None:
    table = read_table(undersized(tmp_path / "board.xlsx"))
    assert table.header == ("title", "content")
    assert [(row.line, row.cells["title"], row.cells["content"]) for row in table.rows] == [
        (2, "路灯不亮", "幸福路"),
        (3, "井盖缺失", "人民路"),
        (4, "噪音扰民", "凌晨施工"),
    ]


@pytest.mark.django_db
def test_hotline_import_takes_every_row_of_an_undersized_workbook(tmp_path, frozen_clock) -> None:
    out = StringIO()
    call_command("import", str(undersized(tmp_path / "board.xlsx")), stdout=out, stderr=StringIO())
    assert "读取 3 行，新建 3" in out.getvalue()
    assert sorted(Appeal.objects.values_list("title", flat=True)) == ["井盖缺失", "噪音扰民", "路灯不亮"]


# --- a zip bomb ------------------------------------------------------------------------------------


def bomb(path: Path) -> Path:
    """A workbook whose sheet holds a cell of 4 MB of one letter: some 4 KB packed."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["title", "content"])
    sheet.append(["路灯不亮", "幸福路"])
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(buffer.getvalue())
    cell = b'<row r="3"><c r="A3" t="inlineStr"><is><t>' + b"A" * (4 * 1024 * 1024) + b"</t></is></c></row>"
    damaged(path, SHEET, lambda xml: xml.replace(b"</sheetData>", cell + b"</sheetData>"))
    assert path.stat().st_size < 100 * 1024
    return path


def test_a_workbook_that_would_unpack_to_far_more_than_it_holds_is_refused(tmp_path) -> None:
    with pytest.raises(InvalidInput) as caught:
        read_table(bomb(tmp_path / "board.xlsx"))
    assert caught.value.message == (
        "board.xlsx: 不是可读的 Excel（.xlsx）文件"
        "（xl/worksheets/sheet1.xml 压缩了 100 倍以上，疑为压缩炸弹）"
    )


@pytest.mark.django_db
def test_hotline_import_refuses_a_zip_bomb_and_stores_nothing(tmp_path) -> None:
    assert "疑为压缩炸弹" in refused("import", str(bomb(tmp_path / "board.xlsx")))
    assert not Appeal.objects.exists()


# --- one reader for every CSV file -----------------------------------------------------------------


def test_model_commands_refuse_a_quote_left_open_as_the_others_do(tmp_path) -> None:
    """The training files are read as every other CSV file: the rows after an open quote were
    taken into its cell (or made a label of its text) without a word."""
    texts, labels = corpus(per_label=3)
    good = tmp_path / "good.csv"
    good.write_text("text,label\n" + "".join(f"{t},{x}\n" for t, x in zip(texts, labels, strict=True)))
    call_command(
        "model",
        "train",
        "--data",
        str(good),
        "--out",
        str(tmp_path / "model"),
        "--folds",
        "0",
        "--no-register",
        stdout=StringIO(),
        stderr=StringIO(),
    )
    path = tmp_path / "train.csv"
    path.write_text(
        'text,label\n路灯不亮,城乡建设\n"井盖缺失,城乡建设\n噪音扰民,环境保护\n', encoding="utf-8"
    )
    for argv in (
        ("model", "cv", "--data", str(path)),
        ("model", "evaluate", "--model", str(tmp_path / "model"), "--data", str(path)),
        ("model", "train", "--data", str(path), "--out", str(tmp_path / "m"), "--no-register"),
    ):
        assert refused(*argv) == "train.csv 第 3 行：引号未闭合，其后直到文件末尾都会被读成同一格"
    assert not (tmp_path / "m").exists()


@pytest.mark.parametrize(
    ("argv", "column"),
    [
        (("replies", "check"), "id"),
        (("dedup", "score", "--pairs"), "pair_id"),
    ],
)
@pytest.mark.parametrize("char", ["\x1b", "\x07", "\x7f", "\u202e"])
def test_an_id_holding_a_control_character_is_refused_with_its_line(tmp_path, argv, column, char) -> None:
    """The ids are printed back as they are: an escape in one would reach the terminal."""
    path = tmp_path / "in.csv"
    if column == "id":
        path.write_text(f"id,appeal_title,appeal_text,reply\n1,路灯,不亮,已修\n2{char}[31m,井盖,缺失,已补\n")
    else:
        path.write_text(
            f"pair_id,title_a,detail_a,title_b,detail_b\np1,路灯,坏了,路灯,不亮\np{char}2,a,b,c,d\n"
        )
    out = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command(*argv, str(path), stdout=out, stderr=StringIO())
    assert str(caught.value) == f"{path} 第 3 行：{column} 不能包含控制字符（U+{ord(char):04X}）"
    assert out.getvalue() == ""


# --- what is not a file ----------------------------------------------------------------------------


def fifo(tmp_path: Path, name: str) -> Path:
    """A named pipe nobody writes into: reading it would wait for ever."""
    path = tmp_path / name
    os.mkfifo(path)
    return path


@pytest.mark.django_db
@pytest.mark.parametrize(
    "argv",
    [
        ("import", "{path}"),
        ("import", "{path}", "--dry-run", "--skip-invalid"),
        ("knowledge", "import", "{path}"),
        ("replies", "check", "{path}"),
        ("dedup", "score", "--pairs", "{path}"),
        ("model", "cv", "--data", "{path}"),
        ("taxonomy", "import", "{path}"),
    ],
)
@pytest.mark.parametrize("kind", ["fifo", "device", "directory"])
def test_a_path_that_is_not_a_regular_file_is_refused_naming_it(tmp_path, argv, kind) -> None:
    if kind == "fifo":
        path = fifo(tmp_path, "board.csv")
    elif kind == "device":
        path = tmp_path / "zero.csv"
        path.symlink_to("/dev/zero")  # a .csv name on a device that never ends
    else:
        path = tmp_path / "folder.csv"
        path.mkdir()
    message = refused(*[a.replace("{path}", str(path)) for a in argv])
    assert message.endswith("不是普通文件，无法读取")
    assert path.name in message
    assert not Appeal.objects.exists() and not Article.objects.exists()


@pytest.mark.django_db
def test_a_mapping_that_is_a_pipe_is_refused_naming_it(tmp_path) -> None:
    path = tmp_path / "board.csv"
    path.write_text("title,content\n路灯不亮,幸福路\n", encoding="utf-8")
    mapping = fifo(tmp_path, "map.toml")
    message = refused("import", str(path), "--mapping", str(mapping))
    assert message == f"{mapping}: 不是普通文件，无法读取"
