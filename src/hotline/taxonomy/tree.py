"""Reading and merging three-level category trees (一级/二级/三级分类).

Nodes are matched by their path of names, so merging a file twice, or a file that overlaps the tree
already there, adds only what is missing. New nodes get codes from their parent's code plus a
two-digit number in order of first appearance ("01", "0103", "010307"); existing nodes keep theirs.
A bad row raises `InvalidInput` naming its line before anything is written.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hotline.core.api import control_character_refusal
from hotline.core.csvfiles import csv_rows, decode, read_file
from hotline.core.errors import InvalidInput
from hotline.taxonomy.models import Category

HEADER = ("一级分类", "二级分类", "三级分类")
LEVEL_NAMES = {1: gettext_lazy("一级分类"), 2: gettext_lazy("二级分类"), 3: gettext_lazy("三级分类")}
NAME_MAX = Category._meta.get_field("name").max_length or 100


@dataclass(frozen=True)
class TreeRow:
    line: int
    path: tuple[str, ...]  # one to three names, level 1 first


@dataclass
class MergeReport:
    created: dict[int, int] = field(default_factory=lambda: {1: 0, 2: 0, 3: 0})
    existing: dict[int, int] = field(default_factory=lambda: {1: 0, 2: 0, 3: 0})
    # Every path named in the input, with its node (created or found).
    nodes: dict[tuple[str, ...], Category] = field(default_factory=dict)

    @property
    def total_created(self) -> int:
        return sum(self.created.values())


def read_tree_csv(path: Path) -> list[TreeRow]:
    """The rows of a category tree file; InvalidInput naming the line for the first bad row. The
    file is read, decoded and split as every CSV file Hotline is given (core/csvfiles.py): a path
    that is not a regular file, a NUL in it, or a quote left open to its end, is refused there."""
    try:
        raw = read_file(path)  # InvalidInput for a pipe or a device named as the file
    except OSError as exc:
        raise InvalidInput(
            _("无法读取文件 %(path)s: %(error)s") % {"path": path, "error": exc.strerror or exc}
        ) from None
    rows: list[TreeRow] = []
    header_seen = False
    for line, cells in csv_rows(decode(raw, path.name), path.name):
        names = [cell.strip() for cell in cells]
        if not any(names):
            continue  # blank line
        if not header_seen:
            if tuple(names) != HEADER:
                raise InvalidInput(
                    _("%(file)s 第 %(line)s 行：表头应为“%(expected)s”，实际为“%(actual)s”")
                    % {
                        "file": path.name,
                        "line": line,
                        "expected": ",".join(HEADER),
                        "actual": ",".join(names),
                    }
                )
            header_seen = True
            continue
        rows.append(TreeRow(line, _check_row(names, line, path.name)))
    if not header_seen:
        raise InvalidInput(
            _("%(file)s: 文件为空，缺少表头“%(header)s”") % {"file": path.name, "header": ",".join(HEADER)}
        )
    return rows


def _check_row(names: list[str], line: int, file_name: str) -> tuple[str, ...]:
    where = {"file": file_name, "line": line}
    if len(names) != len(HEADER):
        raise InvalidInput(
            _("%(file)s 第 %(line)s 行：应有 %(expected)s 列，实际为 %(actual)s 列")
            % {**where, "expected": len(HEADER), "actual": len(names)}
        )
    level1, level2, level3 = names
    if not level1:
        raise InvalidInput(_("%(file)s 第 %(line)s 行：一级分类为空") % where)
    if level3 and not level2:
        raise InvalidInput(
            _("%(file)s 第 %(line)s 行：三级分类“%(name)s”缺少二级分类") % {**where, "name": level3}
        )
    for level, name in enumerate(names, start=1):
        # A name is shown in every list and printed by `taxonomy tree`: no escape sequences, no NUL
        # (which PostgreSQL cannot store).
        if (refusal := control_character_refusal(name)) is not None:
            raise InvalidInput(
                _("%(file)s 第 %(line)s 行：%(level)s%(refusal)s")
                % {**where, "level": LEVEL_NAMES[level], "refusal": refusal}
            )
        if len(name) > NAME_MAX:
            raise InvalidInput(
                _("%(file)s 第 %(line)s 行：%(level)s“%(name)s…”超过 %(max)s 个字符")
                % {**where, "level": LEVEL_NAMES[level], "name": name[:20], "max": NAME_MAX}
            )
    return tuple(name for name in names if name)


class _Codes:
    """Hands out the next free child code under each parent: parent code + two digits."""

    def __init__(self, categories: Iterable[Category]) -> None:
        self.used: set[str] = set()
        self.last: dict[int | None, int] = {}
        codes_by_parent: dict[int | None, list[str]] = {}
        parent_code: dict[int, str] = {}
        for category in categories:
            self.used.add(category.code)
            parent_code[category.pk] = category.code
            codes_by_parent.setdefault(category.parent_id, []).append(category.code)
        for parent_id, codes in codes_by_parent.items():
            prefix = parent_code.get(parent_id, "") if parent_id is not None else ""
            numbers = [
                int(rest)
                for code in codes
                if code.startswith(prefix) and len(rest := code[len(prefix) :]) == 2 and rest.isdigit()
            ]
            self.last[parent_id] = max(numbers, default=0)

    def next(self, parent: Category | None) -> str:
        key = parent.pk if parent is not None else None
        prefix = parent.code if parent is not None else ""
        number = self.last.get(key, 0)
        while True:
            number += 1
            code = f"{prefix}{number:02d}"
            if code not in self.used:
                self.used.add(code)
                self.last[key] = number
                return code


def merge_paths(paths: Iterable[Sequence[str]]) -> MergeReport:
    """Add the nodes of `paths` that are missing from the tree; idempotent. Call inside a transaction.

    Nodes are matched by (parent, name); each level is written with one bulk insert.
    """
    wanted: list[tuple[str, ...]] = []
    seen: set[tuple[str, ...]] = set()
    for path in paths:
        for depth in range(1, len(path) + 1):
            prefix = tuple(path[:depth])
            if prefix not in seen:
                seen.add(prefix)
                wanted.append(prefix)

    everything = list(Category.objects.all())
    by_key = {(c.parent_id, c.name): c for c in everything}
    codes = _Codes(everything)
    report = MergeReport()
    for level in (1, 2, 3):
        missing: list[tuple[tuple[str, ...], Category]] = []
        for path in (p for p in wanted if len(p) == level):
            parent = report.nodes[path[:-1]] if level > 1 else None
            found = by_key.get((parent.pk if parent else None, path[-1]))
            if found is not None:
                report.nodes[path] = found
                report.existing[level] += 1
            else:
                node = Category(code=codes.next(parent), name=path[-1], parent=parent, level=level)
                missing.append((path, node))
        if missing:
            Category.objects.bulk_create([node for _path, node in missing])
            if any(node.pk is None for _path, node in missing):  # a backend that returns no ids
                stored = Category.objects.in_bulk([node.code for _path, node in missing], field_name="code")
                missing = [(path, stored[node.code]) for path, node in missing]
            for path, node in missing:
                report.nodes[path] = node
            report.created[level] += len(missing)
    return report
