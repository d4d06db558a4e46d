"""Tickets with deadlines where the sweep can see them, and a sweep at a chosen moment.

Tickets are received and dispatched through the real actions; the deadline fields are then set on
the assignment directly, so that these tests do not depend on the deadline policies.
"""

from collections.abc import Callable, Iterator
from datetime import datetime
from itertools import count
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from hotline.accounts.models import ApiToken
from hotline.core import clock
from hotline.core.enums import Channel, Kind, RepetitionKind
from hotline.intake.actions import AppealData, do_receive_appeal
from hotline.supervision.models import Repetition
from hotline.supervision.repetition import RepetitionReport, refresh_repetitions
from hotline.supervision.sweep import SweepReport, run_counted_sweep, run_sweep
from hotline.tickets.actions import do_dispatch_ticket
from hotline.tickets.models import Assignment, Ticket
from tests.api.conftest import ApiClient
from tests.light_dedup import light_dedup

CITY = ZoneInfo("Asia/Shanghai")

# Rules that a test does not ask for stay quiet: the daily digest would add a row to every sweep
# after 09:00 on a working day.
QUIET = {"DAILY_REMINDER_AT": None}

_addresses = count(1)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A moment in the city's time."""
    return datetime(year, month, day, hour, minute, tzinfo=CITY)


def sweep(moment: datetime, **overrides: Any) -> SweepReport:
    with clock.frozen_at(moment):
        return run_sweep(overrides={**QUIET, **overrides})


def counted_sweep(moment: datetime, **overrides: Any) -> SweepReport:
    """What the worker's sweep task does: the repetition counters brought up to date, then the sweep
    (whose repetition rule reads what the counters found)."""
    with clock.frozen_at(moment):
        _repetitions, report = run_counted_sweep(overrides={**QUIET, **overrides})
        return report


@pytest.fixture(autouse=True)
def _ngrams(settings, tmp_path) -> Iterator[None]:
    """Duplicate search (the issue counter's) with character n-grams at 0.5, its index under the
    test's own HOTLINE_HOME, and no process-wide index left from another test."""
    with light_dedup(settings, tmp_path, THRESHOLD={"ngram": 0.5}):
        yield


def received(
    staff: dict[str, Any],
    moment: datetime,
    *,
    address: str | None = None,
    category_id: int | None = None,
    area_id: int | None = None,
    title: str = "路灯不亮",
    content: str = "",
    phone: str = "13800001111",
    citizen_name: str = "",
    kind: str = Kind.COMPLAINT,
) -> Ticket:
    """A new ticket received at `moment`, by default a complaint at an address no other ticket has."""
    with clock.frozen_at(moment):
        ticket, _created = do_receive_appeal(
            AppealData(
                channel=Channel.PHONE,
                title=title,
                content=content or f"{title}，请尽快处理。",
                citizen_name=citizen_name,
                citizen_phone=phone,
                address=address if address is not None else f"测试路{next(_addresses)}号",
                category_id=category_id,
                area_id=area_id,
                kind=kind,
            ),
            staff["operator"],
        )
    return ticket


def refresh(moment: datetime) -> RepetitionReport:
    """The repetition counters brought up to date at `moment`."""
    with clock.frozen_at(moment):
        return refresh_repetitions()


def stale_issue(tickets: list[Ticket], label: str, raised_at: datetime, **fields: Any) -> Repetition:
    """An issue that an earlier rule of the counters raised from `tickets` (kept as it was stored),
    for a test that the next count clears it."""
    stale = Repetition.objects.create(
        kind=RepetitionKind.ISSUE,
        key=str(tickets[0].pk),
        label=label,
        count=len(tickets),
        window_days=30,
        first_at=tickets[0].created_at,
        last_at=tickets[-1].created_at,
        ticket=tickets[-1],
        raised_at=raised_at,
        updated_at=raised_at,
        **fields,
    )
    stale.tickets.set(tickets)
    return stale


def open_flags(kind: str) -> list[Repetition]:
    """The repetitions of `kind` the counters hold now, oldest first."""
    return list(Repetition.objects.filter(kind=kind, cleared_at__isnull=True).order_by("pk"))


@pytest.fixture
def build(staff, departments) -> Callable[..., tuple[Ticket, Assignment]]:
    """build(dispatched=..., due=..., lead="street", **deadline fields) -> (ticket, lead assignment)."""

    def make(
        *,
        dispatched: datetime,
        due: datetime,
        lead: str = "street",
        co: tuple[str, ...] = (),
        **fields: Any,
    ) -> tuple[Ticket, Assignment]:
        ticket = received(staff, dispatched, address=fields.pop("address", None))
        with clock.frozen_at(dispatched):
            do_dispatch_ticket(
                ticket,
                staff["dispatcher"],
                lead_department_id=departments[lead].pk,
                co_department_ids=[departments[c].pk for c in co],
            )
        # Only the deadlines a test names: the policies' sign-off deadline would add reminders.
        fields = {"sign_due_at": None, "response_due_at": None, **fields}
        ticket.assignments.update(due_at=due, original_due_at=due, **fields)
        ticket.refresh_from_db()
        assignment = ticket.assignments.get(role="lead")
        return ticket, assignment

    return make


@pytest.fixture
def immediate_tasks(settings):
    """Tasks run at once, in the test's process and transaction."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def api_as():
    """api_as(user) -> an API client holding a fresh token of that user."""

    def make(user: Any) -> ApiClient:
        _token, raw = ApiToken.issue(user, name="test")
        return ApiClient(user, raw)

    return make
