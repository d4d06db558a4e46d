"""Intake (受理): one contact from any channel becomes an appeal on a new ticket.

The new ticket is handed to the worker, which routes it with the router that settings name
(`tickets.router`): the task is enqueued with the ticket, and intake does not know what routing does.
"""

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from django.db import IntegrityError, router, transaction
from django.utils.translation import gettext as _

from hotline.accounts.models import User
from hotline.accounts.permissions import PHONE_ROLES, require_role
from hotline.citizen_messages.outbox import tell_accepted
from hotline.core import clock, timerange
from hotline.core.compiled import CompiledQuery
from hotline.core.enums import Channel, Kind, TicketStatus, Urgency
from hotline.core.errors import Forbidden, InvalidInput, NotFound
from hotline.core.phone import half_width
from hotline.directory.models import Department
from hotline.feedback.models import Reply
from hotline.intake.models import CONTENT_MAX_CHARS, VOTES_MAX, Appeal, PhoneReveal
from hotline.taxonomy.models import Category
from hotline.tickets import events
from hotline.tickets.models import DailySequence, Ticket
from hotline.tickets.router import enqueue_routing, enqueue_routing_many
from hotline.tickets.selectors import can_see_phone
from hotline.tickets.transitions import active_category, active_department, require_text

# Read once: `TextChoices.values` builds its list anew on every use, and a bulk intake checks every row.
_CHANNELS, _KINDS, _URGENCIES = frozenset(Channel.values), frozenset(Kind.values), frozenset(Urgency.values)

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
    citizen_email: str = ""
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    kind: str = Kind.COMPLAINT
    urgency: str = Urgency.NORMAL
    category_id: int | None = None
    area_id: int | None = None
    # The public's votes on a board post (点赞数 / 反对数), where the channel has them.
    likes: int | None = None
    dislikes: int | None = None
    # History only (`do_receive_appeals`): the answer the citizen already had before the contact
    # reached Hotline, e.g. an imported board post with its 答复意见.
    reply: "PastReply | None" = None


@dataclass(frozen=True)
class PastReply:
    text: str
    replied_at: datetime


def _max_length(field: str) -> int:
    return int(getattr(Appeal._meta.get_field(field), "max_length", 0) or 0)


def _check_length(value: str, field: str, limit: int) -> None:
    if len(value) > limit:
        raise InvalidInput(
            _("%(field)s: 超过 %(max)s 个字符（%(length)s 个）")
            % {"field": field, "max": limit, "length": len(value)}
        )


def _check_moment(moment: datetime | None, field: str, now: datetime) -> None:
    if moment is None:
        return
    if moment.utcoffset() is None:
        # A naive time would be read in the server's zone without a word; the channel must say which.
        raise InvalidInput(_("%(field)s: 须带时区") % {"field": field})
    timerange.check_moment(moment, field)
    if moment > now + RECEIVED_AT_SKEW:
        raise InvalidInput(
            _("%(field)s: %(at)s 晚于当前时间")
            % {"field": field, "at": f"{clock.localtime(moment):%Y-%m-%d %H:%M}"}
        )


def problems(data: AppealData, now: datetime | None = None) -> list[str]:
    """Every check that `data` fails, each as "field: what is wrong", in the order `checked` makes
    them: the checks every channel's contact passes before anything is stored. A bulk intake of a
    file names them all for a row at once (`intake.channels.imports`)."""
    found: list[str] = []

    def check(test: Callable[..., object], *args: object) -> None:
        try:
            test(*args)
        except InvalidInput as exc:
            found.append(exc.message)

    if data.channel not in _CHANNELS:
        found.append(_("channel: 未知渠道 %(value)r") % {"value": data.channel})
    if data.kind not in _KINDS:
        found.append(_("kind: 未知诉求类型 %(value)r") % {"value": data.kind})
    if data.urgency not in _URGENCIES:
        found.append(_("urgency: 未知紧急程度 %(value)r") % {"value": data.urgency})
    check(require_text, data.title, "title")
    check(require_text, data.content, "content")
    for name, value in _stripped(data).items():
        check(_check_length, value, name, _max_length(name))
    check(_check_length, (data.content or "").strip(), "content", CONTENT_MAX_CHARS)
    now = now or clock.now()
    check(_check_moment, data.received_at, "received_at", now)
    for name in ("likes", "dislikes"):
        votes = getattr(data, name)
        if votes is not None and not 0 <= votes <= VOTES_MAX:
            found.append(_("%(field)s: 应为 0 到 %(max)s 之间的整数") % {"field": name, "max": VOTES_MAX})
    reply = data.reply
    if reply is not None:
        check(require_text, reply.text, "reply")
        check(_check_length, (reply.text or "").strip(), "reply", CONTENT_MAX_CHARS)
        check(_check_moment, reply.replied_at, "replied_at", now)
        if data.received_at is not None and reply.replied_at < data.received_at:
            found.append(_("replied_at: 答复时间早于受理时间"))
    return found


def _stripped(data: AppealData) -> dict[str, str]:
    """The short text fields of `data` as they are stored: stripped."""
    return {
        "external_id": (data.external_id or "").strip(),
        "citizen_name": (data.citizen_name or "").strip(),
        # In ASCII, as the console keeps it (`core.phone.half_width`): a number typed with full-width
        # digits (a Chinese input method, an old system's export) is the same number, and the SQL that
        # compares numbers (`core.phone.dialled_in_db`) and the search by their last digits
        # (`Appeal.phone_tail`) read ASCII digits only. Otherwise as the channel gave it.
        "citizen_phone": half_width(data.citizen_phone or "").strip(),
        "citizen_email": (data.citizen_email or "").strip(),
        "title": (data.title or "").strip(),
        "address": (data.address or "").strip(),
    }


def checked(data: AppealData, now: datetime | None = None) -> AppealData:
    """`data` with its text stripped and an empty external id made None, or InvalidInput naming
    the first field that is wrong (`problems` names them all): the checks every channel's contact
    passes before anything is stored (a bulk intake makes them for every row before it writes one)."""
    found = problems(data, now)
    if found:
        raise InvalidInput(found[0])
    fields = _stripped(data)
    reply = data.reply
    return replace(
        data,
        external_id=fields["external_id"] or None,
        citizen_name=fields["citizen_name"],
        citizen_phone=fields["citizen_phone"],
        citizen_email=fields["citizen_email"],
        title=fields["title"],
        content=(data.content or "").strip(),
        address=fields["address"],
        reply=PastReply((reply.text or "").strip(), reply.replied_at) if reply is not None else None,
    )


def _next_number(at: datetime) -> str:
    day = clock.localtime(at).date()
    return f"{day:%Y%m%d}-{DailySequence.take_apart(day):06d}"


def new_appeal(
    ticket: Ticket, data: AppealData, actor: User | None, now: datetime, *, from_history: bool = False
) -> Appeal:
    """The appeal (not yet saved) that a checked contact (`checked`) becomes on `ticket`: what
    every intake stores of the contact, received now unless the channel said when."""
    return Appeal(
        ticket=ticket,
        channel=data.channel,
        external_id=data.external_id,
        citizen_name=data.citizen_name,
        citizen_phone=data.citizen_phone,
        citizen_email=data.citizen_email,
        title=data.title,
        content=data.content,
        address=data.address,
        latitude=data.latitude,
        longitude=data.longitude,
        likes=data.likes,
        dislikes=data.dislikes,
        received_at=data.received_at or now,
        from_history=from_history,
        created_by=actor,
    )


# (channel, external_id) is unique: at most one row, so no ORDER BY. Asked on every intake and
# nearly always absent: the narrow question first, compiled once (`core.compiled`), the ticket only
# when there is one.
_DELIVERED = CompiledQuery(
    "delivered",
    2,
    lambda channel, external_id: (
        Appeal.objects.filter(channel=channel, external_id=external_id)
        .order_by()
        .values_list("ticket_id")[:1]
    ),
)


def existing_ticket(channel: str, external_id: str) -> Ticket | None:
    """The ticket of the appeal this channel already delivered under this id."""
    found = _DELIVERED.rows(router.db_for_read(Appeal), str(channel), str(external_id))
    return Ticket.objects.get(pk=found[0][0]) if found else None


def do_receive_appeal(data: AppealData, actor: User | None, *, route: bool = True) -> tuple[Ticket, bool]:
    """Take one contact in; returns (ticket, created). A repeated (channel, external_id) creates nothing.

    `route`: have the worker route the new ticket (`tickets.router.enqueue_routing`); False for a
    ticket that is answered or merged at once, and for the demo, which replays routing itself at
    the moment it happened.
    """
    if actor is not None:
        require_role(actor, "receive")
    return _receive(data, actor, route=route)


def do_receive_grid_report(data: AppealData, actor: User) -> tuple[Ticket, bool]:
    """A grid worker's report from patrol (网格员上报): channel `grid`, in the area of the worker's
    own community (their department), routed by the worker like every new ticket; the worker is
    the appeal's author. Only grid workers (`ACTION_ROLES["grid_report"]`)."""
    require_role(actor, "grid_report")
    department = actor.department
    area_id = department.pk if department is not None and department.is_area else data.area_id
    return _receive(replace(data, channel=Channel.GRID, area_id=area_id), actor, route=True)


def _receive(data: AppealData, actor: User | None, *, route: bool) -> tuple[Ticket, bool]:
    if data.reply is not None:
        raise ValueError("a past reply comes with a bulk intake of history (do_receive_appeals)")
    now = clock.now()
    data = checked(data, now)
    title, content, external_id = data.title, data.content, data.external_id
    if external_id and (existing := existing_ticket(data.channel, external_id)):
        return existing, False
    category = active_category(data.category_id) if data.category_id is not None else None
    area = active_department(data.area_id, "area_id") if data.area_id is not None else None
    # Taken before the transaction, so that concurrent intakes do not queue on the day's counter.
    number = _next_number(now)
    try:
        with transaction.atomic():
            ticket = Ticket.objects.create(
                number=number,
                kind=data.kind,
                urgency=data.urgency,
                category=category,
                area=area,
                title=title,
                content=content,
                address=data.address,
                status=TicketStatus.NEW,
                created_at=now,
                updated_at=now,
            )
            appeal = new_appeal(ticket, data, actor, now)
            appeal.save(force_insert=True)
            events.received(ticket, actor, channel=data.channel, external_id=external_id, at=now)
            # 受理告知, stored with the ticket (citizen_messages.outbox); a bulk intake of history
            # (do_receive_appeals) and a follow-up letter on a known ticket tell nobody.
            tell_accepted(ticket, appeal, actor, now)
            if route:
                enqueue_routing(ticket)
    except IntegrityError:
        # The same contact arrived twice at the same moment; the other request made the ticket.
        if external_id and (existing := existing_ticket(data.channel, external_id)):
            return existing, False
        raise
    return ticket, True


def do_receive_follow_up(ticket: Ticket, data: AppealData, actor: User | None) -> Appeal:
    """A later contact of the same citizen about `ticket` (a letter that names its number) becomes
    a further appeal on it: no new ticket, nothing to route, a `receive` line on its timeline that
    leaves its state as it is. The caller has made sure that it is the same citizen."""
    if actor is not None:
        require_role(actor, "receive")
    now = clock.now()
    data = checked(data, now)
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
        appeal = new_appeal(ticket, data, actor, now)
        appeal.save(force_insert=True)
        events.received_again(ticket, actor, appeal=appeal, at=now)
    return appeal


# Rows written per statement by a bulk intake: bounded memory and statement size, few round trips.
BULK_CHUNK = 500


@dataclass
class BulkReceipt:
    """What `do_receive_appeals` did with each contact, by its index in the input."""

    created: dict[int, Ticket] = field(default_factory=dict)
    # Already delivered by this channel under this id (before, or earlier in the same input).
    present: dict[int, str] = field(default_factory=dict)  # index -> the ticket's number


def do_receive_appeals(
    contacts: Sequence[AppealData],
    actor: User | None,
    *,
    backdate: bool = False,
    route: bool = True,
    progress: Callable[[int], None] | None = None,
) -> BulkReceipt:
    """Take many contacts in at once (an import), in one transaction: all of them or none.

    The same intake as `do_receive_appeal`, in bulk: every contact is checked first (`checked`;
    InvalidInput names the index of the first bad one and nothing is written), a (channel,
    external_id) already delivered creates nothing, numbers are handed out per day in one
    statement, tickets, appeals and timeline lines are written `BULK_CHUNK` at a time, and the new
    tickets are handed to the worker for routing in batches (`tickets.router.enqueue_routing_many`).

    `backdate`: the ticket is created at the contact's `received_at` (history brought in from
    another system keeps its days: its number, its first timeline line, the figures), and its
    appeal is marked `from_history`, whose citizen is told nothing; otherwise now. A contact with
    a `reply` (history) is stored answered with that reply and is not routed.
    `progress(n)` is called with the number of contacts done after each chunk.
    """
    if actor is not None:
        require_role(actor, "receive")
    now = clock.now()
    rows: list[AppealData] = []
    for index, data in enumerate(contacts):
        try:
            rows.append(checked(data, now))
        except InvalidInput as exc:
            raise InvalidInput(f"#{index}: {exc.message}") from None
    _check_references(rows)
    receipt = BulkReceipt()
    with transaction.atomic():
        for start in range(0, len(rows), BULK_CHUNK):
            _receive_chunk(rows[start : start + BULK_CHUNK], start, actor, now, backdate, route, receipt)
            if progress is not None:
                progress(min(start + BULK_CHUNK, len(rows)))
    return receipt


def _check_references(rows: Sequence[AppealData]) -> None:
    categories = {r.category_id for r in rows if r.category_id is not None}
    known = set(Category.objects.filter(pk__in=categories, is_active=True).values_list("pk", flat=True))
    for missing in sorted(categories - known):
        raise InvalidInput(_("category_id: 分类 %(id)s 不存在") % {"id": missing})
    areas = {r.area_id for r in rows if r.area_id is not None}
    known = set(Department.objects.filter(pk__in=areas, is_active=True).values_list("pk", flat=True))
    for missing in sorted(areas - known):
        raise InvalidInput(
            _("%(field)s: 承办单位 %(id)s 不存在或已停用") % {"field": "area_id", "id": missing}
        )


def _receive_chunk(
    rows: Sequence[AppealData],
    offset: int,
    actor: User | None,
    now: datetime,
    backdate: bool,
    route: bool,
    receipt: BulkReceipt,
) -> None:
    keys = {(r.channel, r.external_id) for r in rows if r.external_id is not None}
    known: dict[tuple[str, str], str] = {}
    for channel in {channel for channel, _id in keys}:
        ids = [external_id for c, external_id in keys if c == channel]
        for stored_id, stored_number in Appeal.objects.filter(
            channel=channel, external_id__in=ids
        ).values_list("external_id", "ticket__number"):
            known[(channel, stored_id or "")] = stored_number
    fresh: list[tuple[int, AppealData, datetime]] = []
    first_of: dict[tuple[str, str], int] = {}
    repeats: list[tuple[int, int]] = []  # (index, index of the same contact's first delivery)
    for i, data in enumerate(rows, start=offset):
        if data.external_id is not None:
            key = (data.channel, data.external_id)
            if key in known:
                receipt.present[i] = known[key]
                continue
            if key in first_of:
                repeats.append((i, first_of[key]))
                continue
            first_of[key] = i
        fresh.append((i, data, (data.received_at or now) if backdate else now))
    if not fresh:
        return
    days = Counter(clock.localtime(at).date() for _i, _data, at in fresh)
    last = DailySequence.take_many(days)
    next_of: dict[date, int] = {day: last[day] - count + 1 for day, count in days.items()}
    tickets: list[Ticket] = []
    for _i, data, at in fresh:
        day = clock.localtime(at).date()
        serial, next_of[day] = next_of[day], next_of[day] + 1
        tickets.append(
            Ticket(
                number=f"{day:%Y%m%d}-{serial:06d}",
                kind=data.kind,
                urgency=data.urgency,
                category_id=data.category_id,
                area_id=data.area_id,
                title=data.title,
                content=data.content,
                address=data.address,
                status=TicketStatus.NEW if data.reply is None else TicketStatus.ANSWERED,
                created_at=at,
                updated_at=data.reply.replied_at if data.reply is not None else at,
            )
        )
    tickets = Ticket.objects.bulk_create(tickets)
    Appeal.objects.bulk_create(
        [
            new_appeal(ticket, data, actor, now, from_history=backdate)
            for ticket, (_i, data, _at) in zip(tickets, fresh, strict=True)
        ]
    )
    events.received_many(
        [
            (ticket, data.channel, data.external_id)
            for ticket, (_i, data, _at) in zip(tickets, fresh, strict=True)
        ],
        actor,
    )
    answered: list[tuple[Ticket, PastReply]] = [
        (t, d.reply) for t, (_i, d, _at) in zip(tickets, fresh, strict=True) if d.reply is not None
    ]
    if answered:
        replies = Reply.objects.bulk_create(
            [
                Reply(
                    ticket=ticket,
                    department=None,
                    text=reply.text,
                    replied_by=None,
                    replied_at=reply.replied_at,
                )
                for ticket, reply in answered
            ]
        )
        events.answered_before_intake(
            [(ticket, r.pk, reply.replied_at) for (ticket, reply), r in zip(answered, replies, strict=True)]
        )
    for ticket, (i, _data, _at) in zip(tickets, fresh, strict=True):
        receipt.created[i] = ticket
    for i, first in repeats:
        receipt.present[i] = receipt.created[first].number
    if route:
        enqueue_routing_many([t for t in tickets if t.status == TicketStatus.NEW])


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
