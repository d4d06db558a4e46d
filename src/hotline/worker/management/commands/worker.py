"""`hotline worker`: run background tasks, and put the supervision sweep on the queue on a schedule.

    hotline worker                      loop until SIGTERM/SIGINT
    hotline worker --once               one round: enqueue the sweep if it is due, run what is ready, exit
    hotline worker --sweep-interval 60  seconds between sweeps (default HOTLINE_SWEEP_INTERVAL, 300)
    hotline worker --no-sweep           only run tasks (when another process keeps the schedule)
    hotline worker --no-retrain         do not enqueue the model retrain (HOTLINE_RETRAIN_INTERVAL, daily)
    hotline worker --parent-pid PID     stop (as on SIGTERM) once process PID is no longer its parent

Each round it (1) enqueues the sweep task when the last one was enqueued at least the interval ago,
(2) runs every task that is ready with django-tasks-db's worker in batch mode, and (3) sleeps
`--poll` seconds. The time of the last enqueued sweep is kept in the database (`SweepState`), so
several workers against one database share one schedule instead of sweeping once each; and as the
sweep is idempotent, the rare double enqueue does no harm. The routing models' retrain is
scheduled the same way (`routing.tasks.enqueue_retrain_if_due`), every HOTLINE_RETRAIN_INTERVAL
seconds (0: never), and so is the recount of the daily figures that the overview and the
statistics read (`analytics.tasks`), every HOTLINE_FIGURES_INTERVAL seconds (600; 0: never), and
the sweep that routes any ticket whose routing task was lost (`routing.sweep`), every
HOTLINE_ROUTE_SWEEP_INTERVAL seconds (60; 0: never). Intake's routing tasks are ordinary tasks of
the queue and run in step (2) as they come.

The sweep that embeds new tickets for duplicate search (`dedup.tasks`) is scheduled the same way,
every HOTLINE_DEDUP_INTERVAL seconds (10; 0: never), and so is the fetch of the mailboxes of
HOTLINE_MAILBOXES (`intake.channels.mail`), every HOTLINE_MAIL_INTERVAL seconds (60; 0: never),
and the sending of the messages to citizens that are due (`citizen_messages.tasks`: new ones and
failed attempts to try again), every HOTLINE_CITIZEN_MESSAGE_INTERVAL seconds (10; 0: never).

The reports kept as files (`web.kept_reports`: the daily leader list every morning, the weekly,
monthly and quarterly reports when their period is over) are looked for every
HOTLINE_REPORTS_INTERVAL seconds (600; 0: never); each is made once.

`hotline serve` starts one worker as its child with `--parent-pid` before it becomes gunicorn, so
that `make run` runs everything. Whatever ends gunicorn's master (Ctrl-C, `kill`, even `kill -9`,
which no signal handler sees), the worker is reparented, notices within a second and stops as on
SIGTERM: it finishes the task it is running, then exits, so no orphan keeps working on its own.

A worker beats from a thread of its own while it lives (`worker.liveness`), and between rounds
every worker gives back to the queue the tasks left RUNNING by a worker that stopped beating for
HOTLINE_WORKER_STALE_AFTER seconds (60): a worker killed mid-task does not leave its task undone.
Before its first round a worker loads the active routing models (`web.warmup`), so the first
routing task does not wait the seconds that loading them takes.
"""

import logging
import os
import signal
import threading
import time
from typing import Any, NamedTuple

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, close_old_connections, connections
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker

from hotline.analytics.tasks import DEFAULT_INTERVAL as DEFAULT_FIGURES_INTERVAL
from hotline.analytics.tasks import enqueue_recount_if_due
from hotline.citizen_messages.tasks import enqueue_sending_if_due
from hotline.dedup.tasks import enqueue_embedding_if_due
from hotline.intake.channels.mail import enqueue_mail_fetch_if_due
from hotline.routing.tasks import enqueue_retrain_if_due, enqueue_unrouted_sweep_if_due
from hotline.supervision.tasks import enqueue_sweep_if_due
from hotline.web.tasks import enqueue_reports_if_due
from hotline.web.warmup import warm_up
from hotline.worker.liveness import STALE_AFTER, requeue_orphans, start_heartbeat, stop_heartbeat

DEFAULT_SWEEP_INTERVAL = 300
# Seconds a worker waits after a database error before its next round.
DB_RETRY_SECONDS = 5.0
DEFAULT_ROUTE_SWEEP_INTERVAL = 60
# How often a worker started with --parent-pid looks whether its parent is still there.
PARENT_CHECK_SECONDS = 0.5
# Seconds between two looks for the tasks of dead workers.
REAP_SECONDS = 30.0

logger = logging.getLogger("hotline.worker")


class Intervals(NamedTuple):
    """Seconds between two enqueues of each scheduled task (0: never)."""

    sweep: float
    retrain: float
    figures: float
    route_sweep: float
    dedup: float


class Command(BaseCommand):
    help = "Run background tasks (django-tasks-db) and enqueue the supervision sweep on a schedule."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="one round, then exit")
        parser.add_argument(
            "--sweep-interval",
            type=float,
            default=None,
            help=f"seconds between sweeps (default: HOTLINE_SWEEP_INTERVAL, {DEFAULT_SWEEP_INTERVAL})",
        )
        parser.add_argument("--no-sweep", action="store_true", help="do not enqueue sweeps")
        parser.add_argument("--no-retrain", action="store_true", help="do not enqueue model retrains")
        parser.add_argument("--poll", type=float, default=1.0, help="seconds to wait when idle (default 1)")
        parser.add_argument("--queue-name", default="default", help="queues to run, comma-separated, or '*'")
        parser.add_argument("--backend", default=DEFAULT_TASK_BACKEND_ALIAS, help="task backend alias")
        parser.add_argument(
            "--parent-pid",
            type=int,
            default=None,
            help="stop once this process is no longer the worker's parent (how `hotline serve` starts it)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        interval = options["sweep_interval"]
        if interval is None:
            interval = float(getattr(settings, "HOTLINE_SWEEP_INTERVAL", DEFAULT_SWEEP_INTERVAL))
        retrain_interval = float(getattr(settings, "HOTLINE_RETRAIN_INTERVAL", 0))
        figures_interval = float(getattr(settings, "HOTLINE_FIGURES_INTERVAL", DEFAULT_FIGURES_INTERVAL))
        dedup_interval = float(getattr(settings, "HOTLINE_DEDUP_INTERVAL", 0))
        route_sweep_interval = float(
            getattr(settings, "HOTLINE_ROUTE_SWEEP_INTERVAL", DEFAULT_ROUTE_SWEEP_INTERVAL)
        )
        if interval <= 0 or options["poll"] < 0:
            raise CommandError(_("--sweep-interval 须大于 0，--poll 不能为负"))
        try:
            backend = task_backends[options["backend"]]
        except Exception as exc:
            raise CommandError(f"--backend {options['backend']}: {exc}") from None
        runs_queue = isinstance(backend, DatabaseBackend)
        if not runs_queue and not options["once"]:
            raise CommandError(
                _("任务后端 %(backend)s 不是 django_tasks_db.DatabaseBackend，没有可执行的队列")
                % {"backend": options["backend"]}
            )
        worker = Worker(
            queue_names=options["queue_name"].split(","),
            interval=options["poll"],
            batch=True,
            backend_name=options["backend"],
            startup_delay=False,
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )
        intervals = Intervals(
            interval, retrain_interval, figures_interval, route_sweep_interval, dedup_interval
        )
        stale_after = float(getattr(settings, "HOTLINE_WORKER_STALE_AFTER", STALE_AFTER))
        heartbeat = None
        if not options["once"]:
            warm_up()
            heartbeat = start_heartbeat(worker.worker_id)
            worker.configure_signals()
            if options["parent_pid"] is not None:
                watch_parent(options["parent_pid"])
            self.stdout.write(
                f"worker {worker.worker_id[:8]} (pid {os.getpid()}): queues {options['queue_name']}, "
                + ("no sweeps" if options["no_sweep"] else f"sweep every {interval:g} s")
            )
            self.stdout.flush()
        try:
            self.run_rounds(
                worker, options, runs_queue=runs_queue, stale_after=stale_after, intervals=intervals
            )
        finally:
            if heartbeat is not None:
                stop_heartbeat(worker.worker_id, heartbeat)

    def run_rounds(
        self,
        worker: Worker,
        options: dict[str, Any],
        *,
        runs_queue: bool,
        stale_after: float,
        intervals: Intervals,
    ) -> None:
        """Round after round until the worker is told to stop (or once, with --once)."""
        interval, retrain_interval, figures_interval, route_sweep_interval, dedup_interval = intervals
        last_reap = float("-inf")
        while worker.running:
            try:
                if not options["once"]:
                    close_old_connections()  # a long-lived process: drop connections gone stale
                if time.monotonic() - last_reap >= min(REAP_SECONDS, stale_after):
                    last_reap = time.monotonic()
                    reaped = requeue_orphans(stale_after=stale_after)
                    if options["once"] and any(reaped.values()):
                        self.stdout.write(
                            f"tasks of dead workers: {reaped['requeued']} requeued, {reaped['failed']} failed"
                        )
                if not options["no_sweep"] and enqueue_sweep_if_due(interval):
                    logger.info("sweep enqueued")
                    if options["once"]:
                        self.stdout.write("sweep enqueued")
                if (
                    retrain_interval > 0
                    and not options["no_retrain"]
                    and enqueue_retrain_if_due(retrain_interval)
                ):
                    logger.info("retrain enqueued")
                    if options["once"]:
                        self.stdout.write("retrain enqueued")
                if figures_interval > 0 and enqueue_recount_if_due(figures_interval):
                    logger.info("figures recount enqueued")
                    if options["once"]:
                        self.stdout.write("figures recount enqueued")
                if route_sweep_interval > 0 and enqueue_unrouted_sweep_if_due(route_sweep_interval):
                    logger.info("unrouted-ticket sweep enqueued")
                    if options["once"]:
                        self.stdout.write("unrouted sweep enqueued")
                if dedup_interval > 0 and enqueue_embedding_if_due(dedup_interval):
                    logger.info("embedding sweep enqueued")
                    if options["once"]:
                        self.stdout.write("embedding sweep enqueued")
                if enqueue_mail_fetch_if_due(float(getattr(settings, "HOTLINE_MAIL_INTERVAL", 0))):
                    logger.info("mail fetch enqueued")
                    if options["once"]:
                        self.stdout.write("mail fetch enqueued")
                if enqueue_sending_if_due(float(getattr(settings, "HOTLINE_CITIZEN_MESSAGE_INTERVAL", 0))):
                    logger.info("citizen messages round enqueued")
                    if options["once"]:
                        self.stdout.write("citizen messages enqueued")
                reports_interval = float(getattr(settings, "HOTLINE_REPORTS_INTERVAL", 0))
                if reports_interval > 0 and enqueue_reports_if_due(reports_interval):
                    logger.info("reports enqueued")
                    if options["once"]:
                        self.stdout.write("reports enqueued")
                if runs_queue:
                    worker.run()  # batch mode: runs every ready task, returns when none is left
            except DatabaseError:
                if options["once"]:
                    raise
                # The database went away (a restart, a failover, the network): a worker that
                # exits here stays gone under `make run`, so it waits and tries again.
                logger.exception("database error; the worker retries in %s s", DB_RETRY_SECONDS)
                connections.close_all()
                time.sleep(max(options["poll"], DB_RETRY_SECONDS))
                continue
            if options["once"]:
                return
            time.sleep(options["poll"])


def watch_parent(parent_pid: int) -> None:
    """Stop this worker as SIGTERM does once `parent_pid` is no longer its parent.

    A process whose parent dies is handed to another (init or a subreaper), so its parent id changes
    and never changes back: a watch that reads it needs no signal from the dying parent, which a
    `kill -9` would never send. The watch runs in a daemon thread and only sends the signal; the
    worker's own handler stops it between tasks, as for an operator's SIGTERM.
    """

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(PARENT_CHECK_SECONDS)
        logger.info("parent process %s is gone: stopping", parent_pid)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="hotline-parent-watch", daemon=True).start()
