"""Dispatchers' corrections, read from the timeline, become training labels (`TrainingLabel`).

- A person's `dispatch` of a ticket that routing had suggested something for: a lead department
  other than the top suggestion gives a department label; a first-level category other than the
  one predicted gives a category label (both `dispatch_correction`); a category other than the one
  the operator chose at intake gives a category label (`category_change`).
- An upheld return re-dispatched to a new lead (`review_return` with `uphold` and `lead`): a
  department label for the new lead (`upheld_return`); the returned department is what it replaces.
  When the review also moved the ticket to another first-level category, a category label too.

Reading the timeline rather than hooking the dispatch action keeps the ticket actions unaware of
routing, and catches corrections however they were made. The last event read is remembered
(`RetrainState.last_event_id`), and a label is unique per event and target, so collecting twice
adds nothing.
"""

from typing import Any

from django.db import transaction

from hotline.accounts.system import system_user
from hotline.core import clock
from hotline.core.enums import EventType, LabelSource
from hotline.routing.models import ModelTarget, RetrainState, RoutingDecision, TrainingLabel
from hotline.routing.training_data import category_roots, ticket_text
from hotline.tickets import events as ticket_events
from hotline.tickets.models import Ticket, TicketEvent


def _decision_before(ticket: Ticket, event: TicketEvent) -> RoutingDecision | None:
    return (
        RoutingDecision.objects.filter(ticket=ticket, decided_at__lte=event.at)
        .order_by("-decided_at", "-pk")
        .first()
    )


def _dispatch_labels(event: TicketEvent, roots: dict[int, str]) -> list[dict[str, Any]]:
    ticket = event.ticket
    decision = _decision_before(ticket, event)
    if decision is None:
        return []
    labels: list[dict[str, Any]] = []
    top = decision.suggestions[0] if decision.suggestions else None
    lead = event.details.get("lead")
    if top is not None and lead and lead != top["lead"]["code"]:
        labels.append(
            {
                "target": ModelTarget.DEPARTMENT,
                "label": lead,
                "suggested": top["lead"]["code"],
                "source": LabelSource.DISPATCH_CORRECTION,
            }
        )
    # The category as dispatched (events before it was recorded: the ticket's, as it is now).
    dispatched = event.details.get("category", ticket.category_id)
    chosen = roots.get(dispatched) if dispatched else None
    given = (decision.evidence.get("category") or {}) if decision.evidence.get("category_given") else {}
    predictions = decision.evidence.get("predictions") or []
    if chosen and given:
        before = roots.get(int(given.get("id") or 0))
        if before and chosen != before:
            labels.append(
                {
                    "target": ModelTarget.CATEGORY,
                    "label": chosen,
                    "suggested": before,
                    "source": LabelSource.CATEGORY_CHANGE,
                }
            )
    elif chosen and predictions and chosen != predictions[0]["label"]:
        labels.append(
            {
                "target": ModelTarget.CATEGORY,
                "label": chosen,
                "suggested": predictions[0]["label"],
                "source": LabelSource.DISPATCH_CORRECTION,
            }
        )
    return labels


def _return_labels(event: TicketEvent, roots: dict[int, str]) -> list[dict[str, Any]]:
    if not event.details.get("uphold"):
        return []
    labels: list[dict[str, Any]] = []
    if event.details.get("lead"):
        labels.append(
            {
                "target": ModelTarget.DEPARTMENT,
                "label": event.details["lead"],
                "suggested": event.details.get("department", ""),
                "source": LabelSource.UPHELD_RETURN,
            }
        )
    change = event.details.get("category") or {}
    after = roots.get(int(change.get("to") or 0))
    before = roots.get(int(change.get("from") or 0), "")
    if after and after != before:
        labels.append(
            {
                "target": ModelTarget.CATEGORY,
                "label": after,
                "suggested": before,
                "source": LabelSource.UPHELD_RETURN,
            }
        )
    return labels


def collect_labels() -> int:
    """Turn the corrections in the timeline since the last collection into labels; returns how many."""
    with transaction.atomic():
        state, _created = RetrainState.objects.select_for_update().get_or_create(pk=1)
        system = system_user()
        events = (
            TicketEvent.objects.filter(
                ticket_events.of_type(EventType.DISPATCH, EventType.REVIEW_RETURN), pk__gt=state.last_event_id
            )
            .exclude(actor=system)
            .select_related("ticket", "actor")
            .order_by("pk")
        )
        roots = category_roots()
        rows: list[TrainingLabel] = []
        last = state.last_event_id
        now = clock.now()
        for event in events.iterator(chunk_size=500):
            last = event.pk
            read = _dispatch_labels if event.action == EventType.DISPATCH else _return_labels
            found = read(event, roots)
            text = ticket_text(event.ticket.title, event.ticket.content)
            rows += [
                TrainingLabel(
                    ticket=event.ticket, event=event, text=text, created_by=event.actor, created_at=now, **f
                )
                for f in found
            ]
        TrainingLabel.objects.bulk_create(rows, ignore_conflicts=True)
        state.last_event_id = last
        state.save(update_fields=["last_event_id"])
    return len(rows)
