"""The deadline configuration read from the database into the pure objects of `calendar.py` and
`policies.py`, and the deadlines of one assignment computed with them.

The overrides and policies are a few hundred rows at most and are read on every dispatch, so each
process keeps them until they change: one small aggregate query (count, largest id, latest update)
tells whether the rows it holds are still the ones in the database, so an edit in the admin counts
from the next action on, in every process, without a cache server.
"""

from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Max, Model

from hotline.core.enums import Urgency
from hotline.directory.models import Department
from hotline.sla.calendar import Calendar, Override, Reckoned, parse_working_hours
from hotline.sla.deadlines import Deadlines, assignment_deadlines, callback_due
from hotline.sla.models import CalendarOverride, CalendarYear, DeadlinePolicy
from hotline.sla.policies import Facts, Policy, Terms, default_terms, resolve
from hotline.taxonomy.models import Category

_cache: dict[str, tuple[Any, Any]] = {}


class TicketFacts(Protocol):
    """What the deadline rules read of a ticket (a `tickets.Ticket`; the clock sits below tickets
    and does not import them)."""

    kind: str
    urgency: str
    category_id: int | None
    is_complex: bool


def _stamp(*models: type[Model]) -> tuple[Any, ...]:
    stamps = []
    for model in models:
        row = model._default_manager.aggregate(n=Count("pk"), top=Max("pk"), at=Max("updated_at"))
        stamps.append((row["n"], row["top"], row["at"]))
    return tuple(stamps)


def _calendar_rows() -> tuple[frozenset[Override], frozenset[int]]:
    stamp = _stamp(CalendarOverride, CalendarYear)
    held = _cache.get("calendar")
    if held is None or held[0] != stamp:
        overrides = frozenset(
            Override(day=day, is_workday=on, department_id=dept, reason=reason)
            for day, on, dept, reason in CalendarOverride.objects.values_list(
                "day", "is_workday", "department_id", "reason"
            )
        )
        years = frozenset(CalendarYear.objects.values_list("year", flat=True))
        held = (stamp, (overrides, years))
        _cache["calendar"] = held
    return held[1]


def _policies() -> tuple[Policy, ...]:
    stamp = _stamp(DeadlinePolicy)
    held = _cache.get("policies")
    if held is None or held[0] != stamp:
        rows = DeadlinePolicy.objects.filter(is_active=True).values(
            "pk", "kind", "urgency", "category_id", "department_level", *DeadlinePolicy.TERM_FIELDS
        )
        policies = tuple(Policy(id=row.pop("pk"), **row) for row in rows)
        held = (stamp, policies)
        _cache["policies"] = held
    return held[1]


def _ancestors(model: type[Department] | type[Category], pk: int | None) -> tuple[int, ...]:
    """`pk`, its parent, its parent's parent, ... (the trees are a few levels deep)."""
    chain: list[int] = []
    while pk is not None and pk not in chain:
        chain.append(pk)
        pk = model._default_manager.filter(pk=pk).values_list("parent_id", flat=True).first()
    return tuple(chain)


def calendar_for(department: Department | int | None = None) -> Calendar:
    """The calendar of a jurisdiction (a department and the units above it); None: the city's."""
    overrides, years = _calendar_rows()
    dept_id = department.pk if isinstance(department, Department) else department
    local = any(o.department_id is not None for o in overrides)
    return Calendar(
        overrides,
        known_years=years,
        jurisdiction=_ancestors(Department, dept_id) if local else (),
        working_hours=parse_working_hours(settings.HOTLINE["WORKING_HOURS"]),
        zone=ZoneInfo(settings.TIME_ZONE),
    )


def terms_for(ticket: TicketFacts, department: Department | None) -> Terms:
    """The deadline terms of `ticket` handled by `department` (None: the ticket as a whole)."""
    policies = _policies()
    named = any(p.category_id is not None for p in policies)
    facts = Facts(
        kind=ticket.kind,
        urgency=ticket.urgency,
        categories=_ancestors(Category, ticket.category_id) if named else (),
        department_level=department.level if department is not None else "",
    )
    defaults = default_terms(settings.HOTLINE, urgent=ticket.urgency == Urgency.URGENT)
    return resolve(policies, facts, defaults)


def deadlines_for(ticket: TicketFacts, department: Department, start: datetime) -> tuple[Deadlines, Terms]:
    """The deadlines of an assignment of `ticket` to `department` dispatched at `start`."""
    terms = terms_for(ticket, department)
    return assignment_deadlines(calendar_for(department), terms, start, is_complex=ticket.is_complex), terms


def callback_due_for(
    ticket: TicketFacts, department: Department | None, replied_at: datetime
) -> Reckoned[datetime]:
    """When the callback (回访) of a reply is due: counted in the city's calendar (the hotline calls)."""
    return callback_due(calendar_for(None), terms_for(ticket, department), replied_at)
