"""The one place that reads the time, so that tests and demos can move it.

`frozen_at` stops the clock at a given moment for a block of code. The moment lives in a context
variable, so it is private to the thread (and asyncio task) that set it: a demo that replays last
month in one thread does not move the clock of requests served by another.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.utils import timezone

_frozen: ContextVar[datetime | None] = ContextVar("hotline_clock_frozen", default=None)


def now() -> datetime:
    frozen = _frozen.get()
    return frozen if frozen is not None else timezone.now()


def localtime(value: datetime | None = None) -> datetime:
    """A datetime in the city's zone (settings.TIME_ZONE)."""
    return timezone.localtime(value or now())


@contextmanager
def frozen_at(moment: datetime) -> Iterator[datetime]:
    """Inside the block, `now()` returns `moment` (an aware datetime). Blocks may nest."""
    if timezone.is_naive(moment):
        raise ValueError("frozen_at needs a timezone-aware datetime")
    token = _frozen.set(moment)
    try:
        yield moment
    finally:
        _frozen.reset(token)
