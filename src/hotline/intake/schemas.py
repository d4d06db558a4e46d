"""The body of `POST /api/v1/appeals` (one contact as a channel delivers it) and its answer."""

from typing import Annotated

from ninja import Field, Schema

from hotline.core.api import Id, InDateTime, InSchema, NoNul, WholePoint, bounded
from hotline.core.enums import Channel, Kind, TicketStatus, Urgency
from hotline.intake.models import CONTENT_MAX_CHARS

# Lengths follow the columns of intake.Appeal and tickets.Ticket.
# An empty external_id is the same as none: the contact cannot be recognised when it comes again.
ExternalId = Annotated[str, bounded(100, required=False), NoNul]
CitizenName = Annotated[str, bounded(50, required=False), NoNul]
CitizenPhone = Annotated[str, bounded(20, required=False), NoNul]
Title = Annotated[str, bounded(200), NoNul]
Content = Annotated[str, bounded(CONTENT_MAX_CHARS), NoNul]
Address = Annotated[str, bounded(300, required=False), NoNul]
ReceivedAt = InDateTime


class AppealIn(InSchema, WholePoint):
    channel: Channel
    external_id: ExternalId | None = Field(
        None, description="the channel's own id for this contact; the same one twice creates nothing"
    )
    citizen_name: CitizenName = ""
    citizen_phone: CitizenPhone = ""
    title: Title
    content: Content
    address: Address = ""
    latitude: float | None = Field(None, ge=-90, le=90, allow_inf_nan=False)
    longitude: float | None = Field(None, ge=-180, le=180, allow_inf_nan=False)
    received_at: ReceivedAt | None = Field(
        None, description="ISO 8601; without an offset it is the city's local time; default: now"
    )
    kind: Kind = Kind.COMPLAINT
    urgency: Urgency = Urgency.NORMAL
    category_id: Id | None = None
    area_id: Id | None = None


class ReceiptLinks(Schema):
    ticket: str = Field(description="the ticket in the API: GET it for the full detail and its history")
    page: str = Field(description="the ticket's page for staff")


class AppealReceipt(Schema):
    """What intake answers: the ticket the contact is on, as soon as it is stored. Routing (area,
    urgency, suggestions, automatic dispatch) follows in the worker, so `status` is `new` on a 201;
    the ticket's detail (`links.ticket`) shows where it went."""

    id: int
    number: str = Field(description="the ticket's number (工单编号), to read to the caller")
    status: TicketStatus
    links: ReceiptLinks


# Files a channel's system may send with one appeal: the request's body (all of it, in base64) is
# bounded by DATA_UPLOAD_MAX_MEMORY_SIZE anyway; a larger file goes through the staff.
WEBHOOK_MAX_FILES = 5


class WebhookFileIn(InSchema):
    """A photo or a document sent with the appeal; its type is read from its content, not its name."""

    name: Annotated[str, bounded(200), NoNul] = Field(description="the file's name, for the staff")
    content_base64: Annotated[str, bounded(10 * 1024 * 1024)] = Field(
        description="the file's bytes in base64: a JPEG or PNG photo, or a PDF, Word or Excel document"
    )


class WebhookAppealIn(InSchema, WholePoint):
    """The body of `POST /api/v1/channels/{channel}/webhook`: one contact, the channel being the
    URL's. `external_id` is required: a channel's system must be able to send an appeal again
    (with a fresh signature) without making a second ticket."""

    external_id: Annotated[str, bounded(100), NoNul] = Field(
        description="the channel's own id for this contact; the same one twice creates nothing"
    )
    citizen_name: CitizenName = ""
    citizen_phone: CitizenPhone = ""
    title: Title
    content: Content
    address: Address = ""
    latitude: float | None = Field(None, ge=-90, le=90, allow_inf_nan=False)
    longitude: float | None = Field(None, ge=-180, le=180, allow_inf_nan=False)
    received_at: ReceivedAt | None = Field(
        None, description="ISO 8601; without an offset it is the city's local time; default: now"
    )
    kind: Kind = Kind.COMPLAINT
    urgency: Urgency = Urgency.NORMAL
    attachments: list[WebhookFileIn] = Field(
        default_factory=list,
        max_length=WEBHOOK_MAX_FILES,
        description="photos or documents of the appeal (checked by content and size, kept with the ticket)",
    )
