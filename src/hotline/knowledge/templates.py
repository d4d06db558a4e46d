"""Reply templates (答复模板): which ones a handler is offered for a ticket, and a template with its
placeholders filled from the ticket.

A template fits a ticket when its category is the ticket's or one above it (or it has none), and
its department is the handler's or one above it (or it has none); the most specific first. A
placeholder the ticket cannot fill (no address) becomes an empty string; braces that name no
placeholder stay as written. What the handler must write is a blank (【办理经过】), which a reply may
not keep (`feedback.quality.unfilled`).
"""

import re
from collections.abc import Callable

from django.db.models import Q
from django.utils.translation import gettext as _

from hotline.core import clock
from hotline.directory.models import Department
from hotline.knowledge.models import ReplyTemplate
from hotline.tickets.models import Ticket


def _citizen(ticket: Ticket, department: Department | None) -> str:
    appeal = ticket.appeals.order_by("received_at", "pk").first()
    name = appeal.citizen_name.strip() if appeal is not None else ""
    return name or _("市民")


PLACEHOLDERS: dict[str, Callable[[Ticket, Department | None], str]] = {
    "诉求人": _citizen,
    "地址": lambda t, d: t.address,
    "受理日期": lambda t, d: f"{clock.localtime(t.created_at):%Y年%m月%d日}",
    "工单编号": lambda t, d: t.number,
    "诉求标题": lambda t, d: t.title,
    "承办单位": lambda t, d: d.name if d is not None else "",
    "今天": lambda t, d: f"{clock.localtime():%Y年%m月%d日}",
}
_PLACEHOLDER = re.compile(r"\{(" + "|".join(map(re.escape, PLACEHOLDERS)) + r")\}")


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
    """The template's text with the ticket's facts in its placeholders."""
    return _PLACEHOLDER.sub(lambda m: PLACEHOLDERS[m.group(1)](ticket, department), template.text)
