"""Letters that the email package reads badly: a file name in raw GBK bytes (as old Chinese clients
write it) and parameters broken in RFC 2231. They are taken in like any letter, the name read as
GB18030; none of them stops the mailbox with a traceback."""

import base64
import mailbox
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

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
