"""Each department's share of weak replies (答复质量存疑率) in a period: of the replies it sent to
citizens (feedback.Reply, counted on the local day it was sent), those the reply-quality check
flagged (`feedback.ReplyCheck.weak`), whether or not a supervisor has reviewed them since (the
review says a person read the reply, not that it was good).

Read from the period's figures (`analytics.facts`: `replies_checked`, `replies_weak`, kept per day
like the four rates), so a year's share costs what the year's ranking costs; tickets the figures
leave out (merged, invalid) are left out here too. Answers on the spot are not checked and not
counted.

A unit head reads their unit's share in its report (`unit_shares`): the unit's total over itself
and the departments under it (a district's streets and communities), then each of them.
"""

from dataclasses import dataclass

from hotline.analytics.facts import Counts
from hotline.analytics.figures import Figures
from hotline.analytics.periods import Rate
from hotline.core.enums import FigureDimension
from hotline.directory.models import Department


def weak_reply_share(counts: Counts) -> Rate | None:
    """Weak replies / checked replies of a department's counts; None when it sent none."""
    if not counts.replies_checked:
        return None
    return Rate(counts.replies_weak, counts.replies_checked)


@dataclass(frozen=True)
class UnitShare:
    """One line of a unit's weak replies: a department under the unit (or the unit itself) that
    sent checked replies in the period, or the unit's total over all of them (`key` the unit's,
    `total` True)."""

    key: int
    name: str
    share: Rate
    total: bool = False


def unit_shares(figures: Figures, unit: Department) -> list[UnitShare]:
    """A unit's share of weak replies in the period of `figures` (read with the departments'
    slices): first its total over itself and every department under it, then each of those that
    sent a checked reply, the highest share first. Two queries (the tree, the names)."""
    keys = unit.descendant_ids()
    mine = {
        key: counts
        for key, counts in figures.of(FigureDimension.DEPARTMENT).items()
        if key in keys and counts.replies_checked
    }
    total = Counts()
    for counts in mine.values():
        total.add(counts)
    names = dict(Department.objects.filter(pk__in=list(mine)).values_list("pk", "name"))
    lines = sorted(
        (
            UnitShare(key, names.get(key, str(key)), Rate(c.replies_weak, c.replies_checked))
            for key, c in mine.items()
        ),
        key=lambda line: (-(line.share.share or 0), -line.share.denominator, line.name),
    )
    return [
        UnitShare(unit.pk, unit.name, Rate(total.replies_weak, total.replies_checked), total=True),
        *lines,
    ]
