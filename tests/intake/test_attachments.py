"""Files kept with appeals: the type is what the content is (photos, PDF, Word, Excel), never what
the name or the sender says; each type has its size limit; documents are served as downloads and
only to those who may see the ticket."""

import io
import zipfile

import pytest
from django.test import Client

from hotline.core.errors import InvalidInput
from hotline.intake import attachments
from hotline.tickets.actions import do_dispatch_ticket
from tests.factories import make_ticket

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(64)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(64)
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64)


def ooxml(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in ("[Content_Types].xml", *names):
            archive.writestr(name, "<xml/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "found"),
    [
        (JPEG, "image/jpeg"),
        (PNG, "image/png"),
        (PDF, "application/pdf"),
        (ooxml("word/document.xml"), attachments.DOCX),
        (ooxml("xl/workbook.xml"), attachments.XLSX),
        (OLE + "WordDocument".encode("utf-16-le"), "application/msword"),
        (OLE + "Workbook".encode("utf-16-le"), "application/vnd.ms-excel"),
        # Not kept: a Windows program, an HTML page, a plain zip, an Office container of neither kind,
        # a GIF, an SVG (which can carry scripts).
        (b"MZ\x90\x00" + bytes(64), None),
        (b"<!doctype html><script>alert(1)</script>", None),
        (ooxml("notes.txt"), None),
        (OLE + bytes(64), None),
        (b"GIF89a" + bytes(64), None),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', None),
        (b"", None),
    ],
)
def test_the_type_is_read_from_the_content(data: bytes, found: str | None) -> None:
    assert attachments.sniff(data) == found


def test_an_attachment_refused_by_its_content_names_the_types_taken() -> None:
    with pytest.raises(InvalidInput) as refused:
        attachments.check(b"MZ\x90\x00" + bytes(64), "发票.pdf", attachments.PHOTOS | attachments.DOCUMENTS)
    assert refused.value.message.startswith("发票.pdf: 文件类型不支持（按内容识别；可接受 ")
    # A photo-only channel refuses a genuine PDF as well.
    with pytest.raises(InvalidInput, match="可接受 JPEG、PNG"):
        attachments.check(PDF, "scan.jpg", attachments.PHOTOS)


def test_each_type_has_its_size_limit(settings) -> None:
    settings.HOTLINE = {
        **settings.HOTLINE,
        "PORTAL": {**settings.HOTLINE["PORTAL"], "PHOTO_MAX_BYTES": 100},
        "ATTACHMENTS": {"DOCUMENT_MAX_BYTES": 200},
    }
    assert attachments.check(JPEG, "a.jpg", attachments.PHOTOS) == "image/jpeg"
    with pytest.raises(InvalidInput, match=r"a\.jpg: 文件超过"):
        attachments.check(JPEG + bytes(100), "a.jpg", attachments.PHOTOS)
    assert attachments.check(PDF + bytes(100), "a.pdf", attachments.DOCUMENTS) == "application/pdf"
    with pytest.raises(InvalidInput, match=r"a\.pdf: 文件超过"):
        attachments.check(PDF + bytes(200), "a.pdf", attachments.DOCUMENTS)


@pytest.mark.django_db
def test_a_document_is_downloaded_only_by_those_who_may_see_the_ticket(
    staff, departments, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    ticket = make_ticket(actor=staff["operator"])
    appeal = ticket.appeals.get()
    stored = attachments.store_bytes(appeal, PDF, "application/pdf")
    assert stored.file.name.endswith(".pdf") and stored.size == len(PDF)
    ticket = do_dispatch_ticket(ticket, staff["dispatcher"], lead_department_id=departments["housing"].pk)
    url = f"/tickets/{ticket.number}/attachments/{stored.pk}"
    client = Client()
    client.force_login(staff["housing"])
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert f'<a href="{url}" class="attachment-file">附件 1</a>' in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{ticket.number}-{stored.pk}.pdf"'
    assert b"".join(response.streaming_content) == PDF
    client.force_login(staff["street"])  # another department: not its ticket, not its file
    assert client.get(url).status_code == 404
