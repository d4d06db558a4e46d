"""Duplicate search for tests: character n-grams (no model to load), the index under the test's own
HOTLINE_HOME, and no process-wide index left from another test (its vectors were rolled back)."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hotline.dedup import embedders
from hotline.dedup import index as vector_index


@contextmanager
def light_dedup(settings: Any, home: Path, **dedup: Any) -> Iterator[None]:
    """Within: the n-gram embedder and the exact numpy index under `home`; `dedup` overrides more of
    `HOTLINE["DEDUP"]` (another index, thresholds). The process's indexes and embedder are dropped
    before and after."""
    settings.HOTLINE_HOME = home
    settings.HOTLINE = {
        **settings.HOTLINE,
        "DEDUP": {**settings.HOTLINE["DEDUP"], "EMBEDDER": "ngram", "INDEX": "numpy", **dedup},
    }
    vector_index.forget()
    embedders._embedder.cache_clear()
    try:
        yield
    finally:
        vector_index.forget()
        embedders._embedder.cache_clear()
