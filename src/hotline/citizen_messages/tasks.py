"""Background sending of the messages to citizens (django.tasks; run by `hotline worker`).

The worker enqueues `send_citizen_messages` every HOTLINE_CITIZEN_MESSAGE_INTERVAL seconds: the
outbox is read, not pushed, so a message stored by any process (the pages, the API, a mailbox
fetch) is sent within that time, and a failed attempt is tried again when it is due.
"""

from django.tasks import task

from hotline.citizen_messages.actions import send_due
from hotline.citizen_messages.models import SendingState
from hotline.core.schedule import enqueue_if_due


@task()
def send_citizen_messages() -> dict[str, int]:
    """Send the messages that are due (new ones, and failed attempts whose wait is over)."""
    return send_due()


def enqueue_sending_if_due(interval: float) -> bool:
    """Enqueue one sending round when none was enqueued in the last `interval` seconds (0: never)."""
    if interval <= 0:
        return False
    return enqueue_if_due(SendingState, send_citizen_messages, interval)
