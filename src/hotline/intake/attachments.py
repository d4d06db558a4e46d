"""Photos that citizens send with an appeal: recognised by their first bytes (JPEG or PNG only;
neither the file name nor the browser's content type is believed), limited in size, stored under
MEDIA_ROOT/uploads with a random name."""

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from hotline.core import clock
from hotline.intake.models import Appeal, Attachment

# Pillow is not a dependency; these signatures are what the two accepted formats begin with.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


def max_photo_bytes() -> int:
    return int(settings.HOTLINE["PORTAL"]["PHOTO_MAX_BYTES"])


def image_type(upload: UploadedFile) -> str | None:
    """ "image/jpeg" or "image/png" when the file's content is one, else None."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def store_photo(appeal: Appeal, upload: UploadedFile, content_type: str) -> Attachment:
    """Keep `upload` (already checked: `image_type`, `max_photo_bytes`) as the appeal's attachment."""
    upload.seek(0)
    attachment = Attachment(
        appeal=appeal, content_type=content_type, size=upload.size or 0, uploaded_at=clock.now()
    )
    attachment.file.save("photo", upload, save=False)
    attachment.save()
    return attachment
