"""The deadlines of an assignment from its terms and its calendar. Pure functions.

- sign-off (签收): N working hours (within the working hours of working days);
- first response: N natural minutes (urgent tickets; no deadline when the terms have none). Signing
  is the unit's first response (the sweep's response rule waits for it), so an assignment with a
  response deadline must be signed by then: "30 分钟响应" runs at night and on Sundays, and signing
  an urgent ticket never waits for Monday's working hours;
- handling (办理): the same local time of day N working days later;
- callback (回访): the same local time of day N working days after the reply.

A suspension (挂起) moves the handling deadline by the working time it lasted: the clock stands
still while the assignment waits for the citizen, and only time that would have been working time
is given back.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from hotline.sla.calendar import Calendar, Reckoned
from hotline.sla.policies import Terms


@dataclass(frozen=True)
class Deadlines:
    sign_due_at: datetime
    response_due_at: datetime | None
    due_at: datetime
    # Some day on the way belongs to a year whose holidays are unknown (weekday rule assumed).
    assumed: bool


def assignment_deadlines(calendar: Calendar, terms: Terms, start: datetime, *, is_complex: bool) -> Deadlines:
    sign = calendar.add_working_time(start, timedelta(hours=terms.sign_working_hours))
    due = calendar.due_after_workdays(start, terms.handling(is_complex))
    response = None
    if terms.response_minutes is not None:
        response = calendar.local(start) + timedelta(minutes=terms.response_minutes)
    return Deadlines(
        sign_due_at=sign.value if response is None else min(sign.value, response),
        response_due_at=response,
        due_at=due.value,
        assumed=sign.assumed or due.assumed,
    )


def callback_due(calendar: Calendar, terms: Terms, replied_at: datetime) -> Reckoned[datetime]:
    return calendar.due_after_workdays(replied_at, terms.callback_workdays)


@dataclass(frozen=True)
class Resumed:
    due_at: datetime
    paused: timedelta  # working time the suspension lasted
    assumed: bool


def after_suspension(calendar: Calendar, due_at: datetime, since: datetime, until: datetime) -> Resumed:
    """The handling deadline once a suspension from `since` to `until` ends."""
    paused = calendar.working_time_between(since, until)
    if not paused.value:
        return Resumed(due_at, paused.value, paused.assumed)
    moved = calendar.add_working_time(due_at, paused.value)
    return Resumed(moved.value, paused.value, paused.assumed or moved.assumed)
