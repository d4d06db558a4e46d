"""Routing as the rest of the platform calls it: the router behind `tickets.router`."""

from hotline.routing.actions import do_route_ticket


class ModelRouter:
    """Smart dispatch (智能分拨) of a new ticket: area, urgency, suggestions, and the automatic
    dispatch when the best suggestion is sure enough (`routing.actions.do_route_ticket`)."""

    def route(self, ticket_id: int) -> None:
        do_route_ticket(ticket_id)
