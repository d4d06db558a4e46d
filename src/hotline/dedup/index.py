"""Nearest neighbours among the stored ticket vectors: one interface, two implementations.

- `UsearchIndex` (HNSW graph from the `usearch` package, half-precision vectors): the default. A
  probe costs about the same at a million vectors as at a thousand (figures in docs/benchmarks.md).
- `NumpyIndex`: exact search by one matrix product; for small sets and tests.

The database is the truth, the index a cache of it. Each process keeps one index
(`shared_index()`): at first use it loads the saved file under HOTLINE_HOME/dedup/, or builds it
from every stored vector of the configured model when there is none (a fresh machine, another
model), and before every search it adds the vectors stored since (`TicketVector.id` above its
watermark), so a ticket embedded by the worker is found by the web processes at once. The worker
saves the file now and then (`maybe_save`); writing it to a new name and then pointing the small
JSON file at it means a reader never loads half a file, or an index with the wrong watermark. A
process that embeds inside a transaction that may yet roll back (the demo: one transaction) holds
the saves meanwhile (`unsaved`).
"""

import json
import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from django.conf import settings

from hotline.dedup.embedders import configured_embedder
from hotline.dedup.models import TicketVector

logger = logging.getLogger(__name__)

# Vectors read from the database per query while building or catching up.
CHUNK = 20_000


class VectorIndex(Protocol):
    dim: int

    def add(self, keys: np.ndarray, vectors: np.ndarray) -> None:
        """Add (or replace) the vectors of `keys` (ticket ids)."""

    def search(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The `k` nearest keys with their cosine similarity, most similar first."""

    def __len__(self) -> int: ...


class NumpyIndex:
    """Exact cosine search over a matrix of normalised vectors."""

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self._rows: dict[int, int] = {}
        self._keys = np.zeros(0, dtype=np.int64)
        self._matrix = np.zeros((0, dim), dtype=np.float32)

    def add(self, keys: np.ndarray, vectors: np.ndarray) -> None:
        keys = np.asarray(keys, dtype=np.int64)
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(keys), self.dim)
        fresh_keys: list[int] = []
        fresh_rows: list[np.ndarray] = []
        for key, vector in zip(keys.tolist(), vectors, strict=True):
            row = self._rows.get(key)
            if row is not None:
                self._matrix[row] = vector
            else:
                self._rows[key] = len(self._keys) + len(fresh_keys)
                fresh_keys.append(key)
                fresh_rows.append(vector)
        if fresh_keys:
            self._keys = np.concatenate([self._keys, np.asarray(fresh_keys, dtype=np.int64)])
            self._matrix = np.vstack([self._matrix, np.asarray(fresh_rows, dtype=np.float32)])

    def search(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        if not len(self._keys) or k <= 0:
            return []
        scores = self._matrix @ np.asarray(vector, dtype=np.float32).reshape(self.dim)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(int(self._keys[i]), float(scores[i])) for i in top]

    def __len__(self) -> int:
        return len(self._keys)


class UsearchIndex:
    """Approximate search in a usearch HNSW graph (cosine metric, f16 storage)."""

    def __init__(self, dim: int, inner: Any = None) -> None:
        from usearch.index import Index

        self.dim = dim
        self._index = inner if inner is not None else Index(ndim=dim, metric="cos", dtype="f16")

    @classmethod
    def load(cls, path: Path) -> "UsearchIndex":
        from usearch.index import Index

        inner = Index.restore(str(path))
        if inner is None:
            raise ValueError(f"{path} is not a usearch index")
        return cls(int(inner.ndim), inner)

    def add(self, keys: np.ndarray, vectors: np.ndarray) -> None:
        keys = np.asarray(keys, dtype=np.uint64)
        if not len(keys):
            return
        present = np.asarray(self._index.contains(keys), dtype=bool).reshape(-1)
        if present.any():
            self._index.remove(keys[present])
        self._index.add(keys, np.asarray(vectors, dtype=np.float32).reshape(len(keys), self.dim))

    def search(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        if not len(self._index) or k <= 0:
            return []
        matches = self._index.search(np.asarray(vector, dtype=np.float32).reshape(self.dim), k)
        # The cosine metric's distance is 1 - cosine.
        return [
            (int(key), 1.0 - float(distance))
            for key, distance in zip(matches.keys, matches.distances, strict=True)
        ]

    def save(self, path: Path) -> None:
        self._index.save(str(path))

    @property
    def memory_bytes(self) -> int:
        return int(self._index.memory_usage)

    def __len__(self) -> int:
        return len(self._index)


def new_index(kind: str, dim: int) -> VectorIndex:
    if kind == "numpy":
        return NumpyIndex(dim)
    return UsearchIndex(dim)


def vectors_after(model: str, watermark: int, dim: int) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """(last row id, ticket ids, vectors) of the stored vectors of `model` with id > watermark, in chunks."""
    while True:
        rows = list(
            TicketVector.objects.filter(model=model, id__gt=watermark)
            .order_by("id")
            .values_list("id", "ticket_id", "vector")[:CHUNK]
        )
        if not rows:
            return
        keys = np.fromiter((r[1] for r in rows), dtype=np.int64, count=len(rows))
        matrix = np.frombuffer(b"".join(bytes(r[2]) for r in rows), dtype=np.float32).reshape(-1, dim)
        watermark = rows[-1][0]
        yield watermark, keys, matrix


@dataclass
class SharedIndex:
    """The process's index of one model's vectors, up to the vector row `watermark`."""

    model: str
    dim: int
    kind: str
    index: VectorIndex
    watermark: int = 0
    saved_watermark: int = 0
    saved_at: float | None = None  # monotonic time of the last save; None: never saved by this process
    lock: threading.Lock = field(default_factory=threading.Lock)

    def refresh(self) -> int:
        """Add the vectors stored since the watermark; how many."""
        added = 0
        with self.lock:
            for watermark, keys, matrix in vectors_after(self.model, self.watermark, self.dim):
                self.index.add(keys, matrix)
                self.watermark = watermark
                added += len(keys)
        return added

    def search(self, vector: np.ndarray, k: int, *, refresh: bool = True) -> list[tuple[int, float]]:
        """The `k` nearest; with the vectors stored since the last search unless not `refresh` (a
        caller probing many times in a row, that refreshed the index first)."""
        if refresh:
            self.refresh()
        with self.lock:
            return self.index.search(vector, k)

    def maybe_save(self, *, every: int, seconds: float) -> bool:
        """Save when `every` vectors or `seconds` have passed since the last save (usearch only), unless
        saves are held (`unsaved`)."""
        if _held or not isinstance(self.index, UsearchIndex) or self.watermark == self.saved_watermark:
            return False
        if (
            self.saved_at is not None
            and self.watermark - self.saved_watermark < every
            and time.monotonic() - self.saved_at < seconds
        ):
            return False
        self.save()
        return True

    def save(self) -> Path | None:
        if not isinstance(self.index, UsearchIndex):
            return None
        folder = index_folder()
        folder.mkdir(parents=True, exist_ok=True)
        with self.lock:
            name = f"{self.model}-{self.watermark}-{os.getpid()}.usearch"
            self.index.save(folder / name)
            pointer = {"file": name, "model": self.model, "dim": self.dim, "watermark": self.watermark}
            saved = self.watermark
        tmp = folder / f".{self.model}.json.{os.getpid()}"
        tmp.write_text(json.dumps(pointer), encoding="utf-8")
        os.replace(tmp, folder / f"{self.model}.json")
        self.saved_watermark, self.saved_at = saved, time.monotonic()
        # Files of older saves: a process that loaded one holds it in memory, not open.
        for old in folder.glob(f"{self.model}-*.usearch"):
            if old.name != name:
                old.unlink(missing_ok=True)
        return folder / name


def index_folder() -> Path:
    return Path(settings.HOTLINE_HOME) / "dedup"


def _load_saved(model: str, dim: int) -> tuple[UsearchIndex, int] | None:
    pointer_file = index_folder() / f"{model}.json"
    try:
        pointer = json.loads(pointer_file.read_text(encoding="utf-8"))
        if pointer["model"] != model or int(pointer["dim"]) != dim:
            return None
        index = UsearchIndex.load(index_folder() / pointer["file"])
        return index, int(pointer["watermark"])
    except FileNotFoundError:
        return None
    except Exception:
        logger.warning("the saved dedup index %s cannot be read; rebuilding it", pointer_file, exc_info=True)
        return None


_shared: dict[tuple[str, str, str], SharedIndex] = {}
_shared_lock = threading.Lock()


def shared_index() -> SharedIndex:
    """The process's index for the configured embedder and index kind, loaded or rebuilt on first use."""
    embedder = configured_embedder()
    kind = settings.HOTLINE["DEDUP"].get("INDEX", "usearch")
    key = (str(settings.HOTLINE_HOME), embedder.name, kind)
    with _shared_lock:
        shared = _shared.get(key)
        if shared is None:
            loaded = _load_saved(embedder.name, embedder.dim) if kind == "usearch" else None
            if loaded is not None:
                shared = SharedIndex(
                    embedder.name, embedder.dim, kind, loaded[0], loaded[1], loaded[1], time.monotonic()
                )
            else:
                shared = SharedIndex(embedder.name, embedder.dim, kind, new_index(kind, embedder.dim))
            _shared[key] = shared
    # Built (or caught up) here rather than at the first search, which would otherwise pay for it.
    shared.refresh()
    return shared


def rebuild() -> SharedIndex:
    """Build the index anew from the stored vectors and save it (usearch)."""
    embedder = configured_embedder()
    kind = settings.HOTLINE["DEDUP"].get("INDEX", "usearch")
    shared = SharedIndex(embedder.name, embedder.dim, kind, new_index(kind, embedder.dim))
    shared.refresh()
    shared.save()
    with _shared_lock:
        _shared[(str(settings.HOTLINE_HOME), embedder.name, kind)] = shared
    return shared


def forget() -> None:
    """Drop the process's indexes (tests; after the vectors were deleted behind its back)."""
    with _shared_lock:
        _shared.clear()


# Saves held by `unsaved`, however deep.
_held = 0


@contextmanager
def unsaved() -> Iterator[None]:
    """For work that stores vectors in a transaction that may yet roll back (`hotline demo`): this
    process saves no index file meanwhile, and drops its indexes before and after. A file saved
    with vectors that were then rolled back would hold tickets that do not exist, and a watermark
    above rows that, on SQLite, new vectors take again: those would never reach the index. The next
    use loads the saved file, or builds the index from the vectors the database holds."""
    global _held
    forget()
    with _shared_lock:
        _held += 1
    try:
        yield
    finally:
        with _shared_lock:
            _held -= 1
        forget()
