"""Read queries of the messages to citizens (告知记录), and what staff read of an attempt's outcome."""

import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hotline.citizen_messages.models import CitizenMessage
from hotline.citizen_messages.senders import LOG_ONLY_DETAIL
from hotline.core.enums import CitizenMedium, CitizenMessageState
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


# What went wrong, read from the sender's technical text (`senders.Outcome.detail`: the exception's
# class and message, or the gateway's HTTP status), first match wins. The text itself stays on the
# message and in its log, for the admin and the logs; the pages say what it means.
_PROBLEMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("address", re.compile(r"短信网关地址")),
    ("auth", re.compile(r"SMTPAuthenticationError|authentication|HTTP 40[13]\b", re.I)),
    ("recipient", re.compile(r"SMTPRecipientsRefused", re.I)),
    ("sender", re.compile(r"SMTPSenderRefused", re.I)),
    ("refused", re.compile(r"ConnectionRefused|connection refused|Errno (111|61)\b|WinError 10061", re.I)),
    ("timeout", re.compile(r"timeout|timed out", re.I)),
    (
        "unknown_host",
        re.compile(r"gaierror|Name or service not known|nodename nor servname|name resolution", re.I),
    ),
    ("tls", re.compile(r"SSL|certificate", re.I)),
    (
        "broken",
        re.compile(
            r"SMTPServerDisconnected|ConnectionReset|ConnectionAborted|connection reset|broken pipe|"
            r"network is unreachable|no route to host",
            re.I,
        ),
    ),
    ("http", re.compile(r"^HTTP (\d{3})")),
)

_MAIL_PROBLEMS: dict[str, Any] = {
    "auth": gettext_lazy("邮件服务器登录失败，请检查发信账号和密码"),
    "recipient": gettext_lazy("邮件服务器拒收：收件地址无效或不存在"),
    "sender": gettext_lazy("邮件服务器拒绝了发件地址"),
    "refused": gettext_lazy("邮件服务器无法连接"),
    "timeout": gettext_lazy("邮件服务器响应超时"),
    "unknown_host": gettext_lazy("找不到邮件服务器（地址无法解析）"),
    "tls": gettext_lazy("与邮件服务器的加密连接失败"),
    "broken": gettext_lazy("与邮件服务器的连接中断"),
}
_SMS_PROBLEMS: dict[str, Any] = {
    "address": gettext_lazy("短信网关地址未配置或不正确"),
    "auth": gettext_lazy("短信网关拒绝访问，请检查接口令牌"),
    "refused": gettext_lazy("短信网关无法连接"),
    "timeout": gettext_lazy("短信网关响应超时"),
    "unknown_host": gettext_lazy("找不到短信网关（地址无法解析）"),
    "tls": gettext_lazy("与短信网关的加密连接失败"),
    "broken": gettext_lazy("与短信网关的连接中断"),
}


def problem(medium: str, detail: str) -> str:
    """What a failed attempt's technical `detail` means, in words staff read: 邮件服务器无法连接."""
    for kind, pattern in _PROBLEMS:
        found = pattern.search(detail)
        if found is None:
            continue
        if kind == "http":
            return _("短信网关返回错误（HTTP %(status)s）") % {"status": found.group(1)}
        known = (_MAIL_PROBLEMS if medium == CitizenMedium.EMAIL else _SMS_PROBLEMS).get(kind)
        if known is not None:
            return str(known)
    return _("邮件发送失败") if medium == CitizenMedium.EMAIL else _("短信发送失败")


def explained(medium: str, state: str, attempts: int, detail: str) -> str:
    """The 说明 of a message as the ticket page shows it: what the last attempt's outcome means and
    what happens next (将自动重试, 不再自动重试); "" when there is nothing to say. The sender's own
    text (an exception, a gateway's answer) is the admin's and the log's, not the page's."""
    if state == CitizenMessageState.CANCELLED:
        return detail  # written in words by the un-merge (`actions.cancel_for_unmerge`)
    if state == CitizenMessageState.SENT:
        return _("仅记录，未实际发送（开发、演示用通道）") if detail == LOG_ONLY_DETAIL else ""
    if state == CitizenMessageState.PENDING:
        if attempts == 0 or not detail:
            return ""  # not tried yet, or an attempt under way
        if attempts == 1:
            return _("%(problem)s，将自动重试") % {"problem": problem(medium, detail)}
        return _("%(problem)s，将自动重试（已重试 %(retries)s 次）") % {
            "problem": problem(medium, detail),
            "retries": attempts - 1,
        }
    # Failed for good.
    if attempts <= 1:
        return _("%(problem)s，无法自动重试") % {"problem": problem(medium, detail)}
    return _("%(problem)s，已重试 %(retries)s 次，不再自动重试") % {
        "problem": problem(medium, detail),
        "retries": attempts - 1,
    }
