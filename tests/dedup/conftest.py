from collections.abc import Iterator

import pytest

from tests.api.conftest import anonymous, api_as  # noqa: F401  (fixtures shared with the API tests)
from tests.light_dedup import light_dedup


@pytest.fixture(autouse=True)
def _dedup_settings(settings, tmp_path) -> Iterator[None]:
    """Character n-grams (no model needed), the usearch index, a HOTLINE_HOME of the test's own, and
    no process-wide index left from another test (its vectors were rolled back)."""
    with light_dedup(settings, tmp_path, INDEX="usearch", THRESHOLD={"e5": 0.93, "ngram": 0.5}):
        yield
