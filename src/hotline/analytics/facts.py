"""What every figure counts, defined once, and counted live from the tickets.

Each measure belongs to the local day of its own event: the tickets' measures to the day the ticket
was received, the answers' to the day the lead department answered, the callbacks' to the day the
citizen was reached. Merged tickets (a duplicate counts once, on the ticket it joined) and invalid
ones (an unreasonable or malicious appeal, after review) are left out of every measure, unless the
admin's 考核设置 (`FigureSettings`) counts them.

    received        受理量: tickets received
    dispatched      of those, the ones that left the dispatch queue (any status but 待派单)
    handled         of those, the ones the departments have dealt with: replied, answered on the
                    spot or closed (a ticket reopened after an unsatisfied callback is at work again)
    replied         of the handled, the ones whose answer reached the citizen: answered on the spot
                    (told on the call), or called back (回访) after the last reply
    leads_answered  lead assignments answered (the department's reply went out); a lead reopened
                    after an unsatisfied callback is at work again and not counted
    leads_on_time   of those, the ones answered no later than their handling deadline as it then
                    stood (`due_at`: moved by approved extensions and by suspended time)
    callbacks       callbacks that reached the citizen (an unreachable attempt records none); a
                    ticket called back twice (reopened, answered again) counts twice, but one
                    answer called back to several appellants (duplicates merged into the ticket)
                    counts once: its newest callback (`Callback.counted`)
    satisfied       of those, 满意 or 基本满意
    resolved        of those, the citizen called it resolved (partly resolved does not count)
    replies_checked replies a department sent to citizens with their quality check (答复质量), on
                    the day the reply went out, for the department that sent it
    replies_weak    of those, the ones the check flagged (whether or not reviewed since)

The rates (`Counts`): 及时率 on_time = leads_on_time / leads_answered, 处置率 handled = handled /
dispatched, 回复率 replied = replied / handled, 满意率 satisfied = satisfied / callbacks, and 解决率
resolved = resolved / callbacks; beside them, not in the score, the departments' share of weak
replies (答复质量存疑率) replies_weak / replies_checked (`analytics.replies`).

Every measure is counted for the whole city and for each slice (`FigureDimension`): the ticket's
area (属地), its first-level category (a second- or third-level category counts for the first level
above it) and its lead department (the department of the lead assignment in force; an answer counts
for the department that gave it). A ticket without an area, category or lead is counted for the
city only.
"""

from collections.abc import Callable, Collection
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, TruncDate

from hotline.analytics.models import FigureSettings
from hotline.analytics.periods import Period, Rate, city_zone
from hotline.core.enums import (
    AssignmentRole,
    AssignmentStatus,
    FigureDimension,
    Resolution,
    Satisfaction,
    TicketStatus,
)
from hotline.feedback.models import Callback, ReplyCheck
from hotline.tickets.models import Assignment, Ticket


def exempt_statuses() -> tuple[str, ...]:
    """The statuses of the tickets no figure counts: merged and invalid ones, unless the admin's
    考核设置 (`FigureSettings`) counts them. One query."""
    return FigureSettings.current().exempt_statuses()


HANDLED_STATUSES = (TicketStatus.REPLIED, TicketStatus.ANSWERED, TicketStatus.CLOSED)
ON_TIME = Q(answered_at__lte=F("due_at"))
SATISFIED = Q(satisfaction__in=[Satisfaction.SATISFIED, Satisfaction.BASICALLY])
RESOLVED = Q(resolution=Resolution.RESOLVED)


@dataclass
class Counts:
    """The measures of one day and slice, or their sum over a period; see the module's docstring."""

    received: int = 0
    dispatched: int = 0
    handled: int = 0
    replied: int = 0
    leads_answered: int = 0
    leads_on_time: int = 0
    callbacks: int = 0
    satisfied: int = 0
    resolved: int = 0
    replies_checked: int = 0
    replies_weak: int = 0

    def add(self, other: "Counts | dict[str, int]") -> None:
        values = other if isinstance(other, dict) else other.__dict__
        for name in MEASURES:
            setattr(self, name, getattr(self, name) + (values.get(name) or 0))

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in MEASURES}

    @property
    def rates(self) -> dict[str, Rate]:
        """及时率, 处置率, 回复率, 满意率 (the four rates), then 解决率."""
        return {
            name: Rate(getattr(self, numerator), getattr(self, denominator))
            for name, (numerator, denominator) in RATES.items()
        }


MEASURES = tuple(f.name for f in fields(Counts))
# Each rate as (numerator, denominator) measures: 及时率, 处置率, 回复率, 满意率 (the four), 解决率.
RATES = {
    "on_time": ("leads_on_time", "leads_answered"),
    "handled": ("handled", "dispatched"),
    "replied": ("replied", "handled"),
    "satisfied": ("satisfied", "callbacks"),
    "resolved": ("resolved", "callbacks"),
}
FOUR_RATES = ("on_time", "handled", "replied", "satisfied")

# One day's counts of one slice: (day, dimension, key), key 0 for the city.
FactKey = tuple[date, str, int]


def counted_tickets(exempt: tuple[str, ...] | None = None) -> QuerySet[Ticket]:
    """Every ticket but the exempt ones (`exempt_statuses`, read when not given)."""
    return Ticket.objects.exclude(status__in=exempt_statuses() if exempt is None else exempt)


def _lead_department(ticket: str) -> Subquery:
    """The department of the lead assignment in force on the ticket `ticket` refers to: the newest
    lead not withdrawn (as `tickets.models.current_lead`)."""
    return Subquery(
        Assignment.objects.filter(ticket=OuterRef(ticket), role=AssignmentRole.LEAD)
        .exclude(status=AssignmentStatus.WITHDRAWN)
        .order_by("-pk")
        .values("department_id")[:1]
    )


def _root_category(prefix: str = "") -> Coalesce:
    # The tree has three levels: the root is the grandparent, the parent or the category itself.
    return Coalesce(
        f"{prefix}category__parent__parent_id", f"{prefix}category__parent_id", f"{prefix}category_id"
    )


REACHED = Q(status=TicketStatus.ANSWERED) | Q(
    status__in=[TicketStatus.REPLIED, TicketStatus.CLOSED], reached=True
)


@dataclass(frozen=True)
class Source:
    """What a group of measures counts: one row per ticket, lead answer or callback of a period,
    annotated with its local `day` and its slices (`area_key`, `category_key`, `department_key`);
    each measure counts the rows that meet its condition (None: every row). `ticket` names the
    ticket's id on a row, for the drill-down."""

    rows: Callable[[Period, tuple[str, ...]], QuerySet[Any]]
    measures: dict[str, Q | None]
    ticket: str


def _received(period: Period, exempt: tuple[str, ...]) -> QuerySet[Any]:
    return (
        counted_tickets(exempt)
        .filter(created_at__gte=period.start, created_at__lt=period.end)
        .annotate(
            day=TruncDate("created_at", tzinfo=city_zone()),
            area_key=F("area_id"),
            category_key=_root_category(),
            department_key=_lead_department("pk"),
            reached=Exists(Callback.objects.filter(ticket=OuterRef("pk"), reopened=False)),
        )
    )


def _answered(period: Period, exempt: tuple[str, ...]) -> QuerySet[Any]:
    return (
        Assignment.objects.filter(
            role=AssignmentRole.LEAD,
            status=AssignmentStatus.ANSWERED,
            answered_at__gte=period.start,
            answered_at__lt=period.end,
        )
        .exclude(ticket__status__in=exempt)
        .annotate(
            day=TruncDate("answered_at", tzinfo=city_zone()),
            area_key=F("ticket__area_id"),
            category_key=_root_category("ticket__"),
            department_key=F("department_id"),
        )
    )


def _called(period: Period, exempt: tuple[str, ...]) -> QuerySet[Any]:
    return (
        Callback.objects.filter(called_at__gte=period.start, called_at__lt=period.end, counted=True)
        .exclude(ticket__status__in=exempt)
        .annotate(
            day=TruncDate("called_at", tzinfo=city_zone()),
            area_key=F("ticket__area_id"),
            category_key=_root_category("ticket__"),
            department_key=_lead_department("ticket_id"),
        )
    )


def _checked(period: Period, exempt: tuple[str, ...]) -> QuerySet[Any]:
    return (
        ReplyCheck.objects.filter(
            reply__replied_at__gte=period.start,
            reply__replied_at__lt=period.end,
            reply__department__isnull=False,
        )
        .exclude(reply__ticket__status__in=exempt)
        .annotate(
            day=TruncDate("reply__replied_at", tzinfo=city_zone()),
            area_key=F("reply__ticket__area_id"),
            category_key=_root_category("reply__ticket__"),
            department_key=F("reply__department_id"),
        )
    )


SOURCES = (
    Source(
        _received,
        {
            "received": None,
            "dispatched": ~Q(status=TicketStatus.NEW),
            "handled": Q(status__in=HANDLED_STATUSES),
            "replied": REACHED,
        },
        "pk",
    ),
    Source(_answered, {"leads_answered": None, "leads_on_time": ON_TIME}, "ticket_id"),
    Source(_called, {"callbacks": None, "satisfied": SATISFIED, "resolved": RESOLVED}, "ticket_id"),
    Source(_checked, {"replies_checked": None, "replies_weak": Q(weak=True)}, "reply__ticket_id"),
)
SLICE_COLUMNS = {
    FigureDimension.AREA: "area_key",
    FigureDimension.CATEGORY: "category_key",
    FigureDimension.DEPARTMENT: "department_key",
}


# What the drill-down lists: each rate's rows, and the volume's (受理量: every ticket received).
DRILLED = {**RATES, "received": ("received", "received")}


def behind(
    rate: str, period: Period, dimension: str, key: int, *, keys: Collection[int] | None = None
) -> QuerySet[Any]:
    """The rows a rate of a slice is counted from (its denominator), each with `in_numerator`:
    whether it is in the numerator, and `ticket_key`, its ticket's id; the drill-down from a figure
    to its tickets. `rate` is a key of `DRILLED` (a rate, or "received": the tickets received, all
    in the numerator); `dimension` FigureDimension.CITY (key ignored) or a slice, `keys` several of
    its keys summed (a district's areas) in place of `key`."""
    numerator, denominator = DRILLED[rate]
    source = next(s for s in SOURCES if numerator in s.measures and denominator in s.measures)
    rows = source.rows(period, exempt_statuses())
    if dimension != FigureDimension.CITY:
        column = SLICE_COLUMNS[FigureDimension(dimension)]
        rows = rows.filter(**({f"{column}__in": list(keys)} if keys is not None else {column: key}))
    if (population := source.measures[denominator]) is not None:
        rows = rows.filter(population)
    condition = source.measures[numerator]
    in_numerator = ExpressionWrapper(
        condition if condition is not None else Q(pk__isnull=False), BooleanField()
    )
    # Not "counted": a callback has a field of that name (`Callback.counted`).
    return rows.annotate(in_numerator=in_numerator, ticket_key=F(source.ticket))


def count_facts(period: Period) -> dict[FactKey, Counts]:
    """Every measure of every local day of the period, for the city and each slice, counted from
    the tickets now. Five queries (the exemptions, then one per source), whatever the number of
    tickets."""
    if connection.vendor == "postgresql":
        return _count_facts_grouping_sets(period)
    return _count_facts_in_python(period)


def _count_facts_in_python(period: Period) -> dict[FactKey, Counts]:
    """`count_facts` anywhere: each source's day x area x category x department groups, summed
    here into the city and the three dimensions."""
    # Summed as plain dicts of the source's own measures, made `Counts` at the end: a month of a
    # million tickets is ~70,000 rows per source (the day x area x category x department groups),
    # each added to four slices; adding all nine attributes each time took a third of the recount.
    sums: dict[FactKey, dict[str, int]] = {}
    exempt = exempt_statuses()
    slices = tuple(SLICE_COLUMNS.items())
    for source in SOURCES:
        names = tuple(source.measures)
        rows = (
            source.rows(period, exempt)
            .values("day", *SLICE_COLUMNS.values())
            .annotate(
                **{
                    name: Count("pk", filter=condition) if condition is not None else Count("pk")
                    for name, condition in source.measures.items()
                }
            )
            .order_by()
        )
        for row in rows:
            day = row["day"]
            values = [(name, row[name]) for name in names]
            keys = [(day, FigureDimension.CITY, 0)]
            keys += [(day, dimension, row[column]) for dimension, column in slices if row[column] is not None]
            for key in keys:
                found = sums.get(key)
                if found is None:
                    sums[key] = dict(values)
                    continue
                for name, value in values:
                    found[name] = found.get(name, 0) + value
    return {key: Counts(**found) for key, found in sums.items()}


# GROUPING(area_key, category_key, department_key) of each grouping set below: a bit is 1 for a
# column the set sums over. (day) is the city; (day, one column) that column's slices.
_GROUPED = {
    0b111: FigureDimension.CITY,
    0b011: FigureDimension.AREA,
    0b101: FigureDimension.CATEGORY,
    0b110: FigureDimension.DEPARTMENT,
}


def _count_facts_grouping_sets(period: Period) -> dict[FactKey, Counts]:
    """`count_facts` on PostgreSQL: each source's rows summed by the database per day and per day
    and slice (GROUPING SETS), ~5,000 rows a month of a million tickets instead of the ~70,000
    day x area x category x department groups that Python summed into the four dimensions (most of
    the recount's CPU in this process, docs/benchmarks.md)."""
    sums: dict[FactKey, dict[str, int]] = {}
    exempt = exempt_statuses()
    columns = list(SLICE_COLUMNS.values())
    for source in SOURCES:
        flags = {
            f"flag_{name}": ExpressionWrapper(condition, output_field=BooleanField())
            for name, condition in source.measures.items()
            if condition is not None
        }
        inner = source.rows(period, exempt).values("day", *columns).annotate(**flags).order_by()
        sql, params = inner.query.get_compiler(using=inner.db).as_sql()
        names = tuple(source.measures)
        counts = ", ".join(
            f'COUNT(*) FILTER (WHERE s."flag_{name}")' if f"flag_{name}" in flags else "COUNT(*)"
            for name in names
        )
        sets = ", ".join(["(s.day)", *(f"(s.day, s.{column})" for column in columns)])
        grouping = f"GROUPING({', '.join(f's.{column}' for column in columns)})"
        query = (
            f"SELECT {grouping}, s.day, {', '.join(f's.{column}' for column in columns)}, {counts} "
            f"FROM ({sql}) s GROUP BY GROUPING SETS ({sets})"
        )
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            for grouped, day, *row in cursor.fetchall():
                dimension = _GROUPED[grouped]
                if dimension == FigureDimension.CITY:
                    key = 0
                else:
                    key = row[columns.index(SLICE_COLUMNS[dimension])]
                    if key is None:  # a ticket with no area, category or lead: in the city only
                        continue
                measured = row[len(columns) :]
                found = sums.setdefault((day, dimension, key), {})
                for name, value in zip(names, measured, strict=True):
                    found[name] = found.get(name, 0) + value
    return {key: Counts(**found) for key, found in sums.items()}
