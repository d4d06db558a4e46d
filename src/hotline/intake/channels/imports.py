"""File imports (`hotline import FILE`): the rows of a CSV or Excel file become appeals through the
same intake as live contacts, in bulk (`intake.actions.do_receive_appeals`).

A **mapping** says which column holds which field of an appeal; it comes from a preset (`tipdm`:
the message-board files of the 2020 TipDM Cup) or from a TOML file:

    channel = "import"            # the channel the appeals are recorded under (default: import)
    kind = "complaint"            # the kind of every row unless a `kind` column says otherwise
    id_prefix = ""                # put before every external id (two sources with clashing ids)
    backdate = true               # tickets are created at the row's received time (history)
    time_formats = ["%Y/%m/%d %H:%M:%S"]   # besides ISO 8601; default: DEFAULT_TIME_FORMATS
    optional = ["category"]       # columns that a file may lack

    [columns]                     # field = "header" (or a list of headers, the first present wins)
    external_id = "留言编号"
    title = "留言主题"
    content = "留言详情"
    ...

Fields: external_id, citizen_name, citizen_phone, title, content, address, latitude, longitude,
received_at, kind, urgency, category (a first-level category by name, or a full path "a / b / c"),
reply and replied_at (the answer the citizen already had: the ticket is stored answered), likes,
dislikes. `title` and `content` are required.

Importing is two steps. `plan` reads and checks every row (a field, a time in range, a category
that exists, an external id that the channel already delivered with another title) and sorts them
into new, already present and rejected, each rejection with its line and every fault of that line,
named by the file's own column; nothing is written. `run` stores the new rows, all in one
transaction, and only when no row was rejected unless told to skip them: a broken file stores
nothing, and a file imported twice adds nothing the second time. A dry run is the same two steps
with the same outcome, but for the writing.
"""

import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from hotline.core import clock
from hotline.core.api import control_character_refusal, without_control_characters
from hotline.core.csvfiles import read_file
from hotline.core.enums import Channel, Kind, Urgency
from hotline.core.errors import InvalidInput
from hotline.intake.actions import AppealData, BulkReceipt, PastReply, checked, do_receive_appeals, problems
from hotline.intake.channels.tables import Table, read_table
from hotline.intake.models import Appeal
from hotline.taxonomy.models import Category

FIELDS = (
    "external_id",
    "citizen_name",
    "citizen_phone",
    "title",
    "content",
    "address",
    "latitude",
    "longitude",
    "received_at",
    "kind",
    "urgency",
    "category",
    "reply",
    "replied_at",
    "likes",
    "dislikes",
)
REQUIRED = ("title", "content")

DEFAULT_TIME_FORMATS = (
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d %H:%M",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y/%m/%d",
    "%Y-%m-%d",
    "%Y年%m月%d日",
)


@dataclass(frozen=True)
class ColumnMap:
    """How the columns of a file become an appeal (see the module's docstring)."""

    columns: dict[str, tuple[str, ...]]
    channel: str = Channel.IMPORT
    kind: str = Kind.COMPLAINT
    id_prefix: str = ""
    backdate: bool = True
    time_formats: tuple[str, ...] = DEFAULT_TIME_FORMATS
    optional: frozenset[str] = frozenset()


PRESETS: dict[str, ColumnMap] = {
    # A file whose headers are the fields' own names (title,content,received_at,...).
    "hotline": ColumnMap(
        columns={name: (name,) for name in FIELDS},
        optional=frozenset(FIELDS) - set(REQUIRED),
    ),
    # The message-board files of the 2020 TipDM Cup, problem C (../shared/data/raw/): 附件2 (the
    # official test set), 附件3 (with votes) and 附件4 (with the official replies).
    "tipdm": ColumnMap(
        columns={
            "external_id": ("留言编号",),
            "citizen_name": ("留言用户",),
            "title": ("留言主题",),
            "received_at": ("留言时间",),
            "content": ("留言详情",),
            "category": ("一级标签", "一级分类"),
            "reply": ("答复意见",),
            "replied_at": ("答复时间",),
            "likes": ("点赞数",),
            "dislikes": ("反对数",),
        },
        optional=frozenset({"category", "reply", "replied_at", "likes", "dislikes"}),
    ),
}


def load_mapping(path: Path) -> ColumnMap:
    """A mapping from a TOML file; InvalidInput saying what is wrong with it."""
    try:
        raw = tomllib.loads(read_file(path).decode("utf-8"))
    except OSError as exc:
        raise InvalidInput(
            _("无法读取文件 %(path)s: %(error)s") % {"path": path, "error": exc.strerror or exc}
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(
            _("%(file)s: 不是有效的 TOML（%(error)s）") % {"file": path.name, "error": exc}
        ) from None
    return mapping_from(raw, path.name)


def mapping_from(raw: Mapping[str, Any], name: str) -> ColumnMap:
    def bad(message: str) -> InvalidInput:
        return InvalidInput(f"{name}: {message}")

    known = {"columns", "channel", "kind", "id_prefix", "backdate", "time_formats", "optional"}
    for key in raw:
        if key not in known:
            raise bad(
                _("未知的设置“%(key)s”（可用：%(known)s）") % {"key": key, "known": ", ".join(sorted(known))}
            )
    columns_raw = raw.get("columns")
    if not isinstance(columns_raw, dict) or not columns_raw:
        raise bad(_('缺少 [columns]：字段 = "表头"'))
    columns: dict[str, tuple[str, ...]] = {}
    for key, value in columns_raw.items():
        if key not in FIELDS:
            raise bad(
                _("未知字段“%(field)s”（可用：%(fields)s）") % {"field": key, "fields": ", ".join(FIELDS)}
            )
        headers = (value,) if isinstance(value, str) else value
        if (
            not isinstance(headers, list | tuple)
            or not headers
            or not all(isinstance(h, str) and h for h in headers)
        ):
            raise bad(_("字段“%(field)s”应对应一个表头或表头列表") % {"field": key})
        columns[key] = tuple(headers)
    for key in REQUIRED:
        if key not in columns:
            raise bad(_("[columns] 缺少必需字段“%(field)s”") % {"field": key})
    channel = raw.get("channel", Channel.IMPORT)
    if channel not in Channel.values:
        raise bad(
            _("未知渠道“%(value)s”（可用：%(values)s）")
            % {"value": channel, "values": ", ".join(Channel.values)}
        )
    kind = _choice(raw.get("kind", Kind.COMPLAINT), Kind)
    if kind is None:
        raise bad(_("未知诉求类型“%(value)s”") % {"value": raw.get("kind")})
    prefix = raw.get("id_prefix", "")
    backdate = raw.get("backdate", True)
    formats = raw.get("time_formats", list(DEFAULT_TIME_FORMATS))
    optional = raw.get("optional", [])
    if not isinstance(prefix, str):
        raise bad(_("id_prefix 应为字符串"))
    # The prefix goes into every external id as it is (the cells' control characters are removed
    # before): a NUL there is a database error on PostgreSQL, halfway through storing.
    if (refusal := control_character_refusal(prefix)) is not None:
        raise bad(f"id_prefix {refusal}")
    if not isinstance(backdate, bool):
        raise bad(_("backdate 应为 true 或 false"))
    if not isinstance(formats, list) or not all(isinstance(f, str) and "%" in f for f in formats):
        raise bad(_('time_formats 应为 strftime 格式的列表，如 ["%Y/%m/%d %H:%M:%S"]'))
    for fmt in formats:
        if (fault := _format_fault(fmt)) is not None:
            raise bad(fault)
    if not isinstance(optional, list) or not all(isinstance(o, str) and o in columns for o in optional):
        raise bad(_("optional 应为 [columns] 中字段的列表"))
    return ColumnMap(
        columns=columns,
        channel=channel,
        kind=kind,
        id_prefix=prefix,
        backdate=backdate,
        time_formats=tuple(formats),
        optional=frozenset(optional),
    )


def _format_fault(fmt: str) -> str | None:
    """What is wrong with `fmt` as a format of a file's times, or None: strptime must read back the
    date of a time written in it. A directive it does not know (%Q), a lone % at the end, a
    directive twice, an ISO week without its ISO year and a weekday would otherwise fail on every
    row, each said as a time it cannot read, and the format itself never named; a format that reads
    no date (%%, %H:%M, %m-%d without a year) would read every time as a day of 1900, each refused
    as out of range. Any directives strptime reads a date by will do (%Y-%m-%d, %Y %j, %G-%V-%u).
    A 12-hour clock (%I) without its AM/PM (%p) reads, and reads every afternoon as the morning."""
    # No part of its date is strptime's default, and its hour is an afternoon's.
    sample = datetime(2001, 2, 3, 16, 5, 6, tzinfo=UTC)
    try:
        read = datetime.strptime(sample.strftime(fmt), fmt)  # noqa: DTZ007 - only what it reads
    except (ValueError, re.error):
        return _("time_formats 中的“%(format)s”不是有效的时间格式") % {"format": fmt}
    if read.date() != sample.date():
        return _("time_formats 中的“%(format)s”读不出日期：须能读出年、月、日，如 %%Y-%%m-%%d") % {
            "format": fmt
        }
    if read.hour not in (0, sample.hour):
        return _(
            "time_formats 中的“%(format)s”用 12 小时制（%%I）却没有上午/下午（%%p），下午的时间会读成上午"
        ) % {"format": fmt}
    return None


def _choice(value: Any, choices: type[Kind] | type[Urgency]) -> str | None:
    """A kind or urgency by its stored value ("complaint") or its Chinese label ("投诉")."""
    text = str(value).strip()
    for member in choices:
        if text in (member.value, str(member.label)):
            return str(member.value)
    return None


# --- one row -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rejected:
    line: int
    reasons: tuple[str, ...]  # every fault of the line, each "column: what is wrong"

    @property
    def reason(self) -> str:
        return _("；").join(self.reasons)


class _RowError(Exception):
    """What is wrong with one cell (the caller knows which)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel keeps every number as a float: 1234.0 is the id 1234
    if isinstance(value, datetime | date):
        return value.isoformat()
    return without_control_characters(str(value)).strip()


def _moment(value: Any, formats: tuple[str, ...]) -> datetime | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time.min)
    else:
        text = re.sub(r"\s+", " ", str(value).strip())
        parsed = _parse(text, formats)
        if parsed is None:
            raise _RowError(_("无法识别的时间“%(value)s”") % {"value": text[:40]})
        moment = parsed
    if timezone.is_naive(moment):
        # A time without a zone is the city's local time, as a person wrote it.
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


def _parse(text: str, formats: tuple[str, ...]) -> datetime | None:
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt)  # noqa: DTZ007 - made aware by the caller
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _count(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer():
            return int(value)
    elif re.fullmatch(r"\s*\d+\s*", str(value)):
        return int(str(value))
    raise _RowError(_("应为非负整数，实为“%(value)s”") % {"value": str(value)[:20]})


def _coordinate(value: Any, limit: float) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    if not -limit <= number <= limit:  # NaN fails too
        raise _RowError(
            _("应为 -%(max)s 到 %(max)s 之间的数，实为“%(value)s”") % {"max": limit, "value": value}
        )
    return number


@dataclass
class _Converter:
    mapping: ColumnMap
    header: dict[str, str]  # field -> the column that holds it in this file
    categories: dict[str, int]
    # The file's columns by their place in its header: a line's faults are named in that order.
    places: dict[str, int] = field(default_factory=dict)

    def value(self, cells: dict[str, Any], field_: str) -> Any:
        column = self.header.get(field_)
        return None if column is None else cells.get(column)

    def column(self, field_: str) -> str:
        return self.header.get(field_, field_)

    def convert(self, cells: dict[str, Any], now: datetime) -> tuple[AppealData, list[str]]:
        """The row as a contact checked as intake checks every contact (`checked`), and every
        fault found in it ("column: what is wrong", in the order of the file's columns); with a
        fault the contact is not to be stored."""
        m = self.mapping
        faults: list[tuple[str, str]] = []  # (field, message)

        def read(field_: str, convert: Callable[..., Any], *args: Any) -> Any:
            """The cell of `field_` converted, or None with the fault noted."""
            try:
                return convert(self.value(cells, field_), *args)
            except _RowError as exc:
                faults.append((field_, exc.message))
                return None

        kind, urgency = m.kind, str(Urgency.NORMAL)
        if raw := _text(self.value(cells, "kind")):
            if (found := _choice(raw, Kind)) is None:
                faults.append(("kind", _("未知诉求类型“%(value)s”") % {"value": raw}))
            else:
                kind = found
        if raw := _text(self.value(cells, "urgency")):
            if (found := _choice(raw, Urgency)) is None:
                faults.append(("urgency", _("未知紧急程度“%(value)s”") % {"value": raw}))
            else:
                urgency = found
        category_id = None
        if name := _text(self.value(cells, "category")):
            category_id = self.categories.get(re.sub(r"\s*/\s*", " / ", name))
            if category_id is None:
                faults.append(("category", _("分类“%(name)s”不存在或已停用") % {"name": name}))
        received_at = read("received_at", _moment, m.time_formats)
        replied_at = read("replied_at", _moment, m.time_formats)
        reply_text = _text(self.value(cells, "reply"))
        if reply_text and replied_at is None and "replied_at" not in {f for f, _m in faults}:
            faults.append(("replied_at", _("有答复内容却没有答复时间")))
        if replied_at is not None and not reply_text:
            faults.append(("reply", _("有答复时间却没有答复内容")))
        external_id = _text(self.value(cells, "external_id"))
        data = AppealData(
            channel=m.channel,
            external_id=f"{m.id_prefix}{external_id}" if external_id else None,
            citizen_name=_text(self.value(cells, "citizen_name")),
            citizen_phone=_text(self.value(cells, "citizen_phone")),
            title=_text(self.value(cells, "title")),
            content=_text(self.value(cells, "content")),
            address=_text(self.value(cells, "address")),
            latitude=read("latitude", _coordinate, 90),
            longitude=read("longitude", _coordinate, 180),
            received_at=received_at,
            kind=kind,
            urgency=urgency,
            category_id=category_id,
            likes=read("likes", _count),
            dislikes=read("dislikes", _count),
            reply=PastReply(reply_text, replied_at) if reply_text and replied_at is not None else None,
        )
        if not faults:
            try:
                return checked(data, now), []  # a good row (most are): intake's checks once
            except InvalidInput:
                pass
        # Intake's own checks (empty, too long, a time in the future...), all of them.
        faulty = {f for f, _m in faults}
        for problem in problems(data, now):
            field_, sep, message = problem.partition(": ")
            if not sep:
                field_, message = "", problem
            if field_ not in faulty:
                faults.append((field_, message))
        faults.sort(key=lambda f: self.places.get(self.header.get(f[0], ""), len(self.places)))
        return data, [f"{self.column(f)}: {message}" if f else message for f, message in faults]


def _category_names() -> dict[str, int]:
    """Active categories by first-level name and by full path ("城乡建设 / 市政设施")."""
    found: dict[str, int] = {}
    nodes = {c.pk: c for c in Category.objects.filter(is_active=True)}
    for category in nodes.values():
        names, node, active = [category.name], category, True
        while node.parent_id is not None:
            parent = nodes.get(node.parent_id)
            if parent is None:  # under an inactive category
                active = False
                break
            names.append(parent.name)
            node = parent
        if active:
            found[" / ".join(reversed(names))] = category.pk
    return found


# --- the file ------------------------------------------------------------------------------------


@dataclass
class Plan:
    """What importing the file would do, row by row; nothing is written to make it."""

    table: Table
    mapping: ColumnMap
    new: list[tuple[int, AppealData]] = field(default_factory=list)  # (line, contact)
    present: list[tuple[int, str]] = field(default_factory=list)  # (line, the ticket's number)
    rejected: list[Rejected] = field(default_factory=list)

    @property
    def read(self) -> int:
        return len(self.table.rows)


def _columns_of(table: Table, mapping: ColumnMap) -> dict[str, str]:
    """field -> the column of this file that holds it; InvalidInput for a required column missing."""
    present = set(table.header)
    found: dict[str, str] = {}
    missing: list[str] = []
    for name, headers in mapping.columns.items():
        column = next((h for h in headers if h in present), None)
        if column is not None:
            found[name] = column
        elif name not in mapping.optional:
            missing.append("“" + "”或“".join(headers) + "”")
    if missing:
        raise InvalidInput(
            _("%(file)s: 缺少列%(columns)s（表头为：%(header)s）")
            % {"file": table.name, "columns": "、".join(missing), "header": ",".join(table.header)}
        )
    return found


def _norm(title: str) -> str:
    return re.sub(r"\s+", "", title)


def plan(path: Path, mapping: ColumnMap) -> Plan:
    """Read and check every row of the file (see the module's docstring)."""
    table = read_table(path)
    places = {column: place for place, column in enumerate(table.header)}
    converter = _Converter(mapping, _columns_of(table, mapping), _category_names(), places)
    result = Plan(table, mapping)
    now = clock.now()
    candidates: list[tuple[int, AppealData]] = []
    for row in table.rows:
        data, faults = converter.convert(row.cells, now)
        if faults:
            result.rejected.append(Rejected(row.line, tuple(faults)))
        else:
            candidates.append((row.line, data))
    id_column = converter.column("external_id")
    stored = _stored_titles(mapping.channel, [d.external_id for _line, d in candidates if d.external_id])
    first: dict[str, tuple[int, AppealData]] = {}
    for line, data in candidates:
        external_id = data.external_id
        if external_id is None:
            result.new.append((line, data))
            continue
        if external_id in stored:
            title, number = stored[external_id]
            if _norm(title) == _norm(data.title):
                result.present.append((line, number))
            else:
                reason = _("%(column)s: %(id)s 已是工单 %(number)s 的诉求，但主题不同（“%(title)s”）") % {
                    "column": id_column,
                    "id": external_id,
                    "number": number,
                    "title": title[:30],
                }
                result.rejected.append(Rejected(line, (reason,)))
            continue
        if external_id in first:
            earlier_line, earlier = first[external_id]
            if _norm(earlier.title) == _norm(data.title):
                result.present.append((line, ""))  # the same contact twice in the file
            else:
                reason = _("%(column)s: %(id)s 与第 %(line)s 行重复，但主题不同") % {
                    "column": id_column,
                    "id": external_id,
                    "line": earlier_line,
                }
                result.rejected.append(Rejected(line, (reason,)))
            continue
        first[external_id] = (line, data)
        result.new.append((line, data))
    result.rejected.sort(key=lambda r: r.line)
    return result


def _stored_titles(channel: str, external_ids: list[str]) -> dict[str, tuple[str, str]]:
    """external id -> (title, ticket number) of the appeals this channel already delivered."""
    found: dict[str, tuple[str, str]] = {}
    for start in range(0, len(external_ids), 500):
        chunk = external_ids[start : start + 500]
        for external_id, title, number in Appeal.objects.filter(
            channel=channel, external_id__in=chunk
        ).values_list("external_id", "title", "ticket__number"):
            if external_id is not None:
                found[external_id] = (title, number)
    return found


@dataclass(frozen=True)
class Outcome:
    read: int
    new: int  # rows that are new to the store
    created: int  # created; for a dry run, what the real run would create
    present: int
    rejected: list[Rejected]
    stored: bool  # False: a dry run, or rows were rejected and not skipped
    blocked: bool  # rows were rejected and not to be skipped: the file is refused, nothing stored
    dry_run: bool = False

    @property
    def all_rejected(self) -> bool:
        """Rows were rejected and no row was taken, new or present: skipping the invalid rows left
        nothing, and the import failed as surely as a refused file. A file imported again, whose
        good rows are all present, is not this."""
        return bool(self.rejected) and not self.created and not self.present


def run(
    found: Plan,
    *,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Callable[[int], None] | None = None,
) -> Outcome:
    """Store the plan's new rows in one transaction, unless rows were rejected and not to be
    skipped. A row that another import stored meanwhile counts as present. A dry run decides
    exactly as the real run (the same plan, the same refusal) and only writes nothing."""
    blocked = bool(found.rejected) and not skip_invalid
    outcome = Outcome(
        found.read,
        len(found.new),
        0 if blocked else len(found.new),
        len(found.present),
        found.rejected,
        stored=False,
        blocked=blocked,
        dry_run=dry_run,
    )
    if dry_run or blocked or not found.new:
        return outcome
    receipt: BulkReceipt = do_receive_appeals(
        [data for _line, data in found.new], None, backdate=found.mapping.backdate, progress=progress
    )
    return replace(
        outcome,
        created=len(receipt.created),
        present=len(found.present) + len(receipt.present),
        stored=True,
    )


def with_channel(mapping: ColumnMap, channel: str | None) -> ColumnMap:
    if channel is None:
        return mapping
    if channel not in Channel.values:
        raise InvalidInput(
            _("未知渠道“%(value)s”（可用：%(values)s）")
            % {"value": channel, "values": ", ".join(Channel.values)}
        )
    return replace(mapping, channel=channel)
