"""The figures of the leader overview and the public statistics, each defined once, here.

Every figure is counted over a period `[start, end)` of aware datetimes; `Period` builds the local
day and month of the city's zone (settings.TIME_ZONE), so a ticket received at 23:59 in Shanghai
belongs to that Shanghai day whatever the server's or the database's zone. Merged tickets (a
duplicate counts once, on the ticket it joined) and invalid ones (an unreasonable or malicious
appeal, after review) are left out of every figure.

The figures are read live from the tickets, each in one query. They are the simple, first
definitions; the analytics issue (21) refines them (suspension and extension rules, exemptions,
per department) and keeps them as aggregates, building on the querysets and conditions below.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet

from hotline.core.enums import AssignmentRole, AssignmentStatus, Resolution, Satisfaction, TicketStatus
from hotline.feedback.models import Callback
from hotline.tickets.models import Assignment, Ticket

# Tickets that no figure counts.
EXCLUDED_STATUSES = (TicketStatus.MERGED, TicketStatus.INVALID)

# 回复率: a ticket counts as answered while it stands replied, answered on the spot or closed (a
# ticket reopened after an unsatisfied callback is being handled again and does not).
REPLIED_STATUSES = (TicketStatus.REPLIED, TicketStatus.ANSWERED, TicketStatus.CLOSED)

# 按时办结率: a lead assignment answered no later than its handling deadline as it then stood
# (moved by an approved extension and by suspended time; reset by a reopening).
ON_TIME = Q(answered_at__lte=F("due_at"))

# 满意率 and 解决率, on the callbacks.
SATISFIED = Q(satisfaction__in=[Satisfaction.SATISFIED, Satisfaction.BASICALLY])
RESOLVED = Q(resolution=Resolution.RESOLVED)


def city_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class Period:
    """`[start, end)`, aware datetimes."""

    start: datetime
    end: datetime

    @classmethod
    def days(cls, first: date, last: date) -> "Period":
        """From the start of local day `first` to the end of local day `last`."""
        zone = city_zone()
        return cls(
            datetime.combine(first, time.min, tzinfo=zone),
            datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone),
        )

    @classmethod
    def day(cls, day: date) -> "Period":
        return cls.days(day, day)

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        first = date(year, month, 1)
        following = date(year + month // 12, month % 12 + 1, 1)
        return cls.days(first, following - timedelta(days=1))


@dataclass(frozen=True)
class Rate:
    """A share with the counts behind it; `share` is None when nothing was counted."""

    numerator: int
    denominator: int

    @property
    def share(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    @property
    def percent(self) -> float | None:
        """The share in percent, to one decimal."""
        return None if self.share is None else round(100 * self.share, 1)


# --- the sets every figure counts from -----------------------------------------------------------


def counted_tickets() -> QuerySet[Ticket]:
    """Every ticket but the merged and the invalid."""
    return Ticket.objects.exclude(status__in=EXCLUDED_STATUSES)


def received(period: Period) -> QuerySet[Ticket]:
    """The counted tickets created in the period."""
    return counted_tickets().filter(created_at__gte=period.start, created_at__lt=period.end)


def answered_leads() -> QuerySet[Assignment]:
    """Lead assignments that stand answered (the department's reply went to the citizen), on counted
    tickets. A lead reopened after an unsatisfied callback is at work again and not among them."""
    return Assignment.objects.filter(
        role=AssignmentRole.LEAD, status=AssignmentStatus.ANSWERED, answered_at__isnull=False
    ).exclude(ticket__status__in=EXCLUDED_STATUSES)


def counted_callbacks() -> QuerySet[Callback]:
    """Callbacks that reached the citizen (an unreachable attempt records none), on counted tickets."""
    return Callback.objects.exclude(ticket__status__in=EXCLUDED_STATUSES)


# --- the figures ---------------------------------------------------------------------------------


def volume(period: Period) -> int:
    """受理量: tickets created in the period (merged and invalid ones left out). One query."""
    return received(period).count()


def overdue_now(now: datetime) -> int:
    """超期未办结: assignments still at work (to sign or signed) on a ticket not yet closed, whose
    handling deadline has passed: marked overdue by the sweep, or past `due_at` with the clock
    running, or stopped (suspended) after the deadline had passed. The same assignments as the
    supervision board's 超期 tab. One query."""
    running = Q(paused_since__isnull=True)
    late = (
        Q(overdue_at__isnull=False)
        | (running & Q(due_at__lt=now))
        | (Q(paused_since__isnull=False) & Q(due_at__lt=F("paused_since")))
    )
    return (
        Assignment.objects.filter(status__in=[AssignmentStatus.PENDING, AssignmentStatus.ACCEPTED])
        .exclude(ticket__status__in=[TicketStatus.CLOSED, *EXCLUDED_STATUSES])
        .filter(late)
        .count()
    )


def reply_rate(period: Period) -> Rate:
    """回复率: of the tickets created in the period that left the dispatch queue (dispatched to a
    department, or answered on the spot: any status but 待派单), the share that now stands replied,
    answered on the spot or closed. One query."""
    counts = (
        received(period)
        .exclude(status=TicketStatus.NEW)
        .aggregate(
            denominator=Count("pk"),
            numerator=Count("pk", filter=Q(status__in=REPLIED_STATUSES)),
        )
    )
    return Rate(counts["numerator"], counts["denominator"])


def on_time_rate(period: Period) -> Rate:
    """按时办结率: of the lead assignments answered in the period, the share answered no later than
    their handling deadline (`due_at`: moved by approved extensions and suspended time). One query."""
    counts = (
        answered_leads()
        .filter(answered_at__gte=period.start, answered_at__lt=period.end)
        .aggregate(denominator=Count("pk"), numerator=Count("pk", filter=ON_TIME))
    )
    return Rate(counts["numerator"], counts["denominator"])


def callback_rates(period: Period) -> dict[str, Rate]:
    """Of the callbacks made in the period (回访, the citizen reached):
    满意率 `satisfied`, the share satisfied or basically satisfied (满意 + 基本满意);
    解决率 `resolved`, the share the citizen called resolved (partly resolved does not count).
    A ticket called back twice (reopened, answered again) counts twice. One query."""
    counts = (
        counted_callbacks()
        .filter(called_at__gte=period.start, called_at__lt=period.end)
        .aggregate(
            total=Count("pk"),
            satisfied=Count("pk", filter=SATISFIED),
            resolved=Count("pk", filter=RESOLVED),
        )
    )
    return {
        "satisfied": Rate(counts["satisfied"], counts["total"]),
        "resolved": Rate(counts["resolved"], counts["total"]),
    }


def rates(period: Period) -> dict[str, Rate]:
    """The four rates of the period: replied, on_time, satisfied, resolved. Three queries."""
    return {"replied": reply_rate(period), "on_time": on_time_rate(period), **callback_rates(period)}
