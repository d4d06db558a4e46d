"""Reading a table of contacts from a file: CSV (UTF-8 with or without BOM, or GB18030 as Excel on
Chinese Windows saves it) or Excel .xlsx (the first sheet). Every row comes with the line a person
sees it on: the physical line where a CSV record starts (a cell may span lines), the sheet's row
number in Excel. A file that cannot be read at all raises InvalidInput; rows are judged later.
"""

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from hotline.core.errors import InvalidInput

ENCODINGS = ("utf-8-sig", "gb18030")
# A single CSV cell may hold a long message, never more than this (csv's default is 128 KiB).
CSV_FIELD_LIMIT = 1024 * 1024
SUFFIXES = (".csv", ".xlsx")


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
        raw = path.read_bytes()
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
    for encoding in ENCODINGS:
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InvalidInput(_("%(file)s: 无法识别文件编码（应为 UTF-8 或 GB18030）") % {"file": name})
    if "\x00" in text:
        raise InvalidInput(_("%(file)s: 不是文本文件（含有 NUL 字符）") % {"file": name})
    csv.field_size_limit(CSV_FIELD_LIMIT)
    reader = csv.reader(io.StringIO(text, newline=""))
    header: tuple[str, ...] | None = None
    rows: list[Row] = []
    line = 1  # where the next record starts
    try:
        for cells in reader:
            start, line = line, reader.line_num + 1
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
    except csv.Error as exc:
        raise InvalidInput(
            _("%(file)s 第 %(line)s 行：CSV 格式错误（%(error)s）")
            % {"file": name, "line": line, "error": exc}
        ) from None
    if header is None:
        raise InvalidInput(_("%(file)s: 文件为空，缺少表头") % {"file": name})
    return header, rows


def _read_xlsx(raw: bytes, name: str) -> tuple[tuple[str, ...], list[Row]]:
    # openpyxl is imported here: the web processes never read a workbook.
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InvalidInput(
            _("%(file)s: 不是可读的 Excel（.xlsx）文件（%(error)s）") % {"file": name, "error": exc}
        ) from None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise InvalidInput(_("%(file)s: 工作簿中没有工作表") % {"file": name})
        header: tuple[str, ...] | None = None
        rows: list[Row] = []
        for number, values in _numbered(sheet.iter_rows(values_only=True)):
            cells = list(values)
            if _blank(cells):
                continue
            if header is None:
                header = _header(cells, name, number)
                continue
            rows.append(Row(number, dict(zip(header, cells, strict=False))))
    finally:
        book.close()
    if header is None:
        raise InvalidInput(_("%(file)s: 文件为空，缺少表头") % {"file": name})
    return header, rows


def _numbered(rows: Any) -> Iterator[tuple[int, tuple[Any, ...]]]:
    return enumerate(rows, start=1)
