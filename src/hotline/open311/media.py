"""The photos a client system posted with its requests, as `media_url` for whoever reads the requests.

GeoReport's `GET requests` is public, and its `media_url` is meant to be opened by the clients
that show a request (a city map app, a FixMyStreet-like site). Only photos that arrived through
Open311 itself are published this way: the client system posted them to be shown with the request.
A photo from any other channel (the portal, a grid worker, a letter's attachment) stays with the
staff, served only to those who may see the ticket, and is not named in the public output at all.

The address carries the attachment's id signed with the secret key, so that nobody can walk the
ids to reach the staff's files; the file is served read-only, cached publicly, as an image only.
"""

from django.core import signing
from django.http import HttpRequest
from django.urls import reverse

from hotline.core.enums import Channel
from hotline.intake import attachments
from hotline.intake.models import Appeal, Attachment

SALT = "hotline.open311.media"


def published(appeal: Appeal) -> list[Attachment]:
    """The photos of `appeal` that its client system posted through Open311 (prefetched or not)."""
    if appeal.channel != Channel.OPEN311:
        return []
    return [a for a in appeal.attachments.all() if a.content_type in attachments.PHOTOS]


def url_of(request: HttpRequest, attachment: Attachment) -> str:
    token = signing.dumps(attachment.pk, salt=SALT)
    return request.build_absolute_uri(reverse("open311:media", kwargs={"token": token}))


def attachment_of(token: str) -> Attachment | None:
    """The published photo a `url_of` address names; None for a forged, altered or unpublished one."""
    try:
        pk = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(pk, int):
        return None
    return (
        Attachment.objects.select_related("appeal")
        .filter(pk=pk, appeal__channel=Channel.OPEN311, content_type__in=attachments.PHOTOS)
        .first()
    )
