"""Background work of supervision (django.tasks; run by `hotline worker`)."""

from typing import Any

from django.tasks import task

from hotline.supervision.sweep import run_sweep


@task()
def sweep() -> dict[str, Any]:
    """One supervision sweep; idempotent, so a sweep enqueued twice does its work once."""
    return run_sweep().as_dict()
