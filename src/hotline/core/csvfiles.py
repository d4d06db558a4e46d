"""A small CSV file given to a command, one record per row under a fixed header, the first column the
record's id (`hotline replies check`, `hotline dedup score`).

Everything wrong with the file is a CommandError that names the file and, for a row, its line:
a file that cannot be read, is not UTF-8 or not CSV, is empty, has another header, a row with
another number of columns, an empty or repeated id. Blank rows are skipped. What a record must
hold beyond that is the command's to check, with `line_error`.
"""

import csv
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Record:
    line: int
    cells: tuple[str, ...]  # stripped, one per column


def line_error(path: Path, line: int, message: str) -> CommandError:
    return CommandError(
        _("%(file)s 第 %(line)d 行：%(message)s") % {"file": path, "line": line, "message": message}
    )


def read_records(path: Path, columns: Sequence[str]) -> list[Record]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            return _records(reader, lambda: reader.line_num, path, columns)
    except OSError as exc:
        raise CommandError(
            _("%(file)s: 无法读取（%(error)s）") % {"file": path, "error": exc.strerror or exc}
        ) from None
    except UnicodeDecodeError:
        raise CommandError(_("%(file)s: 不是 UTF-8 编码的 CSV 文件") % {"file": path}) from None
    except csv.Error as exc:
        raise CommandError(_("%(file)s: CSV 格式错误（%(error)s）") % {"file": path, "error": exc}) from None


def _records(
    reader: Iterator[list[str]], line_num: Callable[[], int], path: Path, columns: Sequence[str]
) -> list[Record]:
    header = next(reader, None)
    if header is None:
        raise CommandError(_("%(file)s: 文件为空") % {"file": path})
    if [h.strip() for h in header] != list(columns):
        raise line_error(
            path,
            1,
            _("表头应为 %(expected)s，实为 %(found)s")
            % {"expected": ",".join(columns), "found": ",".join(header)},
        )
    key = columns[0]
    records: list[Record] = []
    seen: set[str] = set()
    for row in reader:
        line = line_num()
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
