"""The dispatcher's queue (待派单): each waiting ticket with the suggestions to choose from.

One place for what the API (`GET /api/v1/routing/queue`) and the staff page (`/dispatch/`) show.
Suggestions are those routing stored when the ticket came in; a ticket that was never routed
(routing failed, or it predates routing) gets them computed now, and not stored, so that opening
the queue never writes.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hotline.routing.decision import AppealFacts, decide
from hotline.routing.selectors import latest_decision
from hotline.tickets.models import Ticket


@dataclass(frozen=True)
class QueueEntry:
    ticket: Ticket
    suggestions: list[dict[str, Any]]  # `Suggestion.as_dict()`, the most confident first
    decided_at: datetime | None  # None: computed now, never stored
    confidence: float | None


def queue_entry(ticket: Ticket) -> QueueEntry:
    decision = latest_decision(ticket)
    if decision is not None:
        return QueueEntry(ticket, decision.suggestions, decision.decided_at, decision.confidence)
    computed = decide(AppealFacts.of_ticket(ticket))
    return QueueEntry(ticket, [s.as_dict() for s in computed.suggestions], None, computed.confidence)
