"""Reading a table of contacts from a file: CSV (UTF-8 with or without BOM, or GB18030 as Excel on
Chinese Windows saves it) or Excel .xlsx (the first sheet). Every row comes with the line a person
sees it on: the physical line where a CSV record starts (a cell may span lines), the sheet's row
number in Excel. A file that cannot be read at all raises InvalidInput; rows are judged later.
A CSV file is decoded and split by core/csvfiles.py, as every CSV file Hotline is given; only a
regular file is read (`csvfiles.read_file`).
"""

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from hotline.core.csvfiles import csv_rows, decode, read_file
from hotline.core.errors import InvalidInput

SUFFIXES = (".csv", ".xlsx")
# A part of a workbook that unpacks to more than XLSX_MAX_RATIO times its packed size (past its
# first MB) is a zip bomb (_refuse_bomb).
XLSX_MAX_RATIO = 100
XLSX_RATIO_FROM = 1024 * 1024


@dataclass(frozen=True)
class Row:
    line: int
    cells: dict[str, Any]  # header -> value (str from CSV; str, int, float, datetime or None from Excel)


@dataclass(frozen=True)
class Table:
    name: str
    header: tuple[str, ...]
    rows: list[Row]


def read_table(path: Path) -> Table:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InvalidInput(
            _("%(file)s: 只能导入 .csv 或 .xlsx 文件") % {"file": path.name},
        )
    try:
        raw = read_file(path)  # InvalidInput for a pipe or a device named .csv
    except OSError as exc:
        raise InvalidInput(
            _("无法读取文件 %(path)s: %(error)s") % {"path": path, "error": exc.strerror or exc}
        ) from None
    header, rows = _read_xlsx(raw, path.name) if suffix == ".xlsx" else _read_csv(raw, path.name)
    return Table(path.name, header, rows)


def _header(cells: list[Any], name: str, line: int) -> tuple[str, ...]:
    header = tuple("" if c is None else str(c).strip() for c in cells)
    while header and not header[-1]:
        header = header[:-1]
    if not any(header):
        raise InvalidInput(_("%(file)s: 文件为空，缺少表头") % {"file": name})
    seen: set[str] = set()
    for column in header:
        if column and column in seen:
            raise InvalidInput(
                _("%(file)s 第 %(line)s 行：表头中“%(column)s”出现了两次")
                % {"file": name, "line": line, "column": column}
            )
        seen.add(column)
    return header


def _blank(cells: list[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _read_csv(raw: bytes, name: str) -> tuple[tuple[str, ...], list[Row]]:
    header: tuple[str, ...] | None = None
    rows: list[Row] = []
    for start, cells in csv_rows(decode(raw, name), name):
        if _blank(cells):
            continue
        if header is None:
            header = _header(cells, name, start)
            continue
        if len(cells) > len(header) and not _blank(cells[len(header) :]):
            raise InvalidInput(
                _("%(file)s 第 %(line)s 行：有 %(actual)s 列，表头只有 %(expected)s 列")
                % {"file": name, "line": start, "actual": len(cells), "expected": len(header)}
            )
        rows.append(Row(start, dict(zip(header, cells, strict=False))))
    if header is None:
        raise InvalidInput(_("%(file)s: 文件为空，缺少表头") % {"file": name})
    return header, rows


def _read_xlsx(raw: bytes, name: str) -> tuple[tuple[str, ...], list[Row]]:
    # openpyxl is imported here: the web processes never read a workbook.
    from openpyxl import load_workbook

    _refuse_bomb(raw, name)
    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # whatever openpyxl raises: see _unreadable
        raise _unreadable(name, exc) from None
    header: tuple[str, ...] | None = None
    rows: list[Row] = []
    number = 0  # the last row read
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise InvalidInput(_("%(file)s: 工作簿中没有工作表") % {"file": name})
        # In read-only mode openpyxl stops at the size the sheet declares (<dimension>), which some
        # programs that write .xlsx get wrong ("A1", or one row short): the rows past it would be
        # dropped without a word. Read every row the sheet holds instead.
        sheet.reset_dimensions()
        for number, values in _numbered(sheet.iter_rows(values_only=True)):
            cells = list(values)
            if _blank(cells):
                continue
            if header is None:
                header = _header(cells, name, number)
                continue
            rows.append(Row(number, dict(zip(header, cells, strict=False))))
    except InvalidInput:
        raise
    except Exception as exc:  # whatever openpyxl raises: see _unreadable
        raise _unreadable(name, exc, after=number) from None
    finally:
        book.close()
    if header is None:
        raise InvalidInput(_("%(file)s: 文件为空，缺少表头") % {"file": name})
    return header, rows


def _refuse_bomb(raw: bytes, name: str) -> None:
    """Refuse a workbook whose parts would inflate far beyond any spreadsheet's (a zip bomb): its
    XML is parsed in memory, a few hundred KB that unpack to gigabytes would exhaust it. The sizes
    are those the zip declares, which bound what it can unpack to (zipfile stops there). Spreadsheet
    XML compresses some 5 to 20 times; the limit is Apache POI's."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip at all: load_workbook says so (_unreadable)
    for part in parts:
        if part.file_size > XLSX_RATIO_FROM and part.file_size > XLSX_MAX_RATIO * part.compress_size:
            raise InvalidInput(
                _("%(file)s: 不是可读的 Excel（.xlsx）文件（%(part)s 压缩了 %(ratio)s 倍以上，疑为压缩炸弹）")
                % {"file": name, "part": part.filename, "ratio": XLSX_MAX_RATIO}
            )


def _unreadable(name: str, exc: Exception, *, after: int = 0) -> InvalidInput:
    """A workbook openpyxl failed on. It reads the sheet lazily, row by row, and a damaged part
    (truncated or garbled XML, text where a number belongs, a broken zip member) fails with
    whatever its parser raises (ParseError, ValueError, KeyError, zlib.error, ...), at load or
    halfway through the rows: any of them means the file is unreadable. The parser does not say
    which row it was on, only that every row up to `after` was read."""
    if after:
        return InvalidInput(
            _("%(file)s 第 %(line)s 行之后的内容无法读取，文件已损坏（%(error)s）")
            % {"file": name, "line": after, "error": exc}
        )
    return InvalidInput(
        _("%(file)s: 不是可读的 Excel（.xlsx）文件（%(error)s）") % {"file": name, "error": exc}
    )


def _numbered(rows: Any) -> Iterator[tuple[int, tuple[Any, ...]]]:
    return enumerate(rows, start=1)
