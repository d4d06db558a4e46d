"""The supervision sweep over 1,000,000 open assignments on PostgreSQL: wall time and peak memory.

It creates a fresh database, migrates it, loads tickets and assignments with COPY, and then runs
`run_sweep()` three times, each in a new process (so that the memory figures are the sweep's):

1. a catch-up sweep five minutes before the moment of the data: the first sweep ever over this
   backlog, for which every reminder, overdue mark and escalation already due is new at once;
2. the sweep five minutes later, as `hotline worker` runs them: it reads all the open
   assignments again and writes only what came due in those five minutes;
3. the same moment again, which must create nothing.

The database is dropped at the end.

    .venv/bin/python bench/sweep.py                       # 250,000 tickets x 4 = 1,000,000 assignments
    .venv/bin/python bench/sweep.py --assignments 100000  # a quicker look
    .venv/bin/python bench/sweep.py --keep                # leave the database for EXPLAIN

The mix, per ticket (its assignments share the ticket's dispatch and deadline, as lead and co-handlers
do): 45% with less than half of the handling time gone, 27% past 50%, 13% past 80%, 10% overdue by
0-12 days, 5% suspended; 70% of the assignments dispatched in the last 4 hours and 5% of the older
ones not yet signed for (sign-off deadline 4 h after the dispatch), 10% urgent tickets (first
response 30 min); categories x streets and addresses drawn so that repetitions occur; 0.8% of
tickets returned twice; and 10% more tickets already closed (their assignments answered), which
the sweep must leave alone.

Printed: the figures of each run (seconds; tracemalloc peak; ru_maxrss and VmHWM before and after),
the sweep's report, the rows each table gained, and the load average of the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
import tracemalloc
import uuid
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
CITY = ZoneInfo("Asia/Shanghai")
# A Wednesday with no holiday near it, 10:00 in the city.
NOW = datetime(2025, 3, 12, 10, 0, tzinfo=CITY)
SPAN = timedelta(hours=72)  # the handling time (3 working days, as natural hours for the mix)
INTERVAL = timedelta(minutes=5)  # between two sweeps of `hotline worker` (HOTLINE_SWEEP_INTERVAL)
COUNTED = ("tickets_ticketevent", "notifications_notification", "supervision_supervision")


def django_setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")
    os.environ.setdefault("HOTLINE_LOG_LEVEL", "WARNING")
    import django

    django.setup()


def pg_admin(base: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(sql)


# --- loading --------------------------------------------------------------------------------------


def copy_rows(model: Any, rows: Iterable[dict[str, Any]]) -> int:
    """COPY rows (dicts by attname) into the model's table; fields left out take their defaults."""
    from django.db import connection
    from psycopg.types.json import Jsonb

    fields = list(model._meta.concrete_fields)
    blanks = []
    for f in fields:
        if f.has_default():
            blanks.append(f.get_default())
        else:
            blanks.append(None if f.null else "")
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    n = 0
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                values = [row.get(f.attname, blank) for f, blank in zip(fields, blanks, strict=True)]
                copy.write_row([Jsonb(v) if isinstance(v, dict | list) else v for v in values])
                n += 1
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{model._meta.db_table}', 'id'), "
            f"(SELECT max(id) FROM {model._meta.db_table}))"
        )
    return n


def load(assignments: int, seed: int) -> dict[str, int]:
    from hotline.directory.models import Department
    from hotline.taxonomy.models import Category
    from hotline.tickets.models import Assignment, Ticket, TicketEvent

    rnd = random.Random(seed)
    districts = [
        Department(id=i + 1, code=f"D{i + 1:02d}", name=f"第{i + 1}区", level="district", is_area=True)
        for i in range(16)
    ]
    streets = [
        Department(
            id=100 + d.pk * 20 + j,
            code=f"{d.code}{j:02d}",
            name=f"{d.name}第{j}街道",
            level="street",
            parent_id=d.pk,
            is_area=True,
        )
        for d in districts
        for j in range(12)
    ]
    bureaus = [Department(id=1000 + i, code=f"B{i:02d}", name=f"第{i}局", level="city") for i in range(40)]
    Department.objects.bulk_create(districts)
    Department.objects.bulk_create(streets + bureaus)
    Category.objects.bulk_create(
        [Category(id=i + 1, code=f"C{i + 1:03d}", name=f"分类{i + 1}", level=1) for i in range(150)]
    )
    units = [d.pk for d in streets + bureaus]
    street_ids = [d.pk for d in streets]

    per_ticket = 4
    open_tickets = assignments // per_ticket
    closed_tickets = open_tickets // 10
    plan: list[tuple[int, str, datetime, datetime, datetime | None, bool, list[int], list[str]]] = []

    def ticket_rows() -> Iterator[dict[str, Any]]:
        for tid in range(1, open_tickets + closed_tickets + 1):
            closed = tid > open_tickets
            bucket = rnd.random()
            paused = None
            if closed:
                dispatched = NOW - timedelta(days=rnd.uniform(5, 40))
                due = dispatched + SPAN
            elif bucket < 0.45:
                dispatched = NOW - SPAN * rnd.uniform(0.0, 0.5)
            elif bucket < 0.72:
                dispatched = NOW - SPAN * rnd.uniform(0.5, 0.8)
            elif bucket < 0.85:
                dispatched = NOW - SPAN * rnd.uniform(0.8, 1.0)
            elif bucket < 0.95:
                dispatched = NOW - SPAN - timedelta(days=rnd.uniform(0, 12))
            else:
                dispatched = NOW - SPAN * rnd.uniform(0.0, 2.0)
                paused = dispatched + timedelta(hours=rnd.uniform(1, 24))
            due = dispatched + SPAN
            depts = rnd.sample(units, per_ticket)
            # Most units sign within hours; a few never do.
            unsigned = 0.7 if NOW - dispatched < timedelta(hours=4) else 0.05
            statuses = [
                "answered" if closed else ("pending" if rnd.random() < unsigned else "accepted")
                for _ in depts
            ]
            urgent = rnd.random() < 0.10
            plan.append((tid, "closed" if closed else "", dispatched, due, paused, urgent, depts, statuses))
            created = dispatched - timedelta(minutes=10)
            status = "closed" if closed else ("accepted" if statuses[0] == "accepted" else "dispatched")
            yield {
                "id": tid,
                "number": f"{created:%Y%m%d}-{tid:07d}",
                "kind": "complaint",
                "category_id": rnd.randint(1, 150),
                "urgency": "urgent" if urgent else "normal",
                "is_complex": False,
                "area_id": rnd.choice(street_ids),
                "status": status,
                "title": "噪音扰民",
                "content": "夜间施工噪音扰民，请尽快处理。",
                "address": f"第{rnd.randint(1, 1000)}路{rnd.randint(1, 500)}号",
                "reopen_count": 0,
                "created_at": created,
                "updated_at": dispatched,
                "closed_at": due if closed else None,
            }

    n_tickets = copy_rows(Ticket, ticket_rows())

    def assignment_rows() -> Iterator[dict[str, Any]]:
        aid = 0
        for tid, closed, dispatched, due, paused, urgent, depts, statuses in plan:
            for i, (dept, status) in enumerate(zip(depts, statuses, strict=True)):
                aid += 1
                yield {
                    "id": aid,
                    "ticket_id": tid,
                    "department_id": dept,
                    "role": "lead" if i == 0 else "co",
                    "status": status,
                    "dispatched_at": dispatched,
                    "due_at": due,
                    "original_due_at": due,
                    "sign_due_at": dispatched + timedelta(hours=4),
                    "response_due_at": dispatched + timedelta(minutes=30) if urgent else None,
                    "paused_since": paused,
                    "accepted_at": dispatched + timedelta(hours=1) if status != "pending" else None,
                    "answered_at": due - timedelta(hours=1) if closed else None,
                    "return_reason": "",
                    "answer": "已处理" if closed else "",
                }

    n_assignments = copy_rows(Assignment, assignment_rows())

    def event_rows() -> Iterator[dict[str, Any]]:
        eid = 0
        for tid in rnd.sample(range(1, open_tickets + 1), k=max(2, open_tickets // 60)):
            returns = 2 if tid % 2 else 1
            for k in range(returns):
                eid += 1
                yield {
                    "id": eid,
                    "ticket_id": tid,
                    "action": "return",
                    "at": NOW - timedelta(days=5 - k),
                    "from_status": "dispatched",
                    "to_status": "dispatched",
                    "details": {"reason": "不属于本单位职责"},
                }

    n_events = copy_rows(TicketEvent, event_rows())
    plan.clear()
    return {"tickets": n_tickets, "assignments": n_assignments, "return_events": n_events}


def load_database(url: str, assignments: int, seed: int) -> None:
    django_setup(url)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    loaded = load(assignments, seed)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(json.dumps(loaded))


def open_assignment_count(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM tickets_assignment a JOIN tickets_ticket t ON t.id = a.ticket_id "
            "WHERE a.status IN ('pending', 'accepted') AND t.status NOT IN ('closed', 'merged', 'invalid')"
        ).fetchone()
        return int(row[0]) if row else 0


def table_counts(url: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(url) as conn:
        counts = {}
        for table in COUNTED:
            row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
            assert row is not None  # count(*) always gives a row
            counts[table] = int(row[0])
        return counts


# --- one sweep in its own process -----------------------------------------------------------------


def peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM): unlike ru_maxrss it does not carry over the
    parent's peak through fork and exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def child(url: str, at: str, trace: bool) -> None:
    django_setup(url)
    from django.db import connection

    from hotline.supervision.sweep import run_sweep

    connection.ensure_connection()
    moment = datetime.fromisoformat(at)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    hwm_before = peak_rss_mb()
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    report = run_sweep(moment)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if trace else None
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    hwm_after = peak_rss_mb()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "tracemalloc_peak_mb": peak / 2**20 if peak is not None else None,
                "maxrss_before_mb": rss_before / 1024,
                "maxrss_after_mb": rss_after / 1024,
                "hwm_before_mb": hwm_before,
                "hwm_after_mb": hwm_after,
                "report": report.as_dict(),
                "created": report.created,
                "changed": report.changed,
            }
        )
    )


def run_child(url: str, at: datetime, trace: bool) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", url, "--at", at.isoformat()]
    if not trace:
        cmd.append("--no-trace")
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def show(label: str, run: dict[str, Any]) -> None:
    growth = run["maxrss_after_mb"] - run["maxrss_before_mb"]
    peak = run["tracemalloc_peak_mb"]
    print(f"{label}: {run['seconds']:.2f} s", end="")
    if peak is not None:
        print(f", tracemalloc peak {peak:.1f} MB", end="")
    print(
        f", ru_maxrss {run['maxrss_before_mb']:.0f} -> {run['maxrss_after_mb']:.0f} MB (+{growth:.0f} MB)",
        end="",
    )
    print(f", VmHWM {run['hwm_before_mb']:.0f} -> {run['hwm_after_mb']:.0f} MB")
    counts = {k: v for k, v in run["report"].items() if k not in ("started_at", "seconds") and v}
    print(f"    created {run['created']}, changed {run['changed']}: {counts}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--assignments", type=int, default=1_000_000)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="server, without database")
    parser.add_argument("--seed", type=int, default=12345)
    parser.add_argument("--keep", action="store_true", help="do not drop the database at the end")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--load", help=argparse.SUPPRESS)
    parser.add_argument("--at", help=argparse.SUPPRESS)
    parser.add_argument("--no-trace", action="store_true", help="sweeps 1 and 2 without tracemalloc")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.at, trace=not args.no_trace)
        return
    if args.load:
        load_database(args.load, args.assignments, args.seed)
        return

    name = f"hotline_bench_sweep_{uuid.uuid4().hex[:8]}"
    url = f"{args.pg}/{name}"
    pg_admin(args.pg, f"CREATE DATABASE {name}")
    try:
        print(f"database {name}; load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")
        # Loading runs in a process of its own too: this one stays small, so that the sweeps'
        # processes (whose ru_maxrss starts from their parent's) measure their own memory.
        started = time.perf_counter()
        loader = [sys.executable, __file__, "--load", url, "--assignments", str(args.assignments)]
        out = subprocess.run([*loader, "--seed", str(args.seed)], check=True, capture_output=True, text=True)
        print(f"loaded {out.stdout.strip().splitlines()[-1]} in {time.perf_counter() - started:.1f} s")
        print(f"open assignments (pending/accepted on tickets not closed): {open_assignment_count(url):,}")

        # 1. The first sweep over the backlog: everything already due is due at once.
        counts = [table_counts(url)]
        catch_up = run_child(url, NOW - INTERVAL, trace=not args.no_trace)
        show(f"sweep 1, catch-up at {NOW - INTERVAL:%H:%M}", catch_up)
        counts.append(table_counts(url))
        # 2. The sweep five minutes later, as `hotline worker` runs them: the one the target is for.
        steady = run_child(url, NOW, trace=not args.no_trace)
        show(f"sweep 2, {INTERVAL.seconds // 60} minutes later at {NOW:%H:%M}", steady)
        counts.append(table_counts(url))
        # 3. The same moment again: nothing may be created twice.
        again = run_child(url, NOW, trace=True)
        show(f"sweep 3, again at {NOW:%H:%M}", again)
        counts.append(table_counts(url))
        for i in range(3):
            print(f"rows added by sweep {i + 1}: { {t: counts[i + 1][t] - counts[i][t] for t in COUNTED} }")
        nothing = again["changed"] == 0 and counts[3] == counts[2]
        print("sweep 3 created nothing new: " + ("yes" if nothing else "NO"))
        print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} (cores: {os.cpu_count()})")
        if not nothing:
            sys.exit(1)
    finally:
        if not args.keep:
            pg_admin(args.pg, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        else:
            print(f"kept database {url}")


if __name__ == "__main__":
    main()
