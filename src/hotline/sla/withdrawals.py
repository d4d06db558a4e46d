"""Extension requests nobody can decide any more (延期申请自动撤回), and why one cannot be decided now.

A request asks for more time to handle an assignment. Once the assignment has left handling (its
department replied, answered as co-handler or returned it; it was withdrawn by a recall, an upheld
return, a merge or an invalidation) or the ticket is done with, the question is moot: the request
is withdrawn in the name of whoever acted, on the timeline and in the log, so that it does not wait
for a decision forever on the supervision board, in the counters and on the ticket's page. Every
ticket action that may end handling does this last (`tickets.transitions.transition`).
"""

import logging
from datetime import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hotline.accounts.models import User
from hotline.core import clock
from hotline.core.enums import TERMINAL_STATUSES, AssignmentStatus
from hotline.core.errors import ActionNotAllowed
from hotline.sla.models import Extension
from hotline.tickets import events
from hotline.tickets.transitions import check_state

logger = logging.getLogger("hotline.sla")

# An assignment in these states is still at work: an extension of its deadline can be granted.
HANDLING = frozenset({AssignmentStatus.PENDING, AssignmentStatus.ACCEPTED})

# The actions that never take an assignment out of handling nor finish a ticket: no request is
# looked for after them. Any other action (one added later included) is followed by the look.
KEEPS_HANDLING = frozenset(
    {
        "dispatch",
        "accept",
        "suspend",
        "resume",
        "progress",
        "request_extension",
        "review_extension",
        "request_invalidation",
        "link",
        "unlink",
        "callback_attempt",
    }
)

# What ended the handling, by action, as the withdrawal's note says it; "other" for any other.
CAUSES = {
    "reply": gettext_noop("已答复"),
    "answer": gettext_noop("已协办反馈"),
    "return": gettext_noop("已退单"),
    "review_return": gettext_noop("退单已支持"),
    "recall": gettext_noop("派单已撤回"),
    "confirm_invalidation": gettext_noop("已确认为无效诉求"),
    "merge": gettext_noop("已合并"),
    "close": gettext_noop("已办结"),
    "other": gettext_noop("派单已不在办理中"),
}

# The withdrawal's note, a sentence of `supervision.wording` (which registers it from here: that
# layer is above this one): stored in the city's language, shown on the pages in the reader's.
WITHDRAWAL_NOTE = gettext_noop("%(cause)s，延期申请自动撤回")


def moot_condition() -> Q:
    """A waiting request whose assignment is no longer at work, or whose ticket is done with."""
    return ~Q(assignment__status__in=HANDLING) | Q(assignment__ticket__status__in=TERMINAL_STATUSES)


def withdrawal_note(action: str) -> str:
    """Why a request was withdrawn after `action`. Stored, so in the city's language
    (settings.LANGUAGE_CODE) rather than in that of the request that acted: what
    `supervision.wording.stored("withdrawn", cause=...)` says, which this layer cannot call."""
    cause = action if action in CAUSES else "other"
    with translation.override(settings.LANGUAGE_CODE):
        return _(WITHDRAWAL_NOTE) % {"cause": _(CAUSES[cause])}


def withdraw_moot_extensions(ticket_id: int, actor: User, action: str, at: datetime | None = None) -> int:
    """Withdraw the requests on ticket `ticket_id` that `action` (done by `actor`) made moot, each
    written on the timeline as the end of its review; returns how many. In the action's transaction,
    after it."""
    if action in KEEPS_HANDLING:
        return 0
    found = list(
        # The ticket's row is locked by the action: nothing decides on these meanwhile.
        Extension.objects.filter(assignment__ticket_id=ticket_id, approved__isnull=True)
        .filter(moot_condition())
        .select_related("assignment__ticket", "assignment__department")
        .order_by("pk")
    )
    if not found:
        return 0
    now = at or clock.now()
    note = withdrawal_note(action)
    for extension in found:
        extension.approved = False
        extension.withdrawn = True
        extension.decided_by = actor
        extension.decided_at = now
        extension.decision_note = note
        extension.save(update_fields=["approved", "withdrawn", "decided_by", "decided_at", "decision_note"])
        assignment = extension.assignment
        events.extension_reviewed(
            assignment.ticket,
            actor,
            assignment,
            extension_id=extension.pk,
            approved=False,
            note=note,
            previous_due_at=None,
            at=now,
        )
    logger.info(
        "%s on ticket %s withdrew extension requests %s",
        action,
        ticket_id,
        ", ".join(str(x.pk) for x in found),
    )
    return len(found)


def review_blocker(extension: Extension) -> str | None:
    """Why the waiting request `extension` cannot be decided now, in the words the refusal would
    use, or None when it can: the board says this instead of offering buttons that can only fail.
    Reads `extension.assignment.ticket` and `.department`."""
    assignment = extension.assignment
    try:
        check_state(assignment.ticket, "review_extension")
    except ActionNotAllowed as refusal:
        return refusal.message
    if assignment.status not in HANDLING:
        return _("%(department)s的派单已不在办理中，无需延期") % {"department": assignment.department.name}
    return None
