"""The keys of client systems: issued once, kept as a hash, revoked by prefix, looked up per request."""

import secrets
from datetime import timedelta

from django.db import transaction

from hotline.accounts.models import hash_token
from hotline.core import clock
from hotline.open311.models import ApiKey

KEY_PREFIX = "o311_"
# Writing last_used_at on every request would make each read a write; a minute is precise enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def issue(name: str) -> tuple[ApiKey, str]:
    """A new key for the client system `name`: the row and the key itself, shown this once."""
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    # The prefix names the key on the command line, where one starting with "-" reads as an option.
    while raw[len(KEY_PREFIX)] == "-":
        raw = KEY_PREFIX + secrets.token_urlsafe(32)
    start = len(KEY_PREFIX)
    key = ApiKey.objects.create(
        name=name, prefix=raw[start : start + 8], key_hash=hash_token(raw), created_at=clock.now()
    )
    return key, raw


def active(raw: str) -> ApiKey | None:
    """The key `raw` when it exists and is not revoked; notes when it was used."""
    key = ApiKey.objects.filter(key_hash=hash_token(raw.strip()), revoked_at__isnull=True).first()
    if key is None:
        return None
    now = clock.now()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key


def matching(prefix_or_key: str) -> list[ApiKey]:
    """The keys a prefix (as listed) or a whole key names."""
    given = prefix_or_key.strip().removesuffix("…")
    if given.startswith(KEY_PREFIX) and len(given) > len(KEY_PREFIX) + 8:
        return list(ApiKey.objects.filter(key_hash=hash_token(given)))
    return list(ApiKey.objects.filter(prefix=given.removeprefix(KEY_PREFIX)))


def revoke(key: ApiKey) -> bool:
    """Revoke `key`; False when it was revoked already."""
    with transaction.atomic():
        return bool(ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=clock.now()))
