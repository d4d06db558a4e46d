"""Labelled examples from a CSV file, as exported by spreadsheets and other hotline systems.

The file is read as every CSV file Hotline is given (core/csvfiles.py): the same encodings, the
same lines, the same refusal of a quote left open (which would take every later row into one cell,
or make a label of a text). Texts may span several lines (quoted fields) and carry stray
whitespace; `normalize` deals with that. A bad row (a missing text or label, the wrong number of
cells, a text that is empty once normalised) is skipped and reported with the line where it starts;
a file that cannot be read at all (not a regular file, in neither encoding, not CSV), or lacks a
named column, stops the reading with `DataFileError`.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from hotline.core.csvfiles import csv_rows, decode, read_file
from hotline.core.errors import InvalidInput
from hotline.core.i18n import gettext as _
from hotline.routing.text import normalize


class DataFileError(Exception):
    """The file cannot be used at all (unreadable, undecodable, empty, a column missing)."""


@dataclass(frozen=True)
class Problem:
    line: int
    message: str

    def __str__(self) -> str:
        return _("第 %(line)s 行：%(message)s") % {"line": self.line, "message": self.message}


@dataclass
class LabelledData:
    texts: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # where each kept row starts in the file
    extra: dict[str, list[str]] = field(default_factory=dict)  # other requested columns, per kept row
    problems: list[Problem] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.texts)


def read_labelled_csv(
    path: Path | str,
    text_col: str = "text",
    label_col: str | None = "label",
    extra_cols: tuple[str, ...] = (),
) -> LabelledData:
    """Rows of `path` with a usable text (and label, unless `label_col` is None)."""
    path = Path(path)
    try:
        raw = read_file(path)
    except OSError as exc:
        raise DataFileError(
            _("无法读取文件 %(path)s: %(error)s") % {"path": path, "error": exc.strerror or exc}
        ) from None
    except InvalidInput as error:
        raise DataFileError(error.message) from None
    try:
        return _labelled(
            csv_rows(decode(raw, path.name), path.name), path.name, text_col, label_col, extra_cols
        )
    except InvalidInput as error:  # a record csv cannot read: an open quote, a cell over the limit
        raise DataFileError(error.message) from None


def _labelled(
    rows: Iterator[tuple[int, list[str]]],
    name: str,
    text_col: str,
    label_col: str | None,
    extra_cols: tuple[str, ...],
) -> LabelledData:
    data = LabelledData(extra={column: [] for column in extra_cols})
    header: list[str] | None = None
    for start, cells in rows:
        if not cells or not any(cell.strip() for cell in cells):
            continue  # a blank line
        if header is None:
            header = [cell.strip() for cell in cells]
            wanted = [text_col, *([label_col] if label_col else []), *extra_cols]
            missing = [column for column in wanted if column not in header]
            if missing:
                found = ", ".join(header)
                raise DataFileError(
                    _("%(file)s 第 %(line)s 行：缺少列 %(missing)s（现有列：%(found)s）")
                    % {"file": name, "line": start, "missing": ", ".join(missing), "found": found}
                )
            text_at = header.index(text_col)
            label_at = header.index(label_col) if label_col else None
            extra_at = {column: header.index(column) for column in extra_cols}
            continue
        if len(cells) != len(header):
            skipped = _("应有 %(expected)s 列，实际为 %(actual)s 列，已跳过") % {
                "expected": len(header),
                "actual": len(cells),
            }
            data.problems.append(Problem(start, skipped))
            continue
        text = cells[text_at]
        if not text.strip():
            data.problems.append(Problem(start, _("“%(column)s”为空，已跳过") % {"column": text_col}))
            continue
        if not normalize(text):
            data.problems.append(Problem(start, _("“%(column)s”规范化后为空，已跳过") % {"column": text_col}))
            continue
        label = ""
        if label_at is not None:
            label = cells[label_at].strip()
            if not label:
                data.problems.append(Problem(start, _("“%(column)s”为空，已跳过") % {"column": label_col}))
                continue
        data.texts.append(text)
        data.labels.append(label)
        data.lines.append(start)
        for column, at in extra_at.items():
            data.extra[column].append(cells[at])
    if header is None:
        raise DataFileError(_("%(file)s: 文件为空，没有表头") % {"file": name})
    return data
