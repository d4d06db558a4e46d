"""How often urgency detection fires on real citizens' messages, and what cancels it.

    .venv/bin/python bench/urgency.py              # the figures of docs/benchmarks.md
    .venv/bin/python bench/urgency.py --show 20    # and 20 flagged messages, to read

Data: the 2,792 messages as citizens wrote them (`form=raw`) in
`../shared/data/tipdm/messages_labelled.csv`. They are letters to a message board, not calls about
something happening now, so nearly all of them are not urgent in the 30-minute sense: the share
flagged is an upper bound on the false-alarm rate, and the signs cancelled show what the negation,
hypothesis, recurrence and history rules take out. No figure here is a recall: the data has no
urgency labels (the tests hold the cases that must be caught).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from hotline.routing.dataset import read_labelled_csv  # noqa: E402
from hotline.routing.text import normalize  # noqa: E402
from hotline.routing.urgency import detect  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "tipdm" / "messages_labelled.csv"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--show", type=int, default=0, help="print this many flagged messages (a sample)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if not DATA.is_file():
        raise SystemExit(f"data not found: {DATA}\n(the shared data folder sits next to the repository)")
    data = read_labelled_csv(DATA, extra_cols=("form",))
    texts = [t for t, form in zip(data.texts, data.extra["form"], strict=True) if form == "raw"]

    started = time.perf_counter()
    results = [detect(text) for text in texts]
    seconds = time.perf_counter() - started
    flagged = [(text, found) for text, found in zip(texts, results, strict=True) if found.urgent]
    counted: Counter[str] = Counter()
    cancelled: Counter[str] = Counter()
    for found in results:
        for finding in found.findings:
            if finding.counted:
                counted[finding.sign] += 1
            else:
                cancelled[finding.why_not] += 1

    print(f"messages: {len(texts)} (form=raw)")
    print(f"flagged urgent: {len(flagged)} ({100 * len(flagged) / len(texts):.1f} %)")
    print("signs counted: " + ", ".join(f"{sign} {n}" for sign, n in counted.most_common()))
    print("signs cancelled: " + ", ".join(f"{why} {n}" for why, n in cancelled.most_common()))
    print(f"time: {1000 * seconds / len(texts):.3f} ms per message")
    for text, found in random.Random(args.seed).sample(flagged, min(args.show, len(flagged))):
        clean = normalize(text)
        first = next(f for f in found.findings if f.counted)
        at = clean.find(first.text)
        print(f"- {first.sign}: …{clean[max(0, at - 30) : at + 20]}…")


if __name__ == "__main__":
    main()
