"""Reading the CSV files Hotline is given. `decode` and `csv_rows` read every one of them, the
tables of `hotline import` and `hotline knowledge import` (intake/channels/tables.py) as well:
UTF-8 with or without BOM, or GB18030 as Excel on Chinese Windows saves it, each record with the
line it starts on (a cell may span lines); a file they cannot read is InvalidInput naming it and,
for a malformed record (a quote left open to the end of the file among them), its line.

`read_records` reads a small file given to a command, one record per row under a fixed header, the
first column the record's id (`hotline replies check`, `hotline dedup score`). Everything wrong
with it is a CommandError that names the file and, for a row, its line: a file that cannot be
read, is in neither encoding or not CSV (a cell over the size limit), is empty, has another header,
a row with another number of columns, an empty or repeated id. Blank rows are skipped. What a
record must hold beyond that is the command's to check, with `line_error`.
"""

import csv
import io
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from hotline.core.errors import InvalidInput

ENCODINGS = ("utf-8-sig", "gb18030")
# A single CSV cell may hold a long message, never more than this (csv's default is 128 KiB).
CSV_FIELD_LIMIT = 1024 * 1024


@dataclass(frozen=True)
class Record:
    line: int
    cells: tuple[str, ...]  # stripped, one per column


def decode(raw: bytes, name: str) -> str:
    """The text of a CSV file: UTF-8 (with or without BOM) or GB18030; InvalidInput otherwise."""
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
    return text


def csv_rows(text: str, name: str) -> Iterator[tuple[int, list[str]]]:
    """Each CSV record with the line it starts on; a malformed one (an unclosed quote, a cell over
    CSV_FIELD_LIMIT) raises InvalidInput naming that line."""
    csv.field_size_limit(CSV_FIELD_LIMIT)
    reader = csv.reader(io.StringIO(text, newline=""))
    line = 1  # where the next record starts
    # Each record is handed on once the next one is read: the last one is checked first (an open
    # quote), before a reader judges its cells.
    held: tuple[int, list[str]] | None = None
    try:
        for cells in reader:
            if held is not None:
                yield held
            held, line = (line, cells), reader.line_num + 1
    except csv.Error as exc:
        raise InvalidInput(
            _("%(file)s 第 %(line)s 行：CSV 格式错误（%(error)s）")
            % {"file": name, "line": line, "error": exc}
        ) from None
    if held is not None:
        if _open_quote(text, held[0]):
            raise InvalidInput(
                _("%(file)s 第 %(line)s 行：引号未闭合，其后直到文件末尾都会被读成同一格")
                % {"file": name, "line": held[0]}
            )
        yield held


def _open_quote(text: str, start: int) -> bool:
    """Whether the last record (from line `start`) ends inside a quoted cell. The lenient reader
    closes such a cell at the end of the file, and so a quote left open in one cell takes every
    line after it into that cell: rows that would be lost without a word. The record is read again
    strictly, which says so ("unexpected end of data")."""
    tail = "".join(itertools.islice(io.StringIO(text, newline=""), start - 1, None))
    try:
        for _cells in csv.reader(io.StringIO(tail, newline=""), strict=True):
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def line_error(path: Path, line: int, message: str) -> CommandError:
    return CommandError(
        _("%(file)s 第 %(line)d 行：%(message)s") % {"file": path, "line": line, "message": message}
    )


def read_records(path: Path, columns: Sequence[str]) -> list[Record]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CommandError(
            _("%(file)s: 无法读取（%(error)s）") % {"file": path, "error": exc.strerror or exc}
        ) from None
    try:
        return _records(csv_rows(decode(raw, str(path)), str(path)), path, columns)
    except InvalidInput as error:
        raise CommandError(error.message) from None


def _records(rows: Iterator[tuple[int, list[str]]], path: Path, columns: Sequence[str]) -> list[Record]:
    first = next(rows, None)
    if first is None:
        raise CommandError(_("%(file)s: 文件为空") % {"file": path})
    header_line, header = first
    if [h.strip() for h in header] != list(columns):
        raise line_error(
            path,
            header_line,
            _("表头应为 %(expected)s，实为 %(found)s")
            % {"expected": ",".join(columns), "found": ",".join(header)},
        )
    key = columns[0]
    records: list[Record] = []
    seen: set[str] = set()
    for line, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(columns):
            raise line_error(
                path,
                line,
                _("应有 %(expected)d 列，实有 %(found)d 列") % {"expected": len(columns), "found": len(row)},
            )
        cells = tuple(cell.strip() for cell in row)
        if not cells[0]:
            raise line_error(path, line, _("%(column)s 为空") % {"column": key})
        if cells[0] in seen:
            raise line_error(path, line, _("%(column)s %(id)s 重复") % {"column": key, "id": cells[0]})
        seen.add(cells[0])
        records.append(Record(line, cells))
    return records
