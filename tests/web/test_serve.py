"""`hotline serve`: the preparation in-process, and once for real with gunicorn in a subprocess."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from hotline.accounts.models import User
from hotline.directory.models import Department
from hotline.tickets.models import Ticket
from hotline.web.management.commands import serve
from tests.factories import DepartmentFactory


@pytest.fixture
def home(tmp_path, settings, monkeypatch):
    """A private HOTLINE_HOME for static and media files (the database stays the test database)."""
    settings.HOTLINE_HOME = tmp_path
    settings.STATIC_ROOT = tmp_path / "static"
    settings.MEDIA_ROOT = tmp_path / "media"
    # serve exports these for gunicorn; give them back afterwards.
    for name in ("HOTLINE_HOME", "DJANGO_SETTINGS_MODULE", "HOTLINE_ALLOWED_HOSTS"):
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


def run_serve(*args: str) -> str:
    out = StringIO()
    call_command("serve", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_prepares_an_empty_instance_then_execs_gunicorn(home, exec_calls):
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

    # A second start seeds nothing more and finds the static files in place.
    output = run_serve("--port", "8765", "--demo-tickets", "15")
    assert Ticket.objects.count() == 15
    assert "数据库非空，跳过" in output


@pytest.mark.django_db
def test_does_not_seed_a_database_that_has_data_or_when_told_not_to(home, exec_calls):
    run_serve("--no-demo")
    assert not Ticket.objects.exists() and not Department.objects.exists()
    DepartmentFactory()
    run_serve()
    assert not Ticket.objects.exists() and Department.objects.count() == 1
    assert len(exec_calls) == 2


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
def test_bad_arguments_are_refused_before_anything_happens(args, message, exec_calls):
    with pytest.raises(CommandError, match=message):
        call_command("serve", *args)
    assert not exec_calls


def test_bind_addresses():
    assert serve.parse_bind("::1", "80", "1").address == "[::1]:80"
    assert serve.parse_bind("0.0.0.0", "8000", "2").url == "http://127.0.0.1:8000/"
    assert serve.parse_bind("localhost", "8000", "2").address == "localhost:8000"


# --- the real thing -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, b""


def hotline_command() -> list[str]:
    script = Path(sys.executable).parent / "hotline"
    if script.exists():
        return [str(script)]
    found = shutil.which("hotline")
    return [found] if found else [sys.executable, "-m", "hotline.cli"]


@pytest.mark.slow
def test_serve_for_real_with_gunicorn(tmp_path):
    """Start `hotline serve` in its own HOTLINE_HOME (its own SQLite file), fetch a page and a static file."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "HOTLINE_ALLOWED_HOSTS")}
    env["HOTLINE_HOME"] = str(tmp_path / "home")
    log_path = tmp_path / "serve.log"
    command = [*hotline_command(), "serve", "--port", str(port), "--workers", "1", "--demo-tickets", "10"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        status = 0
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
        assert (tmp_path / "home" / "hotline.sqlite3").is_file()
    finally:
        process.send_signal(signal.SIGINT)  # what Ctrl-C sends
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            pytest.fail("gunicorn did not stop on SIGINT:\n" + log_path.read_text(errors="replace"))
    log = log_path.read_text(errors="replace")
    assert process.returncode == 0, log
    assert "Starting gunicorn" in log and "Shutting down: Master" in log
    assert '"GET /admin/login/ HTTP/1.1" 200' in log


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
