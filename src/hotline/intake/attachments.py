"""Files that citizens send with an appeal: photos from the portal, Open311 media and the grid
workers' reports, the attachments of letters to the mailbox.

A file's type is what its content is, recognised by its first bytes (and, for Office files, by what
the container holds); neither the file name nor the sender's declared type is believed. Only the
types in `TYPES` are kept: photos (JPEG, PNG) everywhere, documents (PDF, Word, Excel)
where a channel takes documents (mail). Each type is limited in size. Files are stored through
Django's default storage (`settings.STORAGES["default"]`: under HOTLINE_HOME/media by default, an
S3-compatible bucket by setting) with a random name, and served only through the ticket's page to
those who may see the ticket (`web.tickets.ticket_attachment`).
"""

import io
import zipfile
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from hotline.core import clock
from hotline.core.errors import InvalidInput
from hotline.intake.models import Appeal, Attachment

# Pillow is not a dependency; these signatures are what the accepted formats begin with.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of .doc and .xls (Office 97-2003)

PHOTOS = frozenset({"image/jpeg", "image/png"})
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCUMENTS = frozenset({"application/pdf", "application/msword", "application/vnd.ms-excel", DOCX, XLSX})
# What a channel that carries letters or an app's files takes: photos and documents alike.
PHOTOS_AND_DOCUMENTS = PHOTOS | DOCUMENTS

# What people call each type in a refusal.
TYPE_NAMES = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "application/pdf": "PDF",
    "application/msword": "Word (.doc)",
    "application/vnd.ms-excel": "Excel (.xls)",
    DOCX: "Word (.docx)",
    XLSX: "Excel (.xlsx)",
}


@dataclass(frozen=True)
class Refused:
    """A file not kept, and why (for the sender, or a note on the appeal)."""

    name: str
    reason: str


def max_photo_bytes() -> int:
    return int(settings.HOTLINE["PORTAL"]["PHOTO_MAX_BYTES"])


def max_document_bytes() -> int:
    return int(settings.HOTLINE["ATTACHMENTS"]["DOCUMENT_MAX_BYTES"])


def max_bytes(content_type: str) -> int:
    return max_photo_bytes() if content_type in PHOTOS else max_document_bytes()


def sniff(data: bytes) -> str | None:
    """The type of a file by its content (the whole file; the first bytes suffice for the photos
    and PDF), or None when it is none of `PHOTOS` or `DOCUMENTS`."""
    for signature, content_type in _SIGNATURES:
        if data.startswith(signature):
            return content_type
    if data.startswith(_OLE):
        # The directory of the container names its streams in UTF-16: WordDocument, Workbook.
        if "WordDocument".encode("utf-16-le") in data:
            return "application/msword"
        if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
            return "application/vnd.ms-excel"
        return None
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return DOCX
            if "xl/workbook.xml" in names:
                return XLSX
    return None


def _read(upload: IO[bytes]) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def image_type(upload: UploadedFile) -> str | None:
    """ "image/jpeg" or "image/png" when the upload's content is one, else None."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    found = sniff(head)
    return found if found in PHOTOS else None


def check(data: bytes, name: str, accepted: frozenset[str]) -> str:
    """The content type of `data` when it is one of `accepted` and within that type's size; else
    InvalidInput saying which types are taken or how large a file may be."""
    content_type = sniff(data)
    if content_type is None or content_type not in accepted:
        # Translators: the separator between names in a list (an enumeration comma in Chinese).
        taken = _("、").join(sorted({TYPE_NAMES[t] for t in accepted}))
        raise InvalidInput(
            _("%(name)s: 文件类型不支持（按内容识别；可接受 %(types)s）") % {"name": name, "types": taken}
        )
    limit = max_bytes(content_type)
    if len(data) > limit:
        raise InvalidInput(
            _("%(name)s: 文件超过 %(mb)s MB") % {"name": name, "mb": round(limit / (1024 * 1024), 1)}
        )
    return content_type


def store_photo(appeal: Appeal, upload: UploadedFile, content_type: str) -> Attachment:
    """Keep `upload` (already checked: `image_type`, `max_photo_bytes`) as the appeal's attachment."""
    upload.seek(0)
    attachment = Attachment(
        appeal=appeal, content_type=content_type, size=upload.size or 0, uploaded_at=clock.now()
    )
    attachment.file.save("photo", upload, save=False)
    attachment.save()
    return attachment


def store_bytes(appeal: Appeal, data: bytes, content_type: str) -> Attachment:
    """Keep `data` (already checked with `check`) as the appeal's attachment."""
    attachment = Attachment(appeal=appeal, content_type=content_type, size=len(data), uploaded_at=clock.now())
    attachment.file.save("file", ContentFile(data), save=False)
    attachment.save()
    return attachment
