"""Intake throughput: appeals posted through the HTTP API against a running server on PostgreSQL.

It creates a fresh PostgreSQL database, migrates it (with `--demo`, seeds the demo city, whose
trained model and responsibility list route every appeal, as in production), starts `hotline
serve` on it and posts `--appeals` generated appeals from `--clients` concurrent keep-alive
connections. A `hotline worker` routes the new tickets beside the server (`--worker during`), or
only once the posting is over (`after`: what the web alone takes), or not at all (`none`); the
routing rate and the backlog left when the posting ends are reported. In the same run it
measures, on the same database server and with the same rows:

- `action`: `do_receive_appeal` called in-process (ORM + number sequence + timeline + the routing
            task row, no HTTP);
- `plain`:  the same four rows (ticket, appeal, event, task) written with plain INSERTs, one
            transaction per appeal, one connection: the floor that the database itself sets.

and counts the SQL statements of one appeal, in the action and in a whole request. The gap
between the figures says where the time goes: HTTP + auth + JSON, or the action, or the disk.
The machine's load average is printed with the figures, since a loaded machine slows them all.

    .venv/bin/python bench/intake.py --appeals 4000 --clients 8 --workers 2 --demo
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
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
# Beside the Python that runs this (the project's virtualenv, whichever checkout it serves).
HOTLINE = str(Path(sys.executable).with_name("hotline"))

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


def cpu_seconds(root: int) -> float:
    """CPU time (user + system) of a live process and its live children, from /proc (Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in Path(f"/proc/{pid}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
    return total


def in_process(rows: list[dict]) -> float:
    """do_receive_appeal for each row, in this process; returns appeals per second. Each stores its
    routing task too (nothing runs it here: the worker is stopped by then)."""
    from hotline.intake.actions import AppealData, do_receive_appeal

    t0 = time.perf_counter()
    for row in rows:
        do_receive_appeal(AppealData(**{**row, "external_id": row["external_id"] + "-inproc"}), None)
    return len(rows) / (time.perf_counter() - t0)


def statements(token: str, row: dict) -> tuple[int, int]:
    """SQL statements of one appeal: in the action alone, and in a whole request of the API."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from hotline.intake.actions import AppealData, do_receive_appeal

    with CaptureQueriesContext(connection) as action:
        do_receive_appeal(AppealData(**{**row, "external_id": row["external_id"] + "-count-action"}), None)
    body = json.dumps({**row, "external_id": row["external_id"] + "-count-http"}, ensure_ascii=False)
    client = Client(SERVER_NAME="127.0.0.1", headers={"Authorization": f"Bearer {token}"})
    with CaptureQueriesContext(connection) as request:
        response = client.post("/api/v1/appeals", body, content_type="application/json")
    assert response.status_code == 201, response.content
    return len(action.captured_queries), len(request.captured_queries)


def routing_report(started: datetime) -> dict[str, float]:
    """What the worker did with the routing tasks enqueued since `started`."""
    from django.db.models import Max, Min
    from django_tasks_db.models import DBTaskResult

    tasks = DBTaskResult.objects.filter(
        task_path="hotline.tickets.router.route_ticket", enqueued_at__gte=started
    )
    done = tasks.filter(status="SUCCESSFUL")
    span = done.aggregate(first=Min("started_at"), last=Max("finished_at"))
    seconds = (span["last"] - span["first"]).total_seconds() if span["first"] and span["last"] else 0.0
    return {
        "enqueued": tasks.count(),
        "routed": done.count(),
        "failed": tasks.filter(status="FAILED").count(),
        "backlog": tasks.filter(status__in=["READY", "RUNNING"]).count(),
        "seconds": seconds,
        "rate": done.count() / seconds if seconds else 0.0,
    }


def start_worker(env: dict[str, str]) -> subprocess.Popen:
    # Routing only: a retrain or a recount of the figures enqueued by the first round would hold
    # the one worker for minutes and measure them instead (routing tasks go first in the queue,
    # but a task that is running is not interrupted).
    quiet = {**env, "HOTLINE_FIGURES_INTERVAL": "0", "HOTLINE_DEDUP_INTERVAL": "0"}
    return subprocess.Popen(
        [HOTLINE, "worker", "--poll", "0.2", "--no-retrain", "--no-sweep"],
        env=quiet,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def drain(timeout: float) -> float:
    """Seconds until no routing task is left waiting (or `timeout`)."""
    from django_tasks_db.models import DBTaskResult

    t0 = time.perf_counter()
    waiting = DBTaskResult.objects.filter(
        task_path="hotline.tickets.router.route_ticket", status__in=["READY", "RUNNING"]
    )
    while waiting.exists() and time.perf_counter() - t0 < timeout:
        time.sleep(0.2)
    return time.perf_counter() - t0


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
                    " citizen_email, title, content, address, received_at, created_at, from_history) VALUES"
                    " (%s, %s, %s, %s, %s, '', %s, %s, %s, now(), now(), false)",
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
                conn.execute(
                    "INSERT INTO django_tasks_database_dbtaskresult (id, status, enqueued_at, args_kwargs,"
                    " priority, task_path, worker_ids, queue_name, backend_name, run_after, return_value,"
                    " exception_class_path, traceback) VALUES (gen_random_uuid(), 'READY', now(), %s, 0,"
                    " 'bench.plain', '[]', 'bench-plain', 'default', now(), NULL, '', '')",
                    (json.dumps({"args": [ticket_id], "kwargs": {}}),),
                )
        return len(rows) / (time.perf_counter() - t0)


def load() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min)"


def serve_argv(port: int, workers: int) -> list[str]:
    argv = [HOTLINE, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    # The benchmark runs its own worker, to start it when it chooses and to count what it did.
    help_text = subprocess.run([HOTLINE, "serve", "--help"], capture_output=True, text=True).stdout
    return argv + (["--no-worker"] if "--no-worker" in help_text else [])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--appeals", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8, help="concurrent HTTP connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432", help="PostgreSQL server URL")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--demo", action="store_true", help="seed the demo city (rules, places, trained model)"
    )
    parser.add_argument("--demo-tickets", type=int, default=300, help="tickets of the demo (default 300)")
    parser.add_argument(
        "--template",
        help="copy this database (one `hotline demo` filled; its models' folders must still exist)"
        " instead of creating an empty one",
    )
    parser.add_argument(
        "--worker",
        choices=["during", "after", "none"],
        default="during",
        help="run `hotline worker` while posting (default), only after, or not at all",
    )
    args = parser.parse_args()

    db = f"hotline_bench_{os.getpid()}"
    url = f"{args.pg}/{db}"
    pg_admin(f"CREATE DATABASE {db}" + (f" TEMPLATE {args.template}" if args.template else ""), args.pg)
    home = tempfile.mkdtemp(prefix="hotline-bench-")
    env = {**os.environ, "DATABASE_URL": url, "HOTLINE_HOME": home, "HOTLINE_LOG_LEVEL": "WARNING"}
    server = worker = None
    try:
        subprocess.run([HOTLINE, "migrate", "-v0"], env=env, check=True)
        if args.demo:
            demo = [HOTLINE, "demo", "--tickets", str(args.demo_tickets), "-v0"]
            subprocess.run(demo, env=env, check=True, stdout=subprocess.DEVNULL)
        os.environ.update(DATABASE_URL=url, HOTLINE_HOME=home, DJANGO_SETTINGS_MODULE="hotline.settings")
        sys.path.insert(0, str(ROOT / "src"))
        import django

        django.setup()
        from hotline.accounts.models import ApiToken, User
        from hotline.core.enums import DepartmentLevel, Role
        from hotline.directory.models import Department
        from hotline.routing.models import ModelVersion

        if not args.demo and not args.template:
            # A department makes the database non-empty, so `serve` does not seed the demo into it.
            Department.objects.create(code="BENCH", name="压测单位", level=DepartmentLevel.CITY)
        user = User.objects.create(username="bench-operator", role=Role.OPERATOR)
        _, token = ApiToken.issue(user, "bench")
        model = ModelVersion.objects.filter(is_active=True).first()

        port = free_port()
        server = subprocess.Popen(
            serve_argv(port, args.workers), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_for(port)
        rows = make_rows(args.appeals, args.seed)
        if args.worker == "during":
            worker = start_worker(env)
        post_all(port, token, make_rows(min(100, args.appeals), args.seed + 1000), args.clients)  # warm-up
        if worker is not None:
            drain(120)  # the warm-up's tickets routed, so that the worker starts the run idle
        load_before = load()
        started = datetime.now(UTC)
        # CPU per appeal of the posting client (this process's threads) and of the web server: what
        # the two cores were spent on, steadier than the rate when other work shares the machine.
        client_cpu, server_cpu = time.process_time(), cpu_seconds(server.pid)
        elapsed, latencies, failures = post_all(port, token, rows, args.clients)
        client_cpu = (time.process_time() - client_cpu) / args.appeals * 1000
        server_cpu = (cpu_seconds(server.pid) - server_cpu) / args.appeals * 1000
        load_after = load()
        at_end = routing_report(started)
        if args.worker == "after":
            worker = start_worker(env)
        drained = drain(600) if args.worker != "none" else 0.0
        routing = routing_report(started)
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=60)
            worker = None
        server.terminate()
        server.wait(timeout=30)
        server = None
        action_count, request_count = statements(token, rows[0])
        action_rate = in_process(rows)
        plain_rate = plain_inserts(url, rows)
        host = urlsplit(args.pg).hostname
        p50, p99 = statistics.median(latencies) * 1000, percentile(latencies, 0.99) * 1000
        rate = args.appeals / elapsed
        print(
            f"intake benchmark: {args.appeals} appeals, {args.clients} clients,"
            f" {args.workers} gunicorn workers, PostgreSQL at {host}, {os.cpu_count()} CPUs,"
            f" {'demo city, model ' + model.name if model else 'no model'}, worker {args.worker}"
        )
        print(f"  {load_before} before posting; {load_after} after")
        print(
            f"  http api      : {rate:8.1f} appeals/s"
            f"   p50 {p50:6.1f} ms   p99 {p99:6.1f} ms   non-201: {failures}"
        )
        print(f"  cpu per appeal: web server {server_cpu:.2f} ms, posting client {client_cpu:.2f} ms")
        print(f"  action (ORM)  : {action_rate:8.1f} appeals/s   (do_receive_appeal in-process)")
        print(f"  plain inserts : {plain_rate:8.1f} appeals/s   (4 INSERTs, one transaction per appeal)")
        print(f"  http / plain  : {rate / plain_rate:8.1%}")
        print(f"  statements    : {action_count} in the action, {request_count} in the whole request")
        if args.worker != "none":
            print(
                f"  routing       : {routing['routed']} routed, {routing['failed']} failed,"
                f" {routing['rate']:.1f} tickets/s in the worker; backlog {at_end['backlog']} when the"
                f" posting ended, drained {drained:.1f} s later (left: {routing['backlog']})"
            )
        if failures:
            raise SystemExit(1)
    finally:
        for process in (worker, server):
            if process is not None:
                process.terminate()
                process.wait(timeout=30)
        from django.db import connections

        # Django is not set up when migrate failed; there is nothing to close then.
        with contextlib.suppress(Exception):
            connections.close_all()
        pg_admin(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)", args.pg)


if __name__ == "__main__":
    main()
