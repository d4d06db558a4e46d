"""Intake over the API: a channel or a script delivers one contact, which becomes (or joins) a ticket."""

from django.http import HttpRequest
from ninja import Router, Status

from hotline.accounts.auth import request_user
from hotline.core.api import ERRORS
from hotline.intake.actions import AppealData, do_receive_appeal
from hotline.intake.schemas import AppealIn
from hotline.tickets.api import shown_detail
from hotline.tickets.schemas import TicketDetail

router = Router(tags=["intake"])


@router.post(
    "",
    response={201: TicketDetail, 200: TicketDetail, **ERRORS},
    summary="Receive an appeal (受理)",
)
def receive_appeal(request: HttpRequest, payload: AppealIn) -> Status[TicketDetail]:
    """201 with the new ticket; 200 with the existing one when this channel already delivered this
    `external_id` (nothing is created then)."""
    user = request_user(request)
    # mode="python" keeps received_at a datetime; the enums become their stored values.
    fields = payload.model_dump(mode="python")
    fields.update(channel=payload.channel.value, kind=payload.kind.value, urgency=payload.urgency.value)
    # A new ticket is routed (tickets.router) as soon as it is stored, before the answer is built.
    ticket, created = do_receive_appeal(AppealData(**fields), user)
    return Status(201 if created else 200, shown_detail(request, user, ticket.pk))
