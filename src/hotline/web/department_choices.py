"""The departments as the pages' drop-downs offer them (派单, 退单改派): by name, never by code, in
groups by level (`<optgroup>`, web/_department_options.html), a unit below a district named after
its parent (湖滨街道 · 湖滨社区), so that two communities of one name in two streets are told apart.

One list for every such select: the ticket page's dispatch form, the dispatch desk's and the
returns' forms build it here.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy

from hotline.core.enums import DepartmentLevel
from hotline.directory.models import Department

# The groups, in the order a dispatcher looks: the city's bureaus and utilities first, the units of
# the territory after, top down.
GROUPS: tuple[tuple[str, Any], ...] = (
    (DepartmentLevel.CITY, gettext_lazy("市级部门、公共企业")),
    (DepartmentLevel.DISTRICT, gettext_lazy("区县")),
    (DepartmentLevel.STREET, gettext_lazy("街道、乡镇")),
    (DepartmentLevel.COMMUNITY, gettext_lazy("社区、村")),
)


@dataclass(frozen=True)
class Option:
    pk: int
    label: str


@dataclass(frozen=True)
class Group:
    label: str
    options: list[Option]


def _named_after_parent(department: Department) -> bool:
    """A unit below a district (a street, a community, a district's own bureau) is read with its
    parent's name; the city's units and the districts stand on their own."""
    parent = department.parent
    return (
        parent is not None
        and parent.level != DepartmentLevel.CITY
        and department.level != DepartmentLevel.CITY
        and not department.name.startswith(parent.name)
    )


def department_label(department: Department) -> str:
    """The unit as a dispatcher reads it: 市城管局, 东湖区, 湖滨街道 · 湖滨社区."""
    if _named_after_parent(department) and department.parent is not None:
        return f"{department.parent.name} · {department.name}"
    return department.name


def _order(department: Department) -> tuple[str, int, str]:
    # Under its parent (a street's communities together, in the order of their codes); the
    # territorial unit before the bureaus beside it.
    parent = department.parent
    anchor = parent.code if parent is not None and parent.level != DepartmentLevel.CITY else ""
    return (anchor, 0 if department.is_area else 1, department.code)


def department_groups(departments: Iterable[Department] | None = None) -> list[Group]:
    """`departments` (by default every active one, in one query) in their groups, empty groups left
    out; a unit of a level the groups do not name comes last, in a group of its own."""
    if departments is None:
        departments = Department.objects.filter(is_active=True).select_related("parent")
    by_level: dict[str, list[Department]] = {}
    for department in departments:
        by_level.setdefault(department.level, []).append(department)
    labels = dict(GROUPS)
    order = [level for level, _label in GROUPS] + sorted(set(by_level) - set(labels))
    groups = []
    for level in order:
        members = sorted(by_level.get(level, []), key=_order)
        if not members:
            continue
        groups.append(
            Group(str(labels.get(level, level)), [Option(d.pk, department_label(d)) for d in members])
        )
    return groups
