"""Intake over the API: a channel or a script delivers one contact, which becomes (or joins) a ticket."""

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Status

from hotline.accounts.auth import request_user
from hotline.core.api import ERRORS
from hotline.core.enums import TicketStatus
from hotline.intake.actions import AppealData, do_receive_appeal
from hotline.intake.schemas import AppealIn, AppealReceipt, ReceiptLinks
from hotline.tickets.models import Ticket

router = Router(tags=["intake"])


def receipt(ticket: Ticket) -> AppealReceipt:
    links = ReceiptLinks(
        ticket=reverse("api:get_ticket", kwargs={"ticket_id": ticket.pk}),
        page=reverse("ticket_page", kwargs={"number": ticket.number}),
    )
    return AppealReceipt(id=ticket.pk, number=ticket.number, status=TicketStatus(ticket.status), links=links)


@router.post(
    "",
    response={201: AppealReceipt, 200: AppealReceipt, **ERRORS},
    summary="Receive an appeal (受理)",
)
def receive_appeal(request: HttpRequest, payload: AppealIn) -> Status[AppealReceipt]:
    """201 with the new ticket's receipt (id, number, status, links) as soon as the appeal is
    stored; 200 with the existing ticket's when this channel already delivered this `external_id`
    (nothing is created then). The worker routes a new ticket right after (area, urgency,
    suggestions, automatic dispatch); `GET /api/v1/tickets/{id}` shows it with its history."""
    user = request_user(request)
    # mode="python" keeps received_at a datetime; the enums become their stored values.
    fields = payload.model_dump(mode="python")
    fields.update(channel=payload.channel.value, kind=payload.kind.value, urgency=payload.urgency.value)
    ticket, created = do_receive_appeal(AppealData(**fields), user)
    return Status(201 if created else 200, receipt(ticket))
