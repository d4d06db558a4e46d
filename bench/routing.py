"""Routing one ticket (智能分拨), as the worker does after each live appeal: time per ticket.

It creates a fresh PostgreSQL database (or copies `--template`, one that `hotline demo` filled),
seeds the demo city with `hotline demo` (its responsibility list, gazetteer and the trained
classifier), then receives `--tickets` new appeals in-process, each the text, title and address
of one of the demo's own tickets (so the city's model and places recognise them as they would a
real caller's), without routing them. Each is then routed alone through `tickets.router.route_now`,
the function the worker's task runs (the router, its lock, the decision, and the automatic dispatch
when the best suggestion is sure enough), timed by wall clock and by this process's CPU; the first
`--warm` are not counted (the model and reference data load then). Printed: median, p90 and CPU
median for all tickets, for the ones left to a dispatcher (人工派单) and for the ones dispatched by
routing (自动派单), with the number of SQL statements of each (`--statements`: the statements of one
of each, in order). The issue's target: median under 10 ms.

    .venv/bin/python bench/routing.py --tickets 300
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOTLINE = str(Path(sys.executable).with_name("hotline"))


def pg_admin(sql: str, base: str) -> None:
    import psycopg

    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min)"


def new_tickets(n: int) -> list[int]:
    """`n` new appeals received without routing, each a copy of a demo ticket's words and place."""
    from hotline.intake.actions import AppealData, do_receive_appeal
    from hotline.tickets.models import Ticket

    sources = list(
        Ticket.objects.filter(appeals__isnull=False)
        .order_by("id")
        .values("title", "content", "appeals__address", "kind")
        .distinct()
    )
    if not sources:
        raise SystemExit("the database has no demo tickets to copy")
    ids = []
    for i in range(n):
        source = sources[i % len(sources)]
        row = AppealData(
            channel="phone",
            external_id=f"bench-routing-{os.getpid()}-{time.monotonic_ns()}-{i}",
            title=source["title"],
            content=source["content"],
            address=source["appeals__address"] or "",
            kind=source["kind"],
            citizen_name="市民",
            citizen_phone=f"139{i:08d}",
        )
        ticket, _ = do_receive_appeal(row, None, route=False)
        ids.append(ticket.id)
    return ids


def route_each(
    ids: list[int], statements: dict[str, list[str]] | None = None
) -> list[tuple[float, float, str, int]]:
    """(wall ms, CPU ms, mode, statements) per ticket, routed one at a time as the worker does;
    `statements` is given the SQL of the last ticket of each mode."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from hotline.routing.models import RoutingDecision
    from hotline.tickets.router import route_now

    rows = []
    for pk in ids:
        with CaptureQueriesContext(connection) as queries:
            wall, cpu = time.perf_counter(), time.process_time()
            if not route_now(pk):
                raise SystemExit(f"routing failed on ticket {pk}")
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        mode = RoutingDecision.objects.filter(ticket_id=pk).values_list("mode", flat=True).first()
        rows.append((wall * 1000, cpu * 1000, mode or "none", len(queries.captured_queries)))
        if statements is not None:  # the last of each mode: routing's reference data warm by then
            statements[mode or "none"] = [q["sql"] for q in queries.captured_queries]
    return rows


def route_backlog(ids: list[int]) -> tuple[float, float]:
    """(wall ms, CPU ms) per ticket when a backlog of new tickets is routed as the worker routes it
    (`tickets.router.route_ticket` taking the waiting tasks along): `route_batch` by `ROUTE_BATCH`."""
    from hotline.tickets.router import ROUTE_BATCH, route_batch

    wall, cpu = time.perf_counter(), time.process_time()
    for start in range(0, len(ids), ROUTE_BATCH):
        chunk = ids[start : start + ROUTE_BATCH]
        if route_batch(chunk) != len(chunk):
            raise SystemExit("routing failed in the backlog")
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return wall * 1000 / len(ids), cpu * 1000 / len(ids)


def profile(ids: list[int]) -> None:
    """cProfile of routing `ids` one at a time: the functions with the most cumulative time."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.runcall(route_each, ids)
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)


def summary(label: str, rows: list[tuple[float, float, str, int]]) -> str:
    if not rows:
        return f"  {label:<22}: none"
    walls, cpus, counts = [r[0] for r in rows], [r[1] for r in rows], [r[3] for r in rows]
    return (
        f"  {label:<22}: median {statistics.median(walls):6.1f} ms   p90 {percentile(walls, 0.9):6.1f} ms"
        f"   CPU median {statistics.median(cpus):6.1f} ms   statements {statistics.median(counts):.0f}"
        f"   ({len(rows)} tickets)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=300, help="tickets routed and counted")
    parser.add_argument("--warm", type=int, default=5, help="tickets routed first and not counted")
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432", help="PostgreSQL server URL")
    parser.add_argument("--demo-tickets", type=int, default=300, help="tickets of the demo (default 300)")
    parser.add_argument(
        "--template",
        help="copy this database (one `hotline demo` filled; its models' folders must still exist,"
        " give its HOTLINE_HOME in the environment) instead of seeding a new demo",
    )
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N", help="then print where N more tickets spent their time"
    )
    parser.add_argument("--statements", action="store_true", help="print the SQL of one ticket of each mode")
    parser.add_argument(
        "--backlog",
        type=int,
        default=0,
        metavar="N",
        help="then route N more new tickets as the worker routes a backlog (in batches) and print the"
        " time per ticket",
    )
    args = parser.parse_args()

    db = f"hotline_bench_routing_{os.getpid()}"
    url = f"{args.pg}/{db}"
    pg_admin(f"CREATE DATABASE {db}" + (f" TEMPLATE {args.template}" if args.template else ""), args.pg)
    home = os.environ["HOTLINE_HOME"] if args.template else tempfile.mkdtemp(prefix="hotline-bench-")
    env = {**os.environ, "DATABASE_URL": url, "HOTLINE_HOME": home, "HOTLINE_LOG_LEVEL": "WARNING"}
    try:
        subprocess.run([HOTLINE, "migrate", "-v0"], env=env, check=True)
        if not args.template:
            demo = [HOTLINE, "demo", "--tickets", str(args.demo_tickets), "-v0"]
            subprocess.run(demo, env=env, check=True, stdout=subprocess.DEVNULL)
        os.environ.update(DATABASE_URL=url, HOTLINE_HOME=home, DJANGO_SETTINGS_MODULE="hotline.settings")
        os.environ["HOTLINE_LOG_LEVEL"] = "WARNING"
        sys.path.insert(0, str(ROOT / "src"))
        import django

        django.setup()
        from django.conf import settings

        from hotline.routing.models import ModelVersion, RoutingDecision

        settings.DEBUG = False
        model = ModelVersion.objects.filter(is_active=True).first()
        ids = new_tickets(args.warm + args.tickets)
        route_each(ids[: args.warm])
        before = load()
        seen: dict[str, list[str]] = {}
        rows = route_each(ids[args.warm :], seen)
        after = load()
        print(
            f"routing benchmark: {args.tickets} tickets routed one at a time (route_now), PostgreSQL,"
            f" {os.cpu_count()} CPUs, demo city, model {model.name if model else 'none'}"
        )
        print(f"  {before} before; {after} after")
        print(summary("all tickets", rows))
        print(summary("left to a dispatcher", [r for r in rows if r[2] == "queue"]))
        print(summary("dispatched by routing", [r for r in rows if r[2] == "auto"]))
        if args.statements:
            for mode, sql in sorted(seen.items()):
                print(f"  the statements of one ticket routed {mode!r}:")
                for i, statement in enumerate(sql, 1):
                    print(f"    {i:2d}. {' '.join(statement.split())[:110]}")
        if args.backlog:
            backlog = new_tickets(args.backlog)
            wall, cpu = route_backlog(backlog)
            modes = RoutingDecision.objects.filter(ticket_id__in=backlog).values_list("mode", flat=True)
            auto = sum(1 for mode in modes if mode == "auto")
            print(
                f"  a backlog of {len(backlog)} tickets, routed in batches as the worker routes it:"
                f" {wall:.1f} ms a ticket, CPU {cpu:.1f} ms ({auto} dispatched by routing); {load()}"
            )
        if args.profile:
            profile(new_tickets(args.profile))
    finally:
        from django.db import connections

        with contextlib.suppress(Exception):
            connections.close_all()
        pg_admin(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)", args.pg)


if __name__ == "__main__":
    main()
