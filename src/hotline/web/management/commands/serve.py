"""`hotline serve [--host H] [--port P] [--workers N] [--no-worker]`: get the instance ready, then
serve it with gunicorn, with a task worker beside it.

Ready means: migrated, seeded with the demo when the database is empty (no departments, no tickets),
static files collected into STATIC_ROOT (whitenoise serves them from there). Everything lives under
HOTLINE_HOME, so instances with different HOTLINE_HOME and ports run side by side. The command then
starts `hotline worker --parent-pid <its own pid>` as a child (unless --no-worker) and replaces
itself with gunicorn (exec): Ctrl-C and `kill` reach gunicorn's master directly and stop it cleanly,
and the worker, whose parent the master now is, stops once the master is gone, however it ended
(worker.py, watch_parent). A deployment that runs its workers elsewhere passes --no-worker.

gunicorn's workers are separate processes, so the request metrics of /metrics (core/metrics.py) are
kept in prometheus_client's multiprocess files: a folder under HOTLINE_HOME, emptied at each start
so that the counters start from zero with the server, as Prometheus expects of a restart.
"""

import io
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _

from hotline.core.errors import HotlineError
from hotline.demo.generator import DEMO_PASSWORD, database_is_empty, format_table, generate, login_rows

# The logins shown when the server starts; `hotline demo --logins` lists them all.
SHOWN_LOGINS = (
    "admin",
    "operator1",
    "dispatcher1",
    "supervisor1",
    "leader1",
    "head_sf01",
    "h_zjj",
    "h_sf0101",
)
# The last field is the response's X-Request-ID (core/http.py), the id in the application's log lines.
# The request's path without its query string: a query holds what people typed, a caller's number
# (/console/caller/?citizen_phone=, /tickets/?phone=) or a name (?q=), and a log keeps no citizen's.
ACCESS_LOG_FORMAT = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(b)sB %(M)sms %({x-request-id}o)s'


@dataclass(frozen=True)
class Bind:
    host: str
    port: int
    workers: int

    @property
    def address(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        host = "[::1]" if host == "::" else (f"[{host}]" if ":" in host else host)
        return f"http://{host}:{self.port}/"


# Two sync workers per CPU: while one waits for the database another computes. Measured with
# bench/intake.py on 2 CPUs, the web alone, load under 1.3: 2 workers 180.6 appeals/s (p99 71 ms),
# 4 workers 218.8 /s (p99 66 ms).
DEFAULT_WORKERS = 2 * (os.cpu_count() or 1)


def parse_bind(host: str, port: str, workers: str) -> Bind:
    host = host.strip()
    if not host:
        raise CommandError(_("--host 不能为空"))
    try:
        port_number = int(port)
    except ValueError:
        raise CommandError(_("--port 应为 1–65535 之间的整数，收到 %(value)r") % {"value": port}) from None
    if not 1 <= port_number <= 65535:
        raise CommandError(_("--port 应为 1–65535 之间的整数，收到 %(value)r") % {"value": port})
    try:
        worker_count = int(workers)
    except ValueError:
        raise CommandError(_("--workers 应为 1–64 之间的整数，收到 %(value)r") % {"value": workers}) from None
    if not 1 <= worker_count <= 64:
        raise CommandError(_("--workers 应为 1–64 之间的整数，收到 %(value)r") % {"value": workers})
    return Bind(host, port_number, worker_count)


def gunicorn_argv(bind: Bind) -> list[str]:
    """gunicorn from the same Python (so from the same virtualenv) as this command."""
    # gunicorn's control socket defaults to one path per user; each instance gets its own under
    # HOTLINE_HOME, or none when that path is too long for a Unix socket.
    control = settings.HOTLINE_HOME / "gunicorn.ctl"
    control_args = ["--control-socket", str(control)] if len(str(control)) < 100 else ["--no-control-socket"]
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "hotline.wsgi:application",
        "--bind",
        bind.address,
        "--workers",
        str(bind.workers),
        # Sync workers, measured against gthread (docs/benchmarks.md, bench/intake.py, 8 clients):
        # a sync worker closes the connection after each response, but a new connection costs
        # little beside a request, while gthread's threads fight over the GIL for work that is
        # mostly Python: 263 appeals/s with sync workers, 184 with gthread and 1 thread, 136 with 4.
        # Slow clients are a reverse proxy's job (it buffers requests and keeps the connections).
        # gunicorn's sync worker, answering the refusals gunicorn writes itself (a request line or
        # headers too long, a malformed request) in the API's JSON (web/gunicorn_worker.py).
        "--worker-class",
        "hotline.web.gunicorn_worker.SyncWorker",
        # The application is imported (and warmed up: models, OpenAPI document, web/warmup.py) once
        # in the master, before the workers are forked, rather than on each worker's first request.
        "--preload",
        "--access-logfile",
        "-",
        "--access-logformat",
        ACCESS_LOG_FORMAT,
        "--error-logfile",
        "-",
        "--graceful-timeout",
        "10",
        # Request lines up to gunicorn's largest (8190 bytes), so that the API answers a URL over
        # core.http.MAX_URL_LENGTH with its own 414; a longer one gets gunicorn's 414, in JSON too.
        "--limit-request-line",
        "8190",
        *control_args,
    ]


def worker_argv(parent_pid: int) -> list[str]:
    """`hotline worker` from the same Python, told to stop once `parent_pid` is gone."""
    return [sys.executable, "-m", "hotline.cli", "worker", "--parent-pid", str(parent_pid)]


def start_worker() -> int:
    """Start the task worker as a child of this process (soon gunicorn's master); its pid."""
    connections.close_all()  # the child opens its own; nothing open should be shared across the fork
    return subprocess.Popen(worker_argv(os.getpid()), close_fds=True).pid


def reset_metrics_folder() -> None:
    """An empty folder for prometheus_client's multiprocess files, named in the environment that
    gunicorn and its workers inherit; one a deployment names itself is left as it is."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return
    folder = settings.HOTLINE_HOME / "metrics"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)


def exec_gunicorn(argv: list[str]) -> None:
    """Replace this process with gunicorn; never returns."""
    connections.close_all()  # no database connection should leak into gunicorn
    os.execv(argv[0], argv)


def describe_database() -> str:
    db = connections[DEFAULT_DB_ALIAS].settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"SQLite {db['NAME']}"
    host = f"{db.get('HOST') or 'localhost'}:{db.get('PORT') or ''}".rstrip(":")
    return f"{connections[DEFAULT_DB_ALIAS].vendor} {host}/{db['NAME']}"


class Command(BaseCommand):
    help = "Migrate, seed the demo into an empty database, collect static files, then serve with gunicorn."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
        parser.add_argument("--port", default="8000", help="port (default 8000)")
        parser.add_argument(
            "--workers",
            default=str(DEFAULT_WORKERS),
            help=f"gunicorn worker processes (default: two per CPU, here {DEFAULT_WORKERS})",
        )
        parser.add_argument(
            "--no-demo", action="store_true", help="do not seed the demo into an empty database"
        )
        parser.add_argument("--demo-tickets", type=int, default=500, help="tickets in the demo (default 500)")
        parser.add_argument("--demo-days", type=int, default=60, help="days the demo covers (default 60)")
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="do not start `hotline worker` beside gunicorn (for deployments that run workers apart)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        bind = parse_bind(options["host"], options["port"], options["workers"])
        self.prepare(
            seed_demo=not options["no_demo"],
            demo_tickets=options["demo_tickets"],
            demo_days=options["demo_days"],
        )
        self.show_logins()
        # The exec'd gunicorn and its workers must find the same settings and the same HOTLINE_HOME.
        if settings.SETTINGS_MODULE:  # unset only under override_settings, i.e. in tests
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings.SETTINGS_MODULE)
        os.environ["HOTLINE_HOME"] = str(settings.HOTLINE_HOME)
        if bind.host not in settings.ALLOWED_HOSTS and bind.host not in ("0.0.0.0", "::"):
            os.environ["HOTLINE_ALLOWED_HOSTS"] = ",".join([*settings.ALLOWED_HOSTS, bind.host])
        started = _("Hotline 启动：%(url)s  （%(workers)s 个工作进程，Ctrl-C 停止）") % {
            "url": bind.url,
            "workers": bind.workers,
        }
        reset_metrics_folder()
        self.stdout.write(self.style.SUCCESS(started))
        if bind.host in ("0.0.0.0", "::"):
            self.stdout.write(_("提示：从其他主机访问时，请在 HOTLINE_ALLOWED_HOSTS 中列出所用的主机名。"))
        if options["no_worker"]:
            self.stdout.write(_("后台任务      未启动（--no-worker）：请另行运行 hotline worker"))
        self.stdout.flush()
        sys.stdout.flush()
        sys.stderr.flush()
        if not options["no_worker"]:
            # Started last, once the database is migrated and the output is flushed (the child shares it).
            pid = start_worker()
            self.stdout.write(
                _("后台任务      hotline worker（进程 %(pid)s），随服务一同停止") % {"pid": pid}
            )
            self.stdout.flush()
        exec_gunicorn(gunicorn_argv(bind))

    def prepare(self, *, seed_demo: bool = True, demo_tickets: int = 500, demo_days: int = 60) -> None:
        """Everything before serving; safe to run again (it only does what is missing)."""
        home = settings.HOTLINE_HOME
        self.stdout.write(f"HOTLINE_HOME  {home}")
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        pending = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(
            _("数据库        %(database)s（执行迁移 %(pending)s 个）")
            % {"database": describe_database(), "pending": pending}
        )

        if seed_demo and database_is_empty():
            self.stdout.write(
                _("演示数据      数据库为空，正在生成 %(tickets)s 张工单（近 %(days)s 天）…")
                % {"tickets": demo_tickets, "days": demo_days}
            )
            self.stdout.flush()
            try:
                result = generate(tickets=demo_tickets, days=demo_days)
            except HotlineError as exc:
                raise CommandError(exc.message) from exc
            self.stdout.write(
                _("演示数据      %(tickets)s 张工单已生成（%(seconds).1f 秒）")
                % {"tickets": result.tickets, "seconds": result.seconds}
            )
            self.stdout.write(f"              {result.routing.text()}")
        elif seed_demo:
            self.stdout.write(_("演示数据      数据库非空，跳过"))

        static = io.StringIO()
        copied = call_command("collectstatic", interactive=False, verbosity=1, stdout=static) or ""
        outcome = copied.strip().splitlines()[-1] if copied.strip() else _("已是最新")
        self.stdout.write(
            _("静态文件      %(root)s（%(outcome)s）") % {"root": settings.STATIC_ROOT, "outcome": outcome}
        )
        os.makedirs(settings.MEDIA_ROOT, exist_ok=True)

    def show_logins(self) -> None:
        rows = [row for row in login_rows() if row[0] in SHOWN_LOGINS]
        if not rows:
            return
        self.stdout.write("")
        self.stdout.write(
            _("演示账号（密码均为 %(password)s；全部账号：hotline demo --logins）：")
            % {"password": DEMO_PASSWORD}
        )
        self.stdout.write(
            format_table([(u, r, d) for u, _p, r, d in rows], (_("用户名"), _("角色"), _("单位")))
        )
        self.stdout.write("")
