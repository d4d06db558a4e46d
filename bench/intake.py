"""Intake throughput: appeals posted through the HTTP API against a running server on PostgreSQL.

It creates a fresh PostgreSQL database, migrates it, starts `hotline serve` on it and posts
`--appeals` generated appeals from `--clients` concurrent keep-alive connections. In the same run it
measures, on the same database server and with the same rows:

- `action`: `do_receive_appeal` called in-process (ORM + number sequence + timeline, no HTTP, and
            no routing: the null router, as the HTTP figure's routing is the models' own cost);
- `plain`:  the same three rows (ticket, appeal, event) written with plain INSERTs, one transaction
            per appeal, one connection: the floor that the database itself sets.

The gap between the three says where the time goes: HTTP + auth + JSON, or the action, or the disk.

    .venv/bin/python bench/intake.py --appeals 2000 --clients 8 --workers 2
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
HOTLINE = ROOT / ".venv" / "bin" / "hotline"

PLACES = ["幸福路", "人民大道", "建设街", "光明小区", "新华里", "滨河路", "东风路", "和平街道"]
PROBLEMS = ["路灯不亮", "噪音扰民", "占道经营", "垃圾清运不及时", "停水", "井盖缺失", "违章停车"]


def make_rows(n: int, seed: int) -> list[dict]:
    rnd = random.Random(seed)
    rows = []
    for i in range(n):
        place, problem = rnd.choice(PLACES), rnd.choice(PROBLEMS)
        rows.append(
            {
                "channel": rnd.choice(["phone", "web", "app", "wechat"]),
                "external_id": f"bench-{seed}-{i}",
                "citizen_name": "市民",
                "citizen_phone": f"1{rnd.randint(3, 9)}{rnd.randint(0, 999_999_999):09d}",
                "title": f"{place}{problem}",
                "content": f"{place}{rnd.randint(1, 300)}号附近{problem}，"
                f"已经持续{rnd.randint(2, 20)}天，请尽快处理。",
                "address": f"{place}{rnd.randint(1, 300)}号",
                "kind": "complaint",
            }
        )
    return rows


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_admin(sql: str, base: str) -> None:
    import psycopg

    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def wait_for(port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/v1/openapi.json")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"server on port {port} did not answer within {timeout:.0f} s")


def post_all(port: int, token: str, rows: list[dict], clients: int) -> tuple[float, list[float], int]:
    """Post every row; returns (elapsed seconds, per-request latencies, non-201 count)."""
    latencies: list[float] = []
    failures = 0
    lock = threading.Lock()
    chunks = [rows[i::clients] for i in range(clients)]

    def run(chunk: list[dict]) -> None:
        nonlocal failures
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        mine: list[float] = []
        bad = 0
        for row in chunk:
            body = json.dumps(row, ensure_ascii=False).encode()
            t0 = time.perf_counter()
            conn.request("POST", "/api/v1/appeals", body=body, headers=headers)
            resp = conn.getresponse()
            resp.read()
            mine.append(time.perf_counter() - t0)
            if resp.status != 201:
                bad += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            failures += bad

    threads = [threading.Thread(target=run, args=(c,)) for c in chunks]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - t0, latencies, failures


def in_process(rows: list[dict]) -> float:
    """do_receive_appeal for each row, in this process, routed by nothing; returns appeals per second."""
    from django.conf import settings

    from hotline.intake.actions import AppealData, do_receive_appeal

    # Set in place: override_settings would slow every settings read of the ORM down and skew the figure.
    settings.HOTLINE["ROUTING"]["ROUTER"] = "hotline.tickets.router.NullRouter"
    t0 = time.perf_counter()
    for row in rows:
        do_receive_appeal(AppealData(**{**row, "external_id": row["external_id"] + "-inproc"}), None)
    return len(rows) / (time.perf_counter() - t0)


def plain_inserts(url: str, rows: list[dict]) -> float:
    """The same three rows per appeal with plain INSERTs, one transaction each; appeals per second."""
    import psycopg

    with psycopg.connect(url) as conn:
        t0 = time.perf_counter()
        for i, row in enumerate(rows):
            with conn.transaction():
                inserted = conn.execute(
                    "INSERT INTO tickets_ticket (number, kind, urgency, is_complex, status, title, content,"
                    " address, reopen_count, created_at, updated_at) VALUES"
                    " (%s, %s, 'normal', false, 'new', %s, %s, %s, 0, now(), now()) RETURNING id",
                    (
                        f"P{i:08d}-{uuid.uuid4().hex[:8]}",
                        row["kind"],
                        row["title"],
                        row["content"],
                        row["address"],
                    ),
                ).fetchone()
                assert inserted is not None  # RETURNING always gives the row
                ticket_id = inserted[0]
                conn.execute(
                    "INSERT INTO intake_appeal (ticket_id, channel, external_id, citizen_name, citizen_phone,"
                    " title, content, address, received_at, created_at) VALUES"
                    " (%s, %s, %s, %s, %s, %s, %s, %s, now(), now())",
                    (
                        ticket_id,
                        row["channel"],
                        row["external_id"] + "-plain",
                        row["citizen_name"],
                        row["citizen_phone"],
                        row["title"],
                        row["content"],
                        row["address"],
                    ),
                )
                conn.execute(
                    "INSERT INTO tickets_ticketevent (ticket_id, action, at, from_status, to_status, details)"
                    " VALUES (%s, 'receive', now(), '', 'new', '{}')",
                    (ticket_id,),
                )
        return len(rows) / (time.perf_counter() - t0)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--appeals", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8, help="concurrent HTTP connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432", help="PostgreSQL server URL")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    db = f"hotline_bench_{os.getpid()}"
    url = f"{args.pg}/{db}"
    pg_admin(f"CREATE DATABASE {db}", args.pg)
    home = tempfile.mkdtemp(prefix="hotline-bench-")
    env = {**os.environ, "DATABASE_URL": url, "HOTLINE_HOME": home, "HOTLINE_LOG_LEVEL": "WARNING"}
    server = None
    try:
        subprocess.run([HOTLINE, "migrate", "-v0"], env=env, check=True)
        os.environ.update(DATABASE_URL=url, HOTLINE_HOME=home, DJANGO_SETTINGS_MODULE="hotline.settings")
        sys.path.insert(0, str(ROOT / "src"))
        import django

        django.setup()
        from hotline.accounts.models import ApiToken, User
        from hotline.core.enums import DepartmentLevel, Role
        from hotline.directory.models import Department

        # A department makes the database non-empty, so `serve` does not seed the demo into it.
        Department.objects.create(code="BENCH", name="压测单位", level=DepartmentLevel.CITY)
        user = User.objects.create(username="bench-operator", role=Role.OPERATOR)
        _, token = ApiToken.issue(user, "bench")

        port = free_port()
        server = subprocess.Popen(
            [HOTLINE, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.workers)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(port)
        rows = make_rows(args.appeals, args.seed)
        post_all(port, token, make_rows(min(100, args.appeals), args.seed + 1000), args.clients)  # warm-up
        elapsed, latencies, failures = post_all(port, token, rows, args.clients)
        action_rate = in_process(rows)
        plain_rate = plain_inserts(url, rows)
        host = urlsplit(args.pg).hostname
        p50, p99 = statistics.median(latencies) * 1000, percentile(latencies, 0.99) * 1000
        print(
            f"intake benchmark: {args.appeals} appeals, {args.clients} clients,"
            f" {args.workers} gunicorn workers, PostgreSQL at {host}, {os.cpu_count()} CPUs"
        )
        print(
            f"  http api      : {args.appeals / elapsed:8.1f} appeals/s"
            f"   p50 {p50:6.1f} ms   p99 {p99:6.1f} ms   non-201: {failures}"
        )
        print(f"  action (ORM)  : {action_rate:8.1f} appeals/s   (do_receive_appeal in-process)")
        print(f"  plain inserts : {plain_rate:8.1f} appeals/s   (3 INSERTs, one transaction per appeal)")
        if failures:
            raise SystemExit(1)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        from django.db import connections

        # Django is not set up when migrate failed; there is nothing to close then.
        with contextlib.suppress(Exception):
            connections.close_all()
        pg_admin(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)", args.pg)


if __name__ == "__main__":
    main()
