"""The reply-quality check (feedback/quality.py) on real appeals and their official replies.

    .venv/bin/python bench/replies.py            # the figures of docs/benchmarks.md
    .venv/bin/python bench/replies.py --fit      # also print the weights fitted on all 100 labels

Data (read from ../shared/data, never copied): `raw/tipdm2020c_syucryingstar/
fujian4_messages_with_replies.csv`, 2,816 messages of a provincial message board with their
official replies; `raw/tipdm2020c_rollbear/fujian4_with_100_quality_labels.csv`, the same with 100
replies labelled by hand (by another team, 2020) for completeness (完整性, 75 good) and
interpretability (可解释性, 59 good). Relevance has no labels.

What it prints:

1. The distribution of the three scores over the 2,816 replies (deciles) and the share flagged
   weak by each criterion with the configured cuts.
2. Relevance against a control: every reply scored against its own appeal and against another
   appeal drawn at random (seeded). The area under the ROC curve, and the share of real pairs and
   of shuffled pairs under the cut (`HOTLINE["REPLY_CHECK"]["RELEVANCE_MIN"]`).
3. Agreement with the 100 labels, per criterion: accuracy and Cohen's kappa of the check against
   the rule that looks at the reply's length alone, both tuned the same way, by 10-fold
   stratified cross-validation repeated 20 times (seeded): in each fold the logistic weights of
   the check and the length rule's cut are chosen on the 90 training replies only and judged on
   the 10 held out. Overall and on the replies of 80-200 characters, where length does not
   decide. The signals (the elements the issue lists, a reason, the length of what the reply says
   beyond its formula) were chosen before any fitting, but by someone who had read these replies:
   a reader's leak that cross-validation cannot remove.
4. The shipped weights (fitted on all 100) scored on the same 100: in-sample, for reference only.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import cohen_kappa_score, roc_auc_score
from sklearn.model_selection import RepeatedStratifiedKFold

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")
os.environ.setdefault("HOTLINE_HOME", tempfile.mkdtemp(prefix="hotline-bench-"))
import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from hotline.feedback import quality  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "raw"
REPLIES = DATA / "tipdm2020c_syucryingstar" / "fujian4_messages_with_replies.csv"
LABELS = DATA / "tipdm2020c_rollbear" / "fujian4_with_100_quality_labels.csv"
LABEL_COLUMNS = {"completeness": "完整性指标", "interpretability": "可解释性指标"}
RELEVANCE_MIN = float(settings.HOTLINE["REPLY_CHECK"]["RELEVANCE_MIN"])
SCORE_MIN = float(settings.HOTLINE["REPLY_CHECK"]["SCORE_MIN"])
FOLDS, REPEATS, SEED = 10, int(os.environ.get("REPEATS", "20")), 20200
C = 1.0  # the logistic regression's regularisation, fixed (not tuned on the labels)
MID = (80, 200)


def read(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        sys.exit(f"skipped: {path} is absent (the shared data folder is not next to the repository)")
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def length(reply: str) -> int:
    return len(quality.normalize(reply))


def deciles(values: Sequence[float]) -> str:
    cuts = statistics.quantiles(values, n=10)
    return " ".join(f"{v:.2f}" for v in cuts)


def features(replies: Sequence[str], criterion: str) -> np.ndarray:
    names = quality.FEATURES[criterion]
    rows = [quality.signals(r) for r in replies]
    return np.array([[row[n] for n in names] for row in rows])


def fit(x: np.ndarray, y: np.ndarray) -> LogisticRegression:
    return LogisticRegression(C=C, max_iter=5000).fit(x, y)


def length_cut(lengths: np.ndarray, y: np.ndarray) -> int:
    """The cut (good from this many characters on) with the best accuracy on these replies; the
    lowest of equals."""
    best, best_acc = 0, -1.0
    for cut in [*sorted(set(lengths.tolist())), int(lengths.max()) + 1]:
        acc = float(np.mean((lengths >= cut) == y))
        if acc > best_acc:
            best, best_acc = cut, acc
    return best


def cross_validate(
    x: np.ndarray, lengths: np.ndarray, y: np.ndarray, mid: np.ndarray
) -> dict[str, dict[str, list[float]]]:
    """Per repetition: accuracy and kappa of the check and of the length rule, overall and mid."""
    found: dict[str, dict[str, list[float]]] = {
        who: {"acc": [], "kappa": [], "acc_mid": [], "kappa_mid": []} for who in ("check", "length")
    }
    splitter = RepeatedStratifiedKFold(n_splits=FOLDS, n_repeats=REPEATS, random_state=SEED)
    predicted = {"check": np.zeros_like(y), "length": np.zeros_like(y)}
    for i, (train, test) in enumerate(splitter.split(x, y)):
        model = fit(x[train], y[train])
        predicted["check"][test] = (model.predict_proba(x[test])[:, 1] >= SCORE_MIN).astype(int)
        predicted["length"][test] = (lengths[test] >= length_cut(lengths[train], y[train])).astype(int)
        if (i + 1) % FOLDS == 0:  # one repetition done: every reply predicted once
            for who, p in predicted.items():
                found[who]["acc"].append(float(np.mean(p == y)))
                found[who]["kappa"].append(float(cohen_kappa_score(y, p)))
                found[who]["acc_mid"].append(float(np.mean(p[mid] == y[mid])))
                found[who]["kappa_mid"].append(_kappa(y[mid], p[mid]))
    return found


def _kappa(y: np.ndarray, p: np.ndarray) -> float:
    if len(set(y.tolist()) | set(p.tolist())) < 2:
        return float("nan")
    return float(cohen_kappa_score(y, p))


def mean_sd(values: list[float]) -> str:
    clean = [v for v in values if v == v]
    if not clean:
        return "  n/a    "
    return f"{statistics.mean(clean):.3f}±{statistics.pstdev(clean):.3f}"


def report_distribution(rows: list[dict[str, str]]) -> None:
    scores: dict[str, list[float]] = {c: [] for c in quality.CRITERIA}
    weak = {c: 0 for c in quality.CRITERIA}
    any_weak = 0
    cut = {"relevance": RELEVANCE_MIN, "completeness": SCORE_MIN, "interpretability": SCORE_MIN}
    for row in rows:
        reply = row["答复意见"]
        found = quality.signals(reply)
        s = {
            "relevance": quality.relevance(row["留言主题"], row["留言详情"], reply),
            "completeness": quality.logistic("completeness", found),
            "interpretability": quality.logistic("interpretability", found),
        }
        flagged = False
        for c in quality.CRITERIA:
            scores[c].append(s[c])
            if s[c] < cut[c]:
                weak[c] += 1
                flagged = True
        any_weak += flagged
    n = len(rows)
    print(f"1. Scores of {n:,} official replies (deciles 10%..90%) and the share under the cut")
    for c in quality.CRITERIA:
        print(
            f"   {c:<17} mean {statistics.mean(scores[c]):.2f}  deciles {deciles(scores[c])}"
            f"   weak (< {cut[c]}) {weak[c] / n:6.1%}"
        )
    print(f"   weak by any criterion: {any_weak:,} ({any_weak / n:.1%})")
    lengths = [length(r["答复意见"]) for r in rows]
    spread = " ".join(str(int(v)) for v in statistics.quantiles(lengths, n=10))
    print(f"   reply length (chars): deciles {spread}")


def report_relevance(rows: list[dict[str, str]]) -> None:
    rng = random.Random(SEED)
    real, shuffled = [], []
    for i, row in enumerate(rows):
        real.append(quality.relevance(row["留言主题"], row["留言详情"], row["答复意见"]))
        j = rng.randrange(len(rows) - 1)
        other = rows[j if j < i else j + 1]
        shuffled.append(quality.relevance(other["留言主题"], other["留言详情"], row["答复意见"]))
    auc = roc_auc_score([1] * len(real) + [0] * len(shuffled), real + shuffled)
    under_real = sum(v < RELEVANCE_MIN for v in real) / len(real)
    under_shuffled = sum(v < RELEVANCE_MIN for v in shuffled) / len(shuffled)
    print("\n2. Relevance: each reply against its own appeal and against a random other appeal")
    print(f"   own appeal:   mean {statistics.mean(real):.2f}  deciles {deciles(real)}")
    print(f"   other appeal: mean {statistics.mean(shuffled):.2f}  deciles {deciles(shuffled)}")
    print(
        f"   ROC AUC {auc:.3f}; under the cut {RELEVANCE_MIN}: {under_real:.1%} of real pairs, "
        f"{under_shuffled:.1%} of shuffled pairs"
    )
    best = max(
        (sum(v >= t for v in real) + sum(v < t for v in shuffled), t) for t in [k / 100 for k in range(1, 60)]
    )
    print(f"   (the cut that separates them best: {best[1]:.2f}, {best[0] / (2 * len(real)):.1%} right)")


def report_labels(labelled: list[dict[str, str]], do_fit: bool) -> None:
    replies = [r["答复意见"] for r in labelled]
    lengths = np.array([length(r) for r in replies])
    mid = (lengths >= MID[0]) & (lengths <= MID[1])
    print(
        f"\n3. Agreement with {len(labelled)} hand labels, {FOLDS}-fold CV x {REPEATS} (mean±sd over "
        f"repetitions); mid = {mid.sum()} replies of {MID[0]}-{MID[1]} chars"
    )
    print(
        f"   {'criterion':<17} {'rule':<7} {'accuracy':>12} {'kappa':>12} {'acc. mid':>12} {'kappa mid':>12}"
    )
    fitted: dict[str, dict[str, float]] = {}
    for criterion, column in LABEL_COLUMNS.items():
        y = np.array([int(float(r[column])) for r in labelled])
        x = features(replies, criterion)
        found = cross_validate(x, lengths, y, mid)
        for who in ("check", "length"):
            f = found[who]
            print(
                f"   {criterion:<17} {who:<7} {mean_sd(f['acc']):>12} {mean_sd(f['kappa']):>12} "
                f"{mean_sd(f['acc_mid']):>12} {mean_sd(f['kappa_mid']):>12}"
            )
        print(
            f"   {'':<17} (positives: {y.mean():.0%} overall, {y[mid].mean():.0%} mid; all-good rule "
            f"{max(y.mean(), 1 - y.mean()):.2f})"
        )
        model = fit(x, y)
        names = quality.FEATURES[criterion]
        fitted[criterion] = {"intercept": round(float(model.intercept_[0]), 3)} | {
            n: round(float(w), 3) for n, w in zip(names, model.coef_[0], strict=True)
        }
        shipped = np.array([quality.logistic(criterion, quality.signals(r)) >= SCORE_MIN for r in replies])
        print(f"   {'':<17} shipped weights, in-sample: accuracy {np.mean(shipped == y):.2f}")
    if do_fit:
        print("\nWEIGHTS fitted on all labels (paste into feedback/quality.py):")
        print(fitted)


def main(argv: Sequence[str] | None = None, out: Callable[..., None] = print) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--fit", action="store_true", help="print the weights fitted on all 100 labels")
    args = parser.parse_args(argv)
    rows = [r for r in read(REPLIES) if r["答复意见"].strip()]
    labelled = [r for r in read(LABELS) if r[LABEL_COLUMNS["completeness"]].strip()]
    report_distribution(rows)
    report_relevance(rows)
    report_labels(labelled, args.fit)


if __name__ == "__main__":
    main()
