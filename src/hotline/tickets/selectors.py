"""Read queries over tickets, always limited to what the user may see: who sees which tickets, the
list with its filters, one ticket with everything its detail shows, and whose phone numbers.

The search by text of a role that sees citizens' numbers masked (not `PHONE_ROLES`: a leader, a
grid worker) reads `Ticket.masked_text`, the title and content with every run of seven digits or
more masked (`core.phone.masked_for_search`), and the ticket's number as it is. Otherwise the digits
it types would tell which tickets hold them, and by adding a digit at a time, the whole number that
its pages show as 138****5678 or ***. A column written with the text, rather than:
- refusing a query with a run of N digits or more: a shorter run still probes the number (a digit
  at a time after a known prefix), and a small N refuses a flat (1501室), a year or a number's
  part (20261206-000123);
- matching in SQL "not inside a longer run of digits": a regular expression that neither the
  trigram index (migration 0010) nor SQLite runs at a million rows, and which would have to say
  again, in two dialects, what a number is.
The column holds only the tickets whose text has such a run (the others' is "", and their own text
is searched); it is searched as the text is, by icontains under a trigram index on PostgreSQL
(migration 0018), so the list costs those roles what it costs the others, and the column and its
index cost the tickets without a number nothing but an empty string.
"""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import (
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils.translation import gettext as _

from hotline.accounts.models import User
from hotline.accounts.permissions import PHONE_ROLES, department_scope
from hotline.core import clock
from hotline.core.enums import TERMINAL_STATUSES, AssignmentStatus, EventType, Role, Urgency
from hotline.core.errors import Forbidden, NotFound
from hotline.core.phone import digits_of
from hotline.directory.models import Department
from hotline.intake.models import Appeal
from hotline.sla.models import Extension, Suspension, TimeLost
from hotline.sla.selectors import first_due
from hotline.taxonomy.selectors import category_and_below
from hotline.tickets.models import Assignment, InvalidationRequest, Ticket, TicketEvent


def callers_of(appeals: Iterable[Appeal]) -> set[str]:
    """The callers' numbers of `appeals`, to be masked however a text that quotes them writes them
    (a listed title, a notice's sentence: `core.phone.mask_numbers`' `citizen`)."""
    return {a.citizen_phone for a in appeals}


def visible_tickets(user: User) -> QuerySet[Ticket]:
    """Citywide roles see every ticket; department roles see tickets assigned to their scope; a grid
    worker (网格员) sees the tickets they reported.

    A department keeps seeing tickets it worked on after they were merged, closed or invalidated,
    but not a ticket whose return it won (退单 upheld): that ticket was never its business.
    """
    tickets = Ticket.objects.all()
    if user.role == Role.GRID:
        # A grid worker handles nothing: what they follow is their own reports from patrol, whoever
        # holds them (their community is the report's area, seldom the unit that handles it).
        return tickets.filter(Exists(_records("appeals").filter(ticket=OuterRef("pk"), created_by=user)))
    scope = department_scope(user)
    if scope is None:
        return tickets
    mine = Assignment.objects.filter(ticket=OuterRef("pk"), department_id__in=scope).exclude(
        Q(status=AssignmentStatus.WITHDRAWN) & Q(returned_at__isnull=False)
    )
    return tickets.filter(Exists(mine))


def get_visible_ticket(user: User, ticket_id: int) -> Ticket:
    """The ticket, or NotFound when it does not exist or the user may not see it (the same answer)."""
    ticket = (
        visible_tickets(user).select_related("category", "area", "merged_into").filter(pk=ticket_id).first()
    )
    if ticket is None:
        raise NotFound(_("工单 %(id)s 不存在") % {"id": ticket_id})
    return ticket


def can_see_phone(user: User, ticket: Ticket) -> bool:
    """Full phone numbers only on a ticket's own page, for roles that call citizens back."""
    return ticket.pk in tickets_with_phones_shown(user, [ticket.pk])


def tickets_with_phones_shown(user: User, ticket_ids: Iterable[int]) -> set[int]:
    """`can_see_phone` for many tickets in one query: those of `ticket_ids` whose callers' full
    numbers `user` may see."""
    ids = set(ticket_ids)
    if user.role not in PHONE_ROLES or not ids:
        return set()
    return set(visible_tickets(user).filter(pk__in=ids).values_list("pk", flat=True))


def _records(relation: str) -> QuerySet[Any]:
    """Every row of the model that points at Ticket by `relation` (its related_name). Appeals,
    replies and callbacks belong to intake and feedback, which sit in the ticket's own layer and so
    may not be imported from here (docs/adr/0007-layers.md); the relation they declare reaches them."""
    model = Ticket._meta.get_field(relation).related_model
    assert isinstance(model, type), relation
    return model._default_manager.all()


# --- the list --------------------------------------------------------------------------------------


def filtered_tickets(
    user: User,
    *,
    statuses: Collection[str] = (),
    kind: str | None = None,
    department_id: int | None = None,
    category_id: int | None = None,
    created_from: datetime | None = None,
    created_to: datetime | None = None,
    created_to_inclusive: bool = True,
    text: str = "",
    area_id: int | None = None,
    channel: str | None = None,
    phone: str = "",
) -> QuerySet[Ticket]:
    """The tickets `user` may see that pass every filter given; newest first. `phone`: the digits a
    caller's number ends with (the whole number, or at least its last four), on any of the
    ticket's appeals; "138-1234-1234" is read as 13812341234. Only for the roles that see full
    numbers (Forbidden for the others): to a role that sees 138****5678 the filter would give the
    masked digits away one guess at a time, so the pages never offer it to them and this refuses
    a caller that forgot to check. `text`: in the number, the title or the content; for those
    roles, not in the digits of a number that the text holds (`_text_matches`)."""
    digits = digits_of(phone)
    if digits and user.role not in PHONE_ROLES:
        raise Forbidden(_("角色“%(role)s”不能按来电号码查询") % {"role": user.get_role_display()})
    tickets = visible_tickets(user)
    if area_id is not None:
        # An area holds the areas under it (a district its streets, a street its communities), as
        # a category does its subcategories: a ticket is filed in the smallest area known.
        tickets = tickets.filter(
            # Every department under the area, areas or not: only areas are tickets' areas, so a
            # bureau under a district (its 住建局) taken along finds nothing more. The walk reads
            # the id alone, so the area itself is not read.
            area_id__in=Department(pk=area_id).descendant_ids()
        )
    if channel is not None:
        tickets = tickets.filter(Exists(_records("appeals").filter(ticket=OuterRef("pk"), channel=channel)))
    if len(digits) >= 4:
        # Through the indexed tail: the few appeals ending so, then their tickets (a semi-join),
        # instead of probing every ticket's appeals from the newest down.
        calls = _records("appeals").filter(phone_tail=digits[-4:], citizen_phone__endswith=digits)
        tickets = tickets.filter(pk__in=calls.values("ticket_id"))
    if statuses:
        tickets = tickets.filter(status__in=list(statuses))
    if kind is not None:
        tickets = tickets.filter(kind=kind)
    if department_id is not None:
        # A department's tickets are those it was given and still has (a withdrawn part is no longer its).
        held = Assignment.objects.filter(ticket=OuterRef("pk"), department_id=department_id).exclude(
            status=AssignmentStatus.WITHDRAWN
        )
        tickets = tickets.filter(Exists(held))
    if category_id is not None:
        tickets = tickets.filter(category_id__in=category_and_below(category_id))
    if created_from is not None:
        tickets = tickets.filter(created_at__gte=created_from)
    if created_to is not None:
        tickets = (
            tickets.filter(created_at__lte=created_to)
            if created_to_inclusive
            else tickets.filter(created_at__lt=created_to)
        )
    if text:
        tickets = tickets.filter(_text_matches(user, text))
    return tickets


def _text_matches(user: User, text: str) -> Q:
    """The tickets whose number, title or content hold `text`. For a role that sees citizens'
    numbers masked, in the title and content as masked (`Ticket.masked_text`): the digits it types
    could otherwise find the number its pages mask, a few at a time ("回电139" found, then "回电1391"
    ...). A ticket's number holds nobody's, and is found by all."""
    in_text = Q(title__icontains=text) | Q(content__icontains=text)
    if user.role in PHONE_ROLES:
        return in_text | Q(number__icontains=text)
    # A ticket without a number in its text has no masked text: its text is searched as it is.
    return (Q(masked_text="") & in_text) | Q(masked_text__icontains=text) | Q(number__icontains=text)


def with_list_relations(
    tickets: QuerySet[Ticket], assignments: QuerySet[Assignment] | None = None
) -> QuerySet[Ticket]:
    """What a list row needs, loaded in a fixed number of queries whatever the page size."""
    if assignments is None:
        assignments = Assignment.objects.select_related("department")
    # Category paths walk up to two parents; the tree has three levels.
    return tickets.select_related("category__parent__parent", "area", "merged_into").prefetch_related(
        Prefetch("appeals", queryset=_records("appeals").order_by("received_at", "pk")),
        Prefetch("assignments", queryset=assignments),
    )


# --- one ticket ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadedTicket:
    """A ticket with everything its detail shows. The ticket's own relations are prefetched
    (appeals, assignments, replies, callbacks, invalidation requests, events, time lost); the
    deadline records hang off its assignments and come as lists in their own order."""

    ticket: Ticket
    suspensions: list[Suspension]
    extensions: list[Extension]
    show_phone: bool


def ticket_with_history(user: User, ticket_id: int) -> LoadedTicket:
    """The whole ticket as `user` may see it, in a fixed number of queries; NotFound when they may
    not see it at all."""
    visible = get_visible_ticket(user, ticket_id)
    ticket = (
        with_list_relations(
            Ticket.objects.filter(pk=visible.pk),
            Assignment.objects.select_related("department", "accepted_by", "answered_by"),
        )
        .prefetch_related(
            Prefetch(
                "replies",
                queryset=_records("replies").select_related(
                    "department", "replied_by", "quality", "quality__reviewed_by"
                ),
            ),
            Prefetch("callbacks", queryset=_records("callbacks").select_related("called_by")),
            Prefetch(
                "invalidation_requests",
                queryset=InvalidationRequest.objects.select_related("requested_by", "decided_by").order_by(
                    "requested_at", "pk"
                ),
            ),
            Prefetch("events", queryset=TicketEvent.objects.select_related("actor")),
            Prefetch("time_lost", queryset=TimeLost.objects.select_related("department", "dispatcher")),
        )
        .get()
    )
    on_ticket = {"assignment__ticket": ticket}
    return LoadedTicket(
        ticket=ticket,
        suspensions=list(Suspension.objects.filter(**on_ticket).select_related("started_by", "ended_by")),
        extensions=list(Extension.objects.filter(**on_ticket).select_related("requested_by", "decided_by")),
        show_phone=can_see_phone(user, ticket),
    )


# --- the department inbox (承办) -------------------------------------------------------------------

# The inbox's status filters: to sign, in progress (signed, clock running), suspended (clock
# stopped), overdue (past the handling deadline, or stopped past it), due before today ends, and
# returned (waiting for dispatch's review).
INBOX_FILTERS = ("pending", "accepted", "suspended", "overdue", "due_today", "returned")

_AT_WORK = [AssignmentStatus.PENDING, AssignmentStatus.ACCEPTED]


def _inbox_conditions(now: datetime) -> dict[str, Q]:
    running = Q(status__in=_AT_WORK, paused_since__isnull=True)
    suspended = Q(status__in=_AT_WORK, paused_since__isnull=False)
    local = clock.localtime(now)
    tomorrow = datetime.combine(local.date() + timedelta(days=1), time.min, tzinfo=local.tzinfo)
    return {
        "pending": Q(status=AssignmentStatus.PENDING),
        "accepted": Q(status=AssignmentStatus.ACCEPTED, paused_since__isnull=True),
        "suspended": suspended,
        # A stopped clock keeps the time it had left when it stopped.
        "overdue": (running & Q(due_at__lt=now)) | (suspended & Q(due_at__lt=F("paused_since"))),
        "due_today": running & Q(due_at__gte=now, due_at__lt=tomorrow),
        "returned": Q(status=AssignmentStatus.RETURNED),
    }


def _inbox_scope(user: User, department_id: int | None) -> QuerySet[Assignment]:
    """The open assignments (to sign, in hand, returned) of the user's department scope, or of one
    department in it, on tickets still at work."""
    assignments = Assignment.objects.filter(
        status__in=[*_AT_WORK, AssignmentStatus.RETURNED],
    ).exclude(ticket__status__in=list(TERMINAL_STATUSES))
    scope = department_scope(user)
    if scope is not None:
        assignments = assignments.filter(department_id__in=scope)
    if department_id is not None:
        assignments = assignments.filter(department_id=department_id)
    return assignments


def inbox_assignments(
    user: User, *, now: datetime, status: str | None = None, department_id: int | None = None
) -> QuerySet[Assignment]:
    """The rows of a department's inbox, by time left: running clocks first, urgent tickets on top,
    then by the deadline due first (`sla.selectors.first_due`: an urgent ticket's first response
    before it is signed, else the handling deadline); then stopped clocks (by the time they had
    left), then returns waiting for review. Each row carries its ticket (with the category path and
    every assignment of the ticket, for `allowed_actions`) and its department, in a fixed number of
    queries."""
    assignments = _inbox_scope(user, department_id)
    if status is not None:
        assignments = assignments.filter(_inbox_conditions(now)[status])
    return (
        assignments.select_related("ticket__category__parent__parent", "department")
        .prefetch_related(
            Prefetch("ticket__assignments", queryset=Assignment.objects.select_related("department"))
        )
        .annotate(
            inbox_group=Case(
                When(status=AssignmentStatus.RETURNED, then=Value(2)),
                When(paused_since__isnull=False, then=Value(1)),
                default=Value(0),
            ),
            urgent_first=Case(When(ticket__urgency=Urgency.URGENT, then=Value(0)), default=Value(1)),
            frozen_left=ExpressionWrapper(F("due_at") - F("paused_since"), output_field=DurationField()),
            first_due=first_due(),
            # The day an extension waiting for its decision asks for (at most one: a constraint).
            extension_asked=Subquery(
                Extension.objects.filter(assignment=OuterRef("pk"), approved__isnull=True).values(
                    "requested_due_at"
                )[:1]
            ),
        )
        .order_by("inbox_group", "urgent_first", "frozen_left", "first_due", "pk")
    )


def inbox_counts(user: User, *, now: datetime, department_id: int | None = None) -> dict[str, int]:
    """The inbox's counters in one query: to sign, in progress, due today, overdue."""
    conditions = _inbox_conditions(now)
    names = ("pending", "accepted", "due_today", "overdue")
    return _inbox_scope(user, department_id).aggregate(
        **{name: Count("pk", filter=conditions[name]) for name in names}
    )


def returns_rejected(assignments: Iterable[Assignment]) -> dict[int, str]:
    """Of `assignments` at work again (to sign or signed), those whose return (退单) dispatch rejected, with
    the review's reason, by assignment id, in one query: the last return review of each ticket,
    when it was of that assignment and did not uphold it. What the unit's inbox row says until it
    answers (the timeline keeps it for good)."""
    at_work = (AssignmentStatus.PENDING, AssignmentStatus.ACCEPTED)
    working = {a.pk: a.ticket_id for a in assignments if a.status in at_work}
    if not working:
        return {}
    last = last_events(working.values(), Q(action=EventType.REVIEW_RETURN))
    found: dict[int, str] = {}
    for pk, ticket_id in working.items():
        event = last.get(ticket_id)
        review = (event.details or {}) if event else {}
        if review.get("assignment") == pk and review.get("uphold") is False:
            found[pk] = str(review.get("note", ""))
    return found


def last_events(ticket_ids: Iterable[int], condition: Q) -> dict[int, TicketEvent]:
    """The last event matching `condition` (the newest, of two at the same moment the later
    written) of each of the tickets `ticket_ids`, by ticket id, in one query; a ticket with none is
    left out. `condition` is a filter on `TicketEvent` (it may look at the ticket too)."""
    ids = set(ticket_ids)
    if not ids:
        return {}
    # "No later event matching" rather than PostgreSQL's DISTINCT ON, which SQLite lacks: the
    # database sends one row per ticket whatever the length of its timeline.
    later = TicketEvent.objects.filter(condition, ticket_id=OuterRef("ticket_id")).filter(
        Q(at__gt=OuterRef("at")) | Q(at=OuterRef("at"), pk__gt=OuterRef("pk"))
    )
    rows = TicketEvent.objects.filter(condition, ticket_id__in=ids).filter(~Exists(later))
    return {event.ticket_id: event for event in rows}
