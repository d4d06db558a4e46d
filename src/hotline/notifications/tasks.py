"""Background delivery of notifications (django.tasks; run by `hotline worker`)."""

from django.tasks import task

from hotline.notifications.actions import deliver_pending, do_deliver


@task()
def deliver_notifications(ids: list[int]) -> dict[str, int]:
    """Send the given notifications; those already sent are skipped."""
    counts: dict[str, int] = {}
    for pk in ids:
        state = do_deliver(pk)
        counts[state] = counts.get(state, 0) + 1
    return counts


@task()
def deliver_pending_notifications(limit: int = 1000) -> dict[str, int]:
    """Send whatever is pending (new rows from a sweep, and earlier failures worth retrying)."""
    return deliver_pending(limit)
