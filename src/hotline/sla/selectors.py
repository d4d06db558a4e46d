"""The deadline configuration read from the database into the pure objects of `calendar.py` and
`policies.py`, and the deadlines of one assignment computed with them.

The overrides and policies are a few hundred rows at most and are read on every dispatch, so each
process keeps them until they change: one small aggregate query (count, largest id, latest update)
tells whether the rows it holds are still the ones in the database, so an edit in the admin counts
from the next action on, in every process, without a cache server.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Case, F, Model, When

from hotline.core.enums import AssignmentStatus, Urgency
from hotline.directory.models import Department
from hotline.sla.calendar import Calendar, Override, Reckoned, parse_working_hours
from hotline.sla.deadlines import Deadlines, assignment_deadlines, callback_due
from hotline.sla.models import CalendarOverride, CalendarYear, DeadlinePolicy
from hotline.sla.policies import Facts, Policy, Terms, default_terms, resolve
from hotline.taxonomy.models import Category

_cache: dict[str, tuple[Any, "_Rows"]] = {}


class TicketFacts(Protocol):
    """What the deadline rules read of a ticket (a `tickets.Ticket`; the clock sits below tickets
    and does not import them)."""

    kind: str
    urgency: str
    category_id: int | None
    is_complex: bool


@dataclass(frozen=True)
class _Rows:
    overrides: frozenset[Override]
    years: frozenset[int]
    policies: tuple[Policy, ...]


_TABLES: tuple[type[Model], ...] = (CalendarOverride, CalendarYear, DeadlinePolicy)


def _stamp() -> tuple[Any, ...]:
    """Count, largest id and latest update of each table, in one statement (a dispatch reads them
    for each assignment it makes; three queries were a sixth of an automatic dispatch's)."""
    columns = []
    for model in _TABLES:
        table, pk = connection.ops.quote_name(model._meta.db_table), model._meta.pk.column
        columns += [f"(SELECT {agg} FROM {table})" for agg in ("COUNT(*)", f"MAX({pk})", "MAX(updated_at)")]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)}")
        return tuple(cursor.fetchone())


def _rows() -> _Rows:
    """The overrides, calendar years and active policies, read again only when one table changed."""
    stamp = _stamp()
    held = _cache.get("rows")
    if held is None or held[0] != stamp:
        overrides = frozenset(
            Override(day=day, is_workday=on, department_id=dept, reason=reason)
            for day, on, dept, reason in CalendarOverride.objects.values_list(
                "day", "is_workday", "department_id", "reason"
            )
        )
        years = frozenset(CalendarYear.objects.values_list("year", flat=True))
        rows = DeadlinePolicy.objects.filter(is_active=True).values(
            "pk", "kind", "urgency", "category_id", "department_level", *DeadlinePolicy.TERM_FIELDS
        )
        policies = tuple(Policy(id=row.pop("pk"), **row) for row in rows)
        held = (stamp, _Rows(overrides=overrides, years=years, policies=policies))
        _cache["rows"] = held
    return held[1]


def _ancestors(model: type[Department] | type[Category], pk: int | None) -> tuple[int, ...]:
    """`pk`, its parent, its parent's parent, ... (the trees are a few levels deep)."""
    chain: list[int] = []
    while pk is not None and pk not in chain:
        chain.append(pk)
        pk = model._default_manager.filter(pk=pk).values_list("parent_id", flat=True).first()
    return tuple(chain)


def calendar_for(department: Department | int | None = None, rows: _Rows | None = None) -> Calendar:
    """The calendar of a jurisdiction (a department and the units above it); None: the city's.
    `rows`: the configuration already read for the same action."""
    rows = rows or _rows()
    overrides, years = rows.overrides, rows.years
    dept_id = department.pk if isinstance(department, Department) else department
    local = any(o.department_id is not None for o in overrides)
    return Calendar(
        overrides,
        known_years=years,
        jurisdiction=_ancestors(Department, dept_id) if local else (),
        working_hours=parse_working_hours(settings.HOTLINE["WORKING_HOURS"]),
        zone=ZoneInfo(settings.TIME_ZONE),
    )


def terms_for(ticket: TicketFacts, department: Department | None, rows: _Rows | None = None) -> Terms:
    """The deadline terms of `ticket` handled by `department` (None: the ticket as a whole)."""
    policies = (rows or _rows()).policies
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
    (found,) = deadlines_for_many(ticket, [department], start)
    return found


def deadlines_for_many(
    ticket: TicketFacts, departments: Iterable[Department], start: datetime
) -> list[tuple[Deadlines, Terms]]:
    """`deadlines_for` each of the departments of one dispatch (a lead and its co-handlers): the
    configuration is checked and read once for all of them."""
    rows = _rows()
    found = []
    for department in departments:
        terms = terms_for(ticket, department, rows)
        calendar = calendar_for(department, rows)
        found.append((assignment_deadlines(calendar, terms, start, is_complex=ticket.is_complex), terms))
    return found


def callback_due_for(
    ticket: TicketFacts, department: Department | None, replied_at: datetime
) -> Reckoned[datetime]:
    """When the callback (回访) of a reply is due: counted in the city's calendar (the hotline calls)."""
    rows = _rows()
    return callback_due(calendar_for(None, rows), terms_for(ticket, department, rows), replied_at)


def first_due() -> Case:
    """In a query over assignments: the deadline each faces first. Its first response while that is
    awaited (an urgent ticket's assignment not signed yet: signing is the response,
    `sla.deadlines`), else its handling deadline. What the inbox and the board sort by."""
    return Case(
        When(
            status=AssignmentStatus.PENDING,
            response_due_at__isnull=False,
            response_due_at__lt=F("due_at"),
            then=F("response_due_at"),
        ),
        default=F("due_at"),
    )
