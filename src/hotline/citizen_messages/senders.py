"""How a message leaves for the citizen, one sender per medium, behind one small interface.

`settings.HOTLINE["CITIZEN_MESSAGES"]` names the sender of each medium by dotted path
(`EMAIL_SENDER`, `SMS_SENDER`). A sender never raises for a failed delivery: it answers with an
`Outcome`, which the worker records on the message (`actions.do_send`).

- `DjangoMail`  Django's mail (the `MAILERS` setting: SMTP in production, locmem in the tests), from
                the address the mailbox channel reads, so that the citizen's answer comes back to it.
- `LogOnly`     stores and logs, sends nothing: the default for SMS, so that a development machine, the
                demo and the tests never text anybody.
- `HttpSms`     a generic HTTP SMS gateway: POSTs JSON `{"id", "to", "text"}` to `SMS_URL` with a
                timeout (`SMS_TIMEOUT`), `Authorization: Bearer SMS_TOKEN` when set, and the message's
                key as `Idempotency-Key`, so that a gateway which honours it drops a repeated send.
"""

import hashlib
import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Protocol

from django.conf import settings
from django.core import checks
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

from hotline.citizen_messages.models import CitizenMessage
from hotline.core.enums import CitizenMedium
from hotline.core.phone import MASK, mask_numbers
from hotline.feedback.disclosure import MIN_NAME

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """What one attempt gave: `retry` False means trying again cannot help."""

    ok: bool
    detail: str = ""
    retry: bool = True


class Sender(Protocol):
    def send(self, message: CitizenMessage) -> Outcome: ...


def mail_from() -> str:
    return str(settings.HOTLINE["CITIZEN_MESSAGES"]["MAIL_FROM"]) or settings.DEFAULT_FROM_EMAIL


def message_id(message: CitizenMessage) -> str:
    """The same Message-ID for every attempt of one message: a mail client shows a repeat once."""
    domain = parseaddr(mail_from())[1].rpartition("@")[2] or "localhost"
    digest = hashlib.sha256(message.dedupe_key.encode()).hexdigest()[:24]
    return f"<hotline.{message.pk}.{digest}@{domain}>"


class DjangoMail:
    def send(self, message: CitizenMessage) -> Outcome:
        sender = mail_from()
        mail = EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=sender,
            to=[message.to],
            reply_to=[sender],
            # RFC 3834: an autoresponder does not answer it (no loop of automatic letters).
            headers={"Message-ID": message_id(message), "Auto-Submitted": "auto-generated"},
        )
        try:
            mail.send(fail_silently=False)
        except Exception as exc:  # an SMTP server down or refusing is an outcome, not a crash
            # A refused recipient's error names the address; the detail is logged and shown to
            # staff and through the API, where the address is masked (`selectors.shown`).
            detail = f"{type(exc).__name__}: {exc}".replace(message.to, _shown_to(message))
            return Outcome(ok=False, detail=detail[:2000])
        return Outcome(ok=True)


# What the log-only sender records on a message (in the city's language, as stored; the pages say
# it in the reader's: `selectors.explained`).
LOG_ONLY_DETAIL = "仅记录，未实际发送（开发、演示用通道）"


class LogOnly:
    def send(self, message: CitizenMessage) -> Outcome:
        # The log keeps no citizen's number, address or name: the destination masked as the pages
        # show it, and in the text (a reply may repeat them) the citizen's numbers and name.
        text = mask_numbers(message.body, citizen=[message.to])
        name = message.appeal.citizen_name.strip()
        if len(name) >= MIN_NAME:
            text = text.replace(name, MASK)
        logger.info(
            "citizen message %s to %s not sent (log-only sender): %s", message.pk, _shown_to(message), text
        )
        return Outcome(ok=True, detail=LOG_ONLY_DETAIL)


def _shown_to(message: CitizenMessage) -> str:
    # `selectors` imports this module (LOG_ONLY_DETAIL): imported here, not at the top.
    from hotline.citizen_messages.selectors import shown

    return shown(message).to


class HttpSms:
    def send(self, message: CitizenMessage) -> Outcome:
        conf = settings.HOTLINE["CITIZEN_MESSAGES"]
        url = str(conf["SMS_URL"])
        if not url.startswith(("http://", "https://")):
            return Outcome(ok=False, detail=f"短信网关地址须为 http(s)：{url or '未配置'}", retry=False)
        body = json.dumps(
            {"id": message.dedupe_key, "to": message.to, "text": message.body}, ensure_ascii=False
        ).encode()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "hotline",
            "Idempotency-Key": message.dedupe_key,
        }
        if token := str(conf["SMS_TOKEN"]):
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=float(str(conf["SMS_TIMEOUT"]))) as response:
                status, answer = response.status, response.read(500)
        except urllib.error.HTTPError as exc:
            # A 4xx other than 408/429 will not get better by sending the same request again.
            retry = exc.code >= 500 or exc.code in (408, 429)
            return Outcome(ok=False, detail=f"HTTP {exc.code} {exc.reason}", retry=retry)
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            return Outcome(ok=False, detail=f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}")
        if not 200 <= status < 300:
            return Outcome(ok=False, detail=f"HTTP {status}")
        return Outcome(ok=True, detail=answer.decode("utf-8", "replace").strip()[:500])


def sender_for(medium: str) -> Sender:
    conf = settings.HOTLINE["CITIZEN_MESSAGES"]
    path = conf["EMAIL_SENDER"] if medium == CitizenMedium.EMAIL else conf["SMS_SENDER"]
    sender: Sender = import_string(str(path))()
    return sender


def check_senders(**kwargs: object) -> list[checks.CheckMessage]:
    """A sender that cannot be imported is an error at start-up (every command runs the checks), not
    a failed message for every citizen from the first intake on."""
    found: list[checks.CheckMessage] = []
    conf = settings.HOTLINE["CITIZEN_MESSAGES"]
    for key, variable in (
        ("EMAIL_SENDER", "HOTLINE_CITIZEN_EMAIL_SENDER"),
        ("SMS_SENDER", "HOTLINE_SMS_SENDER"),
    ):
        path = str(conf[key])
        try:
            sender = import_string(path)
        except ImportError as exc:
            found.append(
                checks.Error(
                    f"HOTLINE['CITIZEN_MESSAGES']['{key}'] ({variable}) names {path!r}, "
                    f"which cannot be imported: {exc}",
                    hint="hotline.citizen_messages.senders.DjangoMail, HttpSms or LogOnly",
                    id="hotline.E003",
                )
            )
            continue
        if not callable(getattr(sender, "send", None)):
            found.append(checks.Error(f"{path} has no send(message) method", id="hotline.E004"))
    return found
