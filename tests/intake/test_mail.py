"""Letters to the mailboxes (信箱, 领导信箱): Chinese mail as real clients write it (GB2312 declared
but GBK written, GB18030, raw 8-bit headers, base64 and quoted-printable, HTML only), attachments
kept as files or refused by their content, a later letter threaded onto its ticket, and the
Maildir, mbox and IMAP drops read once."""

import base64
import mailbox
import quopri
from datetime import datetime
from io import StringIO
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from hotline.core.enums import Channel, EventType, TicketStatus
from hotline.intake.channels import mail
from hotline.intake.models import Appeal, Attachment
from hotline.tickets.models import Ticket

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(200)
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + bytes(200)


def b64_word(text: str, charset: str, encoding: str | None = None) -> str:
    """An RFC 2047 encoded word, the text encoded in `encoding` (default: the declared charset)."""
    data = text.encode(encoding or charset)
    return f"=?{charset}?B?{base64.b64encode(data).decode()}?="


def q_word(text: str, charset: str = "UTF-8") -> str:
    data = "".join(chr(b) if chr(b).isalnum() and b < 128 else f"={b:02X}" for b in text.encode(charset))
    return f"=?{charset}?Q?{data}?="


def letter(
    *headers: str,
    body: bytes,
    content_type: str = "text/plain; charset=gb2312",
    encoding: str = "base64",
    message_id: str = "<20250610081500.1@foxmail.com>",
) -> bytes:
    payload = base64.encodebytes(body) if encoding == "base64" else quopri.encodestring(body)
    head = [
        *headers,
        f"Message-ID: {message_id}",
        "Date: Tue, 10 Jun 2025 08:15:00 +0800",
        "MIME-Version: 1.0",
        f"Content-Type: {content_type}",
        f"Content-Transfer-Encoding: {encoding}",
    ]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + payload


def with_files(*headers: str, text: str, files: list[tuple[str, str, bytes]]) -> bytes:
    """A multipart letter: UTF-8 text and files given as (Content-Disposition filename part, type, data)."""
    boundary = "----=_NextPart_000_0001"
    parts = [
        f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n" + base64.encodebytes(text.encode()).decode()
    ]
    for disposition, content_type, data in files:
        parts.append(
            f"--{boundary}\r\nContent-Type: {content_type}\r\nContent-Transfer-Encoding: base64\r\n"
            f"Content-Disposition: attachment; {disposition}\r\n\r\n" + base64.encodebytes(data).decode()
        )
    head = [
        *headers,
        "Message-ID: <with-files@mail.example.cn>",
        "Date: Tue, 10 Jun 2025 08:20:00 +0800",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/mixed; boundary="{boundary}"',
    ]
    return ("\r\n".join(head) + "\r\n\r\n" + "\r\n".join(parts) + f"\r\n--{boundary}--\r\n").encode()


# --- reading Chinese mail --------------------------------------------------------------------------


def test_gb2312_declared_but_gbk_written_subject_and_body() -> None:
    # 喆 and 堃 are in GBK, not in GB2312: Foxmail and Outlook label such text gb2312 all the same.
    subject = "关于小区停车问题的投诉（张喆、李堃）"
    body = "您好：\r\n幸福小区物业乱收停车费，联系电话13912345678。\r\n张喆"
    raw = letter(
        f"From: {b64_word('张喆', 'gb2312', 'gbk')} <zhangzhe@163.com>",
        f"Subject: {b64_word(subject, 'gb2312', 'gbk')}",
        body=body.encode("gbk"),
    )
    parsed = mail.parse(raw)
    assert parsed.subject == subject
    assert parsed.body == body.replace("\r\n", "\n")
    assert (parsed.sender_name, parsed.sender_address) == ("张喆", "zhangzhe@163.com")
    assert parsed.sent_at == datetime(2025, 6, 10, 8, 15, tzinfo=SHANGHAI)
    assert parsed.message_id == "20250610081500.1@foxmail.com"


def test_gb18030_four_byte_characters_in_quoted_printable() -> None:
    # 𠀀 (U+20000) and 䶮 (U+4DAE) need GB18030's four-byte sequences.
    text = "我家门牌号写错了：䶮塘村𠀀组12号，请民政局更正。"
    raw = letter(
        "From: =?GB18030?B?" + base64.b64encode("村民".encode("gb18030")).decode() + "?= <cunmin@qq.com>",
        f"Subject: {b64_word('门牌号更正申请', 'GB18030')}",
        body=text.encode("gb18030"),
        content_type="text/plain; charset=GB18030",
        encoding="quoted-printable",
    )
    parsed = mail.parse(raw)
    assert parsed.subject == "门牌号更正申请"
    assert parsed.body == text


def test_control_characters_in_a_letter_are_left_out() -> None:
    """A letter is taken in whatever it holds; the control characters that the API refuses (a bell,
    an escape, a form feed) are not kept in its subject, sender or text."""
    raw = letter(
        f"From: {b64_word('张\x07三', 'utf-8')} <zs@163.com>",
        f"Subject: {b64_word('路灯\x1b不亮', 'utf-8')}",
        body="您好：\r\n路灯\x0c坏了\x00。\r\n\t张三".encode(),
        content_type="text/plain; charset=utf-8",
    )
    parsed = mail.parse(raw)
    assert (parsed.subject, parsed.sender_name) == ("路灯不亮", "张三")
    assert parsed.body == "您好：\n路灯坏了。\n\t张三"


def test_utf8_q_encoded_subject_folded_over_lines() -> None:
    subject = "建议在人民公园增设无障碍通道和休息座椅"
    raw = letter(
        "From: citizen@example.cn",
        "Subject: " + q_word(subject[:10]) + "\r\n " + q_word(subject[10:]),
        body=subject.encode(),
        content_type="text/plain; charset=utf-8",
        encoding="quoted-printable",
    )
    assert mail.parse(raw).subject == subject


def test_raw_8bit_gbk_header_and_no_charset() -> None:
    raw = (
        b"From: old-client@sina.com\r\nSubject: "
        + "路灯坏了".encode("gbk")
        + b"\r\nMessage-ID: <raw@sina.com>\r\n\r\n"
        + "建设街路灯不亮已经一周。".encode("gbk")
    )
    parsed = mail.parse(raw)
    assert (parsed.subject, parsed.body) == ("路灯坏了", "建设街路灯不亮已经一周。")


def test_an_html_only_letter_gives_its_text() -> None:
    markup = (
        "<html><head><style>p{color:red}</style></head><body><p>噪音扰民&nbsp;投诉</p>"
        "<div>楼下KTV每晚唱到凌晨两点<br>请城管处理</div><script>alert(1)</script></body></html>"
    )
    raw = letter(
        "From: a@b.cn",
        f"Subject: {b64_word('噪音', 'GBK')}",
        body=markup.encode("gbk"),
        content_type="text/html; charset=GBK",
    )
    assert mail.parse(raw).body == "噪音扰民\xa0投诉\n\n楼下KTV每晚唱到凌晨两点\n请城管处理"


# --- into intake -----------------------------------------------------------------------------------


def test_a_letter_becomes_an_appeal_of_its_mailbox(frozen_clock) -> None:
    raw = letter(
        f"From: {b64_word('张喆', 'gb2312', 'gbk')} <ZhangZhe@163.com>",
        f"Subject: {b64_word('回复：关于小区停车问题的投诉', 'gbk')}",
        body="物业乱收停车费。我的电话：13912345678".encode("gbk"),
    )
    taken = mail.do_receive_letter(mail.parse(raw), Channel.LEADER_MAILBOX)
    assert taken.created and not taken.joined
    appeal = Appeal.objects.get(ticket=taken.ticket)
    assert (appeal.channel, appeal.external_id, appeal.citizen_email, appeal.citizen_phone) == (
        Channel.LEADER_MAILBOX,
        "20250610081500.1@foxmail.com",
        "zhangzhe@163.com",
        "13912345678",
    )
    assert appeal.title == "关于小区停车问题的投诉"  # without the reply prefix
    assert appeal.received_at == datetime(2025, 6, 10, 8, 15, tzinfo=SHANGHAI)
    again = mail.do_receive_letter(mail.parse(raw), Channel.LEADER_MAILBOX)
    assert not again.created and again.ticket == taken.ticket
    assert Appeal.objects.count() == 1


@pytest.mark.parametrize(
    ("written", "phone"),
    [
        ("139 1234 5678", "13912345678"),
        ("+86 139-1234-5678", "13912345678"),
        ("１３９１２３４５６７８", "13912345678"),  # a Chinese input method's full-width digits
        ("139١٢٣٤٥٦٧٨", ""),  # digits no one dials as written
    ],
)
def test_the_mobile_a_letter_gives_is_its_appeals_phone(frozen_clock, written, phone) -> None:
    raw = letter(
        "From: resident@qq.com",
        f"Subject: {b64_word('噪音扰民', 'utf-8')}",
        body=f"楼下每晚施工。我的手机：{written}".encode(),
        content_type="text/plain; charset=utf-8",
    )
    taken = mail.do_receive_letter(mail.parse(raw), Channel.MAILBOX)
    assert Appeal.objects.get(ticket=taken.ticket).citizen_phone == phone


def test_attachments_are_kept_and_a_file_that_is_not_what_it_says_is_refused(frozen_clock) -> None:
    raw = with_files(
        "From: resident@qq.com",
        f"Subject: {b64_word('井盖缺失（附照片）', 'utf-8')}",
        text="人民路与建设街路口井盖缺失，附现场照片和情况说明。",
        files=[
            (f"filename*=utf-8''{quote('现场照片.jpg')}", "image/jpeg", JPEG),
            (f'filename="{b64_word("情况说明.pdf", "GBK")}"', "application/pdf", PDF),
            # Named and labelled a photo, but a Windows program by its content: refused.
            ('filename="photo2.jpg"', "image/jpeg", EXE),
        ],
    )
    parsed = mail.parse(raw)
    assert [f.name for f in parsed.files] == ["现场照片.jpg", "情况说明.pdf", "photo2.jpg"]
    taken = mail.do_receive_letter(parsed, Channel.MAILBOX)
    assert (taken.kept, [r.name for r in taken.refused]) == (2, ["photo2.jpg"])
    appeal = Appeal.objects.get(ticket=taken.ticket)
    kept = list(Attachment.objects.filter(appeal=appeal).order_by("pk"))
    assert [(a.content_type, a.size) for a in kept] == [
        ("image/jpeg", len(JPEG)),
        ("application/pdf", len(PDF)),
    ]
    assert kept[0].file.name.endswith(".jpg") and kept[1].file.name.endswith(".pdf")
    with kept[0].file.open("rb") as stored:
        assert stored.read() == JPEG
    assert "附件“photo2.jpg”未保存：文件类型不支持（按内容识别" in appeal.content


def test_a_later_letter_naming_the_ticket_joins_it(frozen_clock) -> None:
    first = mail.do_receive_letter(
        mail.parse(letter("From: resident@qq.com", "Subject: road", body=b"hole in the road")),
        Channel.MAILBOX,
    )
    number = first.ticket.number
    follow_up = letter(
        "From: Resident <RESIDENT@qq.com>",
        f"Subject: {b64_word(f'回复：工单 {number} 补充材料', 'gbk')}",
        body="补充：坑已经扩大到一米宽。".encode("gbk"),
        message_id="<follow-up-1@qq.com>",
    )
    taken = mail.do_receive_letter(mail.parse(follow_up), Channel.MAILBOX)
    assert taken.joined and taken.ticket == first.ticket
    assert Ticket.objects.count() == 1
    assert list(first.ticket.appeals.order_by("pk").values_list("external_id", flat=True)) == [
        "20250610081500.1@foxmail.com",
        "follow-up-1@qq.com",
    ]
    line = first.ticket.events.order_by("pk").last()
    assert line is not None and line.action == EventType.RECEIVE and line.details["follow_up"] is True
    assert line.from_status == line.to_status == first.ticket.status


def test_someone_else_naming_a_ticket_starts_a_new_one(frozen_clock) -> None:
    first = mail.do_receive_letter(
        mail.parse(letter("From: resident@qq.com", "Subject: road", body=b"hole in the road")),
        Channel.MAILBOX,
    )
    number = first.ticket.number
    other = letter(
        "From: stranger@163.com",
        f"Subject: Re: {number}",
        body=b"me too",
        message_id="<stranger@163.com>",
    )
    taken = mail.do_receive_letter(mail.parse(other), Channel.MAILBOX)
    assert taken.created and not taken.joined and taken.ticket != first.ticket
    assert f"来信主题提及工单 {number}" in Appeal.objects.get(ticket=taken.ticket).content


def test_a_letter_about_a_closed_ticket_starts_a_new_one(frozen_clock) -> None:
    first = mail.do_receive_letter(
        mail.parse(letter("From: resident@qq.com", "Subject: road", body=b"hole in the road")),
        Channel.MAILBOX,
    )
    Ticket.objects.filter(pk=first.ticket.pk).update(status=TicketStatus.CLOSED)
    again = letter(
        "From: resident@qq.com",
        f"Subject: {first.ticket.number} still broken",
        body=b"still",
        message_id="<again@qq.com>",
    )
    taken = mail.do_receive_letter(mail.parse(again), Channel.MAILBOX)
    assert taken.created and not taken.joined and taken.ticket != first.ticket


# --- the drops -------------------------------------------------------------------------------------


def fetch(*sources: str) -> str:
    out = StringIO()
    call_command("mail", "fetch", *[f"--source={s}" for s in sources], stdout=out, stderr=StringIO())
    return out.getvalue()


def test_a_maildir_is_read_once(tmp_path: Path, frozen_clock) -> None:
    box = mailbox.Maildir(tmp_path / "12345", create=True)
    for n in range(3):
        box.add(letter("From: a@b.cn", f"Subject: letter {n}", body=b"text", message_id=f"<m{n}@b.cn>"))
    out = fetch(f"mailbox=maildir://{tmp_path / '12345'}")
    assert "读取 3 封，新建 3" in out
    assert all("S" in box.get_message(key).get_flags() for key in box.iterkeys())
    assert not list((tmp_path / "12345" / "new").iterdir())
    out = fetch(f"mailbox=maildir://{tmp_path / '12345'}")
    assert "读取 0 封" in out
    assert Appeal.objects.filter(channel=Channel.MAILBOX).count() == 3


def test_an_mbox_read_twice_adds_nothing_the_second_time(tmp_path: Path, frozen_clock) -> None:
    box = mailbox.mbox(tmp_path / "mayor.mbox", create=True)
    box.add(letter("From: a@b.cn", "Subject: one", body=b"text", message_id="<one@b.cn>"))
    box.add(letter("From: a@b.cn", "Subject: two", body=b"text", message_id="<two@b.cn>"))
    box.close()
    assert "新建 2" in fetch(f"leader_mailbox=mbox://{tmp_path / 'mayor.mbox'}")
    assert "读取 2 封，新建 0，并入原工单 0，已收取 2" in fetch(
        f"leader_mailbox=mbox://{tmp_path / 'mayor.mbox'}"
    )
    assert Appeal.objects.filter(channel=Channel.LEADER_MAILBOX).count() == 2


def fetch_all(*args: str) -> tuple[str, str, str | None]:
    """stdout, stderr and the error the command ended with (None: exit status 0)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("mail", "fetch", *args, stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), str(error)
    return out.getvalue(), err.getvalue(), None


def test_a_dry_run_says_so_and_what_the_real_run_would_do(tmp_path: Path, frozen_clock) -> None:
    first = mail.do_receive_letter(
        mail.parse(letter("From: resident@qq.com", "Subject: road", body=b"hole", message_id="<r@qq.com>")),
        Channel.MAILBOX,
    )
    box = mailbox.Maildir(tmp_path / "12345", create=True)
    box.add(
        with_files(
            "From: a@b.cn",
            "Subject: new",
            text="井盖缺失",
            files=[('filename="a.jpg"', "image/jpeg", JPEG), ('filename="b.jpg"', "image/jpeg", EXE)],
        )
    )
    box.add(
        letter(
            "From: resident@qq.com",
            f"Subject: Re: {first.ticket.number}",
            body=b"bigger now",
            message_id="<follow-up@qq.com>",
        )
    )
    box.add(letter("From: resident@qq.com", "Subject: road", body=b"hole", message_id="<r@qq.com>"))
    # An address longer than any mailbox's (254): intake refuses the letter.
    box.add(letter(f"From: {'a' * 300}@b.cn", "Subject: long", body=b"x", message_id="<long@b.cn>"))
    source = f"--source=mailbox=maildir://{tmp_path / '12345'}"

    out, err, error = fetch_all(source, "--dry-run")
    assert out.startswith("【试运行，未写入任何数据】")
    assert "读取 4 封，将新建 1，将并入原工单 1，已收取 1，附件将保存 1、不保存 1，将拒绝 1" in out
    assert "citizen_email: 超过 254 个字符" in err
    assert error is not None and error.startswith("【试运行，未写入任何数据】1 项未能收取")
    assert (Ticket.objects.count(), Appeal.objects.count(), Attachment.objects.count()) == (1, 1, 0)
    assert len(list((tmp_path / "12345" / "new").iterdir())) == 4  # nothing marked as taken

    real_out, real_err, real_error = fetch_all(source)
    assert "读取 4 封，新建 1，并入原工单 1，已收取 1，附件保存 1、未保存 1，失败 1" in real_out
    assert "试运行" not in real_out + real_err + str(real_error)
    assert real_err == err and real_error == "1 项未能收取，见上"
    assert (Ticket.objects.count(), Appeal.objects.count(), Attachment.objects.count()) == (2, 3, 1)


class FakeImap:
    """The IMAP4 calls the drop makes, over a folder of two unseen letters."""

    folders: dict[str, dict[bytes, bytes]] = {}
    seen: set[bytes] = set()

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port

    def login(self, user: str, password: str) -> tuple[str, list[bytes]]:
        assert (user, password) == ("mayor@city.gov.cn", "p@ss word")
        return "OK", [b"logged in"]

    def select(self, folder: str) -> tuple[str, list[bytes]]:
        self.folder = self.folders[folder]
        return "OK", [str(len(self.folder)).encode()]

    def uid(self, command: str, *args: str | bytes) -> tuple[str, list]:
        if command == "SEARCH":
            return "OK", [b" ".join(uid for uid in self.folder if uid not in self.seen)]
        if command == "FETCH":
            uid = args[0] if isinstance(args[0], bytes) else args[0].encode()
            return "OK", [(b"1 (UID " + uid + b" BODY[] {n}", self.folder[uid]), b")"]
        if command == "STORE":
            self.seen.add(args[0].encode() if isinstance(args[0], str) else args[0])
            return "OK", []
        raise AssertionError(command)

    def logout(self) -> tuple[str, list[bytes]]:
        return "BYE", []


def test_imap_takes_the_unseen_letters_and_flags_them(monkeypatch, frozen_clock) -> None:
    FakeImap.folders = {
        '"&T+F7sQ-"': {  # 信箱, as IMAP names it (modified UTF-7, quoted)
            b"7": letter("From: a@b.cn", "Subject: seven", body=b"text", message_id="<7@b.cn>"),
            b"9": letter("From: a@b.cn", "Subject: nine", body=b"text", message_id="<9@b.cn>"),
        }
    }
    FakeImap.seen = set()
    monkeypatch.setattr(mail.imaplib, "IMAP4_SSL", FakeImap)
    url = (
        f"mailbox=imaps://{quote('mayor@city.gov.cn')}:{quote('p@ss word')}@imap.city.gov.cn/{quote('信箱')}"
    )
    assert "读取 2 封，新建 2" in fetch(url)
    assert FakeImap.seen == {b"7", b"9"}
    assert "读取 0 封" in fetch(url)


def test_a_badly_written_source_is_an_error_naming_it() -> None:
    with pytest.raises(CommandError, match="应为 渠道=地址"):
        fetch("phone=maildir:///tmp/x")
    with pytest.raises(CommandError, match="应以 maildir://"):
        fetch("mailbox=pop3://host")
    with pytest.raises(CommandError, match="没有配置信箱"):
        call_command("mail", "fetch", stdout=StringIO(), stderr=StringIO())


def test_the_worker_enqueues_a_fetch_only_when_mailboxes_are_set(settings, tmp_path, frozen_clock) -> None:
    settings.HOTLINE = {**settings.HOTLINE, "MAIL": {"SOURCES": ""}}
    assert mail.enqueue_mail_fetch_if_due(60) is False
    box = mailbox.Maildir(tmp_path / "box", create=True)
    box.add(letter("From: a@b.cn", "Subject: one", body=b"text", message_id="<w1@b.cn>"))
    settings.HOTLINE = {**settings.HOTLINE, "MAIL": {"SOURCES": f"mailbox=maildir://{tmp_path / 'box'}"}}
    reports = mail.fetch_mail.call()
    assert reports[0]["created"] == 1
    assert mail.enqueue_mail_fetch_if_due(60) is True
    assert mail.enqueue_mail_fetch_if_due(60) is False  # within the interval
