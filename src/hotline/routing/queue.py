"""The dispatcher's queue (待派单): each waiting ticket with the suggestions to choose from.

One place for what the API (`GET /api/v1/routing/queue`) and the staff page (`/dispatch/`) show.
Suggestions are those routing stored when the ticket came in; a ticket that was never routed
(routing failed, or it predates routing) gets them computed now, and not stored, so that opening
the queue never writes.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hotline.core.enums import Kind
from hotline.routing.decision import AppealFacts, decide_many, ranked_dicts
from hotline.routing.selectors import latest_decisions
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
    return queue_entries([ticket])[0]


def queue_entries(tickets: Iterable[Ticket]) -> list[QueueEntry]:
    """Each ticket's entry, in a fixed number of queries whatever their number (a page of the
    queue): the latest decisions in one, and those never routed decided together (`decide_many`)."""
    tickets = list(tickets)
    latest = latest_decisions([t.pk for t in tickets])
    undecided = [t for t in tickets if t.pk not in latest]
    decided = decide_many(AppealFacts.of_tickets(undecided)) if undecided else []
    computed = dict(zip([t.pk for t in undecided], decided, strict=True))
    entries = []
    for ticket in tickets:
        if (decision := latest.get(ticket.pk)) is not None:
            kinds = (decision.evidence or {}).get("kind_predictions") or []
            entries.append(
                QueueEntry(ticket, decision.suggestions, decision.decided_at, decision.confidence, kinds)
            )
            continue
        now = computed[ticket.pk]
        suggestions = [s.as_dict() for s in now.suggestions]
        entries.append(
            QueueEntry(ticket, suggestions, None, now.confidence, ranked_dicts(now.kind_predictions))
        )
    return entries
