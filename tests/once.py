"""Data built once for several tests, where building it costs seconds (a demo city): in a transaction
of its own, which each test's transaction then nests in as a savepoint (as Django's setUpTestData
does), rolled back after the last of those tests, so that the tests after them find the database
as empty as ever. Every test still rolls back what it changed itself."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings as django_settings
from django.db import connection, transaction
from django.test import override_settings

from hotline.routing import reference
from tests.conftest import SUITE_SETTINGS


class Overrides:
    """`overrides.NAME = value` as pytest-django's `settings` fixture sets it, for a wider scope than
    one test's; `restore()` undoes them all."""

    def __init__(self) -> None:
        object.__setattr__(self, "_enabled", [])

    def __getattr__(self, name: str) -> Any:
        return getattr(django_settings, name)

    def __setattr__(self, name: str, value: Any) -> None:
        override = override_settings(**{name: value})
        override.enable()
        self._enabled.append(override)

    def restore(self) -> None:
        for override in reversed(self._enabled):
            override.disable()
        self._enabled.clear()


@contextmanager
def built_once(django_db_blocker: Any) -> Iterator[Overrides]:
    """Within: the database open, in a transaction rolled back at the end, and the suite's settings
    (`SUITE_SETTINGS`, which the autouse fixtures set only for each test); the settings yielded take
    more (e.g. `light_dedup`) until the end."""
    overrides = Overrides()
    with django_db_blocker.unblock():
        assert not connection.in_atomic_block, "built once, outside any test's transaction"
        try:
            for name, value in SUITE_SETTINGS.items():
                setattr(overrides, name, value)
            reference.clear()
            with transaction.atomic():
                yield overrides
                transaction.set_rollback(True)
        finally:
            reference.clear()
            overrides.restore()
