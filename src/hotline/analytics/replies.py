"""Each department's share of weak replies (答复质量存疑率) in a period: of the replies it sent to
citizens (feedback.Reply, counted on the local day it was sent), those the reply-quality check
flagged (`feedback.ReplyCheck.weak`), whether or not a supervisor has reviewed them since (the
review says a person read the reply, not that it was good).

Read from the period's figures (`analytics.facts`: `replies_checked`, `replies_weak`, kept per day
like the four rates), so a year's share costs what the year's ranking costs; tickets the figures
leave out (merged, invalid) are left out here too. Answers on the spot are not checked and not
counted.
"""

from hotline.analytics.facts import Counts
from hotline.analytics.periods import Rate


def weak_reply_share(counts: Counts) -> Rate | None:
    """Weak replies / checked replies of a department's counts; None when it sent none."""
    if not counts.replies_checked:
        return None
    return Rate(counts.replies_weak, counts.replies_checked)
