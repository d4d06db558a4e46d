"""Background work of the staff pages (django.tasks; run by `hotline worker`): the exports of a
search, and the reports made on schedule and kept (`web.kept_reports`)."""

from typing import Any

from django.tasks import task

from hotline.core.schedule import enqueue_if_due
from hotline.web import exports, kept_reports
from hotline.web.models import ReportsState


@task()
def build_export(export_id: str) -> None:
    """Write one export of a search to its file (web.exports.build)."""
    exports.build(export_id)


@task()
def make_reports() -> dict[str, Any]:
    """Make and keep the reports that are due (web.kept_reports.make_due)."""
    return kept_reports.make_due()


def enqueue_reports_if_due(interval: float) -> bool:
    """Enqueue `make_reports` when none was enqueued in the last `interval` seconds (by any worker)."""
    return enqueue_if_due(ReportsState, make_reports, interval)
