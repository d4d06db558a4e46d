"""Reply templates (答复模板): which ones a handler is offered for a ticket, a template with its
placeholders filled from the ticket, and the actions that keep them (list, create, edit, retire).

A template fits a ticket when its category is the ticket's or one above it (or it has none), and
its department is the handler's or one above it (or it has none); the most specific first. A
placeholder the ticket cannot fill (no address) becomes an empty string, except the replying
unit's phone ({联系电话}, from the directory's `Department.phone`): without one it becomes the blank
【联系电话】, which the handler writes and a reply may not keep (`feedback.quality.unfilled`).
Braces that name no placeholder stay as written in a reply; a template is not saved with them.

{诉求人} names the caller only when the reply goes to one person: a ticket's answer reaches every
appellant, those of the duplicates merged into it too (`citizen_messages.outbox.tell_replied`, the
portal), so with several it is the neutral 市民 ("市民您好！"), as for a caller who gave no name; a
name the handler types all the same is warned of before sending (`addressing_warning`), and read
as 市民 by the other appellants (`feedback.disclosure.addressed_to`).

Who keeps them (`ACTION_ROLES["manage_reply_templates"]`): a unit head their own unit's and those
of the units under it (`department_scope`), never the ones for every unit; supervisors and admins
any unit's and those for every unit (no department) and every category. A template is retired
(停用), not deleted: it leaves the handlers' lists and can be taken back.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hotline.accounts.models import User
from hotline.accounts.permissions import department_scope, require_role
from hotline.core import clock
from hotline.core.errors import InvalidInput, NotFound
from hotline.directory.models import Department
from hotline.feedback.disclosure import names_to_many
from hotline.feedback.selectors import appellants, people
from hotline.knowledge.models import ReplyTemplate
from hotline.taxonomy.models import Category
from hotline.tickets.models import Ticket

MAX_NAME = 100
MAX_TEXT = 5000
# What a template leaves for the handler when the replying unit has no phone in the directory.
PHONE_BLANK = "【联系电话】"


def _citizen(ticket: Ticket, department: Department | None) -> str:
    """The caller's name when the reply goes to them alone (their appeals, merged ones included,
    are one number's), else 市民: one citizen's name must not greet another."""
    persons = people(appellants(ticket))
    name = persons[0][0].citizen_name.strip() if len(persons) == 1 else ""
    return name or _("市民")


def addressing_warning(ticket: Ticket, text: str) -> str:
    """What the check before sending says of a reply `text` that names an appellant while it goes
    to several people (`feedback.disclosure.names_to_many`), or ""."""
    names, persons = names_to_many(text, appellants(ticket))
    if not names:
        return ""
    return _(
        "答复称呼了“%(names)s”，但将发给 %(count)s 位诉求人（含合并的诉求）；"
        "其他诉求人收到时该称呼显示为“市民”，建议改用“市民您好”等不指名的称呼。"
    ) % {
        # Translators: the separator between names in a list (an enumeration comma in Chinese).
        "names": _("、").join(names),
        "count": persons,
    }


def _phone(department: Department | None) -> str:
    """The replying unit's line for citizens, as the directory has it; else a blank to write."""
    phone = department.phone.strip() if department is not None else ""
    return phone or PHONE_BLANK


@dataclass(frozen=True)
class Placeholder:
    """{name} in a template: what it says (`meaning`, gettext_noop), its value for a ticket replied
    to by a unit, and the value a preview shows for that unit."""

    name: str
    meaning: str
    value: Callable[[Ticket, Department | None], str]
    example: Callable[[Department | None], str]

    @property
    def tag(self) -> str:
        return "{" + self.name + "}"


def _today(_department: Department | None = None) -> str:
    return f"{clock.localtime():%Y年%m月%d日}"


PLACEHOLDER_LIST: tuple[Placeholder, ...] = (
    Placeholder(
        "诉求人",
        gettext_noop("诉求人姓名（未留姓名，或答复将发给多位诉求人（含合并的诉求）时为“市民”）"),
        _citizen,
        lambda d: _("张先生"),
    ),
    Placeholder("地址", gettext_noop("诉求地址"), lambda t, d: t.address, lambda d: _("幸福路12号")),
    Placeholder(
        "受理日期",
        gettext_noop("受理日期"),
        lambda t, d: f"{clock.localtime(t.created_at):%Y年%m月%d日}",
        _today,
    ),
    Placeholder("工单编号", gettext_noop("工单编号"), lambda t, d: t.number, lambda d: "20261206-000123"),
    Placeholder("诉求标题", gettext_noop("诉求标题"), lambda t, d: t.title, lambda d: _("小区门口路灯不亮")),
    Placeholder(
        "承办单位",
        gettext_noop("答复单位名称"),
        lambda t, d: d.name if d is not None else "",
        lambda d: d.name if d is not None else _("某某局"),
    ),
    Placeholder(
        "联系电话",
        gettext_noop("答复单位的联系电话（单位信息中登记的；未登记时留空白【联系电话】由承办人填写）"),
        lambda t, d: _phone(d),
        _phone,
    ),
    Placeholder("今天", gettext_noop("答复当天的日期"), lambda t, d: _today(), _today),
)
PLACEHOLDERS: dict[str, Placeholder] = {p.name: p for p in PLACEHOLDER_LIST}
_PLACEHOLDER = re.compile(r"\{(" + "|".join(map(re.escape, PLACEHOLDERS)) + r")\}")
# Braces around a short name: what a person meant as a placeholder.
_BRACED = re.compile(r"\{([^{}\s]{1,20})\}")


def _chain(node: object, limit: int = 10) -> list[int]:
    ids: list[int] = []
    while node is not None and len(ids) < limit:
        ids.append(node.pk)  # type: ignore[attr-defined]
        node = node.parent  # type: ignore[attr-defined]
    return ids


def templates_for(ticket: Ticket, department: Department | None) -> list[ReplyTemplate]:
    """The active templates that fit the ticket and the handler's department, most specific first."""
    categories = _chain(ticket.category)
    departments = _chain(department)
    found = ReplyTemplate.objects.filter(is_active=True).filter(
        Q(category__isnull=True) | Q(category_id__in=categories),
        Q(department__isnull=True) | Q(department_id__in=departments),
    )

    def specificity(t: ReplyTemplate) -> tuple[int, int, str]:
        category = categories.index(t.category_id) if t.category_id in categories else len(categories)
        unit = departments.index(t.department_id) if t.department_id in departments else len(departments)
        return (category + unit, category, t.name)

    return sorted(found, key=specificity)


def fill(template: ReplyTemplate, ticket: Ticket, department: Department | None) -> str:
    """The template's text with the ticket's facts in its placeholders; `department`: the unit
    that replies (its name and phone)."""
    return _PLACEHOLDER.sub(lambda m: PLACEHOLDERS[m.group(1)].value(ticket, department), template.text)


def example(text: str, department: Department | None) -> str:
    """`text` as a handler of `department` would get it, with made-up facts of a ticket: the
    preview on the page that keeps templates."""
    return _PLACEHOLDER.sub(lambda m: PLACEHOLDERS[m.group(1)].example(department), text)


def unknown_placeholders(text: str) -> list[str]:
    """Braces in `text` that name no placeholder ({联系人}), each once, in order."""
    return list(dict.fromkeys(m.group(0) for m in _BRACED.finditer(text) if m.group(1) not in PLACEHOLDERS))


def placeholders_refusal(text: str) -> str:
    """Why a template with `text` is not saved for its placeholders, or "": the one check of the
    staff pages (`do_save_template`) and the admin's form (`knowledge.admin`)."""
    unknown = unknown_placeholders(text)
    if not unknown:
        return ""
    # Translators: the separator between names in a list (an enumeration comma in Chinese).
    return _("没有这样的占位符：%(unknown)s（可用：%(known)s）") % {
        "unknown": _("、").join(unknown),
        "known": " ".join(p.tag for p in PLACEHOLDER_LIST),
    }


# --- keeping them ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateData:
    """What a person writes of a template. No category: for every category; no department: for
    every unit (supervisors and admins only)."""

    name: str
    text: str
    category_id: int | None = None
    department_id: int | None = None


def manageable(user: User) -> QuerySet[ReplyTemplate]:
    """The templates `user` may keep: every one for the city's roles, a head's units' for a head."""
    found = ReplyTemplate.objects.select_related("category", "department")
    scope = department_scope(user)
    return found if scope is None else found.filter(department_id__in=scope)


def units_for(user: User) -> QuerySet[Department]:
    """The units `user` may give a template to (active ones)."""
    units = Department.objects.filter(is_active=True).order_by("code")
    scope = department_scope(user)
    return units if scope is None else units.filter(pk__in=scope)


def may_be_for_every_unit(user: User) -> bool:
    return department_scope(user) is None


def _checked(actor: User, data: TemplateData) -> tuple[str, str, Category | None, Department | None]:
    name, text = data.name.strip(), data.text.strip()
    problems = []
    if not name or len(name) > MAX_NAME:
        problems.append(_("name: 名称须为 1 到 %(n)d 字") % {"n": MAX_NAME})
    if not text or len(text) > MAX_TEXT:
        problems.append(_("text: 模板内容须为 1 到 %(n)d 字") % {"n": MAX_TEXT})
    if refused := placeholders_refusal(text):
        problems.append(f"text: {refused}")
    category = None
    if data.category_id is not None:
        category = Category.objects.filter(pk=data.category_id, is_active=True).first()
        if category is None:
            problems.append(_("category_id: 分类不存在或已停用"))
    department = None
    if data.department_id is not None:
        department = units_for(actor).filter(pk=data.department_id).first()
        if department is None:
            problems.append(_("department_id: 只能为本单位及下属单位设置模板"))
    elif not may_be_for_every_unit(actor):
        problems.append(_("department_id: 请选择适用的单位；全市通用模板由督办员或管理员设置"))
    if problems:
        # "field: problem; ...", as the pages read it (`web.wording.for_people`).
        raise InvalidInput("; ".join(problems))
    return name, text, category, department


def _own(actor: User, template_id: int) -> ReplyTemplate:
    """The template if `actor` may keep it; NotFound otherwise (the same answer as none)."""
    found = manageable(actor).filter(pk=template_id).first()
    if found is None:
        raise NotFound(_("答复模板 %(id)s 不存在") % {"id": template_id})
    return found


def template_of(actor: User, template_id: int) -> ReplyTemplate:
    """A template `actor` may keep, for its page."""
    require_role(actor, "manage_reply_templates")
    return _own(actor, template_id)


def do_save_template(actor: User, data: TemplateData, template_id: int | None = None) -> ReplyTemplate:
    """Create a template (no `template_id`) or change one `actor` keeps; it stays active or retired
    as it was (a new one is active)."""
    require_role(actor, "manage_reply_templates")
    with transaction.atomic():
        template = ReplyTemplate() if template_id is None else _own(actor, template_id)
        name, text, category, department = _checked(actor, data)
        template.name, template.text = name, text
        template.category, template.department = category, department
        template.save()
    return template


def do_set_template_active(actor: User, template_id: int, *, active: bool) -> ReplyTemplate:
    """Retire a template (停用: handlers are no longer offered it) or take it back (启用)."""
    require_role(actor, "manage_reply_templates")
    with transaction.atomic():
        template = _own(actor, template_id)
        if template.is_active != active:
            template.is_active = active
            template.save(update_fields=["is_active"])
    return template
