"""What the pages say when an action is refused: the domain's messages in the words of the form.

The actions name the field at fault first (`lead_department_id: 主办单位不能是退单单位`), which an API
client needs and a person at a form does not: the pages put the field's label there instead, and
read a schema's validation errors (pydantic's, in English) into the same shape.
"""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _
from pydantic import ValidationError

from hotline.core.errors import HotlineError

# The fields the actions and their schemas name, as the forms label them.
FIELD_LABELS: dict[str, str] = {
    "address": gettext_noop("地址"),
    "answer": gettext_noop("答复"),
    "appeal_id": gettext_noop("诉求"),
    "area_id": gettext_noop("属地"),
    "article_id": gettext_noop("知识库文章"),
    "assignment_id": gettext_noop("承办任务"),
    "body": gettext_noop("正文"),
    "category_id": gettext_noop("分类"),
    "channel": gettext_noop("渠道"),
    "citizen_name": gettext_noop("姓名"),
    "citizen_phone": gettext_noop("联系电话"),
    "co_department_ids": gettext_noop("协办单位"),
    "content": gettext_noop("诉求内容"),
    "created_from": gettext_noop("受理日期（起）"),
    "created_to": gettext_noop("受理日期（止）"),
    "deadline": gettext_noop("督办期限"),
    "department_id": gettext_noop("适用单位"),
    "description": gettext_noop("描述"),
    "extension_id": gettext_noop("延期申请"),
    "into_ticket_id": gettext_noop("合并到的工单"),
    "kind": gettext_noop("类型"),  # of an appeal, of a supervision: the form says which
    "lead_department_id": gettext_noop("主办单位"),
    "lesson": gettext_noop("经验启示"),
    "media": gettext_noop("附件"),
    "name": gettext_noop("名称"),
    "note": gettext_noop("说明"),
    "other_ticket_id": gettext_noop("关联的工单"),
    "outcome": gettext_noop("处置结果"),
    "question": gettext_noop("问题"),
    "reason": gettext_noop("理由"),
    "received_at": gettext_noop("受理时间"),
    "replied_at": gettext_noop("答复时间"),
    "reply": gettext_noop("答复"),
    "requested_due_at": gettext_noop("申请延至"),
    "resolution": gettext_noop("解决情况"),
    "satisfaction": gettext_noop("满意度"),
    "status": gettext_noop("状态"),
    "story": gettext_noop("办理经过"),
    "text": gettext_noop("内容"),
    "title": gettext_noop("标题"),
    "uphold": gettext_noop("审核结论"),
    "urgency": gettext_noop("紧急程度"),
    "valid_from": gettext_noop("生效日期"),
    "valid_until": gettext_noop("失效日期"),
}

# pydantic's error types, as a form says them (the rest: "格式不正确").
_PROBLEMS: dict[str, str] = {
    "missing": gettext_noop("必须填写"),
    "string_too_short": gettext_noop("不能为空"),
    "string_too_long": gettext_noop("不能超过 %(max_length)s 个字符"),
    "int_parsing": gettext_noop("须为数字"),
    "int_type": gettext_noop("须为数字"),
    "datetime_from_date_parsing": gettext_noop("日期时间格式不正确"),
    "datetime_parsing": gettext_noop("日期时间格式不正确"),
    "date_from_datetime_parsing": gettext_noop("日期格式不正确"),
    "bool_parsing": gettext_noop("须为是或否"),
    "enum": gettext_noop("不是可选的值"),
    "literal_error": gettext_noop("不是可选的值"),
    # With the bound from the error's context.
    "greater_than_equal": gettext_noop("不能小于 %(ge)s"),
    "less_than_equal": gettext_noop("不能大于 %(le)s"),
    "greater_than": gettext_noop("须大于 %(gt)s"),
    "less_than": gettext_noop("须小于 %(lt)s"),
}


def field_label(field: str) -> str:
    return _(FIELD_LABELS[field]) if field in FIELD_LABELS else field


def for_people(message: str) -> str:
    """`message` with the field it names first, if any, in words: `note: 不能为空` -> `说明：不能为空`."""
    parts = []
    for part in message.split("; "):
        field, colon, rest = part.partition(": ")
        named = colon and field in FIELD_LABELS
        parts.append(labelled(field_label(field), rest) if named else part)
    # Translators: the separator between clauses or short sentences (a semicolon in Chinese).
    return _("；").join(parts)


def labelled(label: str, value: str) -> str:
    """A label and what it labels, punctuated as the language does (`理由：不能为空`)."""
    # Translators: a label and its value, as in "Reason: is required".
    return _("%(label)s：%(value)s") % {"label": label, "value": value}


def shown(error: HotlineError) -> str:
    """A refused action's message as a page shows it."""
    return for_people(error.message)


def problem(item: Mapping[str, Any]) -> str:
    """What one of pydantic's errors (an item of `ValidationError.errors()`, or of django-ninja's,
    which are the same) says is wrong, in the reader's language."""
    kind = str(item.get("type", ""))
    if kind in _PROBLEMS:
        text = _(_PROBLEMS[kind])
        if "%(" not in text:
            return text
        try:
            return text % dict(item.get("ctx") or {})
        except (KeyError, TypeError, ValueError):
            pass  # a bound that the error does not give: said as below
    # A check of the schema's own says what is wrong in its message (pydantic's prefix goes);
    # pydantic's others speak English only.
    text = str(item.get("msg", "")).removeprefix("Value error, ")
    if text.isascii() and not get_language().startswith("en"):
        text = _("格式不正确")
    return text


def validation_message(error: ValidationError) -> str:
    """A schema's refusal of a form's fields, in the form's words (`field: problem; ...`)."""
    parts = []
    for item in error.errors():
        where = ".".join(str(x) for x in item["loc"])
        parts.append(f"{where}: {problem(item)}" if where else problem(item))
    return "; ".join(parts)
