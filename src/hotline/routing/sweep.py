"""The sweep of unrouted tickets: what routing finds that intake's own task did not route.

Intake enqueues one routing task per new ticket, in the transaction that stores the ticket
(`tickets.router`), so a crash cannot separate the two. The sweep is the net under that: a task row
deleted or lost with a queue, a worker that died with the task claimed, a router that was switched
on after the tickets came in. It runs in the worker on a schedule (`hotline worker`,
HOTLINE_ROUTE_SWEEP_INTERVAL) and routes each unrouted ticket as its task would have.

A ticket is **unrouted** when all of these hold:

- it is `new`: nobody dispatched, merged, answered or invalidated it (a ticket past `new` needs no
  routing any more, and routing only ever routes a new ticket);
- it was stored more than `UNROUTED_AFTER` seconds ago, so that its own task, normally run within
  a second, had its chance first (were both to run, the second does nothing: the routing is made
  under the ticket's row lock and only once);
- routing stored no `RoutingDecision` for it (every routing stores one, also when it only sends
  the ticket to the queue and so writes no timeline line);
- its timeline has no `route` line (written with a decision) and no `route_failed` line: a
  failure is recorded, logged and counted by the dispatch queue, which lists the ticket with
  suggestions computed as it shows them; retrying it on every sweep would add a failure line each
  time and hide nothing a person does not already see.

Only the model router (`routing.services.ModelRouter`) is swept: the null router routes nothing by
design, and another router keeps its own records.
"""

import logging
from datetime import timedelta
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from hotline.core import clock
from hotline.core.enums import EventType, TicketStatus
from hotline.routing.models import RoutingDecision
from hotline.routing.services import ModelRouter
from hotline.tickets import events as ticket_events
from hotline.tickets.models import Ticket, TicketEvent
from hotline.tickets.router import ROUTE_BATCH, configured_router, route_batch

logger = logging.getLogger(__name__)

# Seconds a new ticket is left to its own task before the sweep counts it as unrouted.
UNROUTED_AFTER = 120
# Tickets routed per sweep at most (oldest first); the next sweep takes the rest.
BATCH = 500


def unrouted_tickets(older_than: float = UNROUTED_AFTER) -> QuerySet[Ticket]:
    """The unrouted tickets (as the module's docstring defines them), oldest first."""
    decided = RoutingDecision.objects.filter(ticket=OuterRef("pk"))
    routed = TicketEvent.objects.filter(
        ticket_events.of_type(EventType.ROUTE, EventType.ROUTE_FAILED), ticket=OuterRef("pk")
    )
    return (
        Ticket.objects.filter(
            status=TicketStatus.NEW, created_at__lte=clock.now() - timedelta(seconds=older_than)
        )
        .exclude(Exists(decided))
        .exclude(Exists(routed))
        .order_by("created_at", "pk")
    )


def route_unrouted(older_than: float = UNROUTED_AFTER, batch: int = BATCH) -> dict[str, Any]:
    """Route the unrouted tickets, at most `batch` of them; a report of what was done."""
    if not isinstance(configured_router(), ModelRouter):
        return {"swept": False, "routed": 0, "failed": 0}
    ids = list(unrouted_tickets(older_than).values_list("pk", flat=True)[:batch])
    routed = sum(route_batch(ids[i : i + ROUTE_BATCH]) for i in range(0, len(ids), ROUTE_BATCH))
    failed = len(ids) - routed
    if ids:
        logger.warning(
            "routing sweep: %d ticket(s) had not been routed (%d failed again): %s",
            len(ids),
            failed,
            ids[:20],
        )
    return {"swept": True, "routed": routed, "failed": failed}
