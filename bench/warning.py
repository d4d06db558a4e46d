"""Early warning replayed on a real message timeline: which days warn, how soon after their first
message the biggest hot spots are warned about, and how many warnings are false alarms per week.

    .venv/bin/python bench/warning.py                  # e5 vectors (cached by bench/hotspots.py)
    .venv/bin/python bench/warning.py --embedder ngram

Data: the 4,326 messages of `../shared/data/raw/tipdm2020c_syucryingstar/fujian3_messages_with_votes.csv`
(2019 and January 2020, about 12 a day), received through intake into a throwaway SQLite database
as bench/hotspots.py does. The board's messages have neither a category nor an area, which the
spikes are counted by, so the bench gives them what routing would: the district named in the text
("A2区", "A7县": a gazetteer of the city's eight districts is created) and a first-level category
from a character TF-IDF + linear SVM trained on `../shared/data/tipdm/messages_labelled.csv` (the
7 labelled classes of the same board).

The replay: for every day from `--start` to the last message, at 23:59 local time, with the clock
frozen there, the worker's refresh runs as deployed (`analytics.tasks.refresh_due` without the
report periods): the hot spots of the last 30 days (`hotspot_sets.make_recent`, from the stored
vectors) and the look for spikes and fast-growing hot spots (`early_warning.scan`); nobody
dismisses anything. Then:

- the days that raised warnings, with what they raised;
- for the top hot spots of the whole period (`hotspots.find` over all of it), the first warning
  that is about them (a hot spot warning sharing an appeal, or a spike of their cell whose window
  holds one of their appeals) and how many days after their first message it came;
- false alarms: there is no truth to check a warning against, so a warning counts as *explained*
  when one of the appeals behind it belongs to a hot spot of the whole period with at least
  `--explained` appeals, and as a false alarm otherwise (a rise of unrelated appeals); per week of
  the replay;
- a fixed yardstick for earliness: the rises the first spike rule found (`REFERENCE`: at least 5
  appeals and a tail probability under 0.001, the defaults until 2026-12-03), looked for every
  evening beside the deployed rules (nothing recorded), and for each the first warning of this run
  about any of its appeals (raised or updated that evening) and its wait in working days. A rule
  that only warns about fewer rises looks early on its own spikes; on these it does not.

A warning is one episode (ADR 0015, addendum of 2026-12-03): a rule's finding about mostly the
appeals of a warning of the last days joins it. The bench counts warnings (what the leaders are
alarmed by) and findings (each rule's: the spikes and their wait are the spike rule's findings,
whether they raised a warning or joined one).
"""

from __future__ import annotations

import argparse
import csv
import re
import statistics
import sys
import time
from collections import Counter
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any

from hotspots import DATA, ZONE, parse_time, prefill_vectors, read_messages, setup_django  # bench/hotspots.py

ROOT = Path(__file__).resolve().parent.parent
LABELLED = ROOT.parent / "shared" / "data" / "tipdm" / "messages_labelled.csv"
DISTRICT = re.compile(r"A\d[区县]")
# The first spike rule (ADR 0015 as of 2026-12-02): the rises it finds are the yardstick. It counted
# appeals (every post), not people.
REFERENCE = {"MIN_COUNT": 5, "ALPHA": 0.001, "COUNT": "appeals"}


def train_classifier() -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    with LABELLED.open(encoding="utf-8-sig", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["label"]]
    model = make_pipeline(
        TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=2), LinearSVC(C=0.5)
    )
    model.fit([r["text"] for r in rows], [r["label"] for r in rows])
    return model


def receive_placed(rows: list[dict[str, str]]) -> int:
    """Every message through intake, with the district its text names and the category the
    classifier gives; votes on the appeals."""
    from hotline.core import clock
    from hotline.core.enums import Channel, DepartmentLevel
    from hotline.directory.models import Department
    from hotline.intake.actions import AppealData, do_receive_appeal
    from hotline.intake.models import Appeal
    from hotline.taxonomy.models import Category

    model = train_classifier()
    texts = [f"{r['留言主题']}{re.sub(r'\s+', '', r['留言详情'])}" for r in rows]
    labels = model.predict(texts)
    categories = {
        name: Category.objects.create(code=f"C{n:02d}", name=name, level=1).pk
        for n, name in enumerate(sorted(set(labels)), 1)
    }
    city = Department.objects.create(code="A", name="A市", level=DepartmentLevel.CITY, is_area=True)
    districts: dict[str, int] = {}
    now = max(t for t in (parse_time(r["留言时间"]) for r in rows) if t is not None)
    received = 0
    with clock.frozen_at(now):
        for row, label in zip(rows, labels, strict=True):
            at = parse_time(row["留言时间"])
            title = row["留言主题"].strip()
            if at is None or not title:
                continue
            found = DISTRICT.search(row["留言主题"] + row["留言详情"][:150])
            area_id = None
            if found:
                name = found.group(0)
                if name not in districts:
                    districts[name] = Department.objects.create(
                        code=f"A{len(districts) + 1:02d}",
                        name=name,
                        level=DepartmentLevel.DISTRICT,
                        parent=city,
                        is_area=True,
                    ).pk
                area_id = districts[name]
            content = re.sub(r"\s+", " ", row["留言详情"]).strip()
            _ticket, created = do_receive_appeal(
                AppealData(
                    channel=Channel.WEB,
                    title=title[:200],
                    content=content or title,
                    received_at=at,
                    external_id=row["留言编号"].strip(),
                    citizen_name=row["留言用户"].strip()[:50],
                    category_id=categories[label],
                    area_id=area_id,
                ),
                None,
                route=False,
            )
            received += created
            Appeal.objects.filter(channel=Channel.WEB, external_id=row["留言编号"].strip()).update(
                likes=int(row["点赞数"] or 0), dislikes=int(row["反对数"] or 0)
            )
    print(f"  categories by the classifier: {dict((str(k), n) for k, n in Counter(labels).most_common())}")
    unplaced = Appeal.objects.filter(ticket__area__isnull=True).count()
    print(f"  districts named: {len(districts)}; appeals without one: {unplaced:,}")
    return received


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--embedder", default="e5", choices=["e5", "ngram"])
    parser.add_argument("--cache", default=str(Path("/tmp") / "hotline-hotspots-vectors.npz"))
    parser.add_argument(
        "--start", default="2019-02-01", help="first day replayed (the weeks before are history)"
    )
    parser.add_argument("--top", type=int, default=10, help="hot spots of the whole period followed")
    parser.add_argument(
        "--explained", type=int, default=5, help="least appeals of a hot spot that explains a warning"
    )
    args = parser.parse_args()
    if not DATA.is_file() or not LABELLED.is_file():
        sys.exit(f"skipped: {DATA} or {LABELLED} is not there")
    setup_django(args.embedder)
    from django.conf import settings
    from django.test import override_settings

    from hotline.analytics import early_warning, hotspot_sets, hotspots
    from hotline.analytics.models import EarlyWarning
    from hotline.core import clock
    from hotline.intake.models import Appeal
    from hotline.sla.selectors import calendar_for

    rows = read_messages()
    started = time.perf_counter()
    received = receive_placed(rows)
    print(f"{received:,} messages received in {time.perf_counter() - started:.0f} s")
    reused, embedded = prefill_vectors(Path(args.cache))
    print(f"vectors: {reused:,} from the cache, {embedded:,} embedded ({args.embedder})")
    first_day = date.fromisoformat(args.start)
    last = Appeal.objects.order_by("-received_at").first()
    assert last is not None
    last_day = clock.localtime(last.received_at).date()

    appeal_of_number = dict(Appeal.objects.values_list("ticket__number", "pk"))

    def appeals_behind(warning: EarlyWarning) -> set[int]:
        """The appeals of every finding of the warning: a hot spot's, a spike's newest tickets."""
        found: set[int] = set()
        for finding in warning.findings:
            evidence = finding["evidence"]
            if finding["kind"] == "hotspot":
                found |= set(evidence.get("appeals", []))
            else:
                found |= {
                    appeal_of_number[t["ticket"]]
                    for t in evidence.get("tickets", [])
                    if t["ticket"] in appeal_of_number
                }
        return found

    def rule_of(finding: dict[str, Any]) -> str:
        return str(finding["evidence"].get("rule", finding["kind"]))

    # The replay, one evening at a time.
    raised_on: dict[date, list[str]] = {}
    seen: list[tuple[date, int, set[int]]] = []  # each evening, the warnings raised or updated
    rises: list[dict[str, Any]] = []  # the first rule's rises (the yardstick)
    rule_raised: dict[int, str] = {}  # what raised each warning ("spike", "day", "week")
    joined_on: dict[date, list[str]] = {}  # the findings that joined a warning, by evening
    timings = []
    day = first_day
    while day <= last_day:
        evening = datetime.combine(day, dtime(23, 59, 59), tzinfo=ZONE)
        began = time.perf_counter()
        with clock.frozen_at(evening):
            before = {w.pk: len(w.findings) for w in EarlyWarning.objects.all()}
            hotspot_sets.make_recent(evening, embed_limit=0)
            early_warning.scan(evening, hotspot_sets.recent_set())
            new = EarlyWarning.objects.exclude(pk__in=before).order_by("pk")
            if new:
                raised_on[day] = [f"[{w.get_kind_display()}] {w.title}" for w in new]
                rule_raised.update((w.pk, w.evidence.get("rule", w.kind)) for w in new)
            for w in EarlyWarning.objects.filter(pk__in=before, last_seen_at=evening):
                joined_on.setdefault(day, []).extend(
                    f"[{f['label']} → #{w.pk} {w.title[:30]}] {f['title']}"
                    for f in w.findings[before[w.pk] :]
                )
            seen += [
                (day, w.pk, appeals_behind(w)) for w in EarlyWarning.objects.filter(last_seen_at=evening)
            ]
        timings.append(time.perf_counter() - began)
        with override_settings(HOTLINE={**settings.HOTLINE, "WARNINGS": REFERENCE}):
            for spike in early_warning.find_spikes(day):
                ids = {appeal_of_number[t["ticket"]] for t in early_warning._tickets_of(spike, limit=10_000)}
                going = next(
                    (r for r in rises if r["cell"] == spike.cell and (day - r["seen"]).days <= 3), None
                )
                if going is None:
                    rises.append(
                        {"cell": spike.cell, "started": spike.started_on, "seen": day, "appeals": ids}
                    )
                else:
                    going["seen"] = day
                    going["appeals"] |= ids
        day += timedelta(days=1)
    days = (last_day - first_day).days + 1
    warnings = list(EarlyWarning.objects.order_by("raised_at", "pk"))
    print(
        f"\nreplayed {days} days ({first_day} .. {last_day}), one refresh per day at 23:59: "
        f"median {statistics.median(timings):.2f} s, max {max(timings):.2f} s"
    )
    print(f"{len(warnings)} warnings on {len(raised_on)} days:")
    for when, titles in raised_on.items():
        for title in titles:
            print(f"  {when}  {title}")
    print(f"{sum(len(t) for t in joined_on.values())} findings joined the warning of their episode:")
    for when, titles in joined_on.items():
        for title in titles:
            print(f"  {when}  {title}")

    # The hot spots of the whole period, and when each was first warned about.
    period_start = Appeal.objects.order_by("received_at").first()
    assert period_start is not None
    whole = hotspots.find(period_start.received_at, last.received_at + timedelta(seconds=1))

    behind = {w.pk: appeals_behind(w) for w in warnings}
    print(f"\nthe top {args.top} hot spots of the whole period and their first warning:")
    lags, lags_third = [], []
    for rank, spot in enumerate(whole[: args.top], 1):
        ids = {a.id for a in spot.appeals}
        first = clock.localtime(spot.first_time).date()
        # The day it had three appeals: the first day it could be a hot spot at all.
        third = clock.localtime(spot.appeals[min(2, len(spot.appeals) - 1)].received_at).date()
        head = f"  #{rank} {spot.place} | {spot.description[:30]} | {spot.n_appeals} appeals from {first}"
        hit = next((w for w in warnings if behind[w.pk] & ids), None)
        if hit is None:
            print(f"{head}: no warning")
            continue
        warned = clock.localtime(hit.raised_at).date()
        lags.append((warned - first).days)
        lags_third.append((warned - third).days)
        print(
            f"{head}: warned {warned} ({hit.get_kind_display()}), {lags[-1]} days after its first message, "
            f"{lags_third[-1]} after its third ({third})"
        )
    if lags:
        print(
            f"  warned: {len(lags)} of {min(args.top, len(whole))}; days after the first message: median "
            f"{statistics.median(lags)}; after the third: median {statistics.median(lags_third)}"
        )

    # Every spike the rule found, as (its start, the day it was recorded): raising a warning or
    # joining one.
    spikes = [
        (w.started_on, clock.localtime(w.raised_at).date())
        if index == 0
        else (date.fromisoformat(f["started_on"]), date.fromisoformat(f["joined_at"][:10]))
        for w in warnings
        for index, f in enumerate(w.findings)
        if f["kind"] == "spike"
    ]
    calendar = calendar_for(None)

    def working_days(start: date, end: date) -> int:
        """The working days after `start` up to `end` (a rise that starts on a Friday and warns on
        Sunday has waited none)."""
        return sum(calendar.is_workday(start + timedelta(days=i)) for i in range(1, (end - start).days + 1))

    if spikes:
        waits = Counter((told - started).days for started, told in spikes)
        print(
            "\nspikes: days from the first day above the baseline to the warning: "
            + ", ".join(f"{days} d: {n}" for days, n in sorted(waits.items()))
        )
        # The measure: within one working day of the start (the first day above the
        # baseline).
        working = Counter(working_days(started, told) for started, told in spikes)
        within = sum(n for days, n in working.items() if days <= 1)
        print(
            "spikes: working days from the first day above the baseline to the warning: "
            + ", ".join(f"{days} wd: {n}" for days, n in sorted(working.items()))
            + f"; within one working day: {within} of {len(spikes)}"
        )

    hot = Counter(rule_raised.get(w.pk) for w in warnings if w.kind == "hotspot")
    print(
        "hot spot warnings, by what raised them: "
        f"within a day (burst) {hot['day']}, over the week {hot['week']}"
    )
    findings = Counter(rule_of(f) for w in warnings for f in w.findings)
    episodes = [w for w in warnings if len(w.findings) > 1]
    print(
        f"findings by the rule of their latest evidence: {dict(sorted(findings.items()))}; "
        "warnings holding more than one rule: "
        f"{len(episodes)} ({dict(Counter(' + '.join(rule_of(f) for f in w.findings) for w in episodes))})"
    )
    rise_waits: Counter[str] = Counter()
    for rise in rises:
        told = next((d for d, _pk, ids in seen if d >= rise["started"] and ids & rise["appeals"]), None)
        rise_waits["never"] += told is None
        if told is not None:
            rise_waits[f"{min(working_days(rise['started'], told), 2)} wd"] += 1
    print(
        f"the first rule's rises ({REFERENCE}): {len(rises)}; the first warning of this run about them, "
        f"in working days (2: two or more): {dict(sorted(rise_waits.items()))}; "
        f"within one working day: {rise_waits['0 wd'] + rise_waits['1 wd']} of {len(rises)}"
    )

    explaining = set().union(*({a.id for a in s.appeals} for s in whole if s.n_appeals >= args.explained))
    false = [w for w in warnings if not (behind[w.pk] & explaining)]
    weeks = days / 7
    by_kind = Counter(
        w.get_kind_display() + (f" ({rule_raised.get(w.pk)})" if w.kind == "hotspot" else "") for w in false
    )
    print(
        f"\nfalse alarms (no appeal behind them in a hot spot of ≥ {args.explained} appeals): "
        f"{len(false)} of {len(warnings)} ({dict(by_kind)}), {len(false) / weeks:.2f} per week "
        f"over {weeks:.0f} weeks; explained: {len(warnings) - len(false)}"
    )
    # The same by half of the replay: a rule that only works on one half is a rule fitted to it.
    middle = first_day + timedelta(days=days // 2)
    for since, until in ((first_day, middle - timedelta(days=1)), (middle, last_day)):
        inside = [w for w in warnings if since <= clock.localtime(w.raised_at).date() <= until]
        half_spikes = [(started, told) for started, told in spikes if since <= told <= until]
        on_time = sum(working_days(started, told) <= 1 for started, told in half_spikes)
        half_false = sum(1 for w in inside if not (behind[w.pk] & explaining))
        half_weeks = ((until - since).days + 1) / 7
        print(
            f"  {since} .. {until}: spikes within one working day {on_time} of {len(half_spikes)}; "
            f"false alarms {half_false} of {len(inside)}, {half_false / half_weeks:.2f} per week"
        )


if __name__ == "__main__":
    main()
