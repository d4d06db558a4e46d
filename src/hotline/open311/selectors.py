"""Which tickets `GET requests` answers with: the specification's filters, its default window of 90
days and its limit of 1,000 requests, and the extensions' updated_after / updated_before and
page / page_size. Every ticket is a service request, whatever channel it came through; its
service_request_id is its number (工单编号)."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from hotline.core import clock
from hotline.core.enums import TERMINAL_STATUSES
from hotline.intake.models import Appeal, Attachment
from hotline.open311.formats import Open311Error
from hotline.tickets.models import Assignment, Ticket

WINDOW = timedelta(days=90)
LIMIT = 1000
# What "closed" is: the ticket needs no more work (closed, merged into another, found invalid).
CLOSED = frozenset(str(s) for s in TERMINAL_STATUSES)
STATUSES = ("open", "closed")


@dataclass(frozen=True)
class RequestQuery:
    # service_request_id: when given, the others are ignored, as the specification says.
    numbers: list[str] | None = None
    service_codes: list[str] = field(default_factory=list)
    start_date: datetime | None = None
    end_date: datetime | None = None
    statuses: list[str] = field(default_factory=list)
    updated_after: datetime | None = None
    updated_before: datetime | None = None
    page: int = 1
    page_size: int = LIMIT


def _window(
    start: datetime | None, end: datetime | None, names: tuple[str, str], now: datetime
) -> tuple[datetime, datetime]:
    """[start, end] of at most 90 days: the given ends, the other 90 days away, or the last 90 days."""
    if start is None and end is None:
        return now - WINDOW, now
    if start is None:
        assert end is not None
        return end - WINDOW, end
    if end is None:
        return start, start + WINDOW
    if start > end:
        raise Open311Error(400, _("%(start)s 晚于 %(end)s") % {"start": names[0], "end": names[1]})
    if end - start > WINDOW:
        raise Open311Error(
            400,
            _("%(start)s 至 %(end)s 不能超过 %(days)s 天")
            % {"start": names[0], "end": names[1], "days": WINDOW.days},
        )
    return start, end


def matching(query: RequestQuery, *, now: datetime | None = None) -> QuerySet[Ticket]:
    """The tickets `query` asks for, newest first (all pages: `page_of` cuts one)."""
    now = now or clock.now()
    tickets = Ticket.objects.all()
    if query.numbers is not None:
        return tickets.filter(number__in=query.numbers[:LIMIT]).order_by("-created_at", "-pk")
    by_update = query.updated_after is not None or query.updated_before is not None
    if query.start_date is not None or query.end_date is not None or not by_update:
        start, end = _window(query.start_date, query.end_date, ("start_date", "end_date"), now)
        tickets = tickets.filter(created_at__gte=start, created_at__lte=end)
    if by_update:
        # Asked what changed (a client keeping a copy in step): the span of the updates is what
        # is bounded, so that a request made long ago and closed yesterday is found.
        after, before = _window(
            query.updated_after, query.updated_before, ("updated_after", "updated_before"), now
        )
        tickets = tickets.filter(updated_at__gte=after, updated_at__lte=before)
    if query.service_codes:
        tickets = tickets.filter(category__code__in=query.service_codes)
    if set(query.statuses) == {"open"}:
        tickets = tickets.exclude(status__in=CLOSED)
    elif set(query.statuses) == {"closed"}:
        tickets = tickets.filter(status__in=CLOSED)
    return tickets.order_by("-created_at", "-pk")


def page_of(tickets: QuerySet[Ticket], query: RequestQuery) -> list[Ticket]:
    """One page of `tickets`: the first 1,000 unless page and page_size say otherwise."""
    if query.numbers is not None:
        return list(tickets[:LIMIT])
    offset = (query.page - 1) * query.page_size
    return list(tickets[offset : offset + query.page_size])


def with_request_relations(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """What a request's record shows, in a fixed number of queries whatever the number of tickets."""
    return tickets.select_related("category__parent__parent", "merged_into").prefetch_related(
        Prefetch("assignments", queryset=Assignment.objects.select_related("department").order_by("pk")),
        Prefetch(
            "appeals",
            queryset=Appeal.objects.order_by("received_at", "pk").prefetch_related(
                Prefetch("attachments", queryset=Attachment.objects.order_by("uploaded_at", "pk"))
            ),
        ),
    )
