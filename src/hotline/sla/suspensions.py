"""Stopping and restarting an assignment's clock, and the time a withdrawn assignment lost: the
records the actions keep (`sla.actions` for suspensions, `tickets.actions` when an assignment is
withdrawn). They take the assignment as their argument and write only the clock's own rows."""

from datetime import datetime
from typing import Any

from hotline.accounts.models import User
from hotline.core.enums import DelayCause
from hotline.sla.deadlines import Resumed, after_suspension
from hotline.sla.models import Suspension, TimeLost
from hotline.sla.selectors import calendar_for


def end_suspension(assignment: Any, actor: User, at: datetime) -> tuple[Suspension | None, Resumed]:
    """Close the assignment's open suspension at `at`; the result says how far its deadline moves.
    The caller saves the assignment (`paused_since`, `due_at`)."""
    assert assignment.paused_since is not None
    moved = after_suspension(
        calendar_for(assignment.department), assignment.due_at, assignment.paused_since, at
    )
    suspension = assignment.suspensions.filter(ended_at__isnull=True).order_by("-pk").first()
    if suspension is not None:
        suspension.ended_at = at
        suspension.ended_by = actor
        suspension.paused = moved.paused
        suspension.save()
    return suspension, moved


def record_time_lost(withdrawn: Any, actor: User, *, wrong_dispatch: bool, at: datetime) -> TimeLost:
    """The time from the withdrawn assignment's dispatch to its replacement, against whoever caused it."""
    working = calendar_for(None).working_time_between(withdrawn.dispatched_at, at)
    return TimeLost.objects.create(
        ticket_id=withdrawn.ticket_id,
        assignment=withdrawn,
        cause=DelayCause.DISPATCH if wrong_dispatch else DelayCause.DEPARTMENT,
        department=None if wrong_dispatch else withdrawn.department,
        dispatcher=withdrawn.dispatched_by if wrong_dispatch else None,
        started_at=withdrawn.dispatched_at,
        ended_at=at,
        elapsed=at - withdrawn.dispatched_at,
        working_time=working.value,
        recorded_by=actor,
    )
