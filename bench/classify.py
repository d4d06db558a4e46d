"""Accuracy, speed and memory of the category classifier on real citizens' messages.

    .venv/bin/python bench/classify.py --jobs 1          # the figures of docs/benchmarks.md
    .venv/bin/python bench/classify.py --sweep           # cross-validate the alternatives too (slow)
    .venv/bin/python bench/classify.py --ungrouped       # the old protocol, near-copies split apart
    .venv/bin/python bench/classify.py --function-words  # derive text.FUNCTION_WORDS from the data

Data: `../shared/data/tipdm/messages_labelled.csv` next to the repository (TipDM Cup 2020 C, 7
first-level categories). 2,792 rows are messages as citizens wrote them (`form=raw`); 5,437 rows
survive only as a word-segmented copy with stop words removed (`form=segmented`), a weaker text.

Protocol (what the figures mean):

- 5-fold stratified cross-validation, folds stratified by label *and* form, so that every fold
  holds the same share of raw rows of each category. Seed 0.
- Near-copies stay together: `classifier.near_duplicate_groups` ties rows that share at least
  60 % of the character bigrams of the shorter one (926 rows in 428 groups: the same message
  posted twice, and about 190 raw messages whose segmented copy is also in the file), and no group
  is split over two folds. Splitting them, as this benchmark did before (`--ungrouped`), lets a
  model be scored on messages whose copy it was trained on, about a point too high on raw rows.
- In each fold the model is trained on all the other folds' rows, raw and segmented; adding the
  segmented rows lifts the raw-row score by about 2.5 points over training on raw rows alone.
- Each fold's model is scored on all of the fold's rows ("all rows") and on its raw rows only
  ("raw rows"): the raw rows are what a deployment sees. The figure is the mean macro-F1 over the
  5 folds, with the standard deviation and the per-fold values as the spread.
- Settings were chosen by this cross-validation only; nothing here looks at messages outside the
  labelled file, and there is no held-out test set to tune against.
- Training time: one fit on all 8,229 rows (jieba, TF-IDF, SVM, calibration) in a fresh process;
  its peak resident memory is reported with it.
- Latency: a fresh process loads the saved model, is pinned to one CPU (BLAS threads limited to
  one) and predicts the top 3 categories of each raw message, one message per call, after a
  warm-up. Wall-clock and CPU time per message are both given: on a shared machine the wall clock
  also counts time spent waiting for the CPU.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import re
import resource
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from hotline.routing import classifier  # noqa: E402
from hotline.routing import text as text_mod  # noqa: E402
from hotline.routing.dataset import read_labelled_csv  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "tipdm" / "messages_labelled.csv"

# What --sweep cross-validates besides the defaults: one change at a time.
SWEEP: dict[str, dict[str, Any]] = {
    "the calibrated SVM alone (the model before 2026-11-29)": {"model": "svm"},
    "the stack with the plain SVM instead of the NB-SVM": {
        "stack_bases": ("svm", "nb_chars", "nb_all", "ridge")
    },
    "no function-word stripping": {"strip_function_words": False},
    "cut 350": {"max_chars": 350},
    "cut 800": {"max_chars": 800},
    "cut 800, words of the first 250": {"max_chars": 800, "word_max_chars": 250},
    "no head block": {"head_chars": 0},
    "head 40 chars": {"head_chars": 40},
    "C=0.5": {"C": 0.5},
    "C=2": {"C": 2.0},
    "no class weights": {"class_weight": None},
    "char 1-4, min_df 3": {"char_ngram": (1, 4), "char_min_df": 3},
    "word bigrams": {"word_ngram": (1, 2)},
    "the SVM with temperature calibration": {"model": "svm", "calibration": "temperature"},
}


def derive_function_words(texts: list[str], forms: list[str]) -> list[str]:
    """The rule behind `text.FUNCTION_WORDS`, from the form column alone (no labels).

    jieba tokens of the normalised texts found in at least 20 raw messages, whose rate among the
    segmented copies is under 2 % of their rate in the raw messages, Chinese characters only, and,
    for words of two or more characters, whose rate as a substring of the segmented copies is under
    30 % of that in the raw messages (so that a word the copies keep inside longer words, such as
    "保险" in "养老保险", is not stripped from them). Most frequent first.
    """
    raw_counts: Counter[str] = Counter()
    raw_docs: Counter[str] = Counter()
    seg_counts: Counter[str] = Counter()
    raw_texts: list[str] = []
    seg_texts: list[str] = []
    for text, form in zip(texts, forms, strict=True):
        clean = text_mod.normalize(text)
        tokens = text_mod.jieba.lcut(clean)
        if form == "raw":
            raw_texts.append(clean)
            raw_counts.update(tokens)
            raw_docs.update(set(tokens))
        else:
            seg_texts.append(clean)
            seg_counts.update(tokens)
    raw_total, seg_total = sum(raw_counts.values()), sum(seg_counts.values())
    raw_chars, seg_chars = sum(map(len, raw_texts)), sum(map(len, seg_texts))

    def substring_ratio(word: str) -> float:
        in_seg = sum(text.count(word) for text in seg_texts) / seg_chars
        return in_seg / (max(1, sum(text.count(word) for text in raw_texts)) / raw_chars)

    chosen = [
        token
        for token, docs in raw_docs.items()
        if docs >= 20
        and re.fullmatch(r"[\u4e00-\u9fff]+", token)
        and (seg_counts[token] / seg_total) / (raw_counts[token] / raw_total) < 0.02
        and (len(token) == 1 or substring_ratio(token) < 0.3)
    ]
    return sorted(chosen, key=lambda token: (-raw_docs[token], token))


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB.

    VmHWM belongs to the process's own address space. getrusage's ru_maxrss is no use in a child
    started by `spawn`: Linux carries the high-water mark of the forked parent's address space
    over the exec, so every child would report at least the parent's size at the time.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def machine_speed() -> str:
    """How fast this machine runs the kind of code prediction is made of, right now.

    The shared VM's speed changes from day to day by a factor of three or more, and not evenly:
    a tight loop may run at full speed while look-ups in large dictionaries (jieba's 350,000-word
    dictionary, the 400,000-term vocabularies) are slowed by cache misses. Every latency and
    training figure is printed next to both, so that figures of different days can be compared.
    """
    started = time.process_time()
    total = 0
    for i in range(5_000_000):
        total += i
    loop = time.process_time() - started
    keys = [f"{i:x}" for i in range(1_000_000)]
    table = dict.fromkeys(keys, 1)
    # New string objects each time, as an analyzer makes them: their hashes are not cached.
    probes = ["".join(keys[(i * 7919) % len(keys)]) for i in range(1_000_000)]
    started = time.process_time()
    for key in probes:
        total += table[key]
    lookup = (time.process_time() - started) / len(probes) * 1e9
    return f"a 5,000,000-step Python loop {loop:.2f} s; a look-up in a 1,000,000-key dict {lookup:.0f} ns"


def groups_fingerprint(groups: list[int]) -> str:
    """A short hash of the near-copy partition: with the seed it fixes the folds.

    The same code and seed have printed raw-row figures up to 0.45 points apart on two machines.
    Equal fingerprints say the folds were the same and the difference came from the arithmetic
    (solvers stopping at a tolerance flip a few borderline messages), not from the folds.
    """
    members: dict[int, list[int]] = {}
    for row, group in enumerate(groups):
        members.setdefault(group, []).append(row)
    tied = sorted(rows for rows in members.values() if len(rows) > 1)
    return hashlib.sha256(repr(tied).encode()).hexdigest()[:12]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def load() -> tuple[list[str], list[str], list[str]]:
    if not DATA.is_file():
        raise SystemExit(f"data not found: {DATA}\n(the shared data folder sits next to the repository)")
    data = read_labelled_csv(DATA, extra_cols=("form",))
    for problem in data.problems:
        print(f"{DATA.name} {problem}", file=sys.stderr)
    return data.texts, data.labels, data.extra["form"]


def cross_validate(
    texts: list[str], labels: list[str], forms: list[str], settings: classifier.FeatureSettings, args: Any
) -> dict[str, Any]:
    return classifier.cross_validate(
        texts,
        labels,
        folds=args.folds,
        settings=settings,
        strata=[f"{label}|{form}" for label, form in zip(labels, forms, strict=True)],
        groups=args.groups,
        group_near_duplicates=not args.ungrouped,
        subsets={
            "raw": [form == "raw" for form in forms],
            "segmented": [form != "raw" for form in forms],
        },
        seed=args.seed,
        n_jobs=args.jobs,
    )


def _train_child(
    texts: list[str], labels: list[str], settings: classifier.FeatureSettings, out: str, queue: Any
) -> None:
    model = classifier.train(texts, labels, settings)
    classifier.save(model, out)
    queue.put({"training_seconds": model.meta["training_seconds"], "peak_rss_mb": peak_rss_mb()})


def _latency_child(folder: str, texts: list[str], cpu: int, queue: Any) -> None:
    from threadpoolctl import threadpool_limits

    os.sched_setaffinity(0, {cpu})
    with threadpool_limits(limits=1):
        started = time.perf_counter()
        model = classifier.load(folder)
        load_seconds = time.perf_counter() - started
        rss_loaded = peak_rss_mb()
        for text in texts[:50]:  # warm-up: jieba's dictionary, the scorer, caches
            classifier.predict_top(model, text)
        wall: list[float] = []
        cpu_time: list[float] = []
        for text in texts:
            w0, c0 = time.perf_counter_ns(), time.thread_time_ns()
            classifier.predict_top(model, text, k=3)
            cpu_time.append((time.thread_time_ns() - c0) / 1e6)
            wall.append((time.perf_counter_ns() - w0) / 1e6)
    queue.put(
        {
            "messages": len(texts),
            "load_seconds": round(load_seconds, 2),
            "rss_after_load_mb": round(rss_loaded, 1),
            "peak_rss_mb": round(peak_rss_mb(), 1),
            "wall_ms": {
                q: round(percentile(wall, v), 3) for q, v in (("p50", 0.5), ("p90", 0.9), ("p99", 0.99))
            }
            | {"max": round(max(wall), 3), "mean": round(statistics.fmean(wall), 3)},
            "cpu_ms": {
                q: round(percentile(cpu_time, v), 3) for q, v in (("p50", 0.5), ("p90", 0.9), ("p99", 0.99))
            }
            | {"max": round(max(cpu_time), 3), "mean": round(statistics.fmean(cpu_time), 3)},
        }
    )


def in_child(target: Any, *args: Any) -> dict[str, Any]:
    """Run `target` in a fresh process (its own peak memory, no state from this one)."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=target, args=(*args, queue))
    process.start()
    result = queue.get()
    process.join()
    if process.exitcode:
        raise SystemExit(f"{target.__name__} failed with exit code {process.exitcode}")
    return result


def show_cv(name: str, result: dict[str, Any]) -> None:
    folds = " ".join(f"{fold['macro_f1']:.4f}" for fold in result["folds"])
    print(
        f"  {name:<10} n={result['n']:>5}  macro-F1 {result['macro_f1']:.4f} ± {result['macro_f1_std']:.4f}"
        f"  (folds {folds}; pooled {result['pooled_macro_f1']:.4f})  accuracy {result['accuracy']:.4f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=2, choices=[1, 2], help="parallel folds (default 2)")
    parser.add_argument("--cpu", type=int, default=0, help="CPU to pin the latency run to (default 0)")
    parser.add_argument("--skip-cv", action="store_true", help="only training time, latency, size, memory")
    parser.add_argument(
        "--ungrouped", action="store_true", help="old protocol: near-copies may sit on both sides of a split"
    )
    parser.add_argument(
        "--function-words", action="store_true", help="derive text.FUNCTION_WORDS from the data and stop"
    )
    parser.add_argument("--sweep", action="store_true", help="also cross-validate the alternatives in SWEEP")
    parser.add_argument("--json", type=Path, help="write every figure to this file as well")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=JSON",
        help="change one feature setting for this run, e.g. --set head_chars=40 --set 'char_ngram=[1,4]'",
    )
    args = parser.parse_args()

    texts, labels, forms = load()
    if args.function_words:
        derived = derive_function_words(texts, forms)
        print(" ".join(derived))
        same = tuple(derived) == text_mod.FUNCTION_WORDS
        print(f"{len(derived)} words; {'the same as' if same else 'DIFFERENT from'} text.FUNCTION_WORDS")
        return
    raw_texts = [text for text, form in zip(texts, forms, strict=True) if form == "raw"]
    print(f"{DATA}: {len(texts)} rows, {len(raw_texts)} raw, {len(set(labels))} labels")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)")
    speed = machine_speed()
    print(f"machine speed (CPU time): {speed}")
    args.groups = None
    fingerprint = None
    if not args.ungrouped:
        started = time.perf_counter()
        args.groups = classifier.near_duplicate_groups(texts)
        fingerprint = groups_fingerprint(args.groups)
        sizes = Counter(args.groups)
        tied = [size for size in sizes.values() if size > 1]
        raw_with_copy = sum(
            1 for group, form in zip(args.groups, forms, strict=True) if form == "raw" and sizes[group] > 1
        )
        print(
            f"near-copies: {sum(tied)} rows in {len(tied)} groups (largest {max(tied, default=1)}), "
            f"{raw_with_copy} raw rows among them; fingerprint {fingerprint}; "
            f"{time.perf_counter() - started:.1f} s"
        )
    changes = {}
    for item in args.set:
        name, _, value = item.partition("=")
        if name not in classifier.FeatureSettings.__dataclass_fields__:
            raise SystemExit(f"--set {item}: no setting called {name!r}")
        changes[name] = json.loads(value)
    settings = classifier.FeatureSettings.from_dict(asdict(classifier.DEFAULT_SETTINGS) | changes)
    print(f"settings: {json.dumps(asdict(settings), ensure_ascii=False)}")
    report: dict[str, Any] = {
        "data": str(DATA),
        "rows": len(texts),
        "settings": asdict(settings),
        "machine_speed": speed,
        "groups_fingerprint": fingerprint,
    }

    if not args.skip_cv:
        kind = "ungrouped (near-copies split apart)" if args.ungrouped else "near-copies kept together"
        print(f"\n{args.folds}-fold stratified CV, {kind}, seed {args.seed}, trained on all rows:")
        result = cross_validate(texts, labels, forms, settings, args)
        if not args.ungrouped and not result["grouped"]:
            raise SystemExit("the near-copy groups could not be spread over the folds")
        show_cv("all rows", result)
        show_cv("raw rows", result["subsets"]["raw"])
        show_cv("segmented", result["subsets"]["segmented"])
        per_class = result["subsets"]["raw"]["per_class"]
        print("  raw rows, F1 per class: " + ", ".join(f"{k} {v['f1']:.3f}" for k, v in per_class.items()))
        print(f"  ({result['seconds']:.0f} s)")
        report["cv"] = result

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "model"
        print("\nfull fit on all rows (fresh process):")
        fit = in_child(_train_child, texts, labels, settings, str(folder))
        size = sum(f.stat().st_size for f in folder.iterdir())
        print(f"  training {fit['training_seconds']:.1f} s, peak memory {fit['peak_rss_mb']:.0f} MB")
        print(f"  model on disk {size / 1e6:.1f} MB ({', '.join(f.name for f in sorted(folder.iterdir()))})")
        report["training"] = fit | {"model_bytes": size}

        print(f"\nprediction, one message per call, {len(raw_texts)} raw messages, pinned to CPU {args.cpu}:")
        latency = in_child(_latency_child, str(folder), raw_texts, args.cpu)
        for kind in ("wall_ms", "cpu_ms"):
            figures = latency[kind]
            print(
                f"  {kind[:-3]:<5} p50 {figures['p50']:.2f} ms  p90 {figures['p90']:.2f} ms  "
                f"p99 {figures['p99']:.2f} ms  max {figures['max']:.2f} ms  mean {figures['mean']:.2f} ms"
            )
        print(
            f"  model load {latency['load_seconds']:.1f} s, "
            f"memory after load {latency['rss_after_load_mb']:.0f} MB, peak {latency['peak_rss_mb']:.0f} MB"
        )
        report["latency"] = latency

    if args.sweep:
        print(f"\nalternatives ({args.folds}-fold CV, macro-F1 on raw rows / all rows):")
        report["sweep"] = {}
        for name, changes in SWEEP.items():
            result = cross_validate(texts, labels, forms, settings.replace(**changes), args)
            raw = result["subsets"]["raw"]
            print(
                f"  {name:<26} raw {raw['macro_f1']:.4f} ± {raw['macro_f1_std']:.4f}"
                f"   all {result['macro_f1']:.4f} ± {result['macro_f1_std']:.4f}",
                flush=True,
            )
            report["sweep"][name] = {"changes": changes, "raw": raw["macro_f1"], "all": result["macro_f1"]}

    print(f"\nload average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"machine speed at the end: {machine_speed()}")
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
