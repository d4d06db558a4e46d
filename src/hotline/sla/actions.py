"""The clock's actions: a department stops and restarts its assignment's clock (挂起, 恢复计时),
asks for a later deadline (延期申请), and dispatch or a supervisor decides on it (延期审批).

Each is a `@transition` of the ticket (`tickets.transitions`) and writes one timeline event.
"""

from datetime import datetime

from django.utils.translation import gettext as _

from hotline.accounts.models import User
from hotline.citizen_messages.outbox import tell_extended, tell_resumed
from hotline.core import clock, timerange
from hotline.core.enums import AssignmentStatus, SuspensionReason, one_of
from hotline.core.errors import ActionNotAllowed, InvalidInput
from hotline.sla.models import Extension, Suspension
from hotline.sla.suspensions import end_suspension
from hotline.tickets import events
from hotline.tickets.models import Ticket
from hotline.tickets.transitions import actor_assignment, not_suspended, require_text, transition


def _local(moment: datetime) -> str:
    return f"{clock.localtime(moment):%Y-%m-%d %H:%M}"


def _settled(extension: Extension) -> str:
    """The refusal to decide on `extension` again: decided, or withdrawn (and why)."""
    at = _local(extension.decided_at) if extension.decided_at is not None else "—"
    if extension.withdrawn:
        return _("延期申请 %(id)s 已于 %(at)s 撤回（%(note)s），不能再审批") % {
            "id": extension.pk,
            "at": at,
            "note": extension.decision_note,
        }
    return _("延期申请 %(id)s 已于 %(at)s 审批，不能再审批") % {"id": extension.pk, "at": at}


@transition("suspend")
def do_suspend_assignment(
    ticket: Ticket, actor: User, *, reason: str, note: str = "", assignment_id: int | None = None
) -> Ticket:
    """A department stops its assignment's clock (挂起), e.g. while the citizen cannot be reached."""
    if reason not in SuspensionReason.values:
        raise InvalidInput(_("reason: 应为 %(values)s 之一") % {"values": one_of(SuspensionReason)})
    note = (note or "").strip()
    if reason == SuspensionReason.OTHER and not note:
        raise InvalidInput(_("note: 挂起原因为“其他”时须说明"))
    assignment = actor_assignment(ticket, actor, "suspend", assignment_id)
    now = clock.now()
    assignment.paused_since = now
    assignment.save()
    suspension = Suspension.objects.create(
        assignment=assignment, reason=reason, note=note, started_at=now, started_by=actor
    )
    events.suspended(ticket, actor, assignment, suspension_id=suspension.pk, reason=reason, note=note, at=now)
    return ticket


@transition("resume")
def do_resume_assignment(
    ticket: Ticket, actor: User, *, note: str = "", assignment_id: int | None = None
) -> Ticket:
    """Restart a suspended assignment's clock; its handling deadline moves by the working time lost,
    and when it is the lead's, every appellant is told the new date (`tell_resumed`)."""
    assignment = actor_assignment(ticket, actor, "resume", assignment_id)
    now = clock.now()
    suspension, moved = end_suspension(assignment, actor, now)
    previous = assignment.due_at
    assignment.due_at = moved.due_at
    assignment.deadline_assumed |= moved.assumed
    assignment.paused_since = None
    if assignment.overdue_at is not None and assignment.due_at > now:
        assignment.overdue_at = None  # overdue no more: the sweep marks it again if it runs out
    assignment.save()
    events.resumed(
        ticket,
        actor,
        assignment,
        suspension_id=suspension.pk if suspension else None,
        paused_seconds=int(moved.paused.total_seconds()),
        previous_due_at=previous,
        note=note,
        at=now,
    )
    if suspension is not None and assignment.due_at > previous:
        # 延期告知: the lead's date that the dispatch message gave has moved.
        tell_resumed(ticket, assignment, suspension, actor, now)
    return ticket


@transition("request_extension")
def do_request_extension(
    ticket: Ticket,
    actor: User,
    *,
    reason: str,
    requested_due_at: datetime,
    assignment_id: int | None = None,
) -> Ticket:
    """The handling department asks for a later handling deadline (延期申请)."""
    reason = require_text(reason, "reason")
    if requested_due_at.tzinfo is None:
        raise InvalidInput(_("requested_due_at: 须带时区"))
    timerange.check_moment(requested_due_at, "requested_due_at")
    assignment = actor_assignment(ticket, actor, "request_extension", assignment_id)
    not_suspended(assignment)
    if assignment.extensions.filter(approved__isnull=True).exists():
        raise ActionNotAllowed(
            _("%(department)s已有待审批的延期申请") % {"department": assignment.department.name}
        )
    now = clock.now()
    if requested_due_at <= max(assignment.due_at, now):
        raise InvalidInput(
            _("requested_due_at: 须晚于当前办理时限 %(due)s和当前时间") % {"due": _local(assignment.due_at)}
        )
    extension = Extension.objects.create(
        assignment=assignment,
        reason=reason,
        previous_due_at=assignment.due_at,
        requested_due_at=requested_due_at,
        requested_by=actor,
        requested_at=now,
    )
    events.extension_requested(
        ticket,
        actor,
        assignment,
        extension_id=extension.pk,
        reason=reason,
        requested_due_at=requested_due_at,
        at=now,
    )
    return ticket


@transition("review_extension")
def do_review_extension(
    ticket: Ticket,
    actor: User,
    *,
    approve: bool,
    extension_id: int | None = None,
    note: str = "",
    due_at: datetime | None = None,
) -> Ticket:
    """Dispatch or a supervisor approves or refuses an extension. Approved, the requested deadline
    becomes the handling deadline, or `due_at` when the approver grants another one (less time
    than asked, or a date still ahead when the one asked has passed while the request waited);
    the original one stays in `original_due_at`. A deadline granted must be later than now and
    than the current one: the citizen is told it (`tell_extended`), and a date already past would
    make the ticket overdue the moment it is extended."""
    if due_at is not None:
        if due_at.tzinfo is None:
            raise InvalidInput(_("due_at: 须带时区"))
        timerange.check_moment(due_at, "due_at")
    pending = Extension.objects.filter(assignment__ticket=ticket, approved__isnull=True)
    if extension_id is not None:
        pending = pending.filter(pk=extension_id)
    found = list(pending.select_related("assignment__department").order_by("pk")[:2])
    if not found:
        settled = None
        if extension_id is not None:
            settled = Extension.objects.filter(
                assignment__ticket=ticket, pk=extension_id, approved__isnull=False
            ).first()
        if settled is not None:
            raise ActionNotAllowed(_settled(settled))
        raise ActionNotAllowed(_("工单 %(number)s 没有待审批的延期申请") % {"number": ticket.number})
    if extension_id is None and len(found) > 1:
        raise InvalidInput(_("extension_id: 此工单有多个待审批的延期申请，请指明 extension_id"))
    extension = found[0]
    assignment = extension.assignment
    now = clock.now()
    granted = None
    if approve:
        if assignment.status not in (AssignmentStatus.PENDING, AssignmentStatus.ACCEPTED):
            raise ActionNotAllowed(
                _("%(department)s的派单已不在办理中，无需延期") % {"department": assignment.department.name}
            )
        granted = due_at or extension.requested_due_at
        if granted <= max(assignment.due_at, now):
            if due_at is not None:
                raise InvalidInput(
                    _("due_at: 批准的办理时限须晚于当前办理时限 %(due)s和当前时间")
                    % {"due": _local(assignment.due_at)}
                )
            raise ActionNotAllowed(
                _(
                    "申请延至的 %(asked)s 已不晚于当前办理时限或当前时间，不能照此批准："
                    "请另定新的办理时限后批准，或不批准"
                )
                % {"asked": _local(extension.requested_due_at)}
            )
        if assignment.original_due_at is None:
            assignment.original_due_at = assignment.due_at
        assignment.due_at = granted
        if assignment.overdue_at is not None and assignment.due_at > now:
            assignment.overdue_at = None
        assignment.save()
    extension.approved = approve
    extension.granted_due_at = granted
    extension.decided_by = actor
    extension.decided_at = now
    extension.decision_note = note
    extension.save()
    events.extension_reviewed(
        ticket,
        actor,
        assignment,
        extension_id=extension.pk,
        approved=approve,
        note=note,
        previous_due_at=extension.previous_due_at if approve else None,
        at=now,
    )
    if approve:
        # 延期告知: the citizen was told the lead's old deadline when it was dispatched.
        tell_extended(ticket, assignment, extension.pk, actor, now)
    return ticket
