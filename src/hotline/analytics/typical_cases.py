"""The typical cases (典型案例) of a report: the closed tickets marked in the case library
(`knowledge.cases`) during the report's period, about the report's scope.

A case belongs to the period in which it was marked (`Case.marked_at`), not to the one in which its
ticket arrived or closed: a report tells what its period chose to hold up as an example, and a
ticket closed last month and marked this week is this week's case (a past report, kept as a file,
does not change when a case is marked later). A district's cases are those whose ticket's area is
the district or under it; a department's, those whose ticket it leads (the lead in force, as the
figures count it, `analytics.facts`); the city's, every one. The story and the lesson are what the
person who marked the case wrote, with the numbers in them masked again, since a report goes
further than the library's pages: by the rule for texts staff write for publication
(`feedback.disclosure.staff_text`): the ticket's citizens' numbers, mobiles and identity numbers
masked, the office lines a reply gives kept; and the appellants' names read as 市民.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from hotline.analytics.facts import _lead_department
from hotline.analytics.periods import Period
from hotline.directory.models import Department
from hotline.feedback.disclosure import addressed_to, official_lines, staff_text
from hotline.feedback.selectors import appellants
from hotline.knowledge.models import Case
from hotline.tickets.models import Ticket

# The most a report lists, the latest marked first.
LIMIT = 10


@dataclass(frozen=True)
class CaseLine:
    """One typical case as a report shows it."""

    pk: int
    title: str
    number: str
    category: str
    area: str
    department: str
    marked_at: datetime
    story: str
    lesson: str


def of_period(
    period: Period,
    *,
    areas: Collection[int] | None = None,
    department: int | None = None,
    limit: int = LIMIT,
) -> list[CaseLine]:
    """The cases marked in `period`, the latest first: of tickets in `areas` when given, led by
    `department` when given, else every one. Two queries, one for the directory's lines and one
    or two a case for its citizens' numbers (a report lists ten at most)."""
    cases = (
        Case.objects.filter(marked_at__gte=period.start, marked_at__lt=period.end)
        .select_related("ticket__area", "category__parent__parent")
        .annotate(department_key=_lead_department("ticket_id"))
        .order_by("-marked_at", "-pk")
    )
    if areas is not None:
        cases = cases.filter(ticket__area_id__in=list(areas))
    if department is not None:
        cases = cases.filter(department_key=department)
    found = list(cases[:limit])
    offices = official_lines()
    names = dict(
        Department.objects.filter(pk__in={c.department_key for c in found if c.department_key}).values_list(
            "pk", "name"
        )
    )
    return [
        CaseLine(
            pk=case.pk,
            title=case.title,
            number=case.ticket.number,
            category=case.category.path if case.category else "",
            area=case.ticket.area.name if case.ticket.area else "",
            department=names.get(case.department_key, ""),
            marked_at=case.marked_at,
            story=_told(case.story, case.ticket, offices),
            lesson=_told(case.lesson, case.ticket, offices),
        )
        for case in found
    ]


def _told(text: str, ticket: Ticket, offices: list[str]) -> str:
    """What a case's person wrote, as a report's readers may read it: the citizens' numbers masked
    and the appellants' names read as 市民 (`feedback.disclosure`)."""
    return addressed_to(staff_text(text, ticket, official=offices), None, appellants(ticket))
