"""The operator's duplicate lookup at a million tickets, through the code the console runs.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME .venv/bin/python bench/dedup_speed.py
        [--caps 128,200] [--queries 200] [--ngram]

NAME is a migrated database holding the tickets (`bench/pages.py --keep --name NAME` makes one of
1,000,000: the demo city and a year of tickets, each with its appeal). The index is built in this
process over every ticket id of that database, with the e5 vectors of the 4,326 board messages
(`bench/dedup.py`'s cache) repeated with small noise, as `bench/dedup.py` does (random vectors have
no neighbourhoods and are HNSW's worst case, not the hotline's), and kept in the temporary folder
for the next run (building it takes minutes); it is installed as the process's index of the
configured model, so `dedup.search.similar` — what `GET /console/similar/` and the API call — runs
unchanged: cut the text, encode it, probe the 50 nearest, read those tickets and their facts from
the database, score them with place, category, time and place names, keep the best five.

Printed, each over `--queries` board messages (whole texts, as an operator could paste them; one at
a time, p50 and p99 of the wall clock and of the process's CPU time, with the load average):

- the index probe alone (the issue: p99 under 20 ms at 1M);
- the lookup without the encoder (the text's vector given: probe, database, scoring);
- the whole lookup with e5 reading each of `--caps` characters (the issue: p99 under 150 ms; the
  engine's threads as HOTLINE_DEDUP_E5_THREADS sets them), and with the n-gram fallback (`--ngram`,
  which builds a second index of 1,024-dimensional vectors);
- the index's memory (usearch's count) and the process's peak resident memory growth.

Nothing is written to the database.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

# bench/dedup.py: the messages, the e5 cache, the Django set-up.
_spec = importlib.util.spec_from_file_location("board", Path(__file__).resolve().parent / "dedup.py")
assert _spec is not None and _spec.loader is not None
board = importlib.util.module_from_spec(_spec)
sys.modules["board"] = board  # its dataclasses look their module up there
_spec.loader.exec_module(board)


def percentiles(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    return f"p50 {statistics.median(ms):7.2f} ms  p99 {p99:7.2f} ms"


def timed(run: Callable[[Any], object], items: Iterable[Any]) -> str:
    """Wall clock and CPU time of `run` over `items`, with the load average at the end."""
    wall, cpu = [], []
    for item in items:
        started, started_cpu = time.perf_counter(), time.process_time()
        run(item)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return f"{percentiles(wall)} | CPU {percentiles(cpu)} | load {os.getloadavg()[0]:.2f} (n={len(wall)})"


def build_index(ids: np.ndarray, vectors: np.ndarray, name: str) -> Any:
    """A usearch index of `ids`, each with one of `vectors` plus small noise; kept in the temporary
    folder under `name` (the database's, the count) for the next run."""
    from hotline.dedup import index as vector_index

    path = Path(tempfile.gettempdir()) / f"hotline-bench-dedup-{name}-{len(ids)}-{vectors.shape[1]}.usearch"
    if path.is_file():
        started = time.perf_counter()
        index = vector_index.UsearchIndex.load(path)
        print(f"index: {len(index):,} vectors loaded from {path} in {time.perf_counter() - started:.1f} s")
        return index
    rng = np.random.default_rng(0)
    index = vector_index.UsearchIndex(vectors.shape[1])
    started = time.perf_counter()
    for start in range(0, len(ids), 50_000):
        keys = ids[start : start + 50_000]
        base = vectors[rng.integers(0, len(vectors), len(keys))]
        noisy = base + rng.normal(scale=0.02, size=base.shape).astype(np.float32)
        noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
        index.add(keys, noisy)
    print(
        f"index: {len(index):,} vectors built in {time.perf_counter() - started:.0f} s "
        f"({os.getloadavg()[0]:.2f} load at the end)"
    )
    index.save(path)
    return index


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument(
        "--caps", default="", help="characters e5 reads, comma-separated (default: the setting)"
    )
    parser.add_argument("--ngram", action="store_true", help="also the n-gram fallback (a second index)")
    args = parser.parse_args()
    board.setup_django()

    from django.conf import settings

    from hotline.dedup.embedders import NgramEmbedder
    from hotline.tickets.models import Ticket

    database = settings.DATABASES["default"]["NAME"]
    print(f"{datetime.now(board.ZONE):%Y-%m-%d %H:%M %Z}, {board.load_average()}, {os.cpu_count()} CPUs")
    messages = board.load_messages()
    texts = [board.text_of(row) for row in messages.values()]
    e5 = board.cached_e5([t[: board.e5_chars()] for t in texts])
    ids = np.fromiter(
        Ticket.objects.order_by("pk").values_list("pk", flat=True).iterator(50_000), dtype=np.int64
    )
    print(f"{len(ids):,} tickets in {database}")

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    index = build_index(ids, e5, str(database))
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    print(f"usearch counts {index.memory_bytes / 2**20:,.0f} MiB, the process's peak grew {grown:,.0f} MiB")

    rng = np.random.default_rng(1)
    queries = [board.whole_text(row) for row in messages.values()]
    queries = [queries[i] for i in rng.choice(len(queries), args.queries, replace=False)]
    caps = [int(c) for c in args.caps.split(",")] if args.caps else [board.e5_chars()]
    # The engine's OpenMP runtime is loaded once per process: every cap runs with these threads.
    print(f"e5 engine: {board.e5_threads()} thread(s)")
    for cap in caps:
        measure("e5", cap, index, queries)
    if args.ngram:
        # The fallback's own index: the same keys with n-gram vectors of the same messages.
        grams = NgramEmbedder()
        measure("ngram", board.e5_chars(), build_index(ids, grams.embed(texts), f"{database}-ngram"), queries)


def measure(kind: str, chars: int, index: Any, queries: list[str]) -> None:
    """The probe, the lookup with the vector given and the whole lookup, with `index` installed as
    the process's index of the configured embedder of `kind` (e5 reading `chars` characters)."""
    from django.conf import settings

    from hotline.core import clock
    from hotline.dedup import embedders
    from hotline.dedup import index as vector_index
    from hotline.dedup.embedders import ticket_text
    from hotline.dedup.scoring import Facts
    from hotline.dedup.search import _matches, similar

    settings.HOTLINE["DEDUP"]["EMBEDDER"] = kind
    settings.HOTLINE["DEDUP"]["E5_CHARS"] = chars
    embedders._embedder.cache_clear()
    embedder = embedders.configured_embedder()
    shared = vector_index.SharedIndex(embedder.name, embedder.dim, "usearch", index, watermark=10**15)
    vector_index._shared[(str(settings.HOTLINE_HOME), embedder.name, "usearch")] = shared
    vectors = embedder.embed([ticket_text(q, "") for q in queries])
    similar(queries[0])  # warm-up: the model, the connection, the areas
    facts = Facts(at=clock.now())

    def given(vector: np.ndarray) -> None:
        _matches(vector, facts, top=5, tickets=None, exclude=set(), kind=embedder.kind)

    print(f"\n{embedder.name}:")
    print(f"  probe the 50 nearest            {timed(lambda v: shared.search(v, 50), vectors)}")
    print(f"  lookup, the vector given        {timed(given, vectors)}")
    print(
        f"  encode alone                    {timed(lambda q: embedder.embed([ticket_text(q, '')]), queries)}"
    )
    print(f"  lookup: encode, probe, score    {timed(similar, queries)}")


if __name__ == "__main__":
    main()
