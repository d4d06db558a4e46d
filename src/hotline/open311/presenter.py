"""A ticket as a GeoReport v2 service request, and the extensions' extra fields.

What a citizen told the hotline about themselves is never in it: neither the name nor the phone
of any appeal; a caller's name is masked where they wrote it into the text or the address, and
every number in them, theirs however written (`scrubbed`); an appeal found invalid (malicious,
abusive) shows no text at all. The status history is the steps the citizen portal shows
(web.portal), without staff or internal notes."""

from collections.abc import Sequence
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest

from hotline.core.enums import Channel, TicketStatus
from hotline.feedback.disclosure import citizen_text
from hotline.intake.models import Appeal
from hotline.open311 import media
from hotline.open311.formats import w3
from hotline.open311.selectors import CLOSED
from hotline.tickets.models import Ticket, TicketEvent, current_lead
from hotline.web.portal import PUBLIC_EVENT_FIELDS, PUBLIC_STATUS, department_names, public_steps


def scrubbed(text: str, appeals: Sequence[Appeal]) -> str:
    """`text`, the callers' words, with their names masked and every number in it: a citizen's own
    words hold no office line to keep (`feedback.disclosure.citizen_text`, told the callers'
    numbers, which it masks even where nothing says they are numbers)."""
    for appeal in appeals:
        name = appeal.citizen_name.strip()
        if len(name) >= 2:
            text = text.replace(name, name[0] + "*" * (len(name) - 1))
    return citizen_text(text, also_citizens=[a.citizen_phone for a in appeals])


def with_history(tickets: Any) -> Any:
    """`tickets` with the events that the public steps read, for `extensions=true`."""
    events = TicketEvent.objects.order_by("at", "pk").only(*PUBLIC_EVENT_FIELDS)
    return tickets.prefetch_related(Prefetch("events", queryset=events, to_attr="public_events"))


def _media_urls(request: HttpRequest, appeals: list[Appeal]) -> list[str]:
    # Only the photos posted through Open311, at signed public addresses (open311.media).
    return [media.url_of(request, a) for appeal in appeals for a in media.published(appeal)]


def service_request(
    request: HttpRequest, ticket: Ticket, *, extensions: bool = False, names: dict[str, str] | None = None
) -> dict[str, Any]:
    """One request, its fields in the specification's order; with `extensions`, also
    `extended_attributes` (channel, the hotline's own status in its words, duplicate) and `notes`
    (the status history; `names`: the departments its events name, `department_names`)."""
    appeals = list(ticket.appeals.all())
    closed = ticket.status in CLOSED
    lead = current_lead(ticket.assignments.all())
    located = next((a for a in appeals if a.latitude is not None and a.longitude is not None), None)
    media = _media_urls(request, appeals)
    category = ticket.category
    record: dict[str, Any] = {
        "service_request_id": ticket.number,
        "status": "closed" if closed else "open",
        "status_notes": str(PUBLIC_STATUS.get(ticket.status, "")) or None,
        "service_name": category.name if category else None,
        "service_code": category.code if category else None,
        "description": None if ticket.status == TicketStatus.INVALID else scrubbed(ticket.content, appeals),
        "agency_responsible": lead.department.name if lead else None,
        "service_notice": None,
        "requested_datetime": w3(ticket.created_at),
        "updated_datetime": w3((ticket.closed_at or ticket.updated_at) if closed else ticket.updated_at),
        "expected_datetime": w3(lead.due_at) if lead and not closed else None,
        # The caller's words as the description is ("西山路8号 联系139…"): scrubbed alike.
        "address": scrubbed(ticket.address, appeals) or None,
        "address_id": None,
        "zipcode": None,
        "lat": located.latitude if located else None,
        "long": located.longitude if located else None,
        "media_url": media[0] if media else None,
    }
    if extensions:
        channel = appeals[0].channel if appeals else ""
        record["extended_attributes"] = {
            "channel": channel or None,
            "channel_name": str(Channel(channel).label) if channel in Channel.values else None,
            "ticket_status": ticket.status,
            "ticket_status_name": str(TicketStatus(ticket.status).label),
            "duplicate": ticket.status == TicketStatus.MERGED,
            "parent_service_request_id": ticket.merged_into.number if ticket.merged_into else None,
            "media_urls": media,
        }
        events = getattr(ticket, "public_events", None)
        if events is None:
            events = list(ticket.events.order_by("at", "pk").only(*PUBLIC_EVENT_FIELDS))
        steps = public_steps(events, names if names is not None else department_names(events))
        record["notes"] = [{"datetime": w3(s.at), "type": s.action, "description": s.text} for s in steps]
    return record


def service_requests(
    request: HttpRequest, tickets: list[Ticket], *, extensions: bool
) -> list[dict[str, Any]]:
    names = None
    if extensions:
        names = department_names(e for t in tickets for e in getattr(t, "public_events", []))
    return [service_request(request, t, extensions=extensions, names=names) for t in tickets]
