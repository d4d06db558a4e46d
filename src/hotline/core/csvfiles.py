"""Reading the CSV files Hotline is given. `decode` and `csv_rows` read every one of them, the
tables of `hotline import` and `hotline knowledge import` (intake/channels/tables.py) and the
training files of `hotline model` (routing/dataset.py) as well:
UTF-8 with or without BOM, or GB18030 as Excel on Chinese Windows saves it, each record with the
line it starts on (a cell may span lines); a file they cannot read is InvalidInput naming it and,
for a malformed record (a quote left open to the end of the file among them), its line.

`read_file` reads every file a command is given (these tables, the training files of `hotline
model`, an import's mapping): only a regular file, so that a pipe or a device (/dev/zero) named as
a file is refused rather than read for ever.

`read_records` reads a small file given to a command, one record per row under a fixed header, the
first column the record's id (`hotline replies check`, `hotline dedup score`). Everything wrong
with it is a CommandError that names the file and, for a row, its line: a file that cannot be
read, is in neither encoding or not CSV (a cell over the size limit), is empty, has another header,
a row with another number of columns, an empty or repeated id, an id holding a control character
(the commands print the ids back: an escape would reach the terminal). Blank rows are skipped.
What a record must hold beyond that is the command's to check, with `line_error`.
"""

import csv
import io
import itertools
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.core.management.base import CommandError

from hotline.core.errors import InvalidInput
from hotline.core.i18n import gettext as _

ENCODINGS = ("utf-8-sig", "gb18030")
# A single CSV cell may hold a long message, never more than this (csv's default is 128 KiB).
CSV_FIELD_LIMIT = 1024 * 1024


@dataclass(frozen=True)
class Record:
    line: int
    cells: tuple[str, ...]  # stripped, one per column


def read_file(path: Path) -> bytes:
    """The bytes of the regular file at `path` (a link to one is followed); InvalidInput naming it
    for anything else (a pipe or a device would be read for ever, a directory not at all). OSError
    for a file that cannot be opened, which each caller words as it words it."""
    # Not blocking on open: a pipe with no writer would hold the open itself until one came.
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        regular = stat.S_ISREG(os.fstat(descriptor).st_mode)
    except OSError:
        os.close(descriptor)
        raise
    if not regular:
        os.close(descriptor)
        raise InvalidInput(_("%(file)s: 不是普通文件，无法读取") % {"file": path})
    with os.fdopen(descriptor, "rb") as file:
        return file.read()


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


def output_format(value: str) -> str:
    """A command's `--format`, text or csv, refused in the command's words (argparse's `choices`
    refuse in English)."""
    if value not in ("text", "csv"):
        raise CommandError(_("--format 须为 text 或 csv，收到 %(format)r") % {"format": value})
    return value


def line_error(path: Path, line: int, message: str) -> CommandError:
    return CommandError(
        _("%(file)s 第 %(line)d 行：%(message)s") % {"file": path, "line": line, "message": message}
    )


def read_records(path: Path, columns: Sequence[str]) -> list[Record]:
    try:
        raw = read_file(path)
    except OSError as exc:
        raise CommandError(
            _("%(file)s: 无法读取（%(error)s）") % {"file": path, "error": exc.strerror or exc}
        ) from None
    except InvalidInput as error:
        raise CommandError(error.message) from None
    try:
        return _records(csv_rows(decode(raw, str(path)), str(path)), path, columns)
    except InvalidInput as error:
        raise CommandError(error.message) from None


def _records(rows: Iterator[tuple[int, list[str]]], path: Path, columns: Sequence[str]) -> list[Record]:
    # Imported here: the benchmarks read CSV files with this module without Django settings, and
    # core.api's ninja reads them on import.
    from hotline.core.api import control_character_refusal

    # Empty rows above the header (a spreadsheet saved with blank rows on top) are no header.
    first = next((row for row in rows if any(cell.strip() for cell in row[1])), None)
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
        if (refusal := control_character_refusal(cells[0])) is not None:
            raise line_error(path, line, f"{key} {refusal}")
        if cells[0] in seen:
            raise line_error(path, line, _("%(column)s %(id)s 重复") % {"column": key, "id": cells[0]})
        seen.add(cells[0])
        records.append(Record(line, cells))
    return records
