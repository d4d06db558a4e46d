"""Brute-force throttles: failed staff sign-ins per username and address and per address alone, bad
API tokens per address.

After `FAILURES` failures of one key within `WINDOW` seconds, further attempts with that key are
refused, without checking the password or the token, until `COOL_OFF` seconds after the last
failure (settings.HOTLINE["LOGIN_THROTTLE"] and ["TOKEN_THROTTLE"]). A refused attempt is not
counted, so a locked-out user waits out the same cool-off however often they retry; a successful
sign-in forgets the failures of its key.

A username that signed in from an address within LOGIN_ADDRESS_THROTTLE["KNOWN_DAYS"] (`known`,
`remember`) is neither counted against that address's lock (LOGIN_ADDRESS) nor refused by it (web/login.py):
the operators of a call centre behind one NAT address keep signing in, typos and all, while the
address is locked for the usernames a sprayer tries; each username's own lock (LOGIN) holds for
them as for anyone.

The failures are rows in the database (`AuthFailure`, the known sign-ins `KnownSignIn`), as the
portal's counts are, because every gunicorn worker must see them and the project configures no
shared cache.
"""

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings

from hotline.accounts.models import AuthFailure, KnownSignIn
from hotline.core import clock

LOGIN = "login"
# Failed sign-ins of one address whatever the username (password spraying); its own rule.
LOGIN_ADDRESS = "login_address"
TOKEN = "token"
# A username that signed in from an address (not a throttle: the pair the address's lock spares).
KNOWN = "known"


@dataclass(frozen=True)
class Rule:
    failures: int
    window: timedelta
    cool_off: timedelta

    @classmethod
    def of(cls, kind: str) -> "Rule":
        conf: dict[str, Any] = settings.HOTLINE[f"{kind.upper()}_THROTTLE"]
        return cls(
            failures=int(conf["FAILURES"]),
            window=timedelta(seconds=conf["WINDOW"]),
            cool_off=timedelta(seconds=conf["COOL_OFF"]),
        )


def login_key(username: str, ip: str) -> str:
    # Usernames are matched case-insensitively here so that "Admin" and "admin" share one count.
    return f"{username.strip().casefold()}\0{ip}"


def _hash(kind: str, key: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{kind}\0{key}".encode(), hashlib.sha256).hexdigest()


def retry_after(kind: str, key: str, *, now: datetime | None = None) -> int:
    """Seconds until `key` may try again; 0 when it is not locked out."""
    rule = Rule.of(kind)
    now = now or clock.now()
    # The last `failures` failures that could still lock: within the window of each other, and the
    # newest within the cool-off.
    recent = list(
        AuthFailure.objects.filter(
            kind=kind, key_hash=_hash(kind, key), at__gt=now - rule.cool_off - rule.window
        )
        .order_by("-at")
        .values_list("at", flat=True)[: rule.failures]
    )
    if len(recent) < rule.failures or recent[0] - recent[-1] > rule.window:
        return 0
    return max(0, math.ceil((recent[0] + rule.cool_off - now).total_seconds()))


def fail(kind: str, key: str, *, now: datetime | None = None) -> int:
    """Count one failure of `key`; answer the seconds it is now locked out for (0: not yet)."""
    now = now or clock.now()
    rule = Rule.of(kind)
    AuthFailure.objects.filter(kind=kind, at__lte=now - rule.cool_off - rule.window).delete()
    AuthFailure.objects.create(kind=kind, key_hash=_hash(kind, key), at=now)
    return retry_after(kind, key, now=now)


def reset(kind: str, key: str) -> None:
    AuthFailure.objects.filter(kind=kind, key_hash=_hash(kind, key)).delete()


def _known_for() -> timedelta:
    return timedelta(days=settings.HOTLINE["LOGIN_ADDRESS_THROTTLE"]["KNOWN_DAYS"])


def remember(username: str, ip: str, *, now: datetime | None = None) -> None:
    """Note that `username` signed in from `ip` now; forget the pairs not seen for KNOWN_DAYS."""
    now = now or clock.now()
    KnownSignIn.objects.filter(at__lte=now - _known_for()).delete()
    KnownSignIn.objects.update_or_create(key_hash=_hash(KNOWN, login_key(username, ip)), defaults={"at": now})


def known(username: str, ip: str, *, now: datetime | None = None) -> bool:
    """Whether `username` signed in from `ip` within KNOWN_DAYS."""
    now = now or clock.now()
    key = _hash(KNOWN, login_key(username, ip))
    return KnownSignIn.objects.filter(key_hash=key, at__gt=now - _known_for()).exists()
