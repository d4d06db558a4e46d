"""`hotline serve`: the preparation in-process, and once for real with gunicorn in a subprocess."""

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django_tasks_db.models import DBTaskResult

from hotline.accounts.models import User
from hotline.directory.models import Department
from hotline.tickets.models import Ticket
from hotline.web.management.commands import serve
from tests.factories import DepartmentFactory
from tests.server import fetch, fetch_ok, is_gone, start_serve, wait_until, worker_pid


@pytest.fixture
def home(tmp_path, settings, monkeypatch):
    """A private HOTLINE_HOME for static and media files (the database stays the test database)."""
    settings.HOTLINE_HOME = tmp_path
    settings.STATIC_ROOT = tmp_path / "static"
    settings.MEDIA_ROOT = tmp_path / "media"
    # serve exports these for gunicorn; give them back afterwards.
    for name in (
        "HOTLINE_HOME",
        "DJANGO_SETTINGS_MODULE",
        "HOTLINE_ALLOWED_HOSTS",
        "PROMETHEUS_MULTIPROC_DIR",
    ):
        if name in os.environ:
            monkeypatch.setenv(name, os.environ[name])
        else:
            monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.fixture
def exec_calls(monkeypatch):
    calls: list[list[str]] = []
    monkeypatch.setattr(serve, "exec_gunicorn", calls.append)
    return calls


@pytest.fixture
def worker_starts(monkeypatch):
    """Counts the task workers serve would start (none is started for real here)."""
    starts: list[int] = []

    def start() -> int:
        starts.append(os.getpid())
        return 4242

    monkeypatch.setattr(serve, "start_worker", start)
    return starts


def run_serve(*args: str) -> str:
    out = StringIO()
    call_command("serve", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_prepares_an_empty_instance_then_execs_gunicorn(home, exec_calls, worker_starts):
    output = run_serve("--port", "8765", "--workers", "3", "--demo-tickets", "15", "--demo-days", "5")

    assert Ticket.objects.count() == 15 and User.objects.filter(username="admin").exists()
    assert (home / "static" / "admin" / "css" / "base.css").is_file()
    assert (home / "media").is_dir()
    assert "演示数据      15 张工单已生成" in output and "admin" in output and "hotline-demo" in output
    assert "智能分拨：分拨" in output  # what smart dispatch did with them
    assert "http://127.0.0.1:8765/" in output

    (argv,) = exec_calls
    assert argv[:4] == [sys.executable, "-m", "gunicorn", "hotline.wsgi:application"]
    assert argv[argv.index("--bind") + 1] == "127.0.0.1:8765"
    assert argv[argv.index("--workers") + 1] == "3"
    assert "--access-logfile" in argv
    assert os.environ["HOTLINE_HOME"] == str(home)
    # A task worker beside it, and the request metrics in an empty folder that gunicorn's workers share.
    assert worker_starts == [os.getpid()] and "hotline worker（进程 4242）" in output
    assert os.environ["PROMETHEUS_MULTIPROC_DIR"] == str(home / "metrics")
    assert list((home / "metrics").iterdir()) == []

    # A second start seeds nothing more and finds the static files in place.
    output = run_serve("--port", "8765", "--demo-tickets", "15")
    assert Ticket.objects.count() == 15
    assert "数据库非空，跳过" in output


@pytest.mark.django_db
def test_does_not_seed_a_database_that_has_data_or_when_told_not_to(home, exec_calls, worker_starts):
    run_serve("--no-demo")
    assert not Ticket.objects.exists() and not Department.objects.exists()
    DepartmentFactory()
    run_serve()
    assert not Ticket.objects.exists() and Department.objects.count() == 1
    assert len(exec_calls) == 2


@pytest.mark.django_db
def test_no_worker_leaves_the_tasks_to_workers_run_apart(home, exec_calls, worker_starts):
    output = run_serve("--no-demo", "--no-worker")
    assert len(exec_calls) == 1 and worker_starts == []
    assert "未启动（--no-worker）" in output


def test_the_worker_is_told_whose_child_it_is():
    argv = serve.worker_argv(1234)
    assert argv[:3] == [sys.executable, "-m", "hotline.cli"]
    assert argv[3:] == ["worker", "--parent-pid", "1234"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "abc"], "--port 应为 1–65535 之间的整数，收到 'abc'"),
        (["--port", "70000"], "--port"),
        (["--port", "0"], "--port"),
        (["--workers", "many"], "--workers 应为 1–64 之间的整数"),
        (["--workers", "0"], "--workers"),
        (["--host", " "], "--host"),
    ],
)
def test_bad_arguments_are_refused_before_anything_happens(args, message, exec_calls, worker_starts):
    with pytest.raises(CommandError, match=message):
        call_command("serve", *args)
    assert not exec_calls and not worker_starts


def test_bind_addresses():
    assert serve.parse_bind("::1", "80", "1").address == "[::1]:80"
    assert serve.parse_bind("0.0.0.0", "8000", "2").url == "http://127.0.0.1:8000/"
    assert serve.parse_bind("localhost", "8000", "2").address == "localhost:8000"


# --- the real thing -------------------------------------------------------------------------------


def sweeps_done(database: Path) -> int:
    """Sweeps the worker ran, read from the instance's own SQLite file."""
    try:
        with closing(sqlite3.connect(database, timeout=5)) as db:
            (count,) = db.execute(
                f"SELECT count(*) FROM {DBTaskResult._meta.db_table} "
                "WHERE task_path LIKE '%.sweep' AND status = 'SUCCESSFUL'"
            ).fetchone()
    except sqlite3.Error:  # not created yet, or busy
        return 0
    return count


def requests_counted(base: str) -> float:
    status, body = fetch(f"{base}/metrics")
    assert status == 200
    found = re.search(rb'^hotline_http_requests_total\{method="GET",status="2xx"\} (\S+)$', body, re.M)
    return float(found.group(1)) if found else 0.0


@pytest.mark.slow
@pytest.mark.skipif(
    django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="the server runs an instance of its own on SQLite whatever the suite's database: the SQLite "
    "run covers it, and it takes most of a minute on a busy machine",
)
def test_serve_for_real_with_gunicorn_and_its_worker(tmp_path):
    """Start `hotline serve`, fetch a page and a static file, see its worker run the supervision sweep
    and its two gunicorn workers count requests together; Ctrl-C stops gunicorn and the worker, and
    so does a kill -9 of gunicorn's master."""
    process, log_path, base = start_serve(tmp_path, "--workers", "2", "--demo-tickets", "10")
    worker = None
    try:
        status = 0
        # An upper bound only: migrating and seeding a fresh instance takes most of a minute when
        # the suite's other worker holds the second core.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            try:
                status, body = fetch(f"{base}/admin/login/")
            except OSError:
                time.sleep(0.3)
                continue
            if status == 200:
                break
        assert status == 200, log_path.read_text(errors="replace")
        assert b"csrfmiddlewaretoken" in body
        css_status, css = fetch(f"{base}/static/admin/css/base.css")
        assert css_status == 200 and len(css) > 1000
        database = tmp_path / "home" / "hotline.sqlite3"
        assert database.is_file()

        # The worker's Python may still be starting when gunicorn already answers.
        worker = wait_until(lambda: worker_pid(log_path), 30, process)
        assert worker is not None and not is_gone(worker), log_path.read_text(errors="replace")
        # Its first round enqueues the sweep and runs it.
        assert wait_until(lambda: sweeps_done(database), 30, process), log_path.read_text(errors="replace")

        # Whichever gunicorn worker answers, /metrics counts them all: 10 pings and the first scrape.
        before = requests_counted(base)
        for _ in range(10):
            assert fetch(f"{base}/healthz") == (200, b'{"status": "ok"}')
        assert requests_counted(base) - before == 11
    finally:
        process.send_signal(signal.SIGINT)  # what Ctrl-C sends
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            pytest.fail("gunicorn did not stop on SIGINT:\n" + log_path.read_text(errors="replace"))
        if worker is not None and not wait_until(lambda: is_gone(worker), 10):
            os.kill(worker, signal.SIGKILL)
            pytest.fail("the worker outlived gunicorn:\n" + log_path.read_text(errors="replace"))
    log = log_path.read_text(errors="replace")
    assert process.returncode == 0, log
    assert "Starting gunicorn" in log and "Shutting down: Master" in log
    assert '"GET /admin/login/ HTTP/1.1" 200' in log
    assert "shutting down gracefully" in log or "parent process" in log  # the worker stopped itself

    # Started again on the same instance (nothing left to migrate or seed), then killed with SIGKILL,
    # which no handler sees: the worker notices that its parent is gone and stops by itself.
    process, log_path, base = start_serve(tmp_path, "--workers", "1", "--demo-tickets", "10", log="again.log")
    worker = None
    try:
        worker = wait_until(lambda: worker_pid(log_path), 120, process)
        assert worker is not None, log_path.read_text(errors="replace")
        assert wait_until(lambda: fetch_ok(f"{base}/healthz"), 30, process), log_path.read_text(
            errors="replace"
        )
        assert "数据库非空，跳过" in log_path.read_text(errors="replace")
        process.kill()
        process.wait()
        # It finishes the task in hand first (the restart's first round may be rendering the kept
        # reports, seconds of work under a loaded machine's suite).
        assert wait_until(lambda: is_gone(worker), 30), log_path.read_text(errors="replace")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if worker is not None and not is_gone(worker):
            os.kill(worker, signal.SIGKILL)
    assert "parent process" in log_path.read_text(errors="replace")


def test_starting_a_process_does_not_import_the_machine_learning_stack(tmp_path) -> None:
    """Workers and commands that never predict must not pay ~1 s and ~150 MB for scikit-learn."""
    code = (
        "import sys, django; django.setup(); import hotline.urls; "
        "print(sorted(m for m in ('sklearn', 'scipy', 'pandas', 'joblib', 'cpca') if m in sys.modules))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hotline.settings", "HOTLINE_HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
