"""Letters to the city's mailboxes (信箱, 领导信箱) become appeals.

**Where letters come from.** `settings.HOTLINE["MAIL"]["SOURCES"]` (HOTLINE_MAILBOXES) lists the
mailboxes, space-separated, each `CHANNEL=URL`:

    mailbox=maildir:///srv/mail/12345            a Maildir the mail server delivers into
    leader_mailbox=mbox:///srv/mail/mayor.mbox   an mbox file
    mailbox=imaps://user:password@imap.example.cn/INBOX     IMAP over TLS (imap:// without)

`hotline mail fetch` reads them all once, and `hotline worker` does so every HOTLINE_MAIL_INTERVAL
seconds (`tasks.fetch_mail`). A letter taken in is marked as done where the mailbox allows it (a
Maildir letter moves from new/ to cur/ with the Seen flag; an IMAP letter is flagged \\Seen); an
mbox is read whole every time. Whatever the mailbox, a letter already taken in is recognised by
its Message-ID (the appeal's external id), so reading a letter twice adds nothing.

**Reading Chinese mail.** Headers in RFC 2047 encoded words (=?GB2312?B?...?=, =?utf-8?Q?...?=),
raw 8-bit GBK headers from old clients, bodies in base64 or quoted-printable, charsets declared as
GB2312 but written in GBK or GB18030 (read as GB18030, which contains both), no charset at all
(UTF-8, then GB18030), HTML-only letters (the text is taken from the HTML), attachment names in
RFC 2231 or encoded words. The body's first mobile number becomes the citizen's phone.

**Attachments** are kept as files (`intake.attachments`: photos, PDF, Word, Excel, recognised by
content and limited in size); another file is not kept, and the appeal's text says which and why.

**Threads.** A letter whose subject names a ticket number (20250610-000123), from the address that
wrote an earlier letter on that ticket, joins that ticket as a further appeal (a merged duplicate:
the ticket it was merged into), with a `receive` line on its timeline; unless the ticket is closed
or invalid, when it starts a new ticket that mentions the old number. Anyone else naming a number
starts a new ticket: a number in a subject proves nothing about who writes.
"""

import base64
import contextlib
import email
import email.errors
import email.header
import email.utils
import hashlib
import html
import imaplib
import logging
import mailbox
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from email.message import Message
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline.core import clock, timerange
from hotline.core.api import without_control_characters
from hotline.core.csvfiles import read_file
from hotline.core.enums import Channel, TicketStatus
from hotline.core.errors import HotlineError, InvalidInput
from hotline.core.phone import first_mobile
from hotline.core.schedule import enqueue_if_due
from hotline.intake import attachments
from hotline.intake.actions import AppealData, checked, do_receive_appeal, do_receive_follow_up
from hotline.intake.models import CONTENT_MAX_CHARS, Appeal, MailFetchState
from hotline.tickets.models import Ticket

logger = logging.getLogger(__name__)

MAIL_CHANNELS = (Channel.MAILBOX, Channel.LEADER_MAILBOX)
# The year in a Date header: the first number of three or more digits after the month's name.
YEAR = re.compile(r"[A-Za-z]{3}[a-z]*\.?\s+(\d{3,})\b")
TICKET_NUMBER = re.compile(r"(?<!\d)(\d{8}-\d{6})(?!\d)")
# "Re:", "回复：", "答复:", "Fwd:", "转发：" in front of a subject, repeated.
REPLY_PREFIX = re.compile(r"^\s*((re|fw|fwd|回复|答复|转发)\s*[:：]\s*)+", re.IGNORECASE)
TITLE_MAX = Appeal._meta.get_field("title").max_length or 200
# A run of RFC 2047 encoded words, =?charset?B?...?= or =?charset?Q?...?=, with the space between them.
_WORD = r"=\?[^?\s]+\?[BbQq]\?[^?\s]*\?="
ENCODED_WORDS = re.compile(rf"{_WORD}(?:\s*{_WORD})*")
# Charsets that Chinese mail declares and that GB18030 (a superset of them all) reads correctly.
_GB = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "ms936", "gb_2312-80", "euc-cn", "x-euc-cn", "chinese"}


# --- one letter ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MailFile:
    name: str
    data: bytes


@dataclass(frozen=True)
class Letter:
    message_id: str
    sender_name: str
    sender_address: str
    subject: str
    body: str
    sent_at: datetime | None
    files: list[MailFile] = field(default_factory=list)


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Text of `data` in its declared charset, GB charsets read as GB18030; without a (known)
    charset UTF-8 first, then GB18030; what still fails is replaced, never dropped silently."""
    declared = (charset or "").strip().strip('"').lower()
    candidates = []
    if declared in _GB:
        candidates.append("gb18030")
    elif declared:
        candidates.append(declared)
    candidates += ["utf-8", "gb18030"]
    for candidate in candidates:
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("gb18030", errors="replace")


def decode_header(value: str | email.header.Header | None) -> str:
    """A header's text: RFC 2047 encoded words decoded with `decode_bytes`, raw 8-bit text (which
    the parser keeps as an "unknown-8bit" Header, or as surrogate escapes) read as UTF-8 or
    GB18030, and encoded words beside such text decoded too; folding undone."""
    if value is None or value == "":
        return ""
    if (text := _eight_bit(value)) is not None:
        # The email package decodes no encoded word in a header holding raw 8-bit text (it keeps
        # the whole as one unknown-8bit chunk), nor in text that is not ASCII: each run of encoded
        # words is decoded here on its own, the text around it kept.
        text = ENCODED_WORDS.sub(lambda found: _encoded_words(found.group()), text)
        return without_control_characters(re.sub(r"\s*[\r\n]+\s*", " ", text).strip())
    try:
        parts = email.header.decode_header(value)
    except (email.errors.HeaderParseError, ValueError):
        return without_control_characters(re.sub(r"\s*\n\s*", " ", str(value)).strip())
    text = "".join(
        decode_bytes(chunk, charset) if isinstance(chunk, bytes) else chunk for chunk, charset in parts
    )
    return without_control_characters(re.sub(r"\s*[\r\n]+\s*", " ", text).strip())


def _eight_bit(value: str | email.header.Header) -> str | None:
    """The text of a header that holds raw 8-bit bytes, read as `decode_bytes` reads them without
    a charset; None for a header without them."""
    if isinstance(value, str):
        if any("\udc80" <= ch <= "\udcff" for ch in value):
            return decode_bytes(value.encode("ascii", "surrogateescape"), None)
        return None
    try:
        parts = email.header.decode_header(value)
    except (email.errors.HeaderParseError, ValueError):
        return None
    if not any(charset == "unknown-8bit" for _chunk, charset in parts):
        return None
    return "".join(
        decode_bytes(chunk, None if charset == "unknown-8bit" else charset)
        if isinstance(chunk, bytes)
        else chunk
        for chunk, charset in parts
    )


def _encoded_words(run: str) -> str:
    """A run of RFC 2047 encoded words (the space between them is no text), decoded; left as it is
    when one of them cannot be (bad base64)."""
    try:
        parts = email.header.decode_header(run)
    except (email.errors.HeaderParseError, ValueError):
        return run
    return "".join(
        decode_bytes(chunk, charset) if isinstance(chunk, bytes) else chunk for chunk, charset in parts
    )


class _TextOfHTML(HTMLParser):
    BREAKS = frozenset({"br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "table"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "head"):
            self.skip += 1
        elif tag in self.BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head") and self.skip:
            self.skip -= 1
        elif tag in self.BREAKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_text(markup: str) -> str:
    parser = _TextOfHTML()
    parser.feed(markup)
    parser.close()
    return html.unescape("".join(parser.parts))


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return without_control_characters(re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip())


def _mime_headers(part: Message) -> Message:
    """The part's Content-Type and Content-Disposition to read its parameters (charset, file name)
    from: the part itself, or, when one of them holds raw 8-bit bytes (a GBK file name from an old
    client), a copy of the two read as `decode_header` reads them. The email package gives such a
    header as a Header object, not text, and reads its parameters with every Chinese character
    turned into U+FFFD."""
    found = [(k, v) for k, v in part.raw_items() if k.lower() in ("content-type", "content-disposition")]
    if not any(isinstance(v, str) and any("\udc80" <= ch <= "\udcff" for ch in v) for _k, v in found):
        return part
    copy = Message()
    for key, value in found:
        copy[key] = decode_header(value)
    return copy


def _param(read: Callable[[], str | None]) -> str | None:
    """A parameter of a part (its charset, its file name), or None when it cannot be read: the
    email package fails on some malformed RFC 2231 parameters (`charset*0*=...` beside
    `charset*=...`) with TypeError or IndexError."""
    try:
        return read()
    except (TypeError, ValueError, IndexError, LookupError):
        return None


def _is_file(part: Message, headers: Message) -> bool:
    disposition = str(headers.get("Content-Disposition") or "").split(";")[0].strip().lower()
    if disposition == "attachment":
        return True
    if _param(headers.get_filename):
        return True
    # An inline image with no name (pasted into the letter) is a photo all the same.
    return part.get_content_maintype() == "image"


def _file_name(headers: Message, number: int) -> str:
    raw = _param(headers.get_filename)
    name = decode_header(raw) if raw else ""
    return Path(name.replace("\\", "/")).name or _("附件%(n)s") % {"n": number}


def _message_id(message: Message, raw: bytes) -> str:
    found = decode_header(message.get("Message-ID")).strip().strip("<>").strip()
    if not found or len(found) > 100:
        # No id, or one longer than the column: the letter's own bytes identify it.
        source = found.encode() if found else raw
        return "sha256:" + hashlib.sha256(source).hexdigest()[:64]
    return found


def _sent_at(message: Message) -> datetime | None:
    value = message.get("Date")
    if not value:
        return None
    try:
        sent = email.utils.parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError):
        return None
    if sent is None:
        return None
    # The email package reads a year under 100 as a two-digit one (RFC 5322's obsolete 49 -> 2049,
    # 50 -> 1950), however it is written: "1 Jan 0001" became 2001. A year written with three or
    # more digits is the year it says, and one that is not what was read is no date at all.
    written = YEAR.search(str(value))
    if written is not None and int(written.group(1)) != sent.year:
        return None
    if timezone.is_naive(sent):
        sent = timezone.make_aware(sent, timezone.get_default_timezone())
    return sent


def parse(raw: bytes) -> Letter:
    """One letter as Hotline reads it (see the module's docstring); InvalidInput for a letter too
    malformed for the email package, which fails on some with whatever it meets (TypeError,
    AttributeError, IndexError...): the letter is named and left, and the others are read."""
    try:
        return _parse(raw)
    except (TypeError, AttributeError, IndexError, AssertionError, email.errors.MessageError) as exc:
        raise InvalidInput(
            _("邮件格式无法解析（%(error)s）") % {"error": f"{type(exc).__name__}: {exc}"[:200]}
        ) from None


def _parse(raw: bytes) -> Letter:
    message = email.message_from_bytes(raw)
    name, address = email.utils.parseaddr(decode_header(message.get("From")))
    plain: list[str] = []
    markup: list[str] = []
    files: list[MailFile] = []
    for part in message.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        headers = _mime_headers(part)
        if _is_file(part, headers):
            files.append(MailFile(_file_name(headers, len(files) + 1), data))
        elif part.get_content_type() == "text/plain":
            plain.append(decode_bytes(data, _param(headers.get_content_charset)))
        elif part.get_content_type() == "text/html":
            markup.append(decode_bytes(data, _param(headers.get_content_charset)))
    body = "\n\n".join(plain) if plain else "\n\n".join(html_text(m) for m in markup)
    return Letter(
        message_id=_message_id(message, raw),
        sender_name=name.strip()[:50],
        sender_address=address.strip().lower() if "@" in address else "",
        subject=decode_header(message.get("Subject")),
        body=_tidy(body),
        sent_at=_sent_at(message),
        files=files,
    )


# --- into intake -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Taken:
    ticket: Ticket
    created: bool  # False: the letter was taken in before (same Message-ID)
    joined: bool  # a later letter that joined the ticket its subject names
    kept: int  # files kept
    refused: list[attachments.Refused]


def _joinable(letter: Letter) -> Ticket | None:
    """The ticket that a later letter of the same sender names in its subject (module docstring)."""
    found = TICKET_NUMBER.search(letter.subject)
    if found is None or not letter.sender_address:
        return None
    ticket = Ticket.objects.filter(number=found.group(1)).select_related("merged_into").first()
    if ticket is None:
        return None
    if not Appeal.objects.filter(ticket=ticket, citizen_email__iexact=letter.sender_address).exists():
        return None
    if ticket.status == TicketStatus.MERGED and ticket.merged_into is not None:
        ticket = ticket.merged_into
    if ticket.status in (TicketStatus.CLOSED, TicketStatus.INVALID, TicketStatus.MERGED):
        return None
    return ticket


def _contact(letter: Letter, channel: str, refused: list[attachments.Refused]) -> AppealData:
    subject = REPLY_PREFIX.sub("", letter.subject).strip()
    body = letter.body
    title = subject or (body.split("\n", 1)[0][:30] if body else "") or _("无主题来信")
    if len(title) > TITLE_MAX:
        title = title[: TITLE_MAX - 1] + "…"
    content = body or subject or _("（来信无正文，见附件）")
    notes = [_("附件“%(name)s”未保存：%(reason)s") % {"name": r.name, "reason": r.reason} for r in refused]
    if notes:
        content = f"{content}\n\n" + "\n".join(f"（{note}）" for note in notes)
    if len(content) > CONTENT_MAX_CHARS:
        cut = _("（正文过长，已截断）")
        content = content[: CONTENT_MAX_CHARS - len(cut) - 1] + "\n" + cut
    sent_at = letter.sent_at
    if sent_at is not None and (not timerange.in_range(sent_at) or sent_at > clock.now()):
        sent_at = None  # a wrong clock in the sender's computer: the time it arrived stands
    return AppealData(
        channel=channel,
        external_id=letter.message_id,
        citizen_name=letter.sender_name,
        citizen_phone=first_mobile(body),
        citizen_email=letter.sender_address,
        title=title,
        content=content,
        received_at=sent_at,
    )


def _files(letter: Letter) -> tuple[list[tuple[MailFile, str]], list[attachments.Refused]]:
    kept: list[tuple[MailFile, str]] = []
    refused: list[attachments.Refused] = []
    for item in letter.files:
        try:
            kept.append((item, attachments.check(item.data, item.name, attachments.PHOTOS_AND_DOCUMENTS)))
        except InvalidInput as exc:
            refused.append(attachments.Refused(item.name, exc.message.split(": ", 1)[-1]))
    return kept, refused


@dataclass(frozen=True)
class _Planned:
    """What taking a letter in comes to, decided before anything is written."""

    data: AppealData
    kept: list[tuple[MailFile, str]]
    refused: list[attachments.Refused]
    existing: Appeal | None  # taken in before (same Message-ID)
    target: Ticket | None  # the ticket a later letter joins


def _planned(letter: Letter, channel: str) -> _Planned:
    if channel not in MAIL_CHANNELS:
        raise InvalidInput(_("channel: 信箱渠道应为 %(values)s") % {"values": ", ".join(MAIL_CHANNELS)})
    kept, refused = _files(letter)
    data = _contact(letter, channel, refused)
    existing = (
        Appeal.objects.filter(channel=channel, external_id=data.external_id).select_related("ticket").first()
    )
    if existing is not None:
        return _Planned(data, kept, refused, existing, None)
    target = _joinable(letter)
    named = TICKET_NUMBER.search(letter.subject)
    if target is None and named and Ticket.objects.filter(number=named.group(1)).exists():
        # Said, not joined: the operator sees which ticket the writer means.
        note = _("（来信主题提及工单 %(number)s）") % {"number": named.group(1)}
        data = replace(data, content=f"{data.content}\n\n{note}"[:CONTENT_MAX_CHARS])
    return _Planned(data, kept, refused, None, target)


def do_receive_letter(letter: Letter, channel: str) -> Taken:
    """Take one letter in (a new ticket, or a further appeal on the ticket it follows up), with
    its files, in one transaction."""
    with transaction.atomic():
        planned = _planned(letter, channel)
        if planned.existing is not None:
            # Nothing of it is stored this time, kept or refused: its files were counted when it
            # was taken in (an mbox is read whole every time).
            return Taken(planned.existing.ticket, False, False, 0, [])
        data = planned.data
        if planned.target is not None:
            appeal = do_receive_follow_up(planned.target, data, None)
            ticket, joined = planned.target, True
        else:
            ticket, _created = do_receive_appeal(data, None)
            appeal = Appeal.objects.get(channel=channel, external_id=data.external_id)
            joined = False
        for item, content_type in planned.kept:
            attachments.store_bytes(appeal, item.data, content_type)
    return Taken(ticket, True, joined, len(planned.kept), planned.refused)


@dataclass(frozen=True)
class Foreseen:
    """What `do_receive_letter` would do with a letter (`foresee`)."""

    created: bool  # False: taken in before
    joined: bool
    kept: int
    refused: list[attachments.Refused]


def foresee(letter: Letter, channel: str) -> Foreseen:
    """What taking `letter` in would do, with the same checks and nothing written: InvalidInput
    where `do_receive_letter` would refuse it (a dry run)."""
    planned = _planned(letter, channel)
    if planned.existing is not None:
        return Foreseen(False, False, 0, [])
    checked(planned.data)  # intake's checks, as do_receive_appeal and do_receive_follow_up make
    return Foreseen(True, planned.target is not None, len(planned.kept), planned.refused)


# --- the mailboxes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    channel: str
    url: str

    @property
    def label(self) -> str:
        parts = urlsplit(self.url)
        where = parts.hostname or parts.path if parts.scheme.startswith("imap") else parts.path
        return f"{self.channel}={parts.scheme}:{where}"


def sources(text: str | None = None) -> list[Source]:
    """The configured mailboxes (HOTLINE_MAILBOXES), or those in `text`; InvalidInput when wrong."""
    text = settings.HOTLINE["MAIL"]["SOURCES"] if text is None else text
    found: list[Source] = []
    for entry in text.split():
        channel, sep, url = entry.partition("=")
        if not sep or channel not in MAIL_CHANNELS:
            raise InvalidInput(
                _("信箱配置“%(entry)s”应为 渠道=地址，渠道为 %(channels)s")
                % {"entry": entry[:60], "channels": ", ".join(MAIL_CHANNELS)}
            )
        scheme = urlsplit(url).scheme
        if scheme not in ("maildir", "mbox", "imap", "imaps"):
            raise InvalidInput(
                _("信箱地址“%(url)s”应以 maildir://、mbox://、imap:// 或 imaps:// 开头") % {"url": url[:60]}
            )
        found.append(Source(channel, url))
    return found


@dataclass(frozen=True)
class Unread:
    """A letter of a mailbox that could not be read at all (a folder or a pipe where a letter
    belongs, a file that cannot be opened): named in the report, the others read on."""

    reason: str


class Drop:
    """A mailbox read letter by letter: `letters()` yields (key, raw bytes, or Unread); `done(key)`
    marks one taken in; `close()` ends."""

    def letters(self) -> Iterator[tuple[str, bytes | Unread]]:
        raise NotImplementedError

    def done(self, key: str) -> None:
        return None

    def close(self) -> None:
        return None


class MaildirDrop(Drop):
    def __init__(self, path: str) -> None:
        if not Path(path).is_dir():
            raise InvalidInput(_("Maildir %(path)s 不存在") % {"path": path})
        self.box = mailbox.Maildir(path, factory=None, create=False)
        self.root = Path(path)

    def letters(self) -> Iterator[tuple[str, bytes | Unread]]:
        """The letters in new/, and those in cur/ without the Seen flag, oldest first (a Maildir
        name begins with the time of delivery). Read here rather than through `mailbox`, which
        leaves a folder out without a word and opens a pipe to wait on it for ever; a file that
        cannot be opened failed the whole mailbox."""
        for subdir in ("new", "cur"):
            for entry in sorted(os.listdir(self.root / subdir)):
                key, _colon, info = entry.partition(self.box.colon)
                if subdir == "cur" and info.startswith("2,") and "S" in info[2:]:
                    continue
                path = self.root / subdir / entry
                try:
                    yield key, read_file(path)
                except InvalidInput as error:
                    yield key, Unread(error.message)
                except OSError as exc:
                    reason = _("无法读取文件 %(path)s: %(error)s") % {
                        "path": path,
                        "error": exc.strerror or exc,
                    }
                    yield key, Unread(reason)

    def done(self, key: str) -> None:
        message = self.box.get_message(key)
        message.set_subdir("cur")
        message.add_flag("S")
        self.box[key] = message


class MboxDrop(Drop):
    def __init__(self, path: str) -> None:
        if not Path(path).is_file():
            raise InvalidInput(_("mbox 文件 %(path)s 不存在") % {"path": path})
        self.box = mailbox.mbox(path, factory=None, create=False)

    def letters(self) -> Iterator[tuple[str, bytes | Unread]]:
        for key in self.box.iterkeys():
            yield str(key), self.box.get_bytes(key)

    def close(self) -> None:
        self.box.close()


def imap_folder_name(name: str) -> str:
    """A folder's name as IMAP commands carry it (RFC 3501, 5.1.3): modified UTF-7 (printable ASCII
    as it is, "&" as "&-", every other run as "&" + base64 of its UTF-16 with "," for "/" + "-"),
    quoted. imaplib sends names as they are given and in ASCII, so 领导信箱 would not even be sent."""
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            data = base64.b64encode("".join(run).encode("utf-16-be")).decode().rstrip("=")
            out.append("&" + data.replace("/", ",") + "-")
            run.clear()

    for char in name:
        if " " <= char <= "~":
            flush()
            out.append("&-" if char == "&" else char)
        else:
            run.append(char)
    flush()
    encoded = "".join(out).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{encoded}"'


class ImapDrop(Drop):
    """The unseen letters of one IMAP folder; a letter taken in is flagged \\Seen."""

    def __init__(self, url: str, client: type[imaplib.IMAP4] | None = None) -> None:
        parts = urlsplit(url)
        secure = parts.scheme == "imaps"
        connect = client or (imaplib.IMAP4_SSL if secure else imaplib.IMAP4)
        self.imap = connect(parts.hostname or "localhost", parts.port or (993 if secure else 143))
        user, password = unquote(parts.username or ""), unquote(parts.password or "")
        try:
            if f"{user}{password}".isascii():
                self.imap.login(user, password)
            else:
                # LOGIN carries ASCII only (imaplib fails with an encoding error before sending any
                # other); SASL PLAIN carries the credentials in UTF-8 (RFC 4616).
                self.imap.authenticate("PLAIN", lambda _challenge: f"\0{user}\0{password}".encode())
        except imaplib.IMAP4.error as exc:
            self.close()
            raise InvalidInput(_("IMAP 登录失败：%(reason)s") % {"reason": _server_said(exc)}) from None
        folder = unquote(parts.path.lstrip("/")) or "INBOX"
        try:
            status, _data = self.imap.select(imap_folder_name(folder))
        except imaplib.IMAP4.error:
            status = "NO"
        if status != "OK":
            self.close()
            raise InvalidInput(_("IMAP 文件夹 %(folder)s 无法打开") % {"folder": folder})

    def letters(self) -> Iterator[tuple[str, bytes | Unread]]:
        status, found = self.imap.uid("SEARCH", "UNSEEN")
        if status != "OK" or not found or not found[0]:
            return
        for uid in found[0].split():
            status, data = self.imap.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next((item[1] for item in data or [] if isinstance(item, tuple)), None)
            if status == "OK" and isinstance(raw, bytes):
                yield uid.decode(), raw

    def done(self, key: str) -> None:
        self.imap.uid("STORE", key, "+FLAGS", "(\\Seen)")

    def close(self) -> None:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            self.imap.logout()


def _server_said(exc: imaplib.IMAP4.error) -> str:
    """What an IMAP server answered, as imaplib words it: b'[AUTHENTICATIONFAILED] Invalid...'."""
    said = str(exc)
    if said.startswith(("b'", 'b"')):
        said = said[2:-1]
    return said[:200]


def open_drop(source: Source) -> Drop:
    parts = urlsplit(source.url)
    path = unquote(parts.netloc + parts.path) if parts.scheme in ("maildir", "mbox") else ""
    if parts.scheme == "maildir":
        return MaildirDrop(path)
    if parts.scheme == "mbox":
        return MboxDrop(path)
    return ImapDrop(source.url)


@dataclass
class FetchReport:
    source: str
    read: int = 0
    created: int = 0
    joined: int = 0
    present: int = 0
    files: int = 0
    refused_files: int = 0
    failed: list[str] = field(default_factory=list)  # "key: reason"
    dry_run: bool = False  # the counts are what a real run would do

    def as_dict(self) -> dict[str, object]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def fetch(source: Source, *, dry_run: bool = False) -> FetchReport:
    """Read one mailbox: every new letter taken in (each in its own transaction: one bad letter
    does not hold up the others; it stays where it is, logged, and is tried again next time).
    A letter that cannot be read at all (`Unread`) is named in the report in the same way.
    `dry_run`: every letter read and checked as it would be taken in, the report what the real
    run would do; nothing is written and no letter is marked as taken."""
    report = FetchReport(source.label, dry_run=dry_run)
    drop = open_drop(source)
    seen: set[str] = set()  # a dry run's letters, which are not stored to be found again
    try:
        for key, raw in drop.letters():
            report.read += 1
            if isinstance(raw, Unread):
                if not dry_run:
                    logger.warning("mail %s from %s not read: %s", key, source.label, raw.reason)
                report.failed.append(f"{key}: {raw.reason}")
                continue
            try:
                letter = parse(raw)
                taken: Taken | Foreseen
                if dry_run:
                    taken = foresee(letter, source.channel)
                    if letter.message_id in seen:  # as the real run finds the first one stored
                        taken = Foreseen(False, False, 0, [])
                    seen.add(letter.message_id)
                else:
                    taken = do_receive_letter(letter, source.channel)
            except (HotlineError, ValueError, LookupError) as exc:
                reason = exc.message if isinstance(exc, HotlineError) else f"{type(exc).__name__}: {exc}"
                if not dry_run:
                    logger.warning("mail %s from %s not taken in: %s", key, source.label, reason)
                report.failed.append(f"{key}: {reason}")
                continue
            report.created += int(taken.created and not taken.joined)
            report.joined += int(taken.joined)
            report.present += int(not taken.created)
            report.files += taken.kept
            report.refused_files += len(taken.refused)
            if not dry_run:
                drop.done(key)
    finally:
        drop.close()
    return report


@task()
def fetch_mail() -> list[dict[str, object]]:
    """Fetch every configured mailbox once (the worker's schedule; `hotline mail fetch` by hand)."""
    reports = []
    for source in sources():
        try:
            reports.append(fetch(source).as_dict())
        except (HotlineError, OSError, imaplib.IMAP4.error) as exc:
            logger.warning("mailbox %s could not be read: %s", source.label, exc)
            reports.append({"source": source.label, "error": str(exc)})
    return reports


def enqueue_mail_fetch_if_due(interval: float) -> bool:
    """Enqueue one fetch of the mailboxes when none was enqueued in the last `interval` seconds
    (by any worker) and mailboxes are configured."""
    if interval <= 0 or not settings.HOTLINE["MAIL"]["SOURCES"].strip():
        return False
    return enqueue_if_due(MailFetchState, fetch_mail, interval)
