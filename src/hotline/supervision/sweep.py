"""The supervision sweep: deadline reminders, 每日一提醒, overdue marking and the escalation ladder.

`run_sweep()` applies every rule of `rules.py` once, in one transaction, and may run any number of
times. Each rule is a few set-based statements, whatever the number of open assignments:

- the candidates are selected by one query that leaves out what was already done (an indexed
  NOT EXISTS on the notification or supervision the rule would create);
- the new rows are written by the database from that same query (INSERT ... SELECT, see `sql.py`)
  with ON CONFLICT DO NOTHING on their unique dedupe keys, so that a second run creates nothing;
- the supervisions opened by this run (`sweep_run`) then get their timeline events and their
  notifications the same way; overdue assignments are marked with one UPDATE;
- a sweep that catches up over a backlog writes each rule in windows of assignment ids (`windows`).

The rules that group (returns, the daily digest) read grouped counts, a few rows per group, and
the repetition rule reads the repetitions the counters keep (`supervision.repetition`, brought up
to date before each sweep by the sweep task); they write rows made in Python (`insert_rows`, or
`bulk_create` for the digest). Sweeps lock the `SweepState` row, so two never overlap.

What counts as open: an assignment pending or accepted (a returned one waits for dispatch; an
answered or withdrawn one is done), not suspended (`paused_since` set), on a ticket that is not
closed, merged or invalid.
"""

import logging
import time as monotonic
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from itertools import islice
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, QuerySet

from hotline.core import clock
from hotline.core.enums import (
    ESCALATION_LADDER,
    TERMINAL_STATUSES,
    AssignmentRole,
    AssignmentStatus,
    DeliveryState,
    EventType,
    NotificationReason,
    RepetitionKind,
    RepetitionOutcome,
    SupervisionKind,
    SupervisionReason,
)
from hotline.core.sql import Absent, EpochInt, ShareReached, insert_rows, insert_select, text
from hotline.directory.models import Department
from hotline.notifications.actions import Draft, enqueue_pending_delivery, store_notifications
from hotline.notifications.backends import configured_backends
from hotline.notifications.models import Notification
from hotline.sla.calendar import Calendar
from hotline.sla.selectors import calendar_for
from hotline.supervision import rules as rules_module
from hotline.supervision import wording
from hotline.supervision.actions import (
    PUBLIC_KINDS,
    WORKING_STATUSES,
    audience_rules,
    ladder_level,
    superseded_note,
)
from hotline.supervision.models import (
    REPEAT_REASON_OF_KIND,
    REPEAT_REASONS,
    Repetition,
    RepetitionTicket,
    Supervision,
    SweepState,
)
from hotline.supervision.repetition import (
    PROBLEM_KINDS,
    RepetitionReport,
    chunked,
    merge_roots,
    refresh_repetitions,
)
from hotline.tickets import events as ticket_events
from hotline.tickets.models import Assignment, Ticket, TicketEvent

logger = logging.getLogger("hotline.supervision")

# Counters of the report, in the order they are printed.
RULES = (
    "sign_overdue",
    "response_overdue",
    "response_reminded",
    "due_soon",
    "daily",
    "overdue_marked",
    *(f"escalation_{k.value}" for k in ESCALATION_LADDER),
    "superseded",
    "repeated",
    "returned",
    "resolved",
    "events",
    "notifications",
)
SUPERVISION_COUNTERS = (
    "response_reminded",
    *(f"escalation_{k.value}" for k in ESCALATION_LADDER),
    "repeated",
    "returned",
)
# Counters of rows updated rather than created.
UPDATES = ("overdue_marked", "superseded", "resolved")
# After this many new rows in a table the sweep refreshes PostgreSQL's statistics of it: with the
# table still counted as nearly empty, the planner answers the next NOT EXISTS by scanning it once
# per candidate instead of looking each one up in the index (seconds instead of milliseconds).
ANALYZE_AFTER = 10_000
# ... with this statistics target (PostgreSQL's default is 100): a sample of 300 x 20 rows.
ANALYZE_TARGET = 20
# Catching up: when no sweep ran in this long (never, or the worker was down), a sweep may have
# hundreds of thousands of rows to write at once, and writes them differently (`_Sweep.windows`).
CATCH_UP_AFTER = timedelta(hours=1)
# How far back the sweep looks for decisions to tell the units of (`decided`): a sweep runs every
# minute, and a day covers a worker stopped for hours.
DECISION_LOOKBACK = timedelta(days=1)
# ... in windows of assignment ids, one statement each: the first covers FIRST_WINDOW ids, each next
# one twice as many (a handful of statements for a million assignments).
FIRST_WINDOW = 25_000


@dataclass
class SweepReport:
    """What one sweep did: rows created (or updated) per rule, and how long it took.

    The deadline rules count notifications (one per assignment, whatever the number of channels),
    the supervision rules count supervisions; `notifications` and `events` count every row stored.
    """

    started_at: datetime
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RULES, 0))
    seconds: float = 0.0

    @property
    def created(self) -> int:
        """Rows created: supervisions, timeline events and notifications."""
        return (
            sum(self.counts[k] for k in SUPERVISION_COUNTERS)
            + self.counts["events"]
            + self.counts["notifications"]
        )

    @property
    def changed(self) -> int:
        return self.created + sum(self.counts[k] for k in UPDATES)

    def add(self, rule: str, n: int) -> None:
        self.counts[rule] = self.counts.get(rule, 0) + n

    def as_dict(self) -> dict[str, Any]:
        return {"started_at": self.started_at.isoformat(), "seconds": round(self.seconds, 3), **self.counts}

    def lines(self) -> list[str]:
        width = max(len(k) for k in self.counts)
        rows = [f"{name:<{width}}  {n}" for name, n in self.counts.items()]
        return [
            f"sweep at {clock.localtime(self.started_at):%Y-%m-%d %H:%M:%S%z}",
            *rows,
            f"{'seconds':<{width}}  {self.seconds:.3f}",
        ]


def open_assignments() -> QuerySet[Assignment]:
    return Assignment.objects.filter(status__in=WORKING_STATUSES, paused_since__isnull=True).exclude(
        ticket__status__in=list(TERMINAL_STATUSES)
    )


def overdue_bound(now: datetime, workdays: int, calendar: Calendar | None = None) -> datetime:
    """Deadlines before this moment are at least `workdays` working days overdue at `now`.

    0 means overdue at all (the deadline has passed). For n >= 1 a deadline on day D counts as n
    working days overdue from the start of the n-th working day after D, so each step of the ladder
    comes at the start of a working day: a deadline on Friday is one working day overdue on Monday.
    """
    if workdays == 0:
        return now + timedelta(microseconds=1)
    calendar = calendar or Calendar()
    local = clock.localtime(now)
    day = local.date()
    counted = 0
    while counted < workdays:
        if calendar.day(day).is_workday:
            counted += 1
        day -= timedelta(days=1)
    # Every deadline on `day` or earlier has `workdays` working days after it up to today.
    return datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=local.tzinfo)


def _chunks(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(rows)
    while batch := list(islice(it, size)):
        yield batch


# A sentence of `wording` and its params, but the ticket's number and title.
Said = tuple[str, dict[str, Any]]

# The columns of the supervision orders that the grouped rules open (the others keep their defaults).
ORDER_FIELDS = (
    "ticket",
    "assignment",
    "department",
    "kind",
    "reason",
    "reason_text",
    "assignment_due_at",
    "subject",
    "created_at",
    "dedupe_key",
    "sweep_run",
)


# --- the sweep ------------------------------------------------------------------------------------


class _Sweep:
    def __init__(self, now: datetime, rules: rules_module.Rules, run: int) -> None:
        self.now = now
        self.rules = rules
        self.run_id = run
        self.report = SweepReport(started_at=now)
        self.channels = [(b.channel, b.stores_only) for b in configured_backends()]
        self.sends = False  # stored something a task must send
        self.grown: dict[str, int] = {}  # rows this sweep added, per table
        self.analyzed_at: dict[str, int] = {}  # ... when it last ran ANALYZE on the table
        self.id_span: tuple[int, int] | None = None
        self.catching_up = False
        # The city's calendar: the ladder and the digest count the city's working days, whatever
        # local holidays a unit has (one set-based statement per step serves every unit).
        self.calendar = calendar_for(None)
        today = self.calendar.day(clock.localtime(now).date())
        if today.assumed:
            logger.warning(
                "the holidays of %s are unknown: the sweep counts its working days by the weekday rule "
                "until they are entered (admin: 日历例外, 已录入年度)",
                today.day.year,
            )

    def windows(self, rows: QuerySet[Assignment]) -> Iterator[QuerySet[Assignment]]:
        """`rows` as they are, or, when catching up, cut into windows of assignment ids.

        Why: a rule's "not done yet" test reads the table that the same statement writes to. When the
        planner expects no row to match it (nothing of the kind stored yet, as in a first sweep), it
        picks a nested loop over a sequential scan of that table, which the statement's own INSERT
        grows as it runs: quadratic (at 300,000 assignments, statements of several seconds where
        a window takes a few tenths; docs/adr/0003-supervision.md). Catching up, each statement
        writes a bounded window, the later and larger windows are planned knowing that the table
        has grown (`grew()` refreshes its statistics), and the test is an index probe per candidate
        (`Absent`). In the steady state, a few hundred rows per sweep, one statement and the
        planner's own anti-join are faster.
        """
        if not self.catching_up:
            yield rows
            return
        if self.id_span is None:
            bounds = open_assignments().aggregate(lo=Min("pk"), hi=Max("pk"))
            self.id_span = (bounds["lo"] or 0, bounds["hi"] or 0)
        start, hi = self.id_span
        size = FIRST_WINDOW
        while start <= hi:
            yield rows.filter(pk__gte=start, pk__lt=start + size)
            start, size = start + size, size * 2

    def absent(self, exists: Exists) -> Any:
        """NOT EXISTS: as an index probe per candidate when catching up (see `windows`)."""
        return Absent(exists) if self.catching_up else ~exists

    def grew(self, model: Any, n: int) -> None:
        """Count new rows in a table; refresh its planner statistics when many came (PostgreSQL).

        At ANALYZE_AFTER new rows, then each time the sweep's rows in it have doubled: what the
        planner must learn is that the table is no longer empty, and each ANALYZE of a large table
        costs a few tenths of a second, so a sweep that writes a million rows runs a handful."""
        table = model._meta.db_table
        self.grown[table] = self.grown.get(table, 0) + n
        due = self.analyzed_at.get(table, ANALYZE_AFTER // 2) * 2
        if self.grown[table] >= due:
            self.analyze(table)

    def analyze(self, table: str) -> None:
        """ANALYZE one table, with a small sample (PostgreSQL; nothing elsewhere)."""
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            # A small sample is enough to tell the planner how large the table now is and how
            # common each reason and kind is; the default one (30,000 rows, every column) made
            # each ANALYZE of the notifications 0.3-0.5 s. Only for this statement.
            cursor.execute("SELECT current_setting('default_statistics_target')")
            (previous,) = cursor.fetchone()
            cursor.execute(f"SET LOCAL default_statistics_target = {ANALYZE_TARGET}")
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
            cursor.execute("SELECT set_config('default_statistics_target', %s, true)", [previous])
        self.analyzed_at[table] = self.grown[table]

    def settle_statistics(self) -> None:
        """At the end of a sweep that wrote many rows: ANALYZE each table it grew by half again since
        its last ANALYZE. The doubling in `grew` may leave a table last analysed at about half the
        rows the sweep wrote, and the next sweeps are planned from that: a catch-up that wrote
        148,000 notifications, last analysed at 80,000, left the next sweep's due-soon statement
        (its NOT EXISTS on the notifications) at 12.5 s instead of 0.3 s until an ANALYZE
        (bench/sweep.py at 250,000 assignments, once the repetition rule wrote no rows of its own)."""
        for table, n in self.grown.items():
            if n >= ANALYZE_AFTER and n > self.analyzed_at.get(table, 0) * 1.5:
                self.analyze(table)

    # notifications ---------------------------------------------------------------------------

    def notify_rows(
        self,
        rows: QuerySet[Any],
        *,
        told: Callable[..., Exists] | None = None,
        key: Any,
        reason: str,
        message: Any,
        department: Any,
        role: str = "",
        ticket: Any = None,
        assignment: Any = None,
        supervision: Any = None,
        level: Any = None,
        deadline: Any = None,
    ) -> int:
        """Store one notification per row of `rows` on each channel, leaving out the rows already
        `told(channel=...)`; returns how many rows the first channel got (the number of
        notifications, whatever the channels)."""
        first = None
        for channel, stores_only in self.channels:
            n = insert_select(
                Notification,
                rows if told is None else rows.filter(self.absent(told(channel=channel))),
                {
                    "recipient": None,
                    "department": department,
                    "role": role,
                    "ticket": ticket,
                    "assignment": assignment,
                    "supervision": supervision,
                    "reason": reason,
                    "level": level,
                    "deadline": deadline,
                    "message": message,
                    "channel": channel,
                    "state": DeliveryState.DELIVERED if stores_only else DeliveryState.PENDING,
                    "attempts": 0,
                    "last_error": "",
                    "created_at": self.now,
                    "delivered_at": self.now if stores_only else None,
                    "read_at": None,
                    "dedupe_key": text(key, f"|{channel}"),
                },
                unique="dedupe_key",
            )
            self.report.add("notifications", n)
            self.grew(Notification, n)
            self.sends |= bool(n) and not stores_only
            first = n if first is None else first
        return first or 0

    def told(self, reason: str, deadline: str, *, channel: str, **more: Any) -> Exists:
        """This assignment was already told this (on this channel, about this deadline)."""
        return Exists(
            Notification.objects.filter(
                assignment=OuterRef("pk"), reason=reason, deadline=OuterRef(deadline), channel=channel, **more
            )
        )

    # deadline rules --------------------------------------------------------------------------

    def deadline_passed(self, rule: str, column: str, reason: NotificationReason, deadline: str) -> None:
        """Sign-off (签收) or first response not done by its deadline: tell the unit once. A sign-off
        deadline that is the first response's (an urgent ticket: signing is its response,
        `sla.deadlines`) is told once, as the response."""
        late = open_assignments().filter(
            status=AssignmentStatus.PENDING, **{f"{column}__isnull": False, f"{column}__lte": self.now}
        )
        if column == "sign_due_at":
            late = late.exclude(sign_due_at=F("response_due_at"))
        n = sum(
            self.notify_rows(
                window,
                told=partial(self.told, reason, column),
                key=text(f"{rule}:", F("pk"), ":", EpochInt(column)),
                reason=reason,
                message=wording.in_sql(
                    "deadline_passed", number=F("ticket__number"), title=F("ticket__title"), deadline=deadline
                ),
                department=F("department_id"),
                ticket=F("ticket_id"),
                assignment=F("pk"),
                deadline=F(column),
            )
            for window in self.windows(late)
        )
        self.report.add(rule, n)

    def response_reminded(self) -> None:
        """An urgent ticket not signed within its first-response minutes: besides the unit's own
        reminder (`deadline_passed`), a 催办 that the supervision board lists and the ticket's
        timeline shows, told to the city's supervisors (`actions.audience_rules`), who follow the
        30-minute response up. About the response deadline (`assignment_due_at`): one per
        assignment and deadline; closed by the sweep once the unit signs (`resolve_settled`)."""
        late = open_assignments().filter(
            status=AssignmentStatus.PENDING, response_due_at__isnull=False, response_due_at__lte=self.now
        )
        done = Supervision.objects.filter(
            assignment=OuterRef("pk"),
            assignment_due_at=OuterRef("response_due_at"),
            kind=SupervisionKind.REMINDER,
            reason=SupervisionReason.RESPONSE_OVERDUE,
        )
        n = 0
        for window in self.windows(late.filter(self.absent(Exists(done)))):
            n += insert_select(
                Supervision,
                window,
                {
                    "ticket": F("ticket_id"),
                    "assignment": F("pk"),
                    "department": F("department_id"),
                    "kind": SupervisionKind.REMINDER.value,
                    "reason": SupervisionReason.RESPONSE_OVERDUE.value,
                    "reason_text": wording.in_sql(
                        "response_overdue_unit",
                        number=F("ticket__number"),
                        title=F("ticket__title"),
                        unit=F("department__name"),
                    ),
                    "assignment_due_at": F("response_due_at"),
                    "subject": "",
                    "created_by": None,
                    "created_at": self.now,
                    "deadline": None,
                    "is_public": False,
                    "resolved_at": None,
                    "resolved_by": None,
                    "resolution_note": "",
                    "dedupe_key": text("response:", F("pk"), ":", EpochInt("response_due_at")),
                    "sweep_run": self.run_id,
                },
                unique="dedupe_key",
            )
        self.grew(Supervision, n)
        self.report.add("response_reminded", n)
        if n:
            self.follow_up(SupervisionReason.RESPONSE_OVERDUE, SupervisionKind.REMINDER)

    def due_soon(self) -> None:
        """Before the handling deadline, at each configured share of the time: only the highest share
        passed is sent, so an assignment first seen at 85% gets the 80% reminder and not the 50% one."""
        percents = self.rules.due_soon_percents
        # A deadline not after the dispatch leaves no time to share out.
        base = open_assignments().filter(due_at__gt=self.now).filter(due_at__gt=F("dispatched_at"))
        for i, p in enumerate(percents):
            reached = base.filter(ShareReached(F("dispatched_at"), F("due_at"), self.now, p))
            if i + 1 < len(percents):
                reached = reached.exclude(
                    ShareReached(F("dispatched_at"), F("due_at"), self.now, percents[i + 1])
                )
            n = sum(
                self.notify_rows(
                    window,
                    told=partial(self.told, NotificationReason.DUE_SOON, "due_at", level__gte=p),
                    key=text("due_soon:", F("pk"), ":", EpochInt("due_at"), f":{p}"),
                    reason=NotificationReason.DUE_SOON,
                    message=wording.in_sql(
                        "due_soon", number=F("ticket__number"), title=F("ticket__title"), percent=str(p)
                    ),
                    department=F("department_id"),
                    ticket=F("ticket_id"),
                    assignment=F("pk"),
                    level=p,
                    deadline=F("due_at"),
                )
                for window in self.windows(reached)
            )
            self.report.add("due_soon", n)

    def daily(self, state: SweepState) -> None:
        """每日一提醒: on each working day, from the configured hour, one digest per unit with open work."""
        at = self.rules.daily_reminder_at
        local = clock.localtime(self.now)
        today = local.date()
        if (
            at is None
            or not self.calendar.day(today).is_workday
            or local.time() < at
            or state.last_daily_on == today
        ):
            return
        state.last_daily_on = local.date()
        rows = (
            open_assignments()
            .values("department_id")
            .annotate(
                total=Count("pk"),
                unsigned=Count("pk", filter=Q(status=AssignmentStatus.PENDING)),
                overdue=Count("pk", filter=Q(due_at__lte=self.now)),
            )
            .order_by("department_id")
        )
        drafts = (
            Draft(
                key=f"daily:{row['department_id']}:{local:%Y%m%d}",
                reason=NotificationReason.DAILY,
                message=wording.stored(
                    "daily",
                    month=f"{local:%m}",
                    day=f"{local:%d}",
                    n=row["total"],
                    unsigned=row["unsigned"],
                    overdue=row["overdue"],
                ),
                department_id=row["department_id"],
            )
            for row in rows
        )
        self.report.add("daily", self.store(drafts))

    def decided(self) -> None:
        """A unit is told (its 消息, and its mail or webhook) what was decided of what it asked or
        sent: its return (退单) reviewed, its request for more time decided, its reply sent back
        (退回重答). Its inbox row says so too, but a unit working from its own system hears of it
        only so. The decisions of the last `DECISION_LOOKBACK`, once each (keyed by the event)."""
        kinds = (EventType.REVIEW_RETURN, EventType.REVIEW_EXTENSION, EventType.RETURN_REPLY)
        events = list(
            TicketEvent.objects.filter(
                ticket_events.of_type(*kinds), at__gt=self.now - DECISION_LOOKBACK, at__lte=self.now
            )
            .select_related("ticket")
            .order_by("pk")
        )
        if not events or not self.channels:
            return
        told = {
            key.partition("|")[0]
            for key in Notification.objects.filter(
                dedupe_key__in=[f"decided:{e.pk}|{self.channels[0][0]}" for e in events]
            ).values_list("dedupe_key", flat=True)
        }
        codes = {str(e.details.get("department") or "") for e in events}
        units = dict(Department.objects.filter(code__in=codes).values_list("code", "pk"))
        drafts = []
        for event in events:
            unit = units.get(str(event.details.get("department") or ""))
            key = f"decided:{event.pk}"
            if unit is None or key in told:
                continue
            drafts.append(
                Draft(
                    key=key,
                    reason=NotificationReason.DECISION,
                    message=_decision_message(event),
                    department_id=unit,
                    ticket_id=event.ticket_id,
                    assignment_id=event.details.get("assignment"),
                )
            )
        self.report.add("decided", self.store(drafts) if drafts else 0)

    def store(self, drafts: Iterable[Draft]) -> int:
        """Store notifications made in Python; returns how many (one per draft, whatever the channels)."""
        n = store_notifications(drafts, now=self.now, batch_size=self.rules.batch_size, enqueue=False)
        self.report.add("notifications", n * len(self.channels))
        self.sends |= bool(n) and any(not stores_only for _c, stores_only in self.channels)
        return n

    def mark_overdue(self) -> None:
        # `open_assignments()` with the ticket's status as NOT EXISTS rather than a join: an UPDATE
        # over a join becomes "id IN (SELECT ...)", a hash of the candidates probed by a sequential
        # scan of every assignment (1.2 s of the first sweep at a million); this one reads the
        # candidates from the `due_at` index and looks each ticket up.
        finished = Ticket.objects.filter(pk=OuterRef("ticket_id"), status__in=list(TERMINAL_STATUSES))
        n = (
            Assignment.objects.filter(
                status__in=WORKING_STATUSES,
                paused_since__isnull=True,
                due_at__lte=self.now,
                overdue_at__isnull=True,
            )
            .exclude(Exists(finished))
            .update(overdue_at=self.now)
        )
        self.report.add("overdue_marked", n)

    # supervisions ----------------------------------------------------------------------------

    def opened(self, reason: str, kind: str) -> QuerySet[Supervision]:
        """The supervisions this run opened for one rule."""
        return Supervision.objects.filter(sweep_run=self.run_id, reason=reason, kind=kind)

    def follow_up(self, reason: str, kind: str) -> None:
        """Timeline events and notifications for the supervisions this run opened for one rule."""
        opened = self.opened(reason, kind)
        events = ticket_events.supervised_by_sweep(opened, at=self.now)
        self.report.add("events", events)
        for audience in audience_rules(kind, reason):
            rows = opened
            if audience.when == "unit":
                rows = rows.filter(department__isnull=False)
            elif audience.when == "city":
                rows = rows.filter(department__isnull=True)
            self.notify_rows(
                rows,
                key=text(
                    "sup:",
                    F("dedupe_key"),
                    ":",
                    F("department_id") if audience.to_unit else "city",
                    f":{audience.role or 'all'}",
                ),
                reason=NotificationReason.SUPERVISION,
                message=F("reason_text"),
                department=F("department_id") if audience.to_unit else None,
                role=audience.role,
                ticket=F("ticket_id"),
                assignment=F("assignment_id"),
                supervision=F("pk"),
                level=ladder_level(kind),
                deadline=F("assignment_due_at"),
            )

    def escalate(self) -> None:
        """The ladder 催办 -> 督办 -> 挂牌 -> 提级 by working days overdue; the highest step reached."""
        steps = self.rules.escalation
        bounds = [overdue_bound(self.now, days, self.calendar) for _kind, days in steps]
        ladder = [k.value for k in ESCALATION_LADDER]
        for i, (kind, days) in enumerate(steps):
            rows = open_assignments().filter(due_at__lt=bounds[i])
            if i + 1 < len(steps):
                rows = rows.filter(due_at__gte=bounds[i + 1])
            done = Supervision.objects.filter(
                assignment=OuterRef("pk"),
                assignment_due_at=OuterRef("due_at"),
                kind__in=ladder[ladder.index(kind.value) :],
            )
            n = 0
            for window in self.windows(rows.filter(self.absent(Exists(done)))):
                n += self.open_escalations(window, kind, days)
            self.report.add(f"escalation_{kind.value}", n)
            if n:
                self.follow_up(SupervisionReason.OVERDUE, kind)
                self.supersede(kind)

    def supersede(self, kind: SupervisionKind) -> None:
        """The open supervisions lower on the ladder of each assignment this run escalated to
        `kind` close: the step up takes them over (`actions.supersede_lower`, by hand), so that the
        board and its counters show where each ticket stands, not every step it went through. Each
        closing gets its line on the ticket's timeline, with the note a step up by hand writes."""
        lower = [k.value for k in ESCALATION_LADDER[: ladder_level(kind)]]
        if not lower:
            return
        escalated = self.opened(SupervisionReason.OVERDUE, kind).values("assignment_id")
        note = superseded_note(kind)
        lower_steps = Supervision.objects.filter(kind__in=lower, assignment_id__in=escalated).exclude(
            assignment_id__isnull=True
        )
        n = lower_steps.filter(resolved_at__isnull=True).update(resolved_at=self.now, resolution_note=note)
        if not n:
            return
        # Their timeline lines, from the rows just closed: the UPDATE holds them locked until the
        # sweep commits (a supervisor's 销号 of one waits, then finds it closed), and no earlier
        # closing of them has this moment and this note (an assignment steps up once per moment).
        events = ticket_events.supervisions_resolved_by_sweep(
            lower_steps.filter(resolved_at=self.now, resolved_by__isnull=True, resolution_note=note),
            note=note,
            at=self.now,
        )
        logger.info("sweep: %s lower supervisions superseded by %s", n, kind.value)
        self.report.add("superseded", n)
        self.report.add("events", events)

    def open_escalations(self, rows: QuerySet[Assignment], kind: SupervisionKind, days: int) -> int:
        # Overdue at all (0), or by `days` working days or more; what this step does.
        reason = wording.in_sql(
            "overdue_days_unit" if days else "overdue_unit",
            number=F("ticket__number"),
            title=F("ticket__title"),
            unit=F("department__name"),
            step=kind.value,
            **({"days": days} if days else {}),
        )
        n = insert_select(
            Supervision,
            rows,
            {
                "ticket": F("ticket_id"),
                "assignment": F("pk"),
                # 提级办理: the level above takes the matter over.
                "department": F("department__parent_id")
                if kind == SupervisionKind.ELEVATION
                else F("department_id"),
                "kind": kind.value,
                "reason": SupervisionReason.OVERDUE.value,
                "reason_text": reason,
                "assignment_due_at": F("due_at"),
                "subject": "",
                "created_by": None,
                "created_at": self.now,
                "deadline": None,
                "is_public": kind in PUBLIC_KINDS,
                "resolved_at": None,
                "resolved_by": None,
                "resolution_note": "",
                "dedupe_key": text(f"overdue:{kind.value}:", F("pk"), ":", EpochInt("due_at")),
                "sweep_run": self.run_id,
            },
            unique="dedupe_key",
        )
        self.grew(Supervision, n)
        return n

    def repeated(self) -> None:
        """The repetitions the counters found and still hold (supervision.repetition, refreshed
        before each sweep): a problem or a place reported by REPEAT_COUNT appellants in the window,
        or a citizen's repetition that a person found reasonable (a citizen's is otherwise only for
        review). One order each, on the newest of its tickets that a department is handling (an
        open assignment; the lead's unit, else the unit at work), naming what repeated in its
        reason. None while every ticket waits for dispatch, or is done: there is no unit to
        supervise, and a later sweep opens it once one is dispatched, if the repetition still holds.
        A group a person took apart is cleared and opens none. One order per ticket in the window.

        Only on, and only for, appeals that report a problem (`repetition.PROBLEM_KINDS`): a
        question asked again (咨询), a suggestion made again (建议) or thanks (表扬) is no unit's
        failure to solve a problem. The counters count nothing else for places and issues; a
        citizen's repetition counts every appeal for its review, and opens an order only when
        its problems reach REPEAT_COUNT (docs/adr/0011-dedup.md, "only problems are supervised
        for repeating")."""
        since = self.now - timedelta(days=self.rules.repeat_window_days)
        need = self.rules.repeat_count
        flagged = list(
            Repetition.objects.filter(cleared_at__isnull=True, problems__gte=need)
            .filter(
                Q(kind__in=[RepetitionKind.ISSUE, RepetitionKind.PLACE])
                | Q(kind=RepetitionKind.CITIZEN, outcome=RepetitionOutcome.REASONABLE)
            )
            .values_list("pk", "kind", "problems", "label")
        )
        if not flagged:
            return
        # The orders of the window, read whole (a few per repetition) rather than asked for by a
        # long IN list.
        done: set[str] = set()
        supervised: set[int] = set()
        for subject, ticket in Supervision.objects.filter(
            reason__in=REPEAT_REASONS, created_at__gte=since
        ).values_list("subject", "ticket_id"):
            done.add(subject)
            supervised.add(ticket)
        # The most specific first (a ticket that is the newest at work of an issue and of its
        # address gets the issue's order), then the most reported.
        precedence = [RepetitionKind.ISSUE, RepetitionKind.PLACE, RepetitionKind.CITIZEN]
        todo = sorted(
            (row for row in flagged if f"{row[1]}:{row[0]}" not in done),
            key=lambda row: (precedence.index(RepetitionKind(row[1])), -row[2], row[0]),
        )
        if not todo:
            return
        tickets: dict[int, set[int]] = defaultdict(set)
        for ids in chunked(row[0] for row in todo):
            for repetition_id, ticket_id in RepetitionTicket.objects.filter(
                repetition_id__in=ids
            ).values_list("repetition_id", "ticket_id"):
                tickets[repetition_id].add(ticket_id)
        # Each counted ticket as the ticket it was merged into, and the open assignments of those
        # that report a problem.
        roots = merge_roots(set().union(*tickets.values()))
        at_work: dict[int, tuple[int, int | None, datetime | None, bool]] = {}
        for ids in chunked(set(roots.values())):
            for ticket_id, pk, department, due, role in (
                open_assignments()
                .filter(ticket_id__in=ids)
                .filter(ticket__kind__in=PROBLEM_KINDS)
                .order_by("pk")
                .values_list("ticket_id", "pk", "department_id", "due_at", "role")
            ):
                lead = role == AssignmentRole.LEAD
                if ticket_id not in at_work or lead or not at_work[ticket_id][3]:
                    at_work[ticket_id] = (pk, department, due, lead)
        days = self.rules.repeat_window_days
        # The sentence of each kind of repetition (`wording`). A citizen's leaves out the label: it
        # is the citizen's name and number, not for the units' inboxes.
        sentences = {
            RepetitionKind.ISSUE: "repeated_issue",
            RepetitionKind.PLACE: "repeated_place",
            RepetitionKind.CITIZEN: "repeated_citizen",
        }
        orders: dict[SupervisionReason, dict[str, tuple[int, int, Said, Any]]] = defaultdict(dict)
        for pk, kind, n, label in todo:
            handled = {roots[t] for t in tickets[pk]} & at_work.keys()
            candidates = sorted(handled - supervised, reverse=True)
            if not candidates:
                continue
            ticket = candidates[0]
            supervised.add(ticket)
            reason = REPEAT_REASON_OF_KIND[RepetitionKind(kind)]
            params: dict[str, Any] = {"days": days, "n": n}
            if kind != RepetitionKind.CITIZEN:
                params["label"] = label
            what = (sentences[RepetitionKind(kind)], params)
            orders[reason][f"{kind}:{pk}"] = (ticket, n, what, at_work[ticket][:3])
        for reason in REPEAT_REASONS:
            if orders.get(reason):
                self.open_orders(reason, orders[reason], counter="repeated")

    def returned(self) -> None:
        """A ticket returned RETURNS_FOR_ORDER times: one order on it."""
        since = self.now - timedelta(days=self.rules.returns_lookback_days)
        recent = TicketEvent.objects.filter(ticket_events.of_type(EventType.RETURN), at__gte=since).values(
            "ticket_id"
        )
        already = Supervision.objects.filter(ticket=OuterRef("ticket_id"), reason=SupervisionReason.RETURNED)
        rows = (
            TicketEvent.objects.filter(ticket_events.of_type(EventType.RETURN), ticket_id__in=recent)
            .exclude(ticket__status__in=list(TERMINAL_STATUSES))
            .values("ticket_id")
            .annotate(n=Count("pk"))
            .filter(n__gte=self.rules.returns_for_order)
            .exclude(Exists(already))
            .order_by()
        )
        todo = {
            f"ticket:{row['ticket_id']}": (row["ticket_id"], row["n"], ("returned", {"n": row["n"]}), None)
            for row in rows
        }
        self.open_orders(SupervisionReason.RETURNED, todo)

    def open_orders(
        self, reason: SupervisionReason, groups: dict[str, tuple[int, int, Said, Any]], *, counter: str = ""
    ) -> None:
        """Supervision orders on tickets: subject -> (ticket, count, what, assignment), `what` the
        sentence of its reason (`wording`) and its params but the ticket's. Each is
        addressed to the given assignment (id, unit, deadline), or when None to the ticket's lead
        unit still at work. Counted in the report as `counter` (by default the reason)."""
        for batch in _chunks(groups.items(), self.rules.batch_size):
            insert_rows(Supervision, ORDER_FIELDS, self._orders(reason, batch), unique="dedupe_key")
        n = self.opened(reason, SupervisionKind.ORDER).count()
        self.report.add(counter or reason.value, n)
        self.grew(Supervision, n)
        if n:
            self.follow_up(reason, SupervisionKind.ORDER)

    def _orders(
        self, reason: SupervisionReason, batch: list[tuple[str, tuple[int, int, Said, Any]]]
    ) -> Iterator[tuple[Any, ...]]:
        """Rows of ORDER_FIELDS (tuples, not model instances: tens of thousands at the first sweep)."""
        ids = [ticket for _subject, (ticket, _n, _what, _assignment) in batch]
        tickets = dict(
            (pk, (number, title))
            for pk, number, title in Ticket.objects.filter(pk__in=ids).values_list("pk", "number", "title")
        )
        # The lead still at work, for the orders not given their assignment (the repetitions' are).
        unassigned = [ticket for _subject, (ticket, _n, _what, chosen) in batch if chosen is None]
        leads: dict[int, tuple[int | None, int | None, datetime | None]] = {}
        for lead_ticket, lead_pk, lead_dept, lead_due in (
            Assignment.objects.filter(
                ticket_id__in=unassigned, role=AssignmentRole.LEAD, status__in=WORKING_STATUSES
            )
            .order_by("pk")
            .values_list("ticket_id", "pk", "department_id", "due_at")
        ):
            leads[lead_ticket] = (lead_pk, lead_dept, lead_due)
        seen: set[int] = set()
        repeated = reason in REPEAT_REASONS
        for subject, (ticket, _n, what, chosen) in batch:
            if ticket in seen or ticket not in tickets:
                continue
            seen.add(ticket)
            number, title = tickets[ticket]
            assignment, dept, due = chosen or leads.get(ticket, (None, None, None))
            code, params = what
            text_ = wording.stored(code, number=number, title=title, **params)
            key = f"repeated:{subject}:{ticket}" if repeated else f"returned:{ticket}"
            yield (
                ticket,
                assignment,
                dept,
                SupervisionKind.ORDER.value,
                reason.value,
                text_,
                due,
                subject if repeated else "",
                self.now,
                key,
                self.run_id,
            )

    def resolve_settled(self) -> None:
        """Close the supervisions whose ticket is done, or whose assignment was answered or withdrawn."""
        # As EXISTS probes from the open supervisions rather than joins (which made the UPDATE hash
        # every ticket and assignment); and not the ones this run opened: it opened them on open
        # tickets and assignments, in this very transaction (at the first sweep, all of them).
        ticket_done = Exists(
            Ticket.objects.filter(pk=OuterRef("ticket_id"), status__in=list(TERMINAL_STATUSES))
        )
        answered = Exists(
            Assignment.objects.filter(
                pk=OuterRef("assignment_id"),
                status__in=[AssignmentStatus.ANSWERED, AssignmentStatus.WITHDRAWN],
            )
        )
        n = (
            Supervision.objects.filter(resolved_at__isnull=True)
            .exclude(sweep_run=self.run_id)
            .filter(ticket_done | Q(answered, created_by__isnull=True))
            .update(resolved_at=self.now, resolution_note=wording.stored("settled"))
        )
        # A missed first response is answered by signing.
        signed = Exists(
            Assignment.objects.filter(pk=OuterRef("assignment_id")).exclude(status=AssignmentStatus.PENDING)
        )
        n += (
            Supervision.objects.filter(resolved_at__isnull=True, reason=SupervisionReason.RESPONSE_OVERDUE)
            .filter(signed)
            .update(resolved_at=self.now, resolution_note=wording.stored("signed"))
        )
        self.report.add("resolved", n)

    def run(self, state: SweepState) -> SweepReport:
        last = state.last_started_at
        self.catching_up = last is None or abs(self.now - last) > CATCH_UP_AFTER
        self.deadline_passed("sign_overdue", "sign_due_at", NotificationReason.SIGN_OVERDUE, "sign")
        self.deadline_passed(
            "response_overdue", "response_due_at", NotificationReason.RESPONSE_OVERDUE, "response"
        )
        self.response_reminded()
        self.due_soon()
        self.daily(state)
        self.escalate()
        self.repeated()
        self.returned()
        self.decided()
        # Updates last: they lock rows that the ticket actions also lock, so hold them briefly.
        self.mark_overdue()
        self.resolve_settled()
        self.settle_statistics()
        if self.sends:
            enqueue_pending_delivery()
        return self.report


def _decision_message(event: TicketEvent) -> str:
    """What the unit is told of the decision `event` (`decided`), in the city's words."""
    details = event.details
    said: dict[str, Any] = {"number": event.ticket.number, "title": event.ticket.title}
    note = str(details.get("note") or "").strip()
    if event.action == EventType.RETURN_REPLY:
        return wording.stored("reply_returned", reason=str(details.get("reason") or ""), **said)
    if event.action == EventType.REVIEW_EXTENSION:
        if details.get("approved"):
            due = datetime.fromisoformat(str(details["due_at"]))
            return wording.stored(
                "extension_approved", until=f"{clock.localtime(due):%Y-%m-%d %H:%M}", **said
            )
        return (
            wording.stored("extension_refused_note", note=note, **said)
            if note
            else wording.stored("extension_refused", **said)
        )
    if details.get("uphold"):
        return wording.stored("return_upheld", **said)
    return (
        wording.stored("return_rejected_note", note=note, **said)
        if note
        else wording.stored("return_rejected", **said)
    )


def _tune_session() -> None:
    """PostgreSQL, for this transaction only: no JIT compilation.

    The sweep's statements are estimated expensive (a window of a million assignments, each with an
    index probe), which is above `jit_above_cost`; PostgreSQL then compiles each of them with LLVM,
    about 0.6 s per statement (`EXPLAIN ANALYZE`: "JIT ... Total 592 ms" of a 1.2 s statement),
    while executing it takes well under a second. Compiling pays off for long analytic queries,
    not for the sweep's few dozen statements of a second or less."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


def run_counted_sweep(
    now: datetime | None = None, *, overrides: dict[str, Any] | None = None
) -> tuple[RepetitionReport, SweepReport]:
    """The repetition counters brought up to date as of `now` (`supervision.repetition`, in a
    transaction of their own), then one sweep, whose repetition rule reads what they found. What
    `hotline sweep`, the worker's sweep task and the demo's replay run: a sweep without the counters
    opens its repetition orders from what they held at their last count."""
    repetitions = refresh_repetitions(now)
    return repetitions, run_sweep(now, overrides=overrides)


def run_sweep(now: datetime | None = None, *, overrides: dict[str, Any] | None = None) -> SweepReport:
    """Apply every supervision rule once, as of `now` (default: the clock). One transaction."""
    rules = rules_module.load(overrides)
    now = now or clock.now()
    started = monotonic.perf_counter()
    with transaction.atomic():
        _tune_session()
        SweepState.objects.get_or_create(pk=1)
        state = SweepState.objects.select_for_update().get(pk=1)
        state.runs += 1
        report = _Sweep(now, rules, state.runs).run(state)
        report.seconds = monotonic.perf_counter() - started
        state.last_started_at = now
        state.last_finished_at = clock.now()
        state.last_report = report.as_dict()
        state.save()
    logger.info("sweep %s on %s: %s", now.isoformat(), connection.vendor, report.as_dict())
    return report
