"""Articles from a file (`hotline knowledge import FILE`): CSV (UTF-8 or GB18030) or .xlsx, one
article a row, the columns named in Chinese or in English:

    标题 title (required) · 答复口径 body (required) · 常见问法 question · 分类 category (a path
    "城乡建设/市政设施", a name or a code) · 属地 area and 责任单位 owner (a department's code or
    name) · 生效日期 valid_from and 失效日期 valid_until (YYYY-MM-DD, 2000-01-01 to 2100-12-31) ·
    对外公开 public (是/否, 1/0)

Every row is read and checked before anything is stored; a file with any bad row stores nothing
and each bad row is named with its line and reason. Importing the same title twice (in the file
or over an article already in the base) is refused too: an article is edited, not imported again.
"""

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from hotline.core import timerange
from hotline.core.api import without_control_characters
from hotline.core.enums import ArticleStatus
from hotline.core.errors import InvalidInput
from hotline.directory.models import Department
from hotline.intake.channels.tables import Row, read_table
from hotline.knowledge.actions import ArticleData, do_create_article
from hotline.knowledge.models import Article
from hotline.taxonomy.models import Category

COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("标题", "title"),
    "body": ("答复口径", "答复内容", "body"),
    "question": ("常见问法", "question"),
    "category": ("分类", "category"),
    "area": ("属地", "area"),
    "owner": ("责任单位", "owner"),
    "valid_from": ("生效日期", "valid_from"),
    "valid_until": ("失效日期", "valid_until"),
    "public": ("对外公开", "public"),
}
REQUIRED = ("title", "body")
# ArticleData's fields by the name its problems give them -> the key of their column above.
FIELDS = {
    "title": "title",
    "body": "body",
    "question": "question",
    "valid_from": "valid_from",
    "valid_until": "valid_until",
    "category_id": "category",
    "area_id": "area",
    "owner_id": "owner",
}
_YES = {"是", "1", "true", "yes", "y", "公开"}
_NO = {"否", "0", "false", "no", "n", "不公开", ""}


@dataclass(frozen=True)
class Planned:
    line: int
    data: ArticleData


@dataclass(frozen=True)
class Plan:
    file: str
    rows: list[Planned]
    problems: list[str]  # "第 N 行：..." sentences


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    # Without control characters, as `hotline import` reads the same files: text pasted from
    # elsewhere brings them along, and stored they would break the articles' .xlsx and a terminal.
    return without_control_characters(str(value)).strip()


def _date(value: Any, column: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    else:
        text = _text(value).replace("/", "-").replace(".", "-")
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise InvalidInput(
                _("%(column)s：“%(value)s”不是 YYYY-MM-DD 格式的日期") % {"column": column, "value": value}
            ) from None
    return timerange.check_day(day, column)


def _public(value: Any, column: str) -> bool:
    text = _text(value).lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise InvalidInput(_("%(column)s：应为“是”或“否”，实为“%(value)s”") % {"column": column, "value": value})


class _Lookup:
    """Categories and departments by what a person writes in a cell, loaded once per file."""

    def __init__(self) -> None:
        self.categories: dict[str, int | None] = {}
        for c in Category.objects.select_related("parent", "parent__parent"):
            for key in (c.code, c.path.replace(" / ", "/"), c.name):
                # A name used twice in the tree is ambiguous: None says so.
                self.categories[key] = (
                    None if key in self.categories and self.categories[key] != c.pk else c.pk
                )
        self.departments: dict[str, int | None] = {}
        for d in Department.objects.all():
            for key in (d.code, d.name):
                self.departments[key] = (
                    None if key in self.departments and self.departments[key] != d.pk else d.pk
                )

    def category(self, value: str, column: str) -> int | None:
        if not value:
            return None
        key = value.replace(" / ", "/").replace("／", "/")
        if key not in self.categories:
            raise InvalidInput(_("%(column)s：没有分类“%(value)s”") % {"column": column, "value": value})
        found = self.categories[key]
        if found is None:
            raise InvalidInput(
                _("%(column)s：分类名“%(value)s”不唯一，请写完整路径或编码")
                % {"column": column, "value": value}
            )
        return found

    def department(self, value: str, column: str) -> int | None:
        if not value:
            return None
        if value not in self.departments:
            raise InvalidInput(_("%(column)s：没有单位“%(value)s”") % {"column": column, "value": value})
        found = self.departments[value]
        if found is None:
            raise InvalidInput(
                _("%(column)s：单位名“%(value)s”不唯一，请写编码") % {"column": column, "value": value}
            )
        return found


def _columns(header: tuple[str, ...], name: str) -> dict[str, str]:
    found = {}
    for key, names in COLUMNS.items():
        for column in names:
            if column in header:
                found[key] = column
                break
    missing = [COLUMNS[key][0] for key in REQUIRED if key not in found]
    if missing:
        raise InvalidInput(
            _("%(file)s 第 1 行：缺少列 %(columns)s") % {"file": name, "columns": "、".join(missing)}
        )
    return found


def _article(row: Row, columns: dict[str, str], lookup: _Lookup) -> ArticleData:
    cells = row.cells

    def cell(key: str) -> Any:
        return cells.get(columns[key]) if key in columns else None

    def column(key: str) -> str:
        return columns.get(key, COLUMNS[key][0])

    data = ArticleData(
        title=_text(cell("title")),
        body=_text(cell("body")),
        question=_text(cell("question")),
        category_id=lookup.category(_text(cell("category")), column("category")),
        area_id=lookup.department(_text(cell("area")), column("area")),
        owner_id=lookup.department(_text(cell("owner")), column("owner")),
        valid_from=_date(cell("valid_from"), column("valid_from")),
        valid_until=_date(cell("valid_until"), column("valid_until")),
        public=_public(cell("public"), column("public")),
    )
    if problems := data.problems():
        # Each named by the file's column (标题, or title in a file with English headers), not by
        # the field's name inside Hotline.
        named = []
        for problem in problems:
            name, sep, message = problem.partition(": ")
            key = FIELDS.get(name) if sep else None
            named.append(
                _("%(column)s：%(message)s") % {"column": column(key), "message": message}
                if key is not None
                else problem
            )
        # Translators: the separator between clauses or short sentences (a semicolon in Chinese).
        raise InvalidInput(_("；").join(named))
    return data


def plan(path: Path) -> Plan:
    """Read and check every row; InvalidInput when the file itself cannot be read."""
    table = read_table(path)
    columns = _columns(table.header, table.name)
    lookup = _Lookup()
    rows, problems = [], []
    seen: dict[str, int] = {}
    for row in table.rows:
        try:
            data = _article(row, columns, lookup)
        except InvalidInput as error:
            problems.append(_("第 %(line)d 行：%(error)s") % {"line": row.line, "error": error.message})
            continue
        if data.title in seen:
            problems.append(
                _("第 %(line)d 行：标题“%(title)s”与第 %(first)d 行重复")
                % {"line": row.line, "title": data.title, "first": seen[data.title]}
            )
            continue
        seen[data.title] = row.line
        rows.append(Planned(row.line, data))
    stored = set(
        Article.objects.filter(title__in=list(seen))
        .exclude(status=ArticleStatus.RETIRED)
        .values_list("title", flat=True)
    )
    for planned in rows:
        if planned.data.title in stored:
            problems.append(
                _("第 %(line)d 行：知识库已有标题“%(title)s”，请编辑该知识")
                % {"line": planned.line, "title": planned.data.title}
            )
    return Plan(table.name, rows, problems)


def run(plan: Plan, *, publish: bool) -> list[Article]:
    """Store a plan without problems, in one transaction."""
    if plan.problems:
        raise InvalidInput("；".join(plan.problems))
    status = ArticleStatus.PUBLISHED if publish else ArticleStatus.DRAFT
    note = _("导入自 %(file)s") % {"file": plan.file}
    with transaction.atomic():
        return [do_create_article(None, p.data, status=status, note=note) for p in plan.rows]
