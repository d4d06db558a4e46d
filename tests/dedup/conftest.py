import pytest

from hotline.dedup import embedders
from hotline.dedup import index as vector_index
from tests.api.conftest import anonymous, api_as  # noqa: F401  (fixtures shared with the API tests)


@pytest.fixture(autouse=True)
def _dedup_settings(settings, tmp_path):
    """Character n-grams (no model needed), the usearch index, a HOTLINE_HOME of the test's own, and
    no process-wide index left from another test (its vectors were rolled back)."""
    settings.HOTLINE_HOME = tmp_path
    settings.HOTLINE = {
        **settings.HOTLINE,
        "DEDUP": {
            **settings.HOTLINE["DEDUP"],
            "EMBEDDER": "ngram",
            "INDEX": "usearch",
            "THRESHOLD": {"e5": 0.93, "ngram": 0.5},
        },
    }
    vector_index.forget()
    embedders._embedder.cache_clear()
    yield
    vector_index.forget()
    embedders._embedder.cache_clear()
