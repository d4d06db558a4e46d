"""The dispatcher's queue (待派单): each waiting ticket with the suggestions to choose from.

One place for what the API (`GET /api/v1/routing/queue`) and the staff page (`/dispatch/`) show.
Suggestions are those routing stored when the ticket came in; a ticket that was never routed
(routing failed, or it predates routing) gets them computed now, and not stored, so that opening
the queue never writes.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hotline.core.enums import Kind
from hotline.routing.decision import AppealFacts, decide, ranked_dicts
from hotline.routing.selectors import latest_decision
from hotline.tickets.models import Ticket


@dataclass(frozen=True)
class QueueEntry:
    ticket: Ticket
    suggestions: list[dict[str, Any]]  # `Suggestion.as_dict()`, the most confident first
    decided_at: datetime | None  # None: computed now, never stored
    confidence: float | None
    kind_predictions: list[dict[str, Any]] = field(default_factory=list)

    @property
    def other_kind(self) -> tuple[str, float] | None:
        """The kind model's reading, (its label, probability), when it differs from the ticket's kind."""
        if not self.kind_predictions:
            return None
        top = self.kind_predictions[0]
        if top["label"] == self.ticket.kind or top["label"] not in Kind.values:
            return None
        return str(Kind(top["label"]).label), float(top["probability"])


def queue_entry(ticket: Ticket) -> QueueEntry:
    decision = latest_decision(ticket)
    if decision is not None:
        kinds = (decision.evidence or {}).get("kind_predictions") or []
        return QueueEntry(ticket, decision.suggestions, decision.decided_at, decision.confidence, kinds)
    computed = decide(AppealFacts.of_ticket(ticket))
    suggestions = [s.as_dict() for s in computed.suggestions]
    kinds = ranked_dicts(computed.kind_predictions)
    return QueueEntry(ticket, suggestions, None, computed.confidence, kinds)
