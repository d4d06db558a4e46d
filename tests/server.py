"""A real `hotline serve` in a subprocess, for the tests that need the whole thing: gunicorn, its
workers and the task worker, on an instance of its own (its own HOTLINE_HOME and database)."""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path


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


def instance_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of an instance in `home`: SQLite there unless `extra` names a DATABASE_URL."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "HOTLINE_ALLOWED_HOSTS", "PROMETHEUS_MULTIPROC_DIR")
    }
    env["HOTLINE_HOME"] = str(home)
    env["HOTLINE_RETRAIN_INTERVAL"] = "0"  # the worker's first round would otherwise retrain for seconds
    env.update(extra)
    return env


def start_serve(
    tmp_path: Path,
    *args: str,
    log: str = "serve.log",
    port: int | None = None,
    env: dict[str, str] | None = None,
    own_group: bool = False,
) -> tuple[subprocess.Popen, Path, str]:
    """`hotline serve` in its own HOTLINE_HOME (its own SQLite file), its output in serve.log.

    `own_group`: in a process group of its own with gunicorn's workers and the task worker, so that
    `os.killpg` ends them all at once, as a machine losing power would."""
    port = port or free_port()
    log_path = tmp_path / log
    command = [*hotline_command(), "serve", "--port", str(port), *args]
    with log_path.open("wb") as out:
        process = subprocess.Popen(
            command,
            env=env or instance_env(tmp_path / "home"),
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=tmp_path,
            start_new_session=own_group,
        )
    return process, log_path, f"http://127.0.0.1:{port}"


def wait_until(condition, seconds: float, process: subprocess.Popen | None = None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and (process is None or process.poll() is None):
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    return None


def worker_pid(log_path: Path) -> int | None:
    """The pid the task worker prints when it starts (worker.py)."""
    found = re.search(r"worker \w+ \(pid (\d+)\)", log_path.read_text(errors="replace"))
    return int(found.group(1)) if found else None


def is_gone(pid: int) -> bool:
    """No such process, or only its exit status waits to be collected (a zombie does nothing)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


def fetch_ok(url: str) -> bool:
    try:
        return fetch(url)[0] == 200
    except OSError:
        return False
