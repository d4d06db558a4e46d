"""The services of GeoReport v2 are the category tree (taxonomy/): every active category is a
service_code, the leaves are listed (`GET services`), its first-level category is its `group`, the
names on its path its `keywords`. Every service has the same definition: the attributes below, which
map onto what intake takes (the kind of appeal, its title) or only inform the citizen.

No attribute is required: a GeoReport v2 client that knows nothing of this city posts the
specification's own fields alone (as its example does), and an attribute left unanswered takes its
`default` (the kind: complaint 投诉, as a reported problem is), which its description states."""

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db.models import Max
from django.utils.dateparse import parse_datetime
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hotline.core import timerange
from hotline.core.api import as_aware, control_character_refusal
from hotline.core.enums import Kind
from hotline.open311.formats import Open311Error
from hotline.taxonomy.models import Category
from hotline.taxonomy.selectors import active_categories

# When ATTRIBUTES last changed (discovery's changeset tells clients to fetch the definitions again).
ATTRIBUTES_CHANGED = datetime(2026, 12, 5, tzinfo=UTC)
DATATYPES = frozenset({"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"})
LISTS = frozenset({"singlevaluelist", "multivaluelist"})
STRING_MAX = 1000
TEXT_MAX = 4000


@dataclass(frozen=True)
class Attribute:
    code: str
    datatype: str
    description: str | Promise
    required: bool = False
    # False: shown to the citizen, never answered (the specification's informational attribute).
    variable: bool = True
    datatype_description: str | Promise = ""
    # (key, name) of the options of a list.
    values: Callable[[], Sequence[tuple[str, Any]]] | None = None
    # The field of intake's AppealData that the answer fills ("" for none).
    intake_field: str = ""
    # What an unanswered attribute is taken to be (None: nothing); say it in the description.
    default: str | None = None

    def options(self) -> list[tuple[str, str]]:
        return [(str(k), str(v)) for k, v in self.values()] if self.values else []


ATTRIBUTES: tuple[Attribute, ...] = (
    Attribute(
        "kind",
        "singlevaluelist",
        gettext_lazy("诉求类型：投诉、求助、咨询、建议、举报或表扬；不填则按投诉受理"),
        values=lambda: Kind.choices,
        intake_field="kind",
        default=Kind.COMPLAINT,
    ),
    Attribute(
        "title",
        "string",
        gettext_lazy("标题：一句话说明问题；不填则取描述的开头"),
        datatype_description=gettext_lazy("200 字以内，不换行"),
        intake_field="title",
    ),
    Attribute(
        "privacy",
        "text",
        gettext_lazy("您的姓名和电话只用于办理和回访，不会公开。"),
        variable=False,
    ),
)
BY_CODE = {a.code: a for a in ATTRIBUTES}


# --- services --------------------------------------------------------------------------------------


def _names(category: Category) -> list[str]:
    """The names on the path to `category`, first level first (its parents are loaded)."""
    names: list[str] = []
    node: Category | None = category
    while node is not None and len(names) < 10:
        names.append(node.name)
        node = node.parent
    return list(reversed(names))


def service_type() -> str:
    """realtime: POST requests answers with the service_request_id; batch: with a token that
    `tokens/{token}` turns into it (settings.HOTLINE["OPEN311"]["TYPE"])."""
    return str(settings.HOTLINE["OPEN311"]["TYPE"])


def service_fields(category: Category) -> dict[str, Any]:
    """One service of `GET services`, its fields in the specification's order."""
    names = _names(category)
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": " / ".join(names),
        "metadata": bool(ATTRIBUTES),
        "type": service_type(),
        "keywords": ", ".join(names),
        "group": names[0],
    }


def changeset() -> datetime:
    """When the services or their definitions last changed, for discovery's `changeset`: the
    attributes' last change in the code, or the latest change to the category tree in the admin."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(Category)
    edited = LogEntry.objects.filter(content_type=content_type).aggregate(last=Max("action_time"))["last"]
    return max(ATTRIBUTES_CHANGED, edited) if edited else ATTRIBUTES_CHANGED


def listed() -> list[Category]:
    """The services listed: the active leaves of the tree, in its order."""
    categories = list(active_categories())
    parents = {c.parent_id for c in categories}
    return [c for c in categories if c.pk not in parents]


def find(code: str) -> Category:
    """The active category `code` (any level), or 404 (400 for a code no category can have)."""
    if (refusal := control_character_refusal(code)) is not None:
        raise Open311Error(400, f"service_code: {refusal}")
    category = active_categories().filter(code=code).first()
    if category is None:
        raise Open311Error(404, _("service_code %(code)r 不存在") % {"code": code})
    return category


# --- attributes --------------------------------------------------------------------------------------

_ATTRIBUTE_KEY = re.compile(r"attribute\[([^\[\]]+)\](\[\])?")


def posted_attributes(form: Any) -> dict[str, list[str]]:
    """The attributes of a POSTed form: attribute[code]=value, and attribute[code][]=value once per
    value of a multivaluelist. Each code with all its values, in the order given."""
    found: dict[str, list[str]] = {}
    for key in form:
        if (match := _ATTRIBUTE_KEY.fullmatch(key)) is not None:
            found.setdefault(match.group(1), []).extend(form.getlist(key))
    return found


def _value(attribute: Attribute, values: list[str]) -> Any:
    """The answer to one attribute in Python, or a description of what is wrong with it."""
    label = f"attribute[{attribute.code}]"
    values = [v.strip() for v in values if v.strip()]
    if not values:
        if attribute.required:
            raise ValueError(_("%(label)s: 必填") % {"label": label})
        if attribute.default is None:
            return None
        values = [attribute.default]
    if attribute.datatype != "multivaluelist" and len(values) > 1:
        raise ValueError(_("%(label)s: 只能有一个值") % {"label": label})
    keys = {k for k, _name in attribute.options()}
    match attribute.datatype:
        case "multivaluelist" | "singlevaluelist":
            unknown = [v for v in values if v not in keys]
            if unknown:
                raise ValueError(
                    _("%(label)s: 不可选 %(values)s（可选：%(keys)s）")
                    % {"label": label, "values": ", ".join(unknown), "keys": ", ".join(sorted(keys))}
                )
            return values if attribute.datatype == "multivaluelist" else values[0]
        case "number":
            try:
                number = float(values[0])
            except ValueError:
                number = math.nan
            if not math.isfinite(number):
                raise ValueError(_("%(label)s: 应为数字") % {"label": label})
            return number
        case "datetime":
            try:
                moment = parse_datetime(values[0])
            except ValueError:
                moment = None
            if moment is None:
                raise ValueError(
                    _("%(label)s: 应为 ISO 8601 时间，如 2026-03-02T09:30:00+08:00") % {"label": label}
                )
            moment = as_aware(moment)
            if not timerange.in_range(moment):
                raise ValueError(f"{label}: {timerange.range_message()}")
            return moment
        case "string":
            if "\n" in values[0] or "\r" in values[0] or len(values[0]) > STRING_MAX:
                raise ValueError(
                    _("%(label)s: 应为不换行的文字，%(max)s 字以内") % {"label": label, "max": STRING_MAX}
                )
            return values[0]
        case _:
            if len(values[0]) > TEXT_MAX:
                raise ValueError(_("%(label)s: 超过 %(max)s 个字符") % {"label": label, "max": TEXT_MAX})
            return values[0]


def checked_attributes(given: dict[str, list[str]]) -> dict[str, Any]:
    """The answers to the service definition's attributes as intake's fields ({"kind": ...}), or
    400 listing every attribute that is missing, unknown or wrong."""
    problems: list[str] = []
    fields: dict[str, Any] = {}
    for code in given:
        attribute = BY_CODE.get(code)
        if attribute is None:
            problems.append(
                _("attribute[%(code)s]: 服务定义中没有这一属性（有：%(codes)s）")
                % {"code": code, "codes": ", ".join(a.code for a in ATTRIBUTES if a.variable)}
            )
        elif not attribute.variable:
            problems.append(_("attribute[%(code)s]: 仅作说明，不接受取值") % {"code": code})
    for attribute in ATTRIBUTES:
        if not attribute.variable:
            continue
        try:
            value = _value(attribute, given.get(attribute.code, []))
        except ValueError as error:
            problems.append(str(error))
            continue
        if value is not None and attribute.intake_field:
            fields[attribute.intake_field] = value
    if problems:
        raise Open311Error(400, *problems)
    return fields


def definition(category: Category) -> dict[str, Any]:
    """GET services/{service_code}: the attributes, in their order."""
    attributes = []
    for order, attribute in enumerate(ATTRIBUTES, start=1):
        attributes.append(
            {
                "variable": attribute.variable,
                "code": attribute.code,
                "datatype": attribute.datatype,
                "required": attribute.required,
                "datatype_description": str(attribute.datatype_description) or None,
                "order": order,
                "description": str(attribute.description),
                "values": [{"key": k, "name": n} for k, n in attribute.options()],
            }
        )
    return {"service_code": category.code, "attributes": attributes}
