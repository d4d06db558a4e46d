"""Open311's one change: a posted request enters through intake, like every appeal, and is
recorded as the client system's submission with its token and its photos, in one transaction."""

import secrets

from django.db import transaction

from hotline.core import clock
from hotline.intake import attachments
from hotline.intake.actions import do_receive_appeal
from hotline.open311.models import ApiKey, Submission
from hotline.open311.posted import Posted


def do_submit_request(posted: Posted, key: ApiKey) -> Submission:
    """Take the request in (intake: a new ticket, routed by the worker) as sent by `key`'s system."""
    with transaction.atomic():
        # No staff member took it: the actor is none, as on the citizen portal.
        ticket, _created = do_receive_appeal(posted.data, None)
        appeal = ticket.appeals.order_by("-pk").first()
        assert appeal is not None
        submission = Submission.objects.create(
            appeal=appeal, api_key=key, token=secrets.token_hex(16), submitted_at=clock.now()
        )
        for upload, content_type in posted.media:
            attachments.store_photo(appeal, upload, content_type)
    return submission
