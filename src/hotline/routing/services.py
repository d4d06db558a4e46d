"""Routing as the rest of the platform calls it: the router behind `tickets.router`."""

from collections.abc import Sequence

from hotline.routing.actions import do_route_tickets_once


class ModelRouter:
    """Smart dispatch (智能分拨) of a new ticket: area, urgency, suggestions, and the automatic
    dispatch when the best suggestion is sure enough (`routing.actions.do_route_ticket`).

    Once per ticket, and only while it is new (`do_route_ticket_once`): the worker may reach a
    ticket twice (its task and the sweep of unrouted tickets) or after a dispatcher acted on it."""

    def route(self, ticket_id: int) -> None:
        self.route_many([ticket_id])

    def route_many(self, ticket_ids: Sequence[int]) -> None:
        """Route a batch in one transaction (`do_route_tickets_once`); a failure undoes the batch."""
        do_route_tickets_once(ticket_ids)
