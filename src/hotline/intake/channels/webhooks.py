"""Appeals pushed by a channel's own system (a city app, a WeChat mini-program) to
`POST /api/v1/channels/{channel}/webhook`, signed with the channel's secret (`WebhookChannel`).

The sender puts two headers on every request:

    X-Hotline-Timestamp: 1764672000                      (Unix seconds when it signed)
    X-Hotline-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>." + raw body)>

and Hotline refuses, before it reads the body:

- a channel with no webhook configured, or switched off (404);
- a missing or malformed header, a timestamp more than `TOLERANCE_SECONDS` away from now (an old
  request kept and sent again later, or a wrong clock), a signature that the secret (or, within
  its grace period after a rotation, the previous one) did not make (401);
- the same signed request a second time: a replay (409). An accepted signature is kept for as long
  as its timestamp would be accepted, which is all the time a replay has.

Every refusal is logged with the channel, the reason and the sender's address. A system that
sends the same appeal again must sign it afresh; the appeal's `external_id` then makes it the same
contact (200 with the first ticket), as on `POST /api/v1/appeals`. Files (photos, documents) come
in the body in base64, each checked by its content and size like every channel's, and are kept with
a new ticket in the same transaction. Design: docs/adr/0013-channels.md.
"""

import base64
import binascii
import hashlib
import hmac
import logging
import secrets
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from hotline.core import clock
from hotline.core.errors import ActionNotAllowed, HotlineError, InvalidInput, NotFound
from hotline.intake import attachments
from hotline.intake.actions import AppealData, do_receive_appeal
from hotline.intake.models import WebhookChannel, WebhookDelivery
from hotline.tickets.models import Ticket

logger = logging.getLogger(__name__)

TIMESTAMP_HEADER = "X-Hotline-Timestamp"
SIGNATURE_HEADER = "X-Hotline-Signature"
SCHEME = "sha256="


class SignatureRefused(HotlineError):
    """The request is not proven to come from the channel's system now (HTTP 401)."""

    status_code = 401


def tolerance() -> timedelta:
    return timedelta(seconds=int(settings.HOTLINE["WEBHOOK"]["TOLERANCE_SECONDS"]))


def new_secret() -> str:
    """A fresh shared secret: 256 random bits, URL-safe text."""
    return "whsec_" + secrets.token_urlsafe(32)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header's value for `body` sent at `timestamp` (what a sender computes)."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return SCHEME + mac.hexdigest()


def do_rotate_secret(source: WebhookChannel, *, grace: timedelta = timedelta(hours=24)) -> str:
    """Give the channel a new secret; the old one stays valid for `grace`. Returns the new secret."""
    now = clock.now()
    source.previous_secret, source.previous_valid_until = source.secret, now + grace
    source.secret = new_secret()
    source.save(update_fields=["secret", "previous_secret", "previous_valid_until"])
    return source.secret


def _refuse(channel: str, reason: str, ip: str) -> SignatureRefused:
    logger.warning("webhook of channel %s refused from %s: %s", channel, ip, reason)
    return SignatureRefused(reason)


def verify(
    channel: str, timestamp: str | None, signature: str | None, body: bytes, *, ip: str
) -> WebhookChannel:
    """The channel's webhook configuration when the request is signed by it now; otherwise
    NotFound (no such webhook) or SignatureRefused, logged."""
    source = WebhookChannel.objects.filter(channel=channel, is_active=True).first()
    if source is None:
        logger.warning("webhook of channel %s refused from %s: not configured", channel, ip)
        raise NotFound(_("渠道“%(channel)s”未开通推送接口") % {"channel": channel})
    # isascii too: str.isdigit and int() take other scripts' digits ("١٧٦٤…"), no sender's clock.
    if not timestamp or not timestamp.strip().isascii() or not timestamp.strip().isdigit():
        raise _refuse(channel, _("缺少或无法识别 %(header)s（Unix 秒数）") % {"header": TIMESTAMP_HEADER}, ip)
    now = clock.now()
    try:
        sent = datetime.fromtimestamp(int(timestamp), tz=now.tzinfo)
    except (OverflowError, OSError, ValueError):
        raise _refuse(channel, _("%(header)s 超出范围") % {"header": TIMESTAMP_HEADER}, ip) from None
    if abs(now - sent) > tolerance():
        raise _refuse(
            channel,
            _("%(header)s 与当前时间相差超过 %(seconds)s 秒（过期或时钟不准）")
            % {"header": TIMESTAMP_HEADER, "seconds": int(tolerance().total_seconds())},
            ip,
        )
    if not signature or not signature.startswith(SCHEME):
        raise _refuse(channel, _("缺少 %(header)s（sha256=…）") % {"header": SIGNATURE_HEADER}, ip)
    if not signature.isascii():
        # Hex is ASCII, so this is not the signature; and compare_digest raises TypeError on
        # non-ASCII text (a raw byte such as \xe9 reaches Django as "é"), a 500 uncounted.
        raise _refuse(channel, _("签名不正确"), ip)
    keys = [source.secret]
    if source.previous_secret and source.previous_valid_until and source.previous_valid_until > now:
        keys.append(source.previous_secret)
    # compare_digest on every key, whichever matches: the time taken says nothing about the secret.
    matched = [hmac.compare_digest(sign(key, timestamp.strip(), body), signature.strip()) for key in keys]
    if not any(matched):
        raise _refuse(channel, _("签名不正确"), ip)
    return source


def decoded_files(files: list[tuple[str, str]]) -> list[tuple[bytes, str]]:
    """(name, base64) each -> (bytes, content type), checked by content and size as every channel's
    attachments are; InvalidInput naming the file (`attachments[i]`) for the first that is not."""
    kept = []
    for index, (name, encoded) in enumerate(files):
        label = f"attachments[{index}] {name}"
        try:
            data = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidInput(_("%(name)s: 不是有效的 base64 内容") % {"name": label}) from None
        kept.append((data, attachments.check(data, label, attachments.PHOTOS_AND_DOCUMENTS)))
    return kept


def do_receive_signed(
    source: WebhookChannel,
    data: AppealData,
    signature: str,
    *,
    ip: str,
    files: Sequence[tuple[bytes, str]] = (),
) -> tuple[Ticket, bool]:
    """Take in the appeal of a verified request (`verify`): its signature is recorded in the same
    transaction, so that the same request a second time is refused as a replay (ActionNotAllowed,
    409) whether the first is still being stored or long done. `files` (`decoded_files`) are kept
    with a new ticket's appeal; the same contact sent again adds none."""
    now = clock.now()
    try:
        with transaction.atomic():
            WebhookDelivery.objects.filter(received_at__lt=now - 2 * tolerance()).delete()
            WebhookDelivery.objects.create(
                channel=source.channel, signature=signature.strip().removeprefix(SCHEME), received_at=now
            )
            ticket, created = do_receive_appeal(replace(data, channel=source.channel), None)
            if created:
                appeal = ticket.appeals.get()
                for content, content_type in files:
                    attachments.store_bytes(appeal, content, content_type)
            WebhookChannel.objects.filter(pk=source.pk).update(last_used_at=now)
    except IntegrityError:
        if WebhookDelivery.objects.filter(
            channel=source.channel, signature=signature.strip().removeprefix(SCHEME)
        ).exists():
            logger.warning("webhook of channel %s refused from %s: replay", source.channel, ip)
            raise ActionNotAllowed(_("重复的推送请求（签名已使用过）：请重新签名后发送")) from None
        raise
    return ticket, created
