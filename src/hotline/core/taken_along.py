"""Tasks of one kind waiting in django-tasks-db's queue, taken along by the one that runs.

A task that does a small piece of a larger kind of work (routing one new ticket) costs most of its
time in what every piece repeats: a transaction and its commit, the rows read again, the model
asked for one text at a time. When a burst leaves many such tasks waiting, the one that runs takes
the next waiting ones of the same task along and does their work with its own, as one batch; a
queue that is empty costs one query that finds nothing.

What is taken along is claimed as the worker claims a task: RUNNING, under the id of the worker
that runs the taking task, in one transaction that other workers cannot interleave (row locks
skipped on PostgreSQL, an exclusive transaction on SQLite). A worker that dies holding them leaves
them RUNNING under its id, and `worker.liveness` gives them back to the queue as it gives back the
task it was running. A task that fails gives back what it took (`give_back`) before the worker
records its own failure. Tasks that already went back once (a worker died with them) are left to
run alone, so that their count of attempts stays theirs.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import router
from django.tasks import TaskContext, TaskResultStatus, task_backends
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction


@dataclass(frozen=True)
class Taken:
    """A waiting task taken along: its row's id and the arguments it was enqueued with."""

    id: str
    args: list[Any]


def take_along(context: TaskContext, limit: int) -> list[Taken]:
    """Claim up to `limit` tasks that wait for the same task as the one running under `context`
    (same queue, same backend), oldest first as the queue orders them, for the worker running it.
    None where the task does not run from the database queue (the immediate backend of the tests
    runs each task as it is enqueued, and leaves nothing waiting)."""
    running = context.task_result
    if limit <= 0 or not isinstance(task_backends[running.backend], DatabaseBackend):
        return []
    worker_ids = list(running.worker_ids)
    db = router.db_for_write(DBTaskResult)
    with exclusive_transaction(db):
        rows = list(
            DBTaskResult.objects.using(db)
            .ready()
            .filter(
                task_path=running.task.module_path,
                queue_name=running.task.queue_name,
                backend_name=running.backend,
                worker_ids=[],
            )
            .exclude(pk=running.id)
            .select_for_update(skip_locked=True)
            .values_list("pk", "args_kwargs")[:limit]
        )
        if rows:
            DBTaskResult.objects.using(db).filter(pk__in=[pk for pk, _ in rows]).update(
                status=TaskResultStatus.RUNNING, started_at=timezone.now(), worker_ids=worker_ids[-1:]
            )
    return [Taken(str(pk), list(args_kwargs["args"])) for pk, args_kwargs in rows]


def finish(taken: Sequence[Taken], return_value: Any) -> None:
    """Mark tasks taken along as done, each with `return_value`, as the worker marks its own."""
    if not taken:
        return
    DBTaskResult.objects.filter(pk__in=[t.id for t in taken], status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.SUCCESSFUL,
        finished_at=timezone.now(),
        return_value=return_value,
        exception_class_path="",
        traceback="",
    )


def give_back(taken: Sequence[Taken]) -> None:
    """Put tasks taken along back in the queue untouched, to run on their own."""
    if not taken:
        return
    DBTaskResult.objects.filter(pk__in=[t.id for t in taken], status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.READY, started_at=None, worker_ids=[]
    )
