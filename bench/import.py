"""File import throughput: `hotline import` of the 2,801-row official TipDM test set (.xlsx), on SQLite
and on PostgreSQL, with the routing of the new tickets by `hotline worker` measured after it.

For each database it makes a fresh one (SQLite under a temporary HOTLINE_HOME; PostgreSQL a new
database on `--pg`), migrates it and, with `--demo` (the default), seeds the demo city, whose
responsibility list, gazetteer and trained model route every ticket as in production. Then:

- `import`: `hotline import FILE --preset tipdm`, the real command in its own process: reading the
  workbook, checking every row, storing the appeals in one transaction with their routing tasks.
  Reported: the command's wall time with and without the process's start (Python, Django), and
  appeals per second of each, and the command's own time split into reading and checking the file
  and storing the appeals;
- `again`: the same command a second time (nothing new: every row already present);
- `routing`: `--route-workers` (default 1) `hotline worker` processes started after the import
  route the backlog; reported: the time until no routing task is left and tickets per second;
- `with routing`: appeals per second from the start of the import to the last ticket routed.

With `--workers-running` the workers are started (and warmed up) first, as in a city that runs
them, and the import is timed from its start until the last of its tickets is routed.

The machine's load average is printed with the figures: the CPUs are shared, and a loaded machine
slows everything.

    .venv/bin/python bench/import.py                       # SQLite and PostgreSQL, demo city
    .venv/bin/python bench/import.py --databases postgres --route-workers 2
    .venv/bin/python bench/import.py --route-workers 2 --workers-running   # as a running city imports
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "raw"
FILE = DATA / "tipdm2020c_official_testset" / "official_test_fujian2_2801_unlabelled.xlsx"
# The checkout this file sits in (a snapshot under /tmp, or the working tree), whatever is installed.
HOTLINE = [sys.executable, "-m", "hotline.cli"]
ROUTE_TASK = "hotline.tickets.router.route_tickets"


def load() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"load {one:.2f}/{five:.2f}"


def pg_admin(sql: str, base: str) -> None:
    import psycopg

    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def hotline(env: dict[str, str], *args: str, quiet: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*HOTLINE, *args],
        env=env,
        check=True,
        text=True,
        capture_output=True,
    )


def own_seconds(output: str) -> tuple[float, float, float]:
    """The seconds the command reports for its own work: all, reading and checking, storing
    (`...（5.3 s = 1.0 s + 4.3 s）`)."""
    found = re.search(r"（([\d.]+) s = ([\d.]+) s \+ ([\d.]+) s）", output)
    if found is None:
        raise SystemExit(f"no times in the import's output: {output!r}")
    whole, checking, storing = (float(g) for g in found.groups())
    return whole, checking, storing


def backlog(env: dict[str, str]) -> int:
    """The routing tasks not done yet, read with a plain connection: a Django process started every
    second to ask (as this did) costs a second of CPU each time, taken from the workers it measures."""
    sql = (
        "SELECT COUNT(*) FROM django_tasks_database_dbtaskresult"
        f" WHERE task_path = '{ROUTE_TASK}' AND status IN ('READY', 'RUNNING')"
    )
    if env.get("DATABASE_URL"):
        import psycopg

        with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
            row = conn.execute(sql).fetchone()
    else:
        import sqlite3

        with contextlib.closing(sqlite3.connect(Path(env["HOTLINE_HOME"]) / "hotline.sqlite3")) as conn:
            row = conn.execute(sql).fetchone()
    assert row is not None
    return int(row[0])


def route_backlog(env: dict[str, str], workers: int, timeout: float) -> tuple[float, float, int]:
    """Start `workers` task workers, wait until no routing task is left; (seconds, seconds until the
    first task was done, tasks left). The first includes the workers' start (Python, Django, the
    models and jieba's dictionary loaded by the warm-up) and one task."""
    quiet = workers_env(env)
    started = time.perf_counter()
    processes = [
        subprocess.Popen(
            [*HOTLINE, "worker", "--poll", "0.2", "--no-retrain", "--no-sweep"],
            env=quiet,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    try:
        waiting = left = backlog(env)
        first = None
        while left and time.perf_counter() - started < timeout:
            time.sleep(0.2)
            left = backlog(env)
            if first is None and left < waiting:
                first = time.perf_counter() - started
        done = time.perf_counter() - started
        return done, done if first is None else first, left
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=120)


def workers_env(env: dict[str, str]) -> dict[str, str]:
    """The environment of the benchmark's workers: routing only, no scheduled work."""
    return {
        **env,
        "HOTLINE_FIGURES_INTERVAL": "0",
        "HOTLINE_DEDUP_INTERVAL": "0",
        "HOTLINE_ROUTE_SWEEP_INTERVAL": "0",
        "HOTLINE_RETRAIN_INTERVAL": "0",
    }


def bench_running(name: str, env: dict[str, str], args: argparse.Namespace) -> None:
    """`--workers-running`: as in a city whose workers run already, the import is started once the
    workers are up and warm, and timed until the last of its tickets is routed (the workers route
    the first tasks while the import's process is still ending)."""
    processes = [
        subprocess.Popen(
            [*HOTLINE, "worker", "--poll", "0.2", "--no-retrain", "--no-sweep"],
            env=workers_env(env),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        for _ in range(args.route_workers)
    ]
    try:
        for process in processes:  # each says so once warmed up (models loaded)
            assert process.stdout is not None
            process.stdout.readline()
        before = load()
        t0 = time.perf_counter()
        first = hotline(env, "import", str(FILE), "--preset", "tipdm")
        wall = time.perf_counter() - t0
        left = backlog(env)
        while left and time.perf_counter() - t0 < args.timeout:
            time.sleep(0.2)
            left = backlog(env)
        total = time.perf_counter() - t0
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=120)
    created = int(re.search(r"新建 (\d+)", first.stdout).group(1))  # type: ignore[union-attr]
    print(f"{name}: {FILE.name}, {created} created, demo city, workers running; {before} -> {load()}")
    print(f"  import (with process start) : {wall:7.1f} s  {created / wall:8.1f} appeals/s")
    workers = f"+ routing, {args.route_workers} worker(s)"
    print(f"  {workers:<28}: {total:7.1f} s  {created / total:8.1f} appeals/s  ({left} tasks left)")


def bench(name: str, env: dict[str, str], args: argparse.Namespace) -> None:
    hotline(env, "migrate", "-v0")
    if args.demo:
        hotline(env, "demo", "--tickets", str(args.demo_tickets), "-v0")
    if args.workers_running:
        bench_running(name, env, args)
        return
    before = load()
    t0 = time.perf_counter()
    first = hotline(env, "import", str(FILE), "--preset", "tipdm")
    wall = time.perf_counter() - t0
    t1 = time.perf_counter()
    again = hotline(env, "import", str(FILE), "--preset", "tipdm")
    wall_again = time.perf_counter() - t1
    created = int(re.search(r"新建 (\d+)", first.stdout).group(1))  # type: ignore[union-attr]
    present = int(re.search(r"已存在 (\d+)", again.stdout).group(1))  # type: ignore[union-attr]
    own, checking, storing = own_seconds(first.stdout)
    waiting = backlog(env)
    routed_in, first_done, left = route_backlog(env, args.route_workers, args.timeout)
    after = load()
    city = "demo city" if args.demo else "empty city"
    print(f"{name}: {FILE.name}, {created} created, {city}; {before} -> {after}")
    print(f"  import (command's own time) : {own:7.1f} s  {created / own:8.1f} appeals/s")
    print(f"    of which read and check   : {checking:7.1f} s")
    print(f"    of which store            : {storing:7.1f} s  {created / storing:8.1f} appeals/s")
    print(f"  import (with process start) : {wall:7.1f} s  {created / wall:8.1f} appeals/s")
    print(f"  again (nothing new)         : {wall_again:7.1f} s  {present} already present")
    workers = f"routing, {args.route_workers} worker(s)"
    print(
        f"  {workers:<28}: {routed_in:7.1f} s  {created / routed_in:8.1f} tickets/s"
        f"  ({waiting} tasks of up to 50 tickets, {left} left)"
    )
    running = routed_in - first_done
    print(f"    until the first task done : {first_done:7.1f} s  (the workers' start and one task)")
    rest = (created - 50) / max(running, 1e-9)  # the tickets of the tasks after the first
    print(f"    after it                  : {running:7.1f} s  {rest:8.1f} tickets/s")
    total = wall + routed_in
    print(f"  import + routing            : {total:7.1f} s  {created / total:8.1f} appeals/s")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--databases", default="sqlite,postgres", help="sqlite, postgres or both")
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432", help="PostgreSQL server URL")
    parser.add_argument(
        "--no-demo", dest="demo", action="store_false", help="an empty city (no routing model)"
    )
    parser.add_argument("--demo-tickets", type=int, default=300)
    parser.add_argument("--route-workers", type=int, default=1)
    parser.add_argument(
        "--workers-running",
        action="store_true",
        help="start the workers first and time the import until its last ticket is routed",
    )
    parser.add_argument("--timeout", type=float, default=1800, help="seconds to wait for routing")
    args = parser.parse_args()
    if not FILE.is_file():
        raise SystemExit(f"{FILE} is absent: the benchmark reads the shared data folder beside the checkout")
    base = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "HOTLINE_LOG_LEVEL": "WARNING",
        "HOTLINE_DEDUP_EMBEDDER": "ngram",
    }
    base.pop("DJANGO_SETTINGS_MODULE", None)
    for name in [n.strip() for n in args.databases.split(",") if n.strip()]:
        home = tempfile.mkdtemp(prefix="hotline-bench-import-")
        env = {**base, "HOTLINE_HOME": home}
        db = f"hotline_bench_import_{os.getpid()}"
        try:
            if name == "postgres":
                pg_admin(f"CREATE DATABASE {db}", args.pg)
                env["DATABASE_URL"] = f"{args.pg}/{db}"
            elif name == "sqlite":
                env.pop("DATABASE_URL", None)
            else:
                raise SystemExit(f"unknown database {name!r}: sqlite or postgres")
            bench(name, env, args)
        except subprocess.CalledProcessError as exc:
            raise SystemExit(f"{' '.join(exc.cmd)} failed:\n{exc.stdout}\n{exc.stderr}") from None
        finally:
            if name == "postgres":
                with contextlib.suppress(Exception):
                    pg_admin(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)", args.pg)
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
