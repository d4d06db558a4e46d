"""Intake over the API: a channel or a script delivers one contact, which becomes (or joins) a ticket;
a channel's own system pushes one, signed with the channel's secret, to its webhook."""

from typing import Any

import pydantic
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.errors import ValidationError

from hotline.accounts import throttle
from hotline.accounts.auth import request_user
from hotline.core.api import ERRORS, ErrorOut
from hotline.core.enums import Channel, TicketStatus
from hotline.core.errors import HotlineError, NotFound, TooManyRequests
from hotline.core.http import client_ip
from hotline.intake.actions import AppealData, do_receive_appeal
from hotline.intake.channels import webhooks
from hotline.intake.schemas import AppealIn, AppealReceipt, ReceiptLinks, WebhookAppealIn
from hotline.tickets.models import Ticket

router = Router(tags=["intake"])
channels_router = Router(tags=["intake"])


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


def self_contained(schema: dict[str, Any]) -> dict[str, Any]:
    """A model's JSON schema with its `$defs` written in where they are referred to: inside the
    OpenAPI document a `#/$defs/...` reference would point at the document's root, where there is none."""
    defs = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                rest = {k: v for k, v in node.items() if k != "$ref"}
                return {**inline(defs[ref.removeprefix("#/$defs/")]), **inline(rest)}
            return {k: inline(v) for k, v in node.items()}
        if isinstance(node, list):
            return [inline(v) for v in node]
        return node

    return inline(schema)


_SIGNED_HEADERS = [
    {
        "name": webhooks.TIMESTAMP_HEADER,
        "in": "header",
        "required": True,
        "description": "Unix seconds when the request was signed; refused when further than the "
        "tolerance (default 300 s) from now",
        "schema": {"type": "string"},
    },
    {
        "name": webhooks.SIGNATURE_HEADER,
        "in": "header",
        "required": True,
        "description": "sha256=<hex HMAC-SHA256(channel secret, timestamp + '.' + raw body)>",
        "schema": {"type": "string"},
    },
]


@channels_router.post(
    "/{channel}/webhook",
    auth=None,
    response={201: AppealReceipt, 200: AppealReceipt, 429: ErrorOut, **ERRORS},
    summary="Receive an appeal pushed by a channel's system (signed webhook)",
    openapi_extra={
        "parameters": _SIGNED_HEADERS,
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": self_contained(WebhookAppealIn.model_json_schema())}},
        },
    },
)
def channel_webhook(request: HttpRequest, channel: str) -> Status[AppealReceipt]:
    """For a city app or mini-program: the body is one appeal (`external_id` required), signed with
    the channel's secret (admin: 渠道推送接口). 201 with the new ticket's receipt, 200 when the
    channel already delivered this `external_id`. Refused: an unknown channel (404), a missing,
    stale or wrong signature (401), the same signed request again (409); each refusal is logged,
    and an address that sends too many bad ones is refused for a while (429)."""
    ip = client_ip(request)
    body = request.body
    try:
        if channel not in Channel.values:
            raise NotFound(_("渠道“%(channel)s”未开通推送接口") % {"channel": channel[:40]})
        source = webhooks.verify(
            channel,
            request.headers.get(webhooks.TIMESTAMP_HEADER),
            request.headers.get(webhooks.SIGNATURE_HEADER),
            body,
            ip=ip,
        )
    except HotlineError:
        # Only refusals are counted, as for bad API tokens: a flood of them is stopped.
        wait = throttle.retry_after(throttle.TOKEN, ip) or throttle.fail(throttle.TOKEN, ip)
        if wait:
            raise TooManyRequests(
                _("无效请求过多，请 %(seconds)s 秒后再试") % {"seconds": wait}, wait
            ) from None
        raise
    try:
        payload = WebhookAppealIn.model_validate_json(body)
    except pydantic.ValidationError as exc:
        errors: list[dict[str, Any]] = [
            {**e, "loc": ("body", "payload", *e.get("loc", ()))} for e in exc.errors(include_context=False)
        ]
        raise ValidationError(errors) from None
    files = webhooks.decoded_files([(f.name, f.content_base64) for f in payload.attachments])
    fields = payload.model_dump(mode="python", exclude={"attachments"})
    fields.update(kind=payload.kind.value, urgency=payload.urgency.value)
    data = AppealData(channel=source.channel, **fields)
    signature = request.headers.get(webhooks.SIGNATURE_HEADER, "")
    ticket, created = webhooks.do_receive_signed(source, data, signature, ip=ip, files=files)
    return Status(201 if created else 200, receipt(ticket))
