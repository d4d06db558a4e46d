"""Read queries of the messages to citizens (告知记录)."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from hotline.citizen_messages.models import CitizenMessage
from hotline.core.enums import CitizenMedium
from hotline.core.phone import mask_phone
from hotline.tickets.models import Ticket


def messages_of(ticket: Ticket) -> QuerySet[CitizenMessage]:
    """What the ticket's appellants were told: the messages of its own changes (to its appellants
    and those of the duplicates merged into it) and those sent to its own appeals by the ticket
    it was merged into, oldest first."""
    return (
        CitizenMessage.objects.filter(Q(ticket=ticket) | Q(appeal__ticket=ticket))
        .select_related("appeal", "appeal__ticket")
        .order_by("created_at", "pk")
    )


def masked_address(address: str) -> str:
    """An e-mail address as pages show it: the first letter of the name and the domain."""
    name, at, domain = address.partition("@")
    if not at:
        return mask_phone(address)
    return f"{name[:1]}***@{domain}"


@dataclass(frozen=True)
class Shown:
    message: CitizenMessage
    to: str  # masked


def shown(message: CitizenMessage) -> Shown:
    to = mask_phone(message.to) if message.medium == CitizenMedium.SMS else masked_address(message.to)
    return Shown(message, to)
