"""Letters that the email package reads badly: a file name in raw GBK bytes (as old Chinese clients
write it) and parameters broken in RFC 2231. They are taken in like any letter, the name read as
GB18030; none of them stops the mailbox with a traceback."""

import base64
import mailbox
import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from hotline.core.enums import Channel
from hotline.intake.channels import mail
from hotline.intake.models import Appeal, Attachment
from tests.intake.test_mail import EXE, JPEG

pytestmark = pytest.mark.django_db


def multipart(message_id: str, text_headers: str, *files: tuple[bytes, bytes]) -> bytes:
    """A letter with a text part under `text_headers` and files given as (raw header lines, data)."""
    boundary = b"----=_NextPart_000_0002"
    parts = [
        b"--"
        + boundary
        + b"\r\n"
        + text_headers.encode()
        + b"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes("幸福路路灯坏了一周，附照片。".encode())
    ]
    for headers, data in files:
        parts.append(
            b"--"
            + boundary
            + b"\r\n"
            + headers
            + b"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + base64.encodebytes(data)
        )
    head = (
        "From: resident@qq.com\r\nSubject: 路灯不亮\r\n"
        f"Message-ID: <{message_id}>\r\nDate: Tue, 10 Jun 2025 08:20:00 +0800\r\nMIME-Version: 1.0\r\n"
        f'Content-Type: multipart/mixed; boundary="{boundary.decode()}"\r\n\r\n'
    ).encode()
    return head + b"\r\n".join(parts) + b"\r\n--" + boundary + b"--\r\n"


GBK_PHOTO = "现场照片.jpg".encode("gbk")
GBK_NAMES = multipart(
    "gbk-names@qq.com",
    "Content-Type: text/plain; charset=utf-8",
    (
        b'Content-Type: image/jpeg; name="'
        + GBK_PHOTO
        + b'"\r\nContent-Disposition: attachment; filename="'
        + GBK_PHOTO
        + b'"',
        JPEG,
    ),
    (
        b'Content-Type: image/jpeg\r\nContent-Disposition: attachment; filename="'
        + "照片2.jpg".encode("gbk")
        + b'"',
        EXE,
    ),
)
# A charset given both whole and in RFC 2231 pieces: the email package's sort of the pieces fails.
BROKEN_PARAMS = multipart(
    "broken-params@qq.com", "Content-Type: text/plain; charset*=''; charset*0*=utf-8''%E4"
)


def test_a_file_name_in_raw_gbk_is_read_and_the_files_judged_by_content(frozen_clock) -> None:
    parsed = mail.parse(GBK_NAMES)
    assert [f.name for f in parsed.files] == ["现场照片.jpg", "照片2.jpg"]
    taken = mail.do_receive_letter(parsed, Channel.MAILBOX)
    assert (taken.kept, [r.name for r in taken.refused]) == (1, ["照片2.jpg"])
    appeal = Appeal.objects.get(ticket=taken.ticket)
    assert Attachment.objects.filter(appeal=appeal, content_type="image/jpeg").count() == 1
    assert "附件“照片2.jpg”未保存" in appeal.content


def test_parameters_broken_in_rfc_2231_leave_the_text_read_without_a_charset(frozen_clock) -> None:
    parsed = mail.parse(BROKEN_PARAMS)
    assert parsed.body == "幸福路路灯坏了一周，附照片。"


def test_a_mailbox_with_such_letters_is_read_to_the_end(tmp_path: Path, frozen_clock) -> None:
    box = mailbox.mbox(tmp_path / "12345.mbox", create=True)
    for raw in (GBK_NAMES, BROKEN_PARAMS):
        box.add(raw)
    box.close()
    out, err = StringIO(), StringIO()
    call_command(
        "mail", "fetch", "--source", f"mailbox=mbox://{tmp_path / '12345.mbox'}", stdout=out, stderr=err
    )
    assert "读取 2 封，新建 2" in out.getvalue(), (out.getvalue(), err.getvalue())
    assert sorted(Appeal.objects.values_list("external_id", flat=True)) == [
        "broken-params@qq.com",
        "gbk-names@qq.com",
    ]


# --- headers and mailboxes an audit found read wrong -----------------------------------------------


def test_raw_8bit_text_beside_an_encoded_word_leaves_neither_undecoded() -> None:
    raw = (
        b"From: resident@qq.com\r\nSubject: "
        + "回复：".encode("gbk")
        + b" =?UTF-8?B?"
        + base64.b64encode("路灯不亮".encode())
        + b"?= "
        + "（幸福路）".encode("gbk")
        + b"\r\nMessage-ID: <mixed@qq.com>\r\n\r\n"
        + "已经一周了。".encode("gbk")
    )
    parsed = mail.parse(raw)
    # The spaces beside an encoded word are text (RFC 2047, 6.2), as the writer put them.
    assert parsed.subject == "回复： 路灯不亮 （幸福路）"
    assert parsed.body == "已经一周了。"


@pytest.mark.parametrize(
    "date", ["Mon, 1 Jan 0001 00:00:00 +0000", "1 Jan 0001", "Sat, 1 Jan 0049 08:00:00 +0800"]
)
def test_a_date_of_an_impossible_year_is_no_date(date, frozen_clock) -> None:
    """The email package reads any year under 100 as 19xx or 20xx, as in two-digit years: "0001"
    became 2001. A four-digit year is the year it says; one out of range is the sender's wrong
    clock, and the letter takes the time it was read, as a letter without a date does."""
    raw = (
        f"From: resident@qq.com\r\nSubject: road\r\nMessage-ID: <y1@qq.com>\r\nDate: {date}\r\n\r\nhole"
    ).encode()
    assert mail.parse(raw).sent_at is None
    taken = mail.do_receive_letter(mail.parse(raw), Channel.MAILBOX)
    assert Appeal.objects.get(ticket=taken.ticket).received_at == frozen_clock.value


def test_a_two_digit_year_is_still_read_as_rfc_5322_says() -> None:
    raw = b"From: a@b.cn\r\nSubject: x\r\nMessage-ID: <y2@b.cn>\r\nDate: 10 Jun 25 08:15:00 +0800\r\n\r\nx"
    sent = mail.parse(raw).sent_at
    assert sent is not None and (sent.year, sent.month, sent.day) == (2025, 6, 10)


def test_a_mailbox_read_again_counts_no_refused_files_for_letters_already_taken(
    tmp_path: Path, frozen_clock
) -> None:
    """An mbox is read whole every time: its letters taken in before are counted as such, their
    refused files were counted when they were taken in."""
    box = mailbox.mbox(tmp_path / "12345.mbox", create=True)
    box.add(GBK_NAMES)  # one photo kept, one refused
    box.close()
    source = f"mailbox=mbox://{tmp_path / '12345.mbox'}"

    def fetched(*dry_run: str) -> str:
        out = StringIO()
        call_command("mail", "fetch", "--source", source, *dry_run, stdout=out, stderr=StringIO())
        return out.getvalue()

    assert "读取 1 封，新建 1，并入原工单 0，已收取 0，附件保存 1、未保存 1，" in fetched()
    assert "读取 1 封，新建 0，并入原工单 0，已收取 1，附件保存 0、未保存 0，" in fetched()
    assert "已收取 1，附件将保存 0、不保存 0，" in fetched("--dry-run")


def test_a_folder_or_unreadable_file_in_a_maildir_is_named_and_the_others_read(
    tmp_path: Path, frozen_clock
) -> None:
    box = mailbox.Maildir(tmp_path / "12345", create=True)
    box.add(GBK_NAMES)
    new = tmp_path / "12345" / "new"
    (new / "1700000000.M1P1.host").mkdir()  # a folder where a letter belongs
    (new / "1700000001.M2P2.host").symlink_to(tmp_path / "gone")  # a letter that cannot be opened
    os.mkfifo(new / "1700000002.M3P3.host")  # a letter nobody finishes writing: would wait for ever
    box.add(BROKEN_PARAMS)
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="3 项未能收取"):
        call_command(
            "mail", "fetch", "--source", f"mailbox=maildir://{tmp_path / '12345'}", stdout=out, stderr=err
        )
    assert "读取 5 封，新建 2" in out.getvalue()
    assert "失败 3" in out.getvalue()
    lines = sorted(line.strip() for line in err.getvalue().strip().splitlines())
    assert lines[0].startswith("1700000000.M1P1.host: ") and lines[0].endswith("不是普通文件，无法读取")
    assert lines[1].startswith("1700000001.M2P2.host: 无法读取文件")
    assert lines[2].startswith("1700000002.M3P3.host: ") and lines[2].endswith("不是普通文件，无法读取")
    assert Appeal.objects.count() == 2
    # Left where they are, to be tried again; the letters taken in moved to cur/.
    assert sorted(p.name for p in new.iterdir()) == [
        "1700000000.M1P1.host",
        "1700000001.M2P2.host",
        "1700000002.M3P3.host",
    ]
