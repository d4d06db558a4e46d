"""The interface through which a new ticket is routed (智能分拨) after intake, defined here so that
intake and every other channel hand tickets on without importing routing.

`settings.HOTLINE["ROUTING"]["ROUTER"]` names the implementation: `hotline.routing.services.ModelRouter`
(the classifier, the responsibility list, automatic dispatch) by default, `NullRouter` where tickets
should simply wait for a dispatcher. The router runs after the transaction that stored the ticket
commits, so a routing failure can never undo an intake; it is recorded on the ticket (a
`route_failed` event, which the dispatch queue counts) and logged with its traceback, never dropped.
"""

import functools
import logging
from typing import Protocol

from django.conf import settings
from django.core import checks
from django.db import transaction
from django.utils import translation
from django.utils.module_loading import import_string

from hotline.core import clock
from hotline.tickets import events
from hotline.tickets.models import Ticket

logger = logging.getLogger(__name__)


class Router(Protocol):
    def route(self, ticket_id: int) -> None:
        """Route the new ticket `ticket_id`, in a transaction of its own."""


class NullRouter:
    """Routes nothing: every new ticket waits in the dispatch queue, which suggests as it lists."""

    def route(self, ticket_id: int) -> None:
        return None


@functools.cache
def _router(path: str) -> Router:
    router: Router = import_string(path)()
    return router


def configured_router() -> Router:
    return _router(settings.HOTLINE["ROUTING"]["ROUTER"])


def route_now(ticket_id: int) -> bool:
    """Run the configured router on one ticket; False when it failed (recorded on the ticket)."""
    path = settings.HOTLINE["ROUTING"]["ROUTER"]
    try:
        # What routing writes is stored (decisions, notes, a failure's message): in the city's
        # language, not in that of the request whose intake it follows.
        with translation.override(settings.LANGUAGE_CODE):
            configured_router().route(ticket_id)
    except Exception as exc:
        logger.exception("routing ticket %s failed; it waits in the dispatch queue", ticket_id)
        _record_failure(ticket_id, f"{type(exc).__name__}: {exc}", path)
        return False
    return True


def _record_failure(ticket_id: int, error: str, path: str) -> None:
    try:
        with transaction.atomic():
            ticket = Ticket.objects.select_for_update().get(pk=ticket_id)
            events.routing_failed(ticket, error=error, router=path, at=clock.now())
    except Exception:
        # The database itself failed: the log line above is all that can be kept.
        logger.exception("recording the routing failure of ticket %s failed", ticket_id)


def route_after_commit(ticket: Ticket) -> None:
    """Route `ticket` once the transaction that is storing it commits (at once outside one)."""
    transaction.on_commit(functools.partial(route_now, ticket.pk))


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
