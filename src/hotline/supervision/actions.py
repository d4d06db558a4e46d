"""Supervision by hand: opening an order (督办) and closing it, and the review of a repetition the
counters flagged. The sweep opens orders by rule.

Supervising does not move a ticket through its states: the timeline event each action writes has
the same status before and after.
"""

import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hotline.accounts.models import User
from hotline.accounts.permissions import require_role
from hotline.core import clock, timerange
from hotline.core.enums import (
    ESCALATION_LADDER,
    TERMINAL_STATUSES,
    AssignmentRole,
    AssignmentStatus,
    NotificationReason,
    RepetitionKind,
    Role,
    SupervisionKind,
    SupervisionReason,
    one_of,
)
from hotline.core.errors import ActionNotAllowed, InvalidInput, NotFound
from hotline.directory.models import Department
from hotline.notifications.actions import Draft, store_notifications
from hotline.supervision import wording
from hotline.supervision.models import REPEAT_REASONS, REVIEW_OUTCOMES, Repetition, Supervision
from hotline.tickets import events
from hotline.tickets.models import Assignment, Ticket

logger = logging.getLogger("hotline.supervision")

# Assignments that still owe work; a returned one waits for dispatch, not for its department.
WORKING_STATUSES = (AssignmentStatus.PENDING, AssignmentStatus.ACCEPTED)

PUBLIC_KINDS = frozenset({SupervisionKind.LISTING, SupervisionKind.ELEVATION})

MAX_REASON = 10_000


@dataclass(frozen=True)
class Audience:
    """One audience of a supervision: `when` it applies ("unit": the supervision names a unit,
    "city": it names none, "always"), the `role` addressed ("" = everyone) and whether it goes to
    the supervision's unit or to the city."""

    when: str
    role: str
    to_unit: bool


def audience_rules(kind: str, reason: str = "") -> list[Audience]:
    """Who is told of a supervision.

    催办 goes to the handling unit, 督办 to its head, 挂牌 also to the city's leaders, 提级 to the
    head of the level above (the city's leaders when there is none). A supervision that names no
    unit goes to the supervisors; orders about repetition and returns always do, as they follow
    them up. The 催办 of a missed first response goes to the supervisors only: the unit had its
    own reminder at the same moment (the sweep's response rule), and the supervisors follow urgent
    tickets up.
    """
    if kind == SupervisionKind.REMINDER and reason == SupervisionReason.RESPONSE_OVERDUE:
        return [Audience("always", Role.SUPERVISOR.value, False)]
    if kind == SupervisionKind.REMINDER:
        return [Audience("unit", "", True), Audience("city", Role.SUPERVISOR.value, False)]
    if kind == SupervisionKind.LISTING:
        return [Audience("unit", Role.HEAD.value, True), Audience("always", Role.LEADER.value, False)]
    if kind == SupervisionKind.ELEVATION:
        return [Audience("unit", Role.HEAD.value, True), Audience("city", Role.LEADER.value, False)]
    supervisors = "always" if reason in (*REPEAT_REASONS, SupervisionReason.RETURNED) else "city"
    return [Audience("unit", Role.HEAD.value, True), Audience(supervisors, Role.SUPERVISOR.value, False)]


def audiences(kind: str, department_id: int | None, *, reason: str = "") -> list[tuple[int | None, str]]:
    """(department id or None for the city, role or "") that a supervision is sent to."""
    applies = {"always": True, "unit": department_id is not None, "city": department_id is None}
    return [
        (department_id if a.to_unit else None, a.role)
        for a in audience_rules(kind, reason)
        if applies[a.when]
    ]


def ladder_level(kind: str) -> int:
    return [k.value for k in ESCALATION_LADDER].index(kind)


def supervision_drafts(
    *,
    key: str,
    supervision_id: int,
    kind: str,
    reason: str,
    department_id: int | None,
    ticket_id: int,
    assignment_id: int | None,
    deadline: datetime | None,
    message: str,
) -> Iterator[Draft]:
    level = ladder_level(kind)
    for dept, role in audiences(kind, department_id, reason=reason):
        yield Draft(
            key=f"sup:{key}:{dept or 'city'}:{role or 'all'}",
            reason=NotificationReason.SUPERVISION,
            message=message,
            department_id=dept,
            role=role,
            ticket_id=ticket_id,
            assignment_id=assignment_id,
            supervision_id=supervision_id,
            level=level,
            deadline=deadline,
        )


def _target_assignment(ticket: Ticket, assignment_id: int | None) -> Assignment | None:
    if assignment_id is not None:
        assignment = ticket.assignments.select_related("department").filter(pk=assignment_id).first()
        if assignment is None:
            raise InvalidInput(
                _("assignment_id: 派单 %(id)s 不属于工单 %(number)s")
                % {"id": assignment_id, "number": ticket.number}
            )
        return assignment
    return (
        ticket.assignments.select_related("department")
        .filter(role=AssignmentRole.LEAD, status__in=[*WORKING_STATUSES, AssignmentStatus.RETURNED])
        .order_by("-pk")
        .first()
    )


# The steps of which one at a time stays open: a public listing per ticket (a second would list
# the ticket twice on the board), an elevation per unit's part (it would send the same work up twice).
_ALREADY_OPEN = {
    SupervisionKind.LISTING: gettext_noop(
        "工单 %(number)s 已于 %(at)s 挂牌督办，尚未销号；请跟进该挂牌督办，或销号后再挂牌"
    ),
    SupervisionKind.ELEVATION: gettext_noop(
        "工单 %(number)s 已于 %(at)s 提级办理，尚未销号；请跟进该提级办理，或销号后再提级"
    ),
}


def _refuse_a_second(ticket: Ticket, kind: str, assignment: Assignment | None) -> None:
    """ActionNotAllowed when a step of `kind` that stays one at a time (`_ALREADY_OPEN`) is open on
    the ticket already (an elevation: on the same unit's part, `assignment`)."""
    if kind not in _ALREADY_OPEN:
        return
    same = ticket.supervisions.filter(kind=kind, resolved_at__isnull=True)
    if kind == SupervisionKind.ELEVATION:
        same = same.filter(assignment=assignment)
    found = same.first()
    if found is not None:
        raise ActionNotAllowed(
            _(_ALREADY_OPEN[SupervisionKind(kind)])
            % {"number": ticket.number, "at": f"{clock.localtime(found.created_at):%Y-%m-%d %H:%M}"}
        )


@transaction.atomic
def do_open_supervision(
    ticket: Ticket,
    actor: User,
    *,
    kind: str = SupervisionKind.ORDER,
    reason: str,
    deadline: datetime | None = None,
    assignment_id: int | None = None,
) -> Supervision:
    """A supervisor opens a supervision by hand, with a deadline of its own (督办时限).

    It is addressed to the unit of the given assignment, by default the lead's; an elevation is
    addressed to the level above that unit.
    """
    require_role(actor, "supervise")
    if kind not in SupervisionKind.values:
        raise InvalidInput(_("kind: 应为 %(kinds)s 之一") % {"kinds": one_of(SupervisionKind)})
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("reason: 不能为空"))
    if len(reason) > MAX_REASON:
        raise InvalidInput(_("reason: 不能超过 %(max)s 字") % {"max": MAX_REASON})
    now = clock.now()
    if deadline is not None:
        if deadline.utcoffset() is None:
            raise InvalidInput(_("deadline: 须带时区"))
        timerange.check_moment(deadline, "deadline")
        if deadline <= now:
            raise InvalidInput(_("deadline: 督办时限须晚于当前时间"))
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.status in TERMINAL_STATUSES:
        raise ActionNotAllowed(
            _("工单 %(number)s 状态为“%(status)s”，不能督办")
            % {"number": ticket.number, "status": ticket.get_status_display()}
        )
    assignment = _target_assignment(ticket, assignment_id)
    department: Department | None = assignment.department if assignment else None
    if kind == SupervisionKind.ELEVATION and department is not None:
        department = department.parent
    _refuse_a_second(ticket, kind, assignment)
    supervision = Supervision.objects.create(
        ticket=ticket,
        assignment=assignment,
        department=department,
        kind=kind,
        reason=SupervisionReason.MANUAL,
        reason_text=reason,
        assignment_due_at=assignment.due_at if assignment else None,
        created_by=actor,
        created_at=now,
        deadline=deadline,
        is_public=kind in PUBLIC_KINDS,
        dedupe_key=f"manual:{ticket.pk}:{uuid.uuid4().hex}",
    )
    events.supervised(
        ticket,
        actor,
        supervision_id=supervision.pk,
        kind=kind,
        reason=SupervisionReason.MANUAL.value,
        text=reason,
        department_code=department.code if department else None,
        deadline=deadline,
        at=now,
    )
    if assignment is not None:
        supersede_lower(supervision, actor, now)
    # Stored and sent to the unit: in the city's words, whatever the page's language; the pages say
    # it in the reader's (`wording.shown`), the supervisor's reason as typed.
    if deadline is None:
        message = wording.stored("opened", number=ticket.number, title=ticket.title, kind=kind, reason=reason)
    else:
        until = f"{clock.localtime(deadline):%Y-%m-%d %H:%M}"
        message = wording.stored(
            "opened_until", number=ticket.number, title=ticket.title, kind=kind, until=until, reason=reason
        )
    store_notifications(
        supervision_drafts(
            key=supervision.dedupe_key,
            supervision_id=supervision.pk,
            kind=kind,
            reason=SupervisionReason.MANUAL,
            department_id=department.pk if department else None,
            ticket_id=ticket.pk,
            assignment_id=assignment.pk if assignment else None,
            deadline=deadline,
            message=message,
        ),
        now=now,
    )
    return supervision


def superseded_note(kind: str) -> str:
    """The closing note of a supervision that a step up to `kind` took over, by hand or by the sweep.

    Stored, so in the city's language (settings.LANGUAGE_CODE) rather than in that of the request
    that stepped up: the record and its timeline line are the same whoever reads them (the API),
    and the same whether a supervisor or the sweep (which has no request) closed it; the pages say
    it in the reader's language (`wording.shown`)."""
    return wording.stored("superseded", kind=SupervisionKind(kind).value)


def supersede_lower(supervision: Supervision, actor: User, now: datetime) -> int:
    """Close the open supervisions lower on the ladder than `supervision` on its assignment: the
    step up takes them over (the sweep does the same, set-based: `sweep._Sweep.supersede`). Each
    closing is written on the timeline and in the log; returns how many."""
    lower = [k.value for k in ESCALATION_LADDER[: ladder_level(supervision.kind)]]
    if not lower or supervision.assignment_id is None:
        return 0
    note = superseded_note(supervision.kind)
    found = list(
        Supervision.objects.select_for_update()
        .filter(assignment_id=supervision.assignment_id, kind__in=lower, resolved_at__isnull=True)
        .exclude(pk=supervision.pk)
        .order_by("pk")
    )
    for old in found:
        old.resolved_at = now
        old.resolved_by = actor
        old.resolution_note = note
        old.save(update_fields=["resolved_at", "resolved_by", "resolution_note"])
        events.supervision_resolved(
            supervision.ticket, actor, supervision_id=old.pk, kind=old.kind, note=note, at=now
        )
    if found:
        logger.info(
            "supervision %s (%s) on assignment %s superseded %s",
            supervision.pk,
            supervision.kind,
            supervision.assignment_id,
            ", ".join(f"{old.pk} ({old.kind})" for old in found),
        )
    return len(found)


@transaction.atomic
def do_resolve_supervision(supervision: Supervision, actor: User, *, note: str = "") -> Supervision:
    """Close an open supervision (督办销号); its unit is told."""
    require_role(actor, "resolve_supervision")
    found = Supervision.objects.select_for_update().filter(pk=supervision.pk).first()
    if found is None:
        raise NotFound(_("督办 %(id)s 不存在") % {"id": supervision.pk})
    supervision = found
    if supervision.resolved_at is not None:
        raise ActionNotAllowed(
            _("督办 %(id)s 已于 %(at)s 办结")
            % {"id": supervision.pk, "at": f"{clock.localtime(supervision.resolved_at):%Y-%m-%d %H:%M}"}
        )
    now = clock.now()
    supervision.resolved_at = now
    supervision.resolved_by = actor
    supervision.resolution_note = note.strip()
    supervision.save(update_fields=["resolved_at", "resolved_by", "resolution_note"])
    ticket = supervision.ticket
    note = supervision.resolution_note
    events.supervision_resolved(
        ticket,
        actor,
        supervision_id=supervision.pk,
        kind=supervision.kind,
        note=supervision.resolution_note,
        at=now,
    )
    if supervision.department_id is not None:
        # Sent to the unit: in the city's words, the supervisor's note as typed.
        told = {"number": ticket.number, "kind": supervision.kind}
        if note:
            message = wording.stored("resolved_note", note=note, **told)
        else:
            message = wording.stored("resolved", **told)
        store_notifications(
            [
                Draft(
                    key=f"resolved:{supervision.pk}",
                    reason=NotificationReason.SUPERVISION_RESOLVED,
                    message=message,
                    department_id=supervision.department_id,
                    ticket_id=ticket.pk,
                    assignment_id=supervision.assignment_id,
                    supervision_id=supervision.pk,
                )
            ],
            now=now,
        )
    return supervision


@transaction.atomic
def do_review_repetition(repetition: Repetition, actor: User, *, outcome: str, note: str = "") -> Repetition:
    """A person reads a repetition the counters flagged (supervision.repetition) and says what it
    is (`models.REVIEW_OUTCOMES`). Of a citizen: a reasonable appeal (the problem is not solved,
    which the sweep then supervises), a possibly unreasonable repetition, or not the same problem;
    nothing else changes: an unreasonable appeal is only ever declared invalid through the
    two-person invalidation of the ticket itself. Of an issue or a place: that the group is not one
    problem, or not one place; it is cleared at once, and its appeals no longer count for a group of
    its kind (`repetition.refresh_repetitions`), so it raises no order. Written on the timeline of
    the ticket it is about, and in the log."""
    require_role(actor, "review_repetition")
    found = Repetition.objects.select_for_update().filter(pk=repetition.pk).select_related("ticket").first()
    if found is None:
        raise NotFound(_("重复诉求预警 %(id)s 不存在") % {"id": repetition.pk})
    allowed = REVIEW_OUTCOMES[RepetitionKind(found.kind)]
    if outcome not in allowed:
        raise InvalidInput(_("outcome: 应为 %(values)s 之一") % {"values": one_of(allowed)})
    if found.reviewed_at is not None:
        raise ActionNotAllowed(
            _("重复诉求预警 %(id)s 已于 %(at)s 审核")
            % {"id": found.pk, "at": f"{clock.localtime(found.reviewed_at):%Y-%m-%d %H:%M}"}
        )
    now = clock.now()
    found.outcome = outcome
    found.review_note = note.strip()
    found.reviewed_by = actor
    found.reviewed_at = now
    found.needs_review = False
    fields = ["outcome", "review_note", "reviewed_by", "reviewed_at", "needs_review"]
    if found.dismissed and found.cleared_at is None:
        found.cleared_at = now
        fields.append("cleared_at")
    found.save(update_fields=fields)
    logger.info(
        "repetition %s (%s, %s appeals or appellants) reviewed by %s: %s",
        found.pk,
        found.kind,
        found.count,
        actor.username,
        outcome,
    )
    events.repetition_reviewed(
        found.ticket,
        actor,
        flag_id=found.pk,
        kind=found.kind,
        count=found.count,
        outcome=outcome,
        note=found.review_note,
        at=now,
    )
    return found
