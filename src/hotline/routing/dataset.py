"""Labelled examples from a CSV file, as exported by spreadsheets and other hotline systems.

Texts may span several lines (quoted fields) and carry stray whitespace; `normalize` deals with
that. A bad row (a missing text or label, the wrong number of cells, a text that is empty once
normalised, a broken quote) is skipped and reported with the line where it starts; only a file that
cannot be read at all, or lacks a named column, stops the reading with `DataFileError`.
"""

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from hotline.core.i18n import gettext as _
from hotline.routing.text import normalize

# Excel on Chinese Windows saves CSV as GB18030 unless told otherwise; UTF-8 (with or without BOM) first.
ENCODINGS = ("utf-8-sig", "gb18030")


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


def _decode(raw: bytes, name: str) -> str:
    for encoding in ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DataFileError(_("%(file)s: 无法识别文件编码（应为 UTF-8 或 GB18030）") % {"file": name})


def read_labelled_csv(
    path: Path | str,
    text_col: str = "text",
    label_col: str | None = "label",
    extra_cols: tuple[str, ...] = (),
) -> LabelledData:
    """Rows of `path` with a usable text (and label, unless `label_col` is None)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataFileError(
            _("无法读取文件 %(path)s: %(error)s") % {"path": path, "error": exc.strerror or exc}
        ) from None
    reader = csv.reader(io.StringIO(_decode(raw, path.name), newline=""))
    data = LabelledData(extra={name: [] for name in extra_cols})

    header: list[str] | None = None
    header_line = 0
    next_line = 1  # the physical line where the next record starts
    while True:
        start = next_line
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            next_line = reader.line_num + 1
            data.problems.append(Problem(start, _("CSV 格式错误（%(error)s），已跳过") % {"error": exc}))
            continue
        next_line = reader.line_num + 1
        if not cells or not any(cell.strip() for cell in cells):
            continue  # a blank line
        if header is None:
            header = [cell.strip() for cell in cells]
            header_line = start
            wanted = [text_col, *([label_col] if label_col else []), *extra_cols]
            missing = [name for name in wanted if name not in header]
            if missing:
                found = ", ".join(header)
                raise DataFileError(
                    _("%(file)s 第 %(line)s 行：缺少列 %(missing)s（现有列：%(found)s）")
                    % {"file": path.name, "line": header_line, "missing": ", ".join(missing), "found": found}
                )
            text_at = header.index(text_col)
            label_at = header.index(label_col) if label_col else None
            extra_at = {name: header.index(name) for name in extra_cols}
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
        for name, at in extra_at.items():
            data.extra[name].append(cells[at])
    if header is None:
        raise DataFileError(_("%(file)s: 文件为空，没有表头") % {"file": path.name})
    return data
