from collections.abc import Iterator

import pytest

from tests.api.conftest import api_as  # noqa: F401  (the API tests' token client, for the dispatch queue)
from tests.light_dedup import light_dedup


@pytest.fixture(autouse=True)
def _dedup_light(settings, tmp_path) -> Iterator[None]:
    """The demo's sweeps count repetitions (supervision.repetition), whose issues come from
    duplicate search: here with character n-grams (no model to load, nothing to wait for) and the
    exact numpy index, under a HOTLINE_HOME of the test's own, with no process-wide index left from
    another test (its vectors were rolled back)."""
    with light_dedup(settings, tmp_path):
        yield
