"""Each department's share of weak replies (答复质量存疑率) in a period: of the replies it sent to
citizens (feedback.Reply, counted on the local day it was sent), those the reply-quality check
flagged (`feedback.ReplyCheck.weak`), whether or not a supervisor has reviewed them since (the
review says a person read the reply, not that it was good).

Counted live (the replies of a month are a few thousand rows, one grouped query); tickets the
figures leave out (merged, invalid: `facts.exempt_statuses`) are left out here too. Answers on the
spot are not checked and not counted.
"""

from django.db.models import Count, Q

from hotline.analytics.facts import exempt_statuses
from hotline.analytics.periods import Period, Rate
from hotline.feedback.models import ReplyCheck


def weak_reply_shares(period: Period) -> dict[int, Rate]:
    """Department id -> weak replies / checked replies sent in the period."""
    rows = (
        ReplyCheck.objects.filter(
            reply__replied_at__gte=period.start,
            reply__replied_at__lt=period.end,
            reply__department__isnull=False,
        )
        .exclude(reply__ticket__status__in=exempt_statuses())
        .values("reply__department_id")
        .annotate(checked=Count("pk"), weak=Count("pk", filter=Q(weak=True)))
        .order_by()
    )
    return {row["reply__department_id"]: Rate(row["weak"], row["checked"]) for row in rows}
