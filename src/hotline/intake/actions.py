"""Intake (受理): one contact from any channel becomes an appeal on a new ticket.

The new ticket is handed to the worker, which routes it with the router that settings name
(`tickets.router`): the task is enqueued with the ticket, and intake does not know what routing does.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from hotline.accounts.models import User
from hotline.accounts.permissions import PHONE_ROLES, require_role
from hotline.core import clock, timerange
from hotline.core.enums import Channel, Kind, TicketStatus, Urgency
from hotline.core.errors import Forbidden, InvalidInput, NotFound
from hotline.intake.models import Appeal, PhoneReveal
from hotline.tickets import events
from hotline.tickets.models import DailySequence, Ticket
from hotline.tickets.router import enqueue_routing
from hotline.tickets.selectors import can_see_phone
from hotline.tickets.transitions import active_category, active_department, require_text

# Channel clocks drift a little; a contact stamped well after now is a wrong clock or a wrong field.
RECEIVED_AT_SKEW = timedelta(minutes=10)


@dataclass(frozen=True)
class AppealData:
    """What a channel delivers for one contact."""

    channel: str
    title: str
    content: str
    received_at: datetime | None = None
    external_id: str | None = None
    citizen_name: str = ""
    citizen_phone: str = ""
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    kind: str = Kind.COMPLAINT
    urgency: str = Urgency.NORMAL
    category_id: int | None = None
    area_id: int | None = None


def _check(data: AppealData) -> None:
    if data.channel not in Channel.values:
        raise InvalidInput(_("channel: 未知渠道 %(value)r") % {"value": data.channel})
    if data.kind not in Kind.values:
        raise InvalidInput(_("kind: 未知诉求类型 %(value)r") % {"value": data.kind})
    if data.urgency not in Urgency.values:
        raise InvalidInput(_("urgency: 未知紧急程度 %(value)r") % {"value": data.urgency})


def _next_number(at: datetime) -> str:
    day = clock.localtime(at).date()
    return f"{day:%Y%m%d}-{DailySequence.take(day):06d}"


def existing_ticket(channel: str, external_id: str) -> Ticket | None:
    """The ticket of the appeal this channel already delivered under this id."""
    appeal = Appeal.objects.filter(channel=channel, external_id=external_id).select_related("ticket").first()
    return appeal.ticket if appeal else None


def do_receive_appeal(data: AppealData, actor: User | None, *, route: bool = True) -> tuple[Ticket, bool]:
    """Take one contact in; returns (ticket, created). A repeated (channel, external_id) creates nothing.

    `route`: have the worker route the new ticket (`tickets.router.enqueue_routing`); False for a
    ticket that is answered or merged at once, and for the demo, which replays routing itself at
    the moment it happened.
    """
    if actor is not None:
        require_role(actor, "receive")
    _check(data)
    title = require_text(data.title, "title")
    content = require_text(data.content, "content")
    if data.received_at is not None and data.received_at.utcoffset() is None:
        # A naive time would be read in the server's zone without a word; the channel must say which.
        raise InvalidInput(_("received_at: 须带时区"))
    timerange.check_moment(data.received_at, "received_at")
    now = clock.now()
    if data.received_at is not None and data.received_at > now + RECEIVED_AT_SKEW:
        raise InvalidInput(
            _("received_at: %(at)s 晚于当前时间")
            % {"at": f"{clock.localtime(data.received_at):%Y-%m-%d %H:%M}"}
        )
    external_id = (data.external_id or "").strip() or None
    if external_id and (existing := existing_ticket(data.channel, external_id)):
        return existing, False
    category = active_category(data.category_id) if data.category_id is not None else None
    area = active_department(data.area_id, "area_id") if data.area_id is not None else None
    try:
        with transaction.atomic():
            ticket = Ticket.objects.create(
                number=_next_number(now),
                kind=data.kind,
                urgency=data.urgency,
                category=category,
                area=area,
                title=title,
                content=content,
                address=data.address.strip(),
                status=TicketStatus.NEW,
                created_at=now,
                updated_at=now,
            )
            Appeal.objects.create(
                ticket=ticket,
                channel=data.channel,
                external_id=external_id,
                citizen_name=data.citizen_name.strip(),
                citizen_phone=data.citizen_phone.strip(),
                title=title,
                content=content,
                address=data.address.strip(),
                latitude=data.latitude,
                longitude=data.longitude,
                received_at=data.received_at or now,
                created_by=actor,
            )
            events.received(ticket, actor, channel=data.channel, external_id=external_id, at=now)
            if route:
                enqueue_routing(ticket)
    except IntegrityError:
        # The same contact arrived twice at the same moment; the other request made the ticket.
        if external_id and (existing := existing_ticket(data.channel, external_id)):
            return existing, False
        raise
    return ticket, True


def do_reveal_phone(appeal: Appeal, actor: User, *, ip: str | None = None) -> str:
    """Show `actor` the full phone number of `appeal` and record that they saw it (号码查看记录).
    Only roles that call citizens (`PHONE_ROLES`), on a ticket they may see."""
    if not actor.is_active or actor.role not in PHONE_ROLES:
        raise Forbidden(_("角色“%(role)s”不能查看诉求人的完整号码") % {"role": actor.get_role_display()})
    if not can_see_phone(actor, appeal.ticket):
        raise NotFound(_("工单 %(number)s 不存在") % {"number": appeal.ticket.number})
    PhoneReveal.objects.create(appeal=appeal, revealed_by=actor, revealed_at=clock.now(), ip=ip)
    return appeal.citizen_phone


def do_record_phones_shown(appeal_ids: list[int], actor: User, *, ip: str | None = None) -> None:
    """Record that `actor` was shown the full phone numbers of these appeals (号码查看记录): the API
    answers a role that calls citizens back with the numbers unmasked, and every unmasking is
    recorded, as on the ticket's page."""
    now = clock.now()
    PhoneReveal.objects.bulk_create(
        [PhoneReveal(appeal_id=pk, revealed_by=actor, revealed_at=now, ip=ip) for pk in appeal_ids]
    )
