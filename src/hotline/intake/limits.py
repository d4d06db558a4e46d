"""Rate limits of the public portal, counted in the database so that every web process sees the
same counts (no shared cache is configured). A key (an IP address, a phone number) is stored only
as an HMAC with the SECRET_KEY: the table says how often, never who."""

import hashlib
import hmac
import math
from datetime import datetime, timedelta

from django.conf import settings

from hotline.core import clock
from hotline.intake.models import PortalHit

WINDOW = timedelta(hours=1)

# What is counted, each against its own key.
SUBMIT_BY_IP = "submit_ip"
SUBMIT_BY_PHONE = "submit_phone"
TRACK_BY_IP = "track_ip"
STATS_BY_IP = "stats_ip"
# The other public pages that only read: the portal's forms, 百问百答 and its feeds (web/qa.py).
PAGES_BY_IP = "pages_ip"


def key_hash(kind: str, key: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{kind}\0{key}".encode(), hashlib.sha256).hexdigest()


def used(kind: str, key: str, *, now: datetime | None = None) -> int:
    """How many times `key` was counted for `kind` within the last hour."""
    now = now or clock.now()
    return PortalHit.objects.filter(kind=kind, key_hash=key_hash(kind, key), at__gt=now - WINDOW).count()


def exceeded(kind: str, key: str, limit: int, *, now: datetime | None = None) -> bool:
    """True when `key` has already been counted `limit` times for `kind` within the last hour."""
    return used(kind, key, now=now) >= limit


def retry_after(kind: str, key: str, *, now: datetime | None = None) -> int:
    """Seconds until `key` is counted once less for `kind`: when its oldest use leaves the window."""
    now = now or clock.now()
    oldest = (
        PortalHit.objects.filter(kind=kind, key_hash=key_hash(kind, key), at__gt=now - WINDOW)
        .order_by("at")
        .values_list("at", flat=True)
        .first()
    )
    return 0 if oldest is None else max(1, math.ceil((oldest + WINDOW - now).total_seconds()))


def count(kind: str, key: str, *, now: datetime | None = None) -> None:
    """Count one use of `key`, and forget the uses that have left the window."""
    now = now or clock.now()
    PortalHit.objects.filter(at__lte=now - WINDOW).delete()
    PortalHit.objects.create(kind=kind, key_hash=key_hash(kind, key), at=now)
