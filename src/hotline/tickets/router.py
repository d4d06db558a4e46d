"""The interface through which a new ticket is routed (智能分拨) after intake, defined here so that
intake and every other channel hand tickets on without importing routing.

`settings.HOTLINE["ROUTING"]["ROUTER"]` names the implementation: `hotline.routing.services.ModelRouter`
(the classifier, the responsibility list, automatic dispatch) by default, `NullRouter` where tickets
should simply wait for a dispatcher. The router runs in the worker (`hotline worker`), from the task
`route_ticket` that intake enqueues with the ticket, so the intake answers as soon as the appeal is
stored and a routing failure can never undo it; a failure is recorded on the ticket (a
`route_failed` event, which the dispatch queue counts) and logged with its traceback, never dropped.

With django-tasks-db's `DatabaseBackend` the task row is written in the transaction that stores the
ticket: both are committed or neither is, so a process that dies between the two cannot leave a
ticket without its task (it could with `on_commit`, which runs after the commit, in a process that
may be gone by then). With any other backend (the immediate one of the tests, a Redis queue) the
task is enqueued on commit, so it never runs for a ticket that was rolled back. What is still lost
(a task row deleted by hand, a queue emptied) is found by routing's sweep of unrouted tickets
(`routing.tasks.route_unrouted`).
"""

import functools
import logging
from collections.abc import Sequence
from typing import Protocol

from django.conf import settings
from django.core import checks
from django.db import router as db_router
from django.db import transaction
from django.tasks import TaskContext, task, task_backends
from django.utils import translation
from django.utils.module_loading import import_string
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from hotline.core import clock
from hotline.core.taken_along import finish, give_back, take_along
from hotline.tickets import events
from hotline.tickets.models import Ticket

logger = logging.getLogger(__name__)


class Router(Protocol):
    """A router routes one new ticket (`route`); one that can also route a batch at once has
    `route_many(ticket_ids)`, which routes all of them or, raising, none (`route_batch` then routes
    each alone)."""

    def route(self, ticket_id: int) -> None:
        """Route the new ticket `ticket_id`, in a transaction of its own."""


class NullRouter:
    """Routes nothing: every new ticket waits in the dispatch queue, which suggests as it lists."""

    def route(self, ticket_id: int) -> None:
        return None

    def route_many(self, ticket_ids: Sequence[int]) -> None:
        return None


@functools.cache
def _router(path: str) -> Router:
    router: Router = import_string(path)()
    return router


def configured_router() -> Router:
    return _router(settings.HOTLINE["ROUTING"]["ROUTER"])


def route_now(ticket_id: int) -> bool:
    """Run the configured router on one ticket; False when it failed (recorded on the ticket)."""
    return route_batch([ticket_id]) == 1


def route_batch(ticket_ids: Sequence[int]) -> int:
    """Run the configured router on a batch of tickets, at once when it can route batches; how
    many were routed without failure. When the batch fails, each ticket is routed alone, so that a
    ticket at fault fails (recorded on it) without the others."""
    return len(_routed(list(ticket_ids)))


def _routed(ids: list[int]) -> list[int]:
    """`route_batch`: the ids of the tickets routed without failure."""
    path = settings.HOTLINE["ROUTING"]["ROUTER"]
    if not ids:
        return []
    router = configured_router()
    many = getattr(router, "route_many", None)
    if many is None and len(ids) > 1:  # a router that takes one ticket at a time
        return [pk for pk in ids if _routed([pk])]
    try:
        # What routing writes is stored (decisions, notes, a failure's message): in the city's
        # language, not in that of the request whose intake it follows.
        with translation.override(settings.LANGUAGE_CODE):
            if many is not None:
                many(ids)
            else:
                router.route(ids[0])
    except Exception as exc:
        if len(ids) > 1:
            logger.warning("routing a batch of %d tickets failed (%s); routing each alone", len(ids), exc)
            return [pk for pk in ids if _routed([pk])]
        logger.exception("routing ticket %s failed; it waits in the dispatch queue", ids[0])
        _record_failure(ids[0], f"{type(exc).__name__}: {exc}", path)
        return []
    return ids


def _record_failure(ticket_id: int, error: str, path: str) -> None:
    try:
        with transaction.atomic():
            ticket = Ticket.objects.select_for_update().get(pk=ticket_id)
            events.routing_failed(ticket, error=error, router=path, at=clock.now())
    except Exception:
        # The database itself failed: the log line above is all that can be kept.
        logger.exception("recording the routing failure of ticket %s failed", ticket_id)


# Ahead of the scheduled work in the queue (sweeps, recounts, retrains): a new ticket, perhaps an
# urgent one, waits for its area and its dispatch while it sits there.
ROUTE_PRIORITY = 50


@task(priority=ROUTE_PRIORITY, takes_context=True)
def route_ticket(context: TaskContext, ticket_id: int) -> bool:
    """The worker's half of intake: route the new ticket `ticket_id`. The router leaves alone a
    ticket that routing already saw or that a person dispatched meanwhile, so the task and the sweep
    may both reach a ticket without harm.

    When intake outruns routing (a burst of calls, a channel's backlog), the tickets of the next
    waiting `route_ticket` tasks, up to `ROUTE_BATCH` in all, are routed with this one as a batch
    (`core.taken_along`): a ticket alone costs about four times the CPU of one in a batch (the
    transaction, the reads, the model asked for one text), so the worker drains a backlog several
    times faster; with nothing waiting, the ticket is routed alone as before. Each task taken along
    is marked done with its own ticket's outcome."""
    taken = take_along(context, ROUTE_BATCH - 1)
    try:
        routed = set(_routed([ticket_id, *(t.args[0] for t in taken)]))
    except BaseException:
        give_back(taken)
        raise
    finish([t for t in taken if t.args[0] in routed], True)
    finish([t for t in taken if t.args[0] not in routed], False)
    return ticket_id in routed


# Tickets per routing task when one intake stores many at once (an import): a task row per ticket
# would cost as much as the ticket's own rows, and several workers still share a large import.
ROUTE_BATCH = 50


@task(priority=ROUTE_PRIORITY)
def route_tickets(ticket_ids: list[int]) -> int:
    """`route_ticket` for a batch of tickets stored together, routed as one batch (`route_batch`);
    how many were routed without failure."""
    return route_batch(ticket_ids)


def stored_with(ticket: Ticket) -> bool:
    """Whether the task backend keeps its tasks in the database that stores `ticket`, so that an
    enqueue inside the ticket's transaction commits (or rolls back) with it."""
    backend = task_backends[route_ticket.backend]
    return isinstance(backend, DatabaseBackend) and db_router.db_for_write(DBTaskResult) == ticket._state.db


def enqueue_routing(ticket: Ticket) -> None:
    """Have the worker route `ticket`, which the current transaction is storing (see the module's
    docstring for why the task row goes into that transaction when it can)."""
    if stored_with(ticket):
        route_ticket.enqueue(ticket.pk)
    else:
        transaction.on_commit(functools.partial(route_ticket.enqueue, ticket.pk))


def enqueue_routing_many(tickets: Sequence[Ticket]) -> None:
    """`enqueue_routing` for many tickets that the current transaction stores, `ROUTE_BATCH` a task."""
    if not tickets:
        return
    batches = [[t.pk for t in tickets[i : i + ROUTE_BATCH]] for i in range(0, len(tickets), ROUTE_BATCH)]
    if stored_with(tickets[0]):
        for ids in batches:
            route_tickets.enqueue(ids)
    else:
        for ids in batches:
            transaction.on_commit(functools.partial(route_tickets.enqueue, ids))


def check_router(**kwargs: object) -> list[checks.CheckMessage]:
    """A router that cannot be imported is an error at start-up (`hotline serve` and every command
    run the checks), not a `route_failed` on every ticket from the first intake on."""
    path = settings.HOTLINE["ROUTING"]["ROUTER"]
    try:
        router = import_string(path)
    except ImportError as exc:
        return [
            checks.Error(
                f"HOTLINE['ROUTING']['ROUTER'] (HOTLINE_ROUTER) names {path!r}, "
                f"which cannot be imported: {exc}",
                hint="hotline.routing.services.ModelRouter, or hotline.tickets.router.NullRouter",
                id="hotline.E001",
            )
        ]
    if not callable(getattr(router, "route", None)):
        return [checks.Error(f"{path} has no route(ticket_id) method", id="hotline.E002")]
    return []
