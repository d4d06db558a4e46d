"""What routing reads of the city for every ticket, kept in memory per process for a few seconds.

Routing one ticket read the responsibility list, the gazetteer, the category tree, the active
models' registry rows, the routing settings and the system user from the database each time:
about 25 queries, most of them building the same few hundred model instances again, which was
most of the 103 ms a ticket took (docs/benchmarks.md). These change when an administrator edits
them, a few times a day, so each process keeps what it read for `SECONDS` and reads it again then.

A save or delete of any of them in this process empties the cache at once (and again when its
transaction commits); other processes (the other gunicorn workers, the task worker) see the
change within `SECONDS`. What changes with every ticket (the closed-ticket history that
suggestions fall back on, the ticket itself) is never kept here.
"""

import threading
import time
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

SECONDS = 10.0

_held: dict[str, tuple[float, Any]] = {}
_lock = threading.RLock()
# Bumped by every clear(): a value whose load saw a clear (it saved one of the watched rows itself,
# such as the system user created on first use, in a transaction that may still roll back) is
# returned but not kept.
_generation = 0
# Set by a save of a watched row in this process until its transaction commits: a value read inside
# that transaction may hold rows a rollback will undo (a demo generated and rolled back, an admin's
# edit that fails), so it is returned but not kept.
_uncommitted = False


def cached[T](name: str, load: Callable[[], T]) -> T:
    """`load()`'s value, as read at most `SECONDS` ago by this process."""
    now = time.monotonic()
    entry = _held.get(name)
    if entry is not None and now - entry[0] < SECONDS:
        value: T = entry[1]
        return value
    with _lock:  # one thread loads; the others of a gthread worker wait for its result
        entry = _held.get(name)
        if entry is not None and now - entry[0] < SECONDS:
            held: T = entry[1]
            return held
        generation = _generation
        value = load()
        inside = _uncommitted and connection.in_atomic_block
        if generation == _generation and not inside:
            _held[name] = (time.monotonic(), value)
        return value


def clear() -> None:
    """Forget everything: the next routing reads the city afresh."""
    global _generation
    _generation += 1
    _held.clear()


def _changed(**kwargs: Any) -> None:
    global _uncommitted
    clear()
    _uncommitted = True
    # A reader between the save and the commit may have cached the old rows again.
    transaction.on_commit(_committed)


def _committed() -> None:
    global _uncommitted
    _uncommitted = False
    clear()


def watch() -> None:
    """Empty the cache whenever one of the models it holds is saved or deleted (routing's AppConfig)."""
    from hotline.accounts.models import User
    from hotline.directory.models import Department, Place, Responsibility, ResponsibilityCoHandler
    from hotline.routing.models import ModelVersion, RoutingSettings
    from hotline.taxonomy.models import Category

    for model in (
        Department,
        Place,
        Responsibility,
        ResponsibilityCoHandler,
        Category,
        ModelVersion,
        RoutingSettings,
        User,
    ):
        post_save.connect(_changed, sender=model, dispatch_uid=f"routing-reference-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"routing-reference-del-{model.__name__}")
    m2m_changed.connect(
        _changed, sender=Responsibility.co_departments.through, dispatch_uid="routing-reference-co"
    )
