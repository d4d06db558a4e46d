"""A realistic demo city: departments, categories, staff, and tickets with genuine timelines.

The tickets are not written into the tables directly. Each one is planned first (what it is about,
where, who calls, which state it ends in and when each step happens), then every step of every
ticket is replayed in time order through the real actions of `hotline.tickets.actions`, with the
clock frozen at the step's moment. The timelines, deadlines, ticket numbers and replies are
therefore exactly what the system would have written. Departments, categories, users, the
responsibility list and the gazetteer are made in bulk (no actions exist for them and they have no
history).

Smart dispatch takes part as it does for the appeals API: every appeal that does not end in the
operator's call is routed (`routing.actions.do_route_ticket`) a second after intake, so the system
user dispatches what it is sure of, marks urgent appeals and leaves the rest, with suggestions, to
the dispatchers. Where it dispatched as the plan would have, the planned dispatch is left out; where
it chose another department, that department returns the ticket and a dispatcher re-dispatches it
(`Replayer.settle`), which is how corrections reach the learning loop. Two thirds into the window
the scheduled retrain runs once (`routing.retrain.run_retrain`; `hotline worker` runs it daily), so
the later appeals meet a category model trained on the demo's own closed tickets.

The supervision sweep runs every day of the window and once at its end, with the repetition
counters brought up to date first (`supervision.sweep.run_counted_sweep`, as `hotline sweep` and
the worker run it), and among the appeals are the repetitions every hotline gets (`Planner.repeats`):
a citizen who calls again and again about the same noise, neighbours who call one after another
about one building's lift. On day one the supervisor finds them on the repetitions page, the
citizen's waiting for review and the building's under a repetition order (督办); the questions
that several callers asked draw none.

Everything is decided by a `random.Random(seed)`; the city layout itself does not depend on the
seed. Times are relative to `clock.now()`.
"""

import heapq
import itertools
import logging
import math
import random
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as dt_time
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline.accounts.models import User
from hotline.analytics.tasks import recount_due
from hotline.citizen_messages.models import CitizenMessage
from hotline.core import clock
from hotline.core.enums import (
    DESK_CHANNELS,
    OPEN_ASSIGNMENT_STATUSES,
    TERMINAL_STATUSES,
    ArticleStatus,
    AssignmentRole,
    AssignmentStatus,
    Channel,
    CitizenMessageState,
    DepartmentLevel,
    EventType,
    Kind,
    Resolution,
    Role,
    RoutingMode,
    Satisfaction,
    SupervisionKind,
    SuspensionReason,
    TicketStatus,
    Urgency,
)
from hotline.core.errors import HotlineError
from hotline.dedup import index as vector_index
from hotline.demo import vocabulary as V
from hotline.demo.directory import boxes, ensure_places, ensure_reply_templates, ensure_responsibilities
from hotline.directory.models import Department, Responsibility
from hotline.feedback import actions as feedback_actions
from hotline.feedback.selectors import callback_round
from hotline.intake import actions as intake_actions
from hotline.intake.models import Appeal
from hotline.knowledge import actions as knowledge_actions
from hotline.knowledge import personal as knowledge_personal
from hotline.knowledge.models import Article
from hotline.routing import rules
from hotline.routing.actions import do_route_ticket
from hotline.routing.labels import collect_labels
from hotline.routing.models import ModelTarget, ModelVersion, RoutingDecision, TrainingLabel
from hotline.routing.retrain import run_retrain
from hotline.routing.text import normalize
from hotline.routing.training_data import ticket_text
from hotline.routing.urgency import detect
from hotline.sla import actions as sla_actions
from hotline.sla.calendar import Calendar
from hotline.sla.models import Extension, Suspension
from hotline.supervision import rules as supervision_rules
from hotline.supervision.actions import WORKING_STATUSES, do_open_supervision, do_resolve_supervision
from hotline.supervision.models import REPEAT_REASONS, Repetition, Supervision
from hotline.supervision.sweep import overdue_bound, run_counted_sweep
from hotline.taxonomy.models import Category
from hotline.taxonomy.tree import merge_paths
from hotline.tickets import actions
from hotline.tickets import events as ticket_events
from hotline.tickets.models import Assignment, Ticket, TicketEvent
from hotline.tickets.transitions import actor_assignment

S = TicketStatus

DEMO_PASSWORD = "hotline-demo"

# Final states and their share of the tickets: most are closed, a working backlog is open.
TARGET_SHARES: dict[str, float] = {
    S.CLOSED: 0.60,
    S.ACCEPTED: 0.08,
    S.REPLIED: 0.07,
    S.DISPATCHED: 0.05,
    S.MERGED: 0.05,
    S.NEW: 0.04,
    S.ANSWERED: 0.04,
    S.INVALID: 0.03,
    S.RETURNED: 0.02,
    S.REOPENED: 0.02,
}

# How far along each final state is; older tickets get the states further along.
_PROGRESS: dict[str, float] = {
    S.NEW: 0.0,
    S.DISPATCHED: 1.0,
    S.ANSWERED: 1.5,
    S.ACCEPTED: 2.0,
    S.RETURNED: 2.0,
    S.INVALID: 2.5,
    S.REPLIED: 3.0,
    S.REOPENED: 3.5,
    S.CLOSED: 5.0,
}

CHANNEL_SHARES: dict[str, float] = {
    Channel.PHONE: 55,
    Channel.WECHAT: 12,
    Channel.WEB: 11,
    Channel.APP: 10,
    Channel.GRID: 4,
    Channel.MAILBOX: 3,
    Channel.LEADER_MAILBOX: 2,
    Channel.MEDIA: 1,
    Channel.OPEN311: 1,
    Channel.DEPUTIES: 1,
}
# Channels that deliver a category: the operator picks one, a grid worker's app and an Open311
# client send a service code. The others leave it to routing (and its model, once there is one).
CLASSIFYING_CHANNELS = frozenset(DESK_CHANNELS) | {Channel.GRID, Channel.OPEN311}
# Share of the appeals of a channel that carry the reporter's position (from the phone's GPS).
LOCATED_SHARES: dict[str, float] = {
    Channel.GRID: 1.0,
    Channel.OPEN311: 1.0,
    Channel.APP: 0.6,
    Channel.WECHAT: 0.4,
}
# Share of operators' categories that are wrong (a sibling of the right one): the rule for the wrong
# category dispatches the ticket to the wrong department, which returns it.
MISCLASSIFIED = 0.06
# Departments that stop their clock (挂起) for a while, and that ask for more time (延期申请); of the
# tickets still being handled at the end, some stay suspended and some requests wait for a decision.
SUSPENDED = 0.07
STILL_SUSPENDED = 0.3
EXTENDED = 0.09
EXTENDED_OPEN = 0.2  # of the assignments still being handled at the end: the slow ones ask more often
STILL_PENDING = 0.45
EXTENSION_APPROVED = 0.75
# Callbacks whose citizen does not answer the first call (回访未接通); of the tickets replied at the
# end, the share already tried in vain.
UNREACHED = 0.15
REPLIED_UNREACHED = 0.35
# Of the tickets a department still works on, the share about a problem that a street handles
# (the district heads' inboxes), and of those replied at the end, the share whose callback is due today.
STREET_WORK = 0.3
DUE_TODAY = 0.15
# The supervision sweep runs every day at this local time (`hotline worker` runs it every few
# minutes; once a day is enough for a ladder counted in working days) and once at the end; the
# supervisor goes through the board every working morning.
SWEEP_AT = dt_time(9, 5)
ROUND_AT = dt_time(10, 30)
# Appeals that repeat one another (`Planner.repeats`): the calls of one citizen about the same
# noise, and the neighbours who report one building's lift; each (problem key, which of its details,
# how many). Inside the last days of the window, a few days short of the counters' window, so that
# they are still counted on day one.
REPEATED_CALLS = ("social_noise", 1, 3)
REPEATED_PLACE = ("elevator", 0, 4)
REPEAT_MARGIN_DAYS = 5
# The states a repeated appeal may end in: a complaint that a unit handles or handled (not one still
# waiting for dispatch, answered on the spot, merged or invalid).
REPEAT_TARGETS = frozenset({S.CLOSED, S.REPLIED, S.ACCEPTED, S.DISPATCHED, S.REOPENED})
# When the scheduled retrain runs once during the replay: this far into the window, at night.
RETRAIN_AT = 2 / 3
RETRAIN_HOUR = 2
_EXTERNAL_PREFIX: dict[str, str] = {
    Channel.PHONE: "CALL",
    Channel.WECHAT: "WX",
    Channel.WEB: "WEB",
    Channel.APP: "APP",
    Channel.GRID: "GRID",
    Channel.MAILBOX: "MAIL",
    Channel.LEADER_MAILBOX: "LDXX",
    Channel.MEDIA: "MEDIA",
    Channel.OPEN311: "O311",
    Channel.DEPUTIES: "RDJY",
}

# Calls per hour of the day (local time), roughly the shape of a city hotline's day.
# The statutory calendar shapes the demo's traffic; a year it does not know follows the week (a guess
# is harmless for made-up traffic).
_CALENDAR = Calendar()
HOUR_WEIGHTS = (1, 0.6, 0.4, 0.3, 0.3, 0.5, 1.5, 4, 8, 10, 10, 9, 7, 7, 9, 9, 8, 7, 6, 6, 5, 4, 3, 2)
# Departments and callbacks work in the daytime; the call centre (dispatch) around the clock.
# The steps planned with `Planner.life`.
_LIFE_ACTIONS = frozenset({"suspend", "resume", "request_extension", "review_extension", "callback_attempt"})
_DAYTIME_ACTIONS = (
    frozenset(
        {"accept", "co_accept", "co_answer", "reply", "return", "review", "callback", "close", "invalidate"}
    )
    | _LIFE_ACTIONS
)
MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155",
    "156", "157", "158", "159", "166", "173", "175", "176", "177", "178", "180", "181", "182", "183",
    "185", "186", "187", "188", "189", "191", "193", "195", "198", "199",
)  # fmt: skip


class DemoError(HotlineError):
    """The demo cannot be written into this database as it is."""


# --- the city --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DepartmentSpec:
    code: str
    name: str
    level: str
    parent: str | None
    is_area: bool


@dataclass(frozen=True)
class UserSpec:
    username: str
    role: str
    department: str | None
    name: str

    @property
    def is_staff(self) -> bool:
        # Only the roles that configure the system use the Django admin.
        return self.role in (Role.DISPATCHER, Role.ADMIN)


@dataclass(frozen=True)
class StreetPlace:
    district: str
    street_code: str
    street: str
    communities: tuple[str, ...]
    roads: tuple[str, ...]
    xiaoqu: tuple[str, ...]


def department_specs() -> list[DepartmentSpec]:
    """The departments of the demo city, parents before children."""
    specs = [DepartmentSpec(V.CITY_CODE, V.CITY_NAME, DepartmentLevel.CITY, None, True)]
    specs += [
        DepartmentSpec(code, name, DepartmentLevel.CITY, V.CITY_CODE, False) for code, name in V.BUREAUS
    ]
    for d, (district, streets) in enumerate(V.DISTRICTS, start=1):
        d_code = f"{V.CITY_CODE}{d:02d}"
        specs.append(DepartmentSpec(d_code, district, DepartmentLevel.DISTRICT, V.CITY_CODE, True))
        for s, (street, communities) in enumerate(streets, start=1):
            s_code = f"{d_code}{s:02d}"
            specs.append(DepartmentSpec(s_code, street, DepartmentLevel.STREET, d_code, True))
            specs += [
                DepartmentSpec(f"{s_code}{c:02d}", community, DepartmentLevel.COMMUNITY, s_code, True)
                for c, community in enumerate(communities, start=1)
            ]
    return specs


ROADS_PER_STREET = 3


def _home_streets(streets: list[tuple[str, str, tuple[str, ...]]]) -> dict[str, int]:
    """The street each road named after a place must run through (湖滨路 in 湖滨街道, 松林路 by 松林社区,
    东湖路 in 东湖区), by the road's name: a city's roads are named after its places, and a demo
    that put 湖滨路 in another district would send its own addresses there (audit of 2026-12-06)."""
    home: dict[str, int] = {}
    for road in V.ROADS:
        stem = road.removesuffix("大道").removesuffix("路").removesuffix("街")
        if len(stem) < 2:
            continue
        street_or_community = [
            i
            for i, (_d, street, communities) in enumerate(streets)
            if any(n.startswith(stem) for n in (street, *communities))
        ]
        district = [i for i, (d, _s, _c) in enumerate(streets) if d.startswith(stem)]
        found = street_or_community or district
        if found:
            home[road] = found[0]
    return home


def street_places() -> list[StreetPlace]:
    """Roads and residential compounds (小区) of each street; fixed, whatever the seed. A road named
    after a place runs through that place's street (`_home_streets`); the others are shared out."""
    rng = random.Random("hotline-demo-city")
    streets = [
        (district, street, communities)
        for district, district_streets in V.DISTRICTS
        for street, communities in district_streets
    ]
    home = _home_streets(streets)
    roads_of: list[list[str]] = [[] for _ in streets]
    for road, i in home.items():
        roads_of[i].append(road)
    others = [r for r in V.ROADS if r not in home]
    rng.shuffle(others)
    for roads in roads_of:
        while len(roads) < ROADS_PER_STREET and others:
            roads.append(others.pop())
    xiaoqu = [p + s for p in V.XIAOQU_PREFIXES for s in V.XIAOQU_SUFFIXES]
    rng.shuffle(xiaoqu)
    places: list[StreetPlace] = []
    for d, (district, district_streets) in enumerate(V.DISTRICTS, start=1):
        for s, (street, communities) in enumerate(district_streets, start=1):
            i = len(places)
            places.append(
                StreetPlace(
                    district=district,
                    street_code=f"{V.CITY_CODE}{d:02d}{s:02d}",
                    street=street,
                    communities=communities,
                    roads=tuple(roads_of[i]),
                    xiaoqu=tuple(xiaoqu[5 * i + k] for k in range(5)),
                )
            )
    return places


def user_specs() -> list[UserSpec]:
    """A login for every role: a handler per bureau and street, heads of districts and some bureaus."""
    rng = random.Random("hotline-demo-staff")

    def name() -> str:
        return rng.choice(V.SURNAMES) + rng.choice(V.GIVEN_NAMES)

    specs = [
        UserSpec("admin", Role.ADMIN, None, name()),
        UserSpec("operator1", Role.OPERATOR, None, name()),
        UserSpec("operator2", Role.OPERATOR, None, name()),
        UserSpec("operator3", Role.OPERATOR, None, name()),
        UserSpec("dispatcher1", Role.DISPATCHER, None, name()),
        UserSpec("dispatcher2", Role.DISPATCHER, None, name()),
        UserSpec("supervisor1", Role.SUPERVISOR, None, name()),
        UserSpec("leader1", Role.LEADER, None, name()),
    ]
    districts = [d for d in department_specs() if d.level == DepartmentLevel.DISTRICT]
    specs += [UserSpec(f"head_{d.code.lower()}", Role.HEAD, d.code, name()) for d in districts]
    specs += [UserSpec(f"head_{code.lower()}", Role.HEAD, code, name()) for code in V.BUREAUS_WITH_HEAD]
    specs += [UserSpec(f"h_{code.lower()}", Role.HANDLER, code, name()) for code, _name in V.BUREAUS]
    specs += [
        UserSpec(f"h_{p.street_code.lower()}", Role.HANDLER, p.street_code, name()) for p in street_places()
    ]
    # A grid worker (网格员) of the first street's first community; named without the generator's
    # random draws, so that adding them changed nothing else of the demo.
    specs.append(
        UserSpec("grid1", Role.GRID, f"{street_places()[0].street_code}01", V.SURNAMES[0] + V.GIVEN_NAMES[0])
    )
    return specs


def category_paths() -> list[tuple[str, str, str]]:
    return [
        (l1, l2, l3)
        for l1, level2 in V.CATEGORY_TREE.items()
        for l2, leaves in level2.items()
        for l3 in leaves
    ]


@dataclass
class City:
    departments: dict[str, Department]
    categories: dict[tuple[str, ...], Category]
    users: dict[str, User]
    places: list[StreetPlace]
    created: Counter[str] = field(default_factory=Counter)

    def staff(self, role: str) -> list[str]:
        """Citywide users of a role, sorted: the database's row order must not change the demo."""
        return sorted(u.username for u in self.users.values() if u.role == role and u.department_id is None)

    def workers(self, department_code: str) -> list[str]:
        """Who acts for a department: its handlers first, then its head; for a department without
        logins (a community), the nearest head above it, whose scope covers it."""
        node: Department | None = self.departments[department_code]
        found: list[User] = []
        while node is not None and not found:
            found = [
                u
                for u in self.users.values()
                if u.department_id == node.pk and (node.code == department_code or u.role == Role.HEAD)
            ]
            node = node.parent
        found.sort(key=lambda u: (u.role != Role.HANDLER, u.username))
        return [u.username for u in found]


def ensure_city() -> City:
    """Create whatever part of the demo city is missing (departments, categories, users); idempotent."""
    created: Counter[str] = Counter()
    departments = {d.code: d for d in Department.objects.all()}
    for depth in range(4):
        todo = [s for s in _specs_at_depth(depth) if s.code not in departments]
        if not todo:
            continue
        new = [
            Department(
                code=s.code,
                name=s.name,
                level=s.level,
                parent=departments[s.parent] if s.parent else None,
                is_area=s.is_area,
                # The line citizens are given (答复模板 {联系电话}), as the demo's replies give it.
                phone=V.department_phone(s.code),
            )
            for s in todo
        ]
        Department.objects.bulk_create(new)
        departments.update({d.code: d for d in Department.objects.filter(code__in=[s.code for s in todo])})
        created["departments"] += len(new)

    report = merge_paths(category_paths())
    if report.total_created:
        created["categories"] += report.total_created

    specs = user_specs()
    existing = {u.username: u for u in User.objects.filter(username__in=[s.username for s in specs])}
    wrong = [
        _("%(username)s（应为%(role)s）") % {"username": s.username, "role": Role(s.role).label}
        for s in specs
        if s.username in existing
        and (existing[s.username].role != s.role or _dept_code(existing[s.username]) != s.department)
    ]
    if wrong:
        # Translators: the separator between the items of a list
        names = _("、").join(wrong)
        raise DemoError(_("已有同名用户但角色或单位与演示数据不同：%(users)s") % {"users": names})
    missing = [s for s in specs if s.username not in existing]
    if missing:
        # One hash for all: the demo password is the same everywhere and PBKDF2 is slow on purpose.
        password = make_password(DEMO_PASSWORD)
        joined = clock.now() - timedelta(days=365)
        User.objects.bulk_create(
            [
                User(
                    username=s.username,
                    first_name=s.name,
                    role=s.role,
                    department=departments[s.department] if s.department else None,
                    is_staff=s.is_staff,
                    is_superuser=s.role == Role.ADMIN,
                    password=password,
                    date_joined=joined,
                )
                for s in missing
            ]
        )
        created["users"] += len(missing)
    users = {
        u.username: u
        for u in User.objects.select_related("department").filter(username__in=[s.username for s in specs])
    }
    own = {s.code: departments[s.code] for s in department_specs()}
    if added := ensure_responsibilities(own, report.nodes):
        created["rules"] += added
    if added := ensure_places(own, street_places()):
        created["places"] += added
    if added := ensure_reply_templates(report.nodes):
        created["templates"] += added
    return City(departments, report.nodes, users, street_places(), created)


def _specs_at_depth(depth: int) -> list[DepartmentSpec]:
    by_code = {s.code: s for s in department_specs()}

    def depth_of(spec: DepartmentSpec) -> int:
        return 0 if spec.parent is None else 1 + depth_of(by_code[spec.parent])

    return [s for s in by_code.values() if depth_of(s) == depth]


def _dept_code(user: User) -> str | None:
    return user.department.code if user.department else None


def database_is_empty() -> bool:
    """No departments and no tickets: the state in which `hotline serve` seeds the demo."""
    return not Department.objects.exists() and not Ticket.objects.exists()


# --- planning ----------------------------------------------------------------------------------------


def reply_letter(kind: str, called_at: datetime, title: str, text: str, dept: str, phone: str) -> str:
    """A department's answer in the official form: the greeting, the day the citizen called and the
    matter in their words, the answer, a contact and the thanks. The unit and the day it answers
    are added when it is sent (`Replayer`)."""
    day = clock.localtime(called_at)
    opening = V.REPLY_OPENINGS[kind].format(date=f"{day.year}年{day.month}月{day.day}日", title=title)
    return opening + text + V.REPLY_CONTACT.format(dept=dept, phone=phone)


@dataclass
class Step:
    action: str
    actor: str  # username; "" for a contact that no staff member took
    params: dict[str, Any] = field(default_factory=dict)
    delay: float = 0.0  # seconds after the previous step, before fitting into the window
    at: datetime | None = None
    skipped: bool = False  # left out at replay: automatic dispatch did it, or assigned nobody to do it


@dataclass(frozen=True)
class Repeat:
    """How a planned appeal repeats others: about this problem (told with this detail), at this
    place in these words; from this caller (name, phone), or from a caller of its own when None."""

    problem: V.Problem
    detail: int
    place: StreetPlace
    words: dict[str, str]
    caller: tuple[str, str] | None = None


@dataclass
class Plan:
    index: int
    target: str
    problem: V.Problem
    place: StreetPlace
    words: dict[str, str]
    channel: str
    created_at: datetime
    urgent: bool  # as the ticket ends up: marked by the operator or found by routing
    complex: bool
    steps: list[Step] = field(default_factory=list)
    ticket: Ticket | None = None

    @property
    def terminal_at(self) -> datetime | None:
        """When the ticket reaches a terminal state; None when it stays open."""
        if self.target in (S.CLOSED, S.MERGED, S.INVALID):
            return self.steps[-1].at
        return None

    @property
    def answered_at(self) -> datetime | None:
        """When the ticket is first answered (答复, or answered on the spot); None when it is not."""
        return next((s.at for s in self.steps if s.action in ("reply", "answer_on_spot")), None)


def target_counts(n: int) -> dict[str, int]:
    """Tickets per final state: the shares, largest remainder; every state at least once from 10 tickets."""
    floor = 1 if n >= len(TARGET_SHARES) else 0
    counts = {s: max(floor, int(n * share)) for s, share in TARGET_SHARES.items()}
    order = sorted(TARGET_SHARES, key=lambda s: (n * TARGET_SHARES[s]) % 1, reverse=True)
    i = 0
    while sum(counts.values()) < n:
        counts[order[i % len(order)]] += 1
        i += 1
    while sum(counts.values()) > n:  # the floor of 1 pushed a tiny run over: take from the biggest
        biggest = max(counts, key=lambda s: counts[s])
        counts[biggest] -= 1
    return counts


class Planner:
    def __init__(self, city: City, *, seed: int, end: datetime, days: int, number_base: int = 0) -> None:
        self.city = city
        self.rng = random.Random(seed)
        # The steps of a ticket's life beyond its path through the states (a stopped clock, a request
        # for more time, a citizen who does not answer) draw from a stream of their own: adding
        # them leaves everything else a seed decides as it was.
        self.life = random.Random(f"hotline-demo-life-{seed}")
        # ... and so do the appeals that repeat one another (`repeats`).
        self.repeating = random.Random(f"hotline-demo-repeat-{seed}")
        self.end = end
        self.start = end - timedelta(days=days)
        self.latest = end - timedelta(minutes=10)
        self.number_base = number_base
        self.operators = city.staff(Role.OPERATOR)
        self.dispatchers = city.staff(Role.DISPATCHER)
        self.supervisors = city.staff(Role.SUPERVISOR)
        self.consultations = [p for p in V.PROBLEMS if p.kind == Kind.CONSULTATION]
        self.leaves = category_paths()
        self.boxes = boxes()
        # Evaluating the list costs milliseconds, and it reads the text only for its keywords and
        # the street only for the rules' areas that contain it (an area-led rule names the street
        # itself): plans alike in these get the same answer. (Should the planner ever answer
        # otherwise than routing, `Replayer.settle` corrects the dispatch as a dispatcher would.)
        listed = list(Responsibility.objects.all())
        self.rule_terms = sorted(
            {normalize(t) for r in listed for t in (*r.keyword_list, *r.exclude_keyword_list)}
        )
        self.rule_areas = {r.area_id for r in listed if r.area_id is not None}
        self.listed: dict[tuple[int, tuple[int, ...], tuple[str, ...]], list[str]] = {}
        self.undecided = 0  # extension requests planned to wait for a decision at the end

    # Random helpers ------------------------------------------------------------------------------

    def pick(self, options: Iterable[str]) -> str:
        return self.rng.choice(tuple(options))

    def minutes(self, low: float, high: float, rng: random.Random | None = None) -> float:
        """Seconds, log-uniform between `low` and `high` minutes: many quick, a few slow."""
        return 60 * math.exp((rng or self.rng).uniform(math.log(low), math.log(high)))

    def moment(self) -> datetime:
        """A contact time in the window, shaped by the hour of day and fewer on days off."""
        span = (self.latest - self.start).total_seconds()
        top = max(HOUR_WEIGHTS)
        for _attempt in range(100):
            at = self.start + timedelta(seconds=self.rng.uniform(0, span))
            local = timezone.localtime(at)
            weight = HOUR_WEIGHTS[local.hour] / top * (1.0 if _CALENDAR.day(local.date()).is_workday else 0.7)
            if self.rng.random() < weight:
                return at.replace(microsecond=0)
        return at.replace(microsecond=0)

    def phone(self) -> str:
        return self.pick(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    # Plans -----------------------------------------------------------------------------------------

    def plans(self, n: int) -> list[Plan]:
        counts = target_counts(n)
        merged = counts.pop(S.MERGED, 0)
        targets = [s for s, c in counts.items() for _copy in range(c)]
        # Older tickets get the states further along, with noise so that old open ones remain.
        targets.sort(key=lambda s: _PROGRESS[s] + self.rng.gauss(0, 1.0), reverse=True)
        moments = sorted(self.moment() for _target in targets)
        plans = [
            self.plan(i, target, at) for i, (target, at) in enumerate(zip(targets, moments, strict=True))
        ]
        for i, repeat in self.repeats(plans).items():
            plans[i] = self.plan(i, plans[i].target, plans[i].created_at, repeat=repeat)
        plans += [self.duplicate(len(plans) + k, plans) for k in range(merged)]
        plans.sort(key=lambda p: p.created_at)
        self.due_today(plans)
        return plans

    @contextmanager
    def drawing_from(self, rng: random.Random) -> Iterator[None]:
        """Every draw of the planner from `rng` meanwhile (its main stream and its life's)."""
        main, life = self.rng, self.life
        self.rng = self.life = rng
        try:
            yield
        finally:
            self.rng, self.life = main, life

    def repeats(self, plans: Sequence[Plan]) -> dict[int, Repeat]:
        """Which of the planned appeals are planned again to repeat one another, by their index: a
        citizen who calls three times about the same noise (the counters flag them for a person's
        review) and four neighbours who report one building's lift (a place, and the issue if
        duplicate search puts them together: a repetition order once a unit handles one). Each
        group at the same place in the same words, a day apart or more where the window allows, in
        the last days of the window, one of them still with a unit when one is. Taken from the
        complaints and requests without the steps of a ticket's life (a stopped clock, a request
        for more time, a callback not answered), so that the city keeps those and its
        consultations; fewer such tickets than a group needs: no group. Drawn from a stream of its
        own, so that the other appeals are what the seed made them."""
        rng = self.repeating
        window = supervision_rules.load().repeat_window_days
        since = max(self.start, self.end - timedelta(days=max(1, window - REPEAT_MARGIN_DAYS)))
        free = [
            p.index
            for p in plans
            if p.target in REPEAT_TARGETS
            and p.created_at >= since
            and p.problem.kind != Kind.CONSULTATION
            and not any(step.action in _LIFE_ACTIONS for step in p.steps)
        ]
        targets = {p.index: p.target for p in plans}
        moments = {p.index: p.created_at for p in plans}
        rng.shuffle(free)
        problems = {p.key: p for p in V.PROBLEMS}
        found: dict[int, Repeat] = {}
        for (key, detail, size), one_caller in ((REPEATED_PLACE, False), (REPEATED_CALLS, True)):
            if len(free) < size:
                break
            # One still with a unit, then the others a day apart, or closer when the window is short.
            picked = [i for i in free if targets[i] in (S.ACCEPTED, S.DISPATCHED)][:1]
            for close in (False, True):
                for i in free:
                    apart = close or all(abs(moments[i] - moments[j]) >= timedelta(days=1) for j in picked)
                    if len(picked) < size and i not in picked and apart:
                        picked.append(i)
            for i in picked:
                free.remove(i)
            place = rng.choice(self.city.places)
            with self.drawing_from(rng):
                words = self.words(place)
            caller = (words["surname"] + rng.choice(("先生", "女士")), self.repeat_phone())
            for i in picked:
                own = {
                    "time": rng.choice(V.TIMES),
                    "since": rng.choice(V.SINCES),
                    "n": str(rng.randrange(2, 9)),
                    "surname": words["surname"] if one_caller else rng.choice(V.SURNAMES),
                }
                found[i] = Repeat(problems[key], detail, place, words | own, caller if one_caller else None)
        return found

    def repeat_phone(self) -> str:
        return self.repeating.choice(MOBILE_PREFIXES) + f"{self.repeating.randrange(10**8):08d}"

    def due_today(self, plans: list[Plan]) -> None:
        """Move the reply of some tickets that stay replied to the moment that makes their callback
        due later today (the callback desk's 今日到期): the working day the callback deadline counts
        back to, after the time of day that the window ends. None on a day off, or late at night."""
        workdays = settings.HOTLINE["CALLBACK_WORKDAYS"]
        today = timezone.localtime(self.end)
        day = today.date()
        for _back in range(3 * workdays + 10):
            day -= timedelta(days=1)
            if _CALENDAR.add_workdays(day, workdays).value == today.date():
                break
        else:
            return
        earliest = datetime.combine(day, today.time(), tzinfo=today.tzinfo) + timedelta(minutes=15)
        latest = min(earliest + timedelta(hours=5), datetime.combine(day, dt_time(22), tzinfo=today.tzinfo))
        moved = 0
        # A ticket a duplicate joins keeps its reply where it was planned, after that merge.
        merged_into = {step.params["into"] for plan in plans for step in plan.steps if step.action == "merge"}
        for plan in plans:
            reply, before = plan.steps[-1], plan.steps[-2].at
            if plan.target != S.REPLIED or reply.action != "reply" or before is None:
                continue
            if plan.index in merged_into:
                continue
            if before < earliest < latest and (self.life.random() < DUE_TODAY or not moved):
                span = (latest - earliest).total_seconds()
                reply.at = earliest + timedelta(seconds=int(self.life.uniform(0, span)))
                moved += 1

    def plan(
        self,
        index: int,
        target: str,
        created_at: datetime,
        problem: V.Problem | None = None,
        *,
        repeat: Repeat | None = None,
    ) -> Plan:
        if repeat is not None:
            with self.drawing_from(self.repeating):
                return self.repeated(index, target, created_at, repeat)
        if problem is None:
            problem = self.problem_for(target)
        place = self.rng.choice(self.city.places)
        plan = Plan(
            index=index,
            target=target,
            problem=problem,
            place=place,
            words=self.words(place),
            channel=self.channel(target),
            created_at=created_at,
            urgent=False,  # decided with the text, by `receive_step`
            complex=self.rng.random() < problem.complex,
        )
        plan.steps = [self.receive_step(plan)]
        plan.steps += self.path(plan)
        self.schedule(plan)
        return plan

    def repeated(self, index: int, target: str, created_at: datetime, repeat: Repeat) -> Plan:
        """An appeal that repeats others (`repeats`): a call, about the problem as they all tell it,
        at their place, filed under the problem's category (the operator knows this one)."""
        problem = repeat.problem
        plan = Plan(
            index=index,
            target=target,
            problem=problem,
            place=repeat.place,
            words=repeat.words,
            channel=Channel.PHONE,
            created_at=created_at,
            urgent=False,  # decided with the text, by `receive_step`
            complex=self.rng.random() < problem.complex,
        )
        receive = self.receive_step(plan, which=repeat.detail)
        receive.params["category"] = problem.category
        if repeat.caller is not None:
            receive.params["citizen_name"], receive.params["citizen_phone"] = repeat.caller
        plan.steps = [receive]
        plan.steps += self.path(plan)
        self.schedule(plan)
        return plan

    def channel(self, target: str) -> str:
        """The channel of a contact. One that is to wait for a dispatcher came without a category:
        with one, the responsibility list would have dispatched it at once."""
        shares = CHANNEL_SHARES
        if target == S.NEW:
            shares = {c: w for c, w in CHANNEL_SHARES.items() if c not in CLASSIFYING_CHANNELS}
        return self.rng.choices(list(shares), list(shares.values()))[0]

    def problem_for(self, target: str) -> V.Problem:
        if target == S.ANSWERED:
            return self.rng.choice(self.consultations)
        if target == S.INVALID:
            return self.rng.choice(V.INVALID_PROBLEMS)
        problems = V.PROBLEMS
        if target in (S.DISPATCHED, S.ACCEPTED, S.REOPENED) and self.life.random() < STREET_WORK:
            problems = tuple(p for p in V.PROBLEMS if p.leads[0] == V.STREET)
        return self.rng.choices(problems, [p.weight for p in problems])[0]

    def words(self, place: StreetPlace) -> dict[str, str]:
        rng = self.rng
        road, road2 = rng.sample(place.roads, 2)
        number = rng.randrange(1, 300)
        prefix = rng.choice(V.COMPANY_PREFIXES)
        return {
            "district": place.district,
            "street": place.street,
            "community": rng.choice(place.communities),
            "road": road,
            "road2": road2,
            "addr": f"{road}{number}号",
            "xiaoqu": rng.choice(place.xiaoqu),
            "building": f"{rng.randrange(1, 30)}栋",
            "time": rng.choice(V.TIMES),
            "since": rng.choice(V.SINCES),
            "shop": rng.choice(V.SHOPS),
            "company": f"{prefix}{rng.choice(V.COMPANY_TRADES)}有限公司",
            "school": f"{place.district}第{rng.randrange(1, 12)}小学",
            "bus": f"{rng.randrange(1, 90)}路公交",
            "training": f"{rng.choice(V.TRAINING_NAMES)}教育培训中心",
            "gym": f"{rng.choice(V.GYM_NAMES)}健身会所",
            "n": str(rng.randrange(2, 9)),
            "surname": rng.choice(V.SURNAMES),
            "number": str(number),
        }

    def text(self, template: str, plan: Plan, **extra: str) -> str:
        return template.format_map(plan.words | extra)

    def receive_step(self, plan: Plan, *, which: int | None = None) -> Step:
        """The contact, telling the problem's detail `which` (drawn when None)."""
        problem, words = plan.problem, plan.words
        n = self.rng.randrange(len(problem.details)) if which is None else which
        detail = problem.details[n]
        paired = len(problem.titles) == len(problem.details)
        title = self.text(problem.titles[n] if paired else self.rng.choice(problem.titles), plan)
        content = (
            self.text(self.rng.choice(V.OPENINGS), plan)
            + self.text(detail, plan)
            + self.rng.choice(V.CLOSINGS[problem.kind])
        )
        # The address is the place the text talks about: a compound (小区) or a road.
        in_compound = "{xiaoqu}" in detail and not ("{road}" in detail or "{addr}" in detail)
        if problem.kind == Kind.CONSULTATION:
            address = ""
        elif in_compound or ("{xiaoqu}" in detail and self.rng.random() < 0.5):
            address = f"{words['district']}{words['street']}{words['xiaoqu']}{words['building']}"
        else:
            address = f"{words['district']}{words['street']}{words['addr']}"
        anonymous = plan.channel not in DESK_CHANNELS and self.rng.random() < 0.15
        by_operator = plan.channel in DESK_CHANNELS
        # The operator judges urgency during the call; routing reads the signs of danger in any
        # text. The ticket is urgent, and handled at urgent speed, when either says so.
        judged = by_operator and self.rng.random() < problem.urgent
        plan.urgent = judged or detect(f"{title}\n{content}").urgent
        point = self.point(plan)
        if point is not None and address:
            # The app sends the position; people type only the compound or the road then.
            address = address.removeprefix(words["district"] + words["street"])
        # Systems deliver their own message ids; what an operator types in has none.
        external_id = (
            "" if by_operator else f"{_EXTERNAL_PREFIX[plan.channel]}-{self.number_base + plan.index + 1:07d}"
        )
        return Step(
            "receive",
            self.pick(self.operators) if by_operator else "",
            {
                "title": title,
                "content": content,
                "address": address,
                "citizen_name": "" if anonymous else words["surname"] + self.rng.choice(("先生", "女士")),
                "citizen_phone": "" if anonymous else self.phone(),
                "external_id": external_id,
                "category": self.given_category(plan) if plan.channel in CLASSIFYING_CHANNELS else None,
                "area_given": by_operator,  # operators pick the street; routing finds the others'
                "urgent": judged,
                "point": point,
            },
        )

    def given_category(self, plan: Plan) -> tuple[str, ...]:
        """The category delivered with the contact: the right one, now and then an operator's slip
        to a sibling (the rule for it then sends the ticket to a department that returns it)."""
        right = plan.problem.category
        if plan.channel in DESK_CHANNELS and self.rng.random() < MISCLASSIFIED:
            siblings = [path for path in self.leaves if path[0] == right[0] and path != right]
            if siblings:
                return self.rng.choice(siblings)
        return right

    def point(self, plan: Plan) -> tuple[float, float] | None:
        """(latitude, longitude) inside the plan's street, for the contacts whose channel sends one."""
        if self.rng.random() >= LOCATED_SHARES.get(plan.channel, 0.0):
            return None
        west, south, east, north = self.boxes[plan.place.street]
        # Away from the edges, where the street meets its neighbours.
        lon = self.rng.uniform(west + 0.05 * (east - west), east - 0.05 * (east - west))
        lat = self.rng.uniform(south + 0.05 * (north - south), north - 0.05 * (north - south))
        return round(lat, 6), round(lon, 6)

    def lead_and_co(self, plan: Plan) -> tuple[str, list[str]]:
        """Where dispatchers send the ticket: what the responsibility list says for its right category,
        street and text when one of its rules applies; else the problem's usual lead, now and then the
        second one."""
        intake = plan.steps[0].params
        text = normalize(ticket_text(intake["title"], intake["content"]))
        category = self.city.categories[plan.problem.category]
        street = self.city.departments[plan.place.street_code]
        within: list[int] = []
        node: Department | None = street
        while node is not None:
            within += [node.pk] if node.pk in self.rule_areas else []
            node = node.parent
        key = (category.pk, tuple(within), tuple(t for t in self.rule_terms if t and t in text))
        if key not in self.listed:
            fired = rules.evaluate(rules.Subject(text, category, street)).fired
            found = [] if fired is None or fired.lead is None else [fired.lead, *fired.co]
            self.listed[key] = [V.STREET if d == street else d.code for d in found]
        if listed := [self.resolve(code, plan) for code in self.listed[key]]:
            return listed[0], listed[1:]
        leads = [self.resolve(code, plan) for code in plan.problem.leads]
        lead = leads[1] if len(leads) > 1 and self.rng.random() < 0.2 else leads[0]
        co = [c for c in (self.resolve(code, plan) for code in plan.problem.co) if c != lead]
        return lead, co

    def fallback(self, plan: Plan, lead: str, co: list[str]) -> str:
        """Where a justified return goes next."""
        candidates = [self.resolve(code, plan) for code in (*plan.problem.leads, V.STREET, "CGJ", "ZJJ")]
        return next(c for c in candidates if c != lead and c not in co)

    def resolve(self, code: str, plan: Plan) -> str:
        return plan.place.street_code if code == V.STREET else code

    def worker(self, department: str, rng: random.Random | None = None) -> str:
        workers = self.city.workers(department)
        return workers[-1] if len(workers) > 1 and (rng or self.rng).random() < 0.2 else workers[0]

    def path(self, plan: Plan) -> list[Step]:
        """The steps after intake that take the ticket to its final state."""
        target, rng = plan.target, self.rng
        operator, dispatcher = self.pick(self.operators), self.pick(self.dispatchers)
        # Routing runs right after intake, as the appeals API does, for all but the consultations
        # that the operator answers during the call: those never wait for dispatch.
        route = Step("route", "", delay=1)
        if target == S.NEW:
            return [route]
        if target == S.MERGED:
            return []  # made by `duplicate`
        consultation = plan.problem.kind == Kind.CONSULTATION
        if target == S.ANSWERED or (target == S.CLOSED and consultation and rng.random() < 0.6):
            steps = [self.on_spot(plan, operator)]
            if target == S.CLOSED:
                steps += self.callback_and_close(plan, operator)
            return steps

        lead, co = self.lead_and_co(plan)
        steps = [route, self.dispatch(plan, dispatcher, lead, co)]
        if target == S.DISPATCHED:
            return steps
        if target == S.INVALID:
            if rng.random() < 0.5:
                steps.append(self.accept(lead))
            if rng.random() < 0.4:
                steps = [route]  # seen through at intake, before any dispatch
            return [*steps, *self.invalidation()]
        if target == S.RETURNED:
            if rng.random() < 0.5:
                steps.append(self.accept(lead))
            return [*steps, self.return_(lead)]

        variant = rng.random() if target == S.CLOSED else 1.0
        if variant < 0.05:  # a justified return: dispatch re-routes the ticket
            new_lead = self.fallback(plan, lead, co)
            steps += [self.return_(lead), self.review(dispatcher, new_lead)]
            lead = new_lead
        steps.append(self.accept(lead))
        if 0.05 <= variant < 0.08:  # an unjustified return: dispatch sends it back
            steps += [self.return_(lead), self.review(dispatcher, None)]
        steps += [
            Step("co_accept", self.worker(c), {"department": c}, delay=self.minutes(20, 1000)) for c in co
        ]
        steps += self.clock_steps(plan, lead, still_open=target == S.ACCEPTED)
        if target == S.ACCEPTED:
            return steps
        steps += [
            Step(
                "co_answer",
                self.worker(c),
                {"department": c, "text": rng.choice(V.CO_ANSWERS)},
                self.minutes(240, 4000),
            )
            for c in co
        ]
        steps.append(self.reply(plan, lead))
        if target == S.REPLIED:
            if self.life.random() < REPLIED_UNREACHED:
                steps += self.attempts(operator, self.life.randint(1, 2))
            return steps
        if target == S.REOPENED or rng.random() < 0.08:
            steps += self.attempts(operator, 1 if self.life.random() < UNREACHED else 0)
            steps.append(self.callback(operator, Satisfaction.UNSATISFIED))
            if target == S.REOPENED:
                return steps
            steps.append(self.reply(plan, lead, again=True))
        return steps + self.callback_and_close(plan, operator)

    def accept(self, department: str) -> Step:
        return Step("accept", self.worker(department), delay=self.minutes(10, 720))

    def return_(self, department: str) -> Step:
        reason = self.rng.choice(V.RETURN_REASONS)
        return Step("return", self.worker(department), {"reason": reason}, self.minutes(30, 1200))

    def review(self, dispatcher: str, new_lead: str | None) -> Step:
        """Dispatch decides on a return: re-route to `new_lead`, or send it back when None."""
        if new_lead is None:
            params = {"uphold": False, "lead": None, "note": self.rng.choice(V.REVIEW_NOTES_REJECTED)}
        else:
            params = {"uphold": True, "lead": new_lead, "note": self.rng.choice(V.REVIEW_NOTES_UPHELD)}
        return Step("review", dispatcher, params, self.minutes(20, 480))

    def invalidation(self) -> list[Step]:
        """An operator proposes, a supervisor confirms: two people, as the action requires."""
        reason = self.rng.choice(V.INVALID_REASONS)
        note = "经核实，同意认定为无效诉求。"
        return [
            Step("request_invalid", self.pick(self.operators), {"reason": reason}, self.minutes(20, 600)),
            Step("invalidate", self.pick(self.supervisors), {"note": note}, self.minutes(30, 1500)),
        ]

    def dispatch(self, plan: Plan, dispatcher: str, lead: str, co: list[str]) -> Step:
        delay = self.minutes(2, 25) if plan.urgent else self.minutes(5, 300)
        return Step(
            "dispatch", dispatcher, {"lead": lead, "co": co, "note": self.rng.choice(V.DISPATCH_NOTES)}, delay
        )

    def on_spot(self, plan: Plan, operator: str) -> Step:
        text = self.text(self.rng.choice(plan.problem.answers or plan.problem.replies), plan)
        return Step("answer_on_spot", operator, {"text": text}, self.minutes(2, 20))

    def reply(self, plan: Plan, lead: str, *, again: bool = False) -> Step:
        problem, dept = plan.problem, self.city.departments[lead].name
        # The generic lines are formulas that fit any appeal (已转相关单位办理); they say a place was
        # inspected: no answer to a question.
        generic = () if problem.kind == Kind.CONSULTATION and problem.replies else V.GENERIC_REPLIES
        templates = problem.replies + generic if self.rng.random() < 0.3 else problem.replies
        line = self.rng.choice(templates or V.GENERIC_REPLIES)
        slow = self.rng.random() < 0.1  # some replies are late: material for the deadline reports
        delay = self.minutes(4000, 11000) if slow else self.minutes(600, 5000)
        # Most units answer in the official form, in full: what was found and why, the basis, what
        # was done, the result, what next. The rest answer in a line, and some with a formula
        # whatever the form; the reply-quality check flags those for the supervisors. Drawn from a
        # stream of the ticket's own, so that the choice leaves everything else a seed decides as it was.
        form = random.Random(f"hotline-demo-reply-{plan.index}-{again}")
        signed = form.random() >= V.TERSE_REPLY_SHARE
        if signed and problem.full_replies and line not in V.GENERIC_REPLIES:
            text = (V.REPLY_AGAIN if again else "") + self.text(self.full_reply(plan, form), plan, dept=dept)
        else:
            text = ("经重新办理，" if again else "") + self.text(line, plan, dept=dept)
        if signed:
            title = plan.steps[0].params["title"]  # as the citizen put it (the receive step's)
            text = reply_letter(problem.kind, plan.created_at, title, text, dept, V.department_phone(lead))
        return Step("reply", self.worker(lead), {"text": text, "signed": dept if signed else ""}, delay)

    def full_reply(self, plan: Plan, form: random.Random) -> str:
        """The full answer to what the citizen told: the one paired with the detail the appeal
        used, when the problem pairs them; otherwise any of the problem's."""
        problem = plan.problem
        if len(problem.full_replies) == len(problem.details):
            content = plan.steps[0].params["content"]
            for detail, answer in zip(problem.details, problem.full_replies, strict=True):
                if self.text(detail, plan) in content:
                    return answer
        return form.choice(problem.full_replies)

    def callback(self, operator: str, satisfaction: str) -> Step:
        rng = self.rng
        if satisfaction == Satisfaction.SATISFIED:
            resolution = Resolution.RESOLVED if rng.random() < 0.9 else Resolution.PARTLY
        elif satisfaction == Satisfaction.BASICALLY:
            resolution = Resolution.PARTLY if rng.random() < 0.6 else Resolution.RESOLVED
        else:
            resolution = Resolution.UNRESOLVED if rng.random() < 0.7 else Resolution.PARTLY
        note = rng.choice(V.CALLBACK_NOTES[satisfaction])
        params = {"resolution": resolution, "satisfaction": satisfaction, "note": note}
        return Step("callback", operator, params, self.minutes(120, 2800))

    def callback_and_close(self, plan: Plan, operator: str) -> list[Step]:
        satisfied = Satisfaction.SATISFIED if self.rng.random() < 0.78 else Satisfaction.BASICALLY
        tries = self.attempts(operator, self.life.randint(1, 2) if self.life.random() < UNREACHED else 0)
        closer = self.pick(self.operators + self.dispatchers)
        close = Step("close", closer, {"note": self.rng.choice(V.CLOSE_NOTES)}, self.minutes(2, 120))
        return [*tries, self.callback(operator, satisfied), close]

    def attempts(self, operator: str, n: int) -> list[Step]:
        """Calls to the citizen that nobody answers (回访未接通), each at least the retry interval
        (two hours) after the one before; the callback that follows comes later still."""
        rng = self.life
        delays = [self.minutes(60, 2000, rng), *(self.minutes(130, 1500, rng) for _n in range(n - 1))]
        return [
            Step("callback_attempt", operator, {"note": rng.choice(V.CALLBACK_ATTEMPT_NOTES)}, delay)
            for delay in delays[:n]
        ]

    def clock_steps(self, plan: Plan, lead: str, *, still_open: bool) -> list[Step]:
        """The lead department stops its clock while it waits for something (挂起) and restarts it
        (恢复计时), or asks for a later deadline (延期申请) that dispatch or a supervisor decides on.
        A ticket still being handled at the end may stay suspended, or its request undecided; the
        first such ticket planned always has one waiting (the board's 延期审批 tab)."""
        rng, steps = self.life, []
        worker = self.worker(lead, rng)
        first = still_open and not self.undecided
        if rng.random() < SUSPENDED:
            reason = rng.choice(SuspensionReason.values)
            note = rng.choice(V.SUSPENSION_NOTES[reason])
            steps.append(
                Step("suspend", worker, {"reason": reason, "note": note}, self.minutes(60, 1500, rng))
            )
            if still_open and rng.random() < STILL_SUSPENDED and not first:
                return steps  # a suspended assignment cannot ask for more time
            note = rng.choice(V.RESUME_NOTES)
            steps.append(Step("resume", worker, {"note": note}, self.minutes(240, 4000, rng)))
        if rng.random() < (EXTENDED_OPEN if still_open else EXTENDED) or first:
            params = {"reason": rng.choice(V.EXTENSION_REASONS), "days": rng.randint(3, 10)}
            steps.append(Step("request_extension", worker, params, self.minutes(120, 3000, rng)))
            if still_open and (rng.random() < STILL_PENDING or first):
                self.undecided += 1
            else:
                approve = rng.random() < EXTENSION_APPROVED
                notes = V.EXTENSION_NOTES_APPROVED if approve else V.EXTENSION_NOTES_REFUSED
                reviewer = rng.choice(self.dispatchers + self.supervisors)
                params = {"approve": approve, "note": rng.choice(notes)}
                steps.append(Step("review_extension", reviewer, params, self.minutes(30, 900, rng)))
        return steps

    def duplicate(self, index: int, plans: list[Plan]) -> Plan:
        """A second contact about the same issue at the same place, merged into the earlier ticket
        while that ticket's answer is still to come (`tickets.actions.do_merge_ticket`)."""
        rng = self.rng
        candidates = []
        for original in plans:
            if original.target == S.INVALID:
                continue
            until = min(original.answered_at or original.terminal_at or self.latest, self.latest)
            if (until - original.created_at).total_seconds() > 3600:
                candidates.append((original, until))
        if not candidates:
            raise DemoError(_("窗口太短，无法生成重复诉求；请增加 --days"))
        original, until = rng.choice(candidates)
        window = (until - original.created_at).total_seconds()
        created_at = original.created_at + timedelta(seconds=rng.uniform(0.05, 0.6) * window)
        merge_at = created_at + timedelta(seconds=rng.uniform(0.1, 0.35) * window)
        plan = Plan(
            index=index,
            target=S.MERGED,
            problem=original.problem,
            place=original.place,
            words=original.words | {"time": rng.choice(V.TIMES), "since": rng.choice(V.SINCES)},
            channel=self.channel(S.MERGED),
            created_at=created_at.replace(microsecond=0),
            urgent=False,  # decided with the text, by `receive_step`
            complex=False,
        )
        receive = self.receive_step(plan)
        receive.at = plan.created_at
        # Routed like any contact: it may be dispatched before the dispatcher sees the duplicate.
        route = Step("route", "", at=plan.created_at + timedelta(seconds=1))
        merge = Step(
            "merge",
            self.pick(self.dispatchers),
            {"into": original.index, "note": "同一事项重复来电，合并办理。"},
        )
        merge.at = max(merge_at.replace(microsecond=0), plan.created_at + timedelta(seconds=2))
        plan.steps = [receive, route, merge]
        return plan

    def schedule(self, plan: Plan) -> None:
        """Give every step its time: in order, inside the window, department work in the daytime."""
        steps = plan.steps
        limit = self.end - timedelta(minutes=1)
        total = sum(s.delay for s in steps[1:])
        # A ticket that could not have got this far by now in real time is played faster.
        scale = min(1.0, (limit - plan.created_at).total_seconds() / total) if total else 1.0
        gaps = [timedelta(seconds=max(1.0, s.delay * scale)) for s in steps]
        at = steps[0].at = plan.created_at
        for i, step in enumerate(steps[1:], start=1):
            at += gaps[i]
            if step.action in _DAYTIME_ACTIONS and not plan.urgent:
                morning = self.next_morning(at, self.life if step.action in _LIFE_ACTIONS else self.rng)
                if morning is not None and morning + sum(gaps[i + 1 :], timedelta()) <= limit:
                    at = morning
            # Whole seconds; the gap is at least one, so the order holds.
            step.at = at = at.replace(microsecond=0)

    def next_morning(self, at: datetime, rng: random.Random) -> datetime | None:
        """A time early in the next working morning when `at` is at night, else None."""
        local = timezone.localtime(at)
        if 8 <= local.hour < 21:
            return None
        day = local.date() + timedelta(days=1 if local.hour >= 21 else 0)
        morning = datetime.combine(day, dt_time(8), tzinfo=local.tzinfo)
        return morning + timedelta(minutes=rng.uniform(0, 90))


# --- replay -------------------------------------------------------------------------------------------


class Replayer:
    """Runs the planned steps of all tickets in time order through the ticket and routing actions,
    with the scheduled retrain at `retrain_at`."""

    def __init__(
        self,
        city: City,
        plans: list[Plan],
        *,
        retrain_at: datetime | None = None,
        window: tuple[datetime, datetime] | None = None,
        seed: int = 1,
    ) -> None:
        self.city = city
        self.plans = {p.index: p for p in plans}
        self.retrain_at = retrain_at
        self.window = window
        self.retrain_report: dict[str, Any] | None = None
        self.routed: Counter[str] = Counter()  # auto dispatches kept as they were, and corrected
        self.supervised: Counter[str] = Counter()  # sweeps run; supervisions opened and closed by hand
        self.rng = random.Random(f"supervisor-{seed}")
        self.queue: list[tuple[datetime, int, int, Step]] = []

    def city_steps(self) -> list[Step]:
        """What happens to the city rather than to one ticket: the retrain, the supervision sweeps
        (every day and once at the end) and the supervisor's rounds of the board (working mornings).
        Half a second past the minute: never at the moment of a ticket's step (whole seconds)."""
        steps = [Step("retrain", "", at=self.retrain_at)] if self.retrain_at is not None else []
        if self.window is None:
            return steps
        start, end = self.window
        day = timezone.localtime(start).date()
        while (day := day + timedelta(days=1)) <= timezone.localtime(end).date():
            for action, hour in (("sweep", SWEEP_AT), ("round", ROUND_AT)):
                at = datetime.combine(day, hour, tzinfo=timezone.localtime(start).tzinfo)
                at += timedelta(milliseconds=500)
                if at < end and (action == "sweep" or _CALENDAR.day(day).is_workday):
                    steps.append(Step(action, "", at=at))
        steps.append(Step("sweep", "", at=end - timedelta(seconds=30)))
        return steps

    def run(self) -> None:
        self.queue = [
            (step.at, plan.index, n, step)
            for plan in self.plans.values()
            for n, step in enumerate(plan.steps)
            if step.at is not None
        ]
        self.queue += [(step.at, -1, n, step) for n, step in enumerate(self.city_steps()) if step.at]
        heapq.heapify(self.queue)
        while self.queue:
            at, index, _n, step = heapq.heappop(self.queue)
            with clock.frozen_at(at):
                if index < 0:
                    self.city_step(step)
                elif not step.skipped:
                    plan = self.plans[index]
                    plan.ticket = self.apply(plan, step)

    def city_step(self, step: Step) -> None:
        if step.action == "retrain":
            self.retrain_report = run_retrain()
        elif step.action == "sweep":
            # As `hotline sweep` and the worker: the repetition counters first, then the sweep.
            run_counted_sweep()
            self.supervised["sweeps"] += 1
        elif step.action == "round":
            self.round()

    def round(self) -> None:
        """The supervisor goes through the board (`/supervision/`): closes (销号) the supervisions
        they opened whose ticket has been answered, and now and then supervises (督办) an overdue
        ticket, lists (挂牌) one about a problem reported again and again, and elevates (提级) one
        that is long overdue. One action per ticket, a millisecond apart."""
        supervisor = self.city.users[self.city.staff(Role.SUPERVISOR)[0]]
        now = clock.now()
        moments = (now + timedelta(milliseconds=i) for i in itertools.count())
        done = Supervision.objects.filter(resolved_at__isnull=True, created_by__isnull=False).filter(
            Q(ticket__status__in=[S.REPLIED, S.CLOSED]) | Q(assignment__status=AssignmentStatus.ANSWERED)
        )
        for supervision in done.select_related("ticket").order_by("pk"):
            with clock.frozen_at(next(moments)):
                do_resolve_supervision(supervision, supervisor, note=self.rng.choice(V.RESOLVE_NOTES))
            self.supervised["resolved"] += 1
        # What the supervisor already watches, per ticket: the kinds of the open ones they opened.
        watched: dict[int, set[str]] = {}
        for ticket_id, kind in Supervision.objects.filter(
            resolved_at__isnull=True, created_by__isnull=False
        ).values_list("ticket_id", "kind"):
            watched.setdefault(ticket_id, set()).add(kind)
        late = list(
            Assignment.objects.filter(
                role=AssignmentRole.LEAD,
                status__in=WORKING_STATUSES,
                paused_since__isnull=True,
                due_at__lt=now,
            )
            .exclude(ticket__status__in=list(TERMINAL_STATUSES))
            .select_related("ticket")
            .order_by("due_at", "pk")
        )
        chosen: list[tuple[Assignment, str]] = []
        # 提级: the longest overdue, three working days or more, not yet elevated.
        long_ago = overdue_bound(now, 3)
        # What is open on each (by hand or by the sweep): a second open listing of a ticket, or
        # elevation of one unit, is refused.
        public_now = list(
            Supervision.objects.filter(
                resolved_at__isnull=True, kind__in=(SupervisionKind.LISTING, SupervisionKind.ELEVATION)
            ).values_list("kind", "ticket_id", "assignment_id")
        )
        listed = {ticket for kind, ticket, _a in public_now if kind == SupervisionKind.LISTING}
        elevated = {assignment for kind, _t, assignment in public_now if kind == SupervisionKind.ELEVATION}
        if self.rng.random() < 0.4:
            chosen += [
                (a, SupervisionKind.ELEVATION)
                for a in late
                if a.due_at < long_ago
                and SupervisionKind.ELEVATION not in watched.get(a.ticket_id, ())
                and a.pk not in elevated
            ][:1]
        # 挂牌: the one about the problem reported most often, not yet listed or elevated.
        public = {SupervisionKind.LISTING, SupervisionKind.ELEVATION}
        rest = [a for a in late if all(a is not c for c, _kind in chosen)]
        unlisted = [
            a for a in rest if not public & watched.get(a.ticket_id, set()) and a.ticket_id not in listed
        ]
        if self.rng.random() < 0.5 and (repeated := self.repeated(unlisted, now)) is not None:
            chosen.append((repeated, SupervisionKind.LISTING))
            rest.remove(repeated)
        # 督办: any one not watched yet.
        unwatched = [a for a in rest if a.ticket_id not in watched]
        if unwatched and self.rng.random() < 0.6:
            chosen.append((self.rng.choice(unwatched), SupervisionKind.ORDER))
        for assignment, kind in chosen:
            at = next(moments)
            with clock.frozen_at(at):
                do_open_supervision(
                    assignment.ticket,
                    supervisor,
                    kind=kind,
                    reason=self.rng.choice(V.SUPERVISE_REASONS[kind]),
                    deadline=at + timedelta(days=3 if kind == SupervisionKind.ELEVATION else 2),
                    assignment_id=assignment.pk,
                )
            self.supervised[kind] += 1

    def repeated(self, late: list[Assignment], now: datetime) -> Assignment | None:
        """Of the late assignments, the one whose problem (category and area) was reported most often
        in the last 30 days, if at least three times."""
        since = now - timedelta(days=30)
        reports: Counter[tuple[int | None, int | None]] = Counter(
            Ticket.objects.filter(created_at__gte=since, category__isnull=False, area__isnull=False)
            .exclude(status=S.MERGED)
            .values_list("category_id", "area_id")
        )

        def often(a: Assignment) -> int:
            return reports[(a.ticket.category_id, a.ticket.area_id)]

        ranked = sorted(late, key=often, reverse=True)  # stable: the longest overdue of equals first
        return ranked[0] if ranked and often(ranked[0]) >= 3 else None

    def apply(self, plan: Plan, step: Step) -> Ticket:
        if step.action == "receive":
            return self.receive(plan, step)
        if step.action == "route":
            return self.route(plan, step)
        if step.action == "disown":
            return self.disown(plan, step)
        ticket, actor, p = self.ticket(plan), self.city.users[step.actor], step.params
        match step.action:
            case "dispatch":
                return self.dispatch(plan, step)
            case "redispatch":
                return self.redispatch(plan, step)
            case "accept" | "co_accept":
                return actions.do_accept_assignment(ticket, actor)
            case "co_answer":
                return actions.do_answer_assignment(ticket, actor, text=p["text"])
            case "reply":
                text = p["text"]
                if p["signed"]:  # the unit and the day it answers, as a letter ends
                    day = clock.localtime()
                    text += f"\n{p['signed']}\n{day.year}年{day.month}月{day.day}日"
                return feedback_actions.do_reply_ticket(ticket, actor, text=text)
            case "return":
                return actions.do_return_assignment(ticket, actor, reason=p["reason"])
            case "review":
                return self.review(plan, step)
            case "answer_on_spot":
                return feedback_actions.do_answer_on_spot(ticket, actor, text=p["text"])
            case "request_invalid":
                return actions.do_request_invalidation(ticket, actor, reason=p["reason"])
            case "invalidate":
                return actions.do_confirm_invalidation(ticket, actor, confirm=True, note=p["note"])
            case "callback":
                return feedback_actions.do_record_callback(
                    ticket, actor, resolution=p["resolution"], satisfaction=p["satisfaction"], note=p["note"]
                )
            case "close":
                # Closed as the pages and the API close (knowledge.actions.close_ticket): a consultation
                # whose answer satisfied the caller leaves a proposed article for the reviewers.
                # The callers of the duplicates merged into it are owed the answer too: called
                # back (satisfied) by the operator who made the ticket's callback, before it closes.
                caller = ticket.callbacks.order_by("-pk").values_list("called_by", flat=True).first()
                called = False
                for appellant in callback_round(ticket):
                    if appellant.to_call and caller is not None:
                        ticket = feedback_actions.do_record_callback(
                            ticket,
                            User.objects.get(pk=caller),
                            resolution=Resolution.RESOLVED,
                            satisfaction=Satisfaction.SATISFIED,
                            appeal_id=appellant.appeal.pk,
                        )
                        called = True
                if not called:
                    return knowledge_actions.close_ticket(ticket, actor, note=p["note"])
                # Closed after those calls, not at their moment (steps are whole seconds apart).
                with clock.frozen_at(clock.now() + timedelta(milliseconds=500)):
                    return knowledge_actions.close_ticket(ticket, actor, note=p["note"])
            case "callback_attempt":
                return feedback_actions.do_record_callback_attempt(ticket, actor, note=p["note"])
            case "suspend":
                return sla_actions.do_suspend_assignment(ticket, actor, reason=p["reason"], note=p["note"])
            case "resume":
                return sla_actions.do_resume_assignment(ticket, actor, note=p["note"])
            case "request_extension":
                return self.request_extension(plan, step)
            case "review_extension":
                return sla_actions.do_review_extension(ticket, actor, approve=p["approve"], note=p["note"])
            case "merge":
                into = self.ticket(self.plans[p["into"]])
                return actions.do_merge_ticket(ticket, actor, into_ticket_id=into.pk, note=p["note"])
        raise ValueError(f"unknown demo step {step.action!r}")

    def ticket(self, plan: Plan) -> Ticket:
        assert plan.ticket is not None, f"ticket {plan.index} acted on before intake"
        return plan.ticket

    def user(self, step: Step) -> User:
        return self.city.users[step.actor]

    def receive(self, plan: Plan, step: Step) -> Ticket:
        p = step.params
        latitude, longitude = p["point"] or (None, None)
        data = intake_actions.AppealData(
            channel=plan.channel,
            title=p["title"],
            content=p["content"],
            external_id=p["external_id"],
            citizen_name=p["citizen_name"],
            citizen_phone=p["citizen_phone"],
            address=p["address"],
            latitude=latitude,
            longitude=longitude,
            kind=plan.problem.kind,
            urgency=Urgency.URGENT if p["urgent"] else Urgency.NORMAL,
            category_id=self.city.categories[p["category"]].pk if p["category"] else None,
            area_id=self.city.departments[plan.place.street_code].pk if p["area_given"] else None,
        )
        ticket, created = intake_actions.do_receive_appeal(data, self.city.users.get(step.actor), route=False)
        if not created:  # the channel id was taken by an earlier run
            raise DemoError(_("渠道编号 %(id)s 已存在，无法追加演示工单") % {"id": p["external_id"]})
        return ticket

    def route(self, plan: Plan, step: Step) -> Ticket:
        """Smart dispatch, as intake runs it once the appeal is stored (`tickets.router`), replayed at
        its moment. `do_route_ticket` rather than the router, which records a failure on the ticket
        and carries on: a demo that fails must say so."""
        ticket = self.ticket(plan)
        do_route_ticket(ticket.pk)
        ticket.refresh_from_db()
        if ticket.status == S.DISPATCHED:
            self.settle(plan, step, ticket)
        return ticket

    def settle(self, plan: Plan, route: Step, ticket: Ticket) -> None:
        """Reconcile the plan with the departments the system dispatched the ticket to.

        Where it chose the plan's lead and co-handlers, the planned dispatch is left out. Where it
        chose others, they return their part halfway to the planned dispatch, and at its time the
        dispatcher upholds the returns and re-dispatches as planned: an upheld return is a training
        label. A plan without a dispatch (the ticket was to wait, to be merged or to be found
        invalid) goes on from the dispatched state.
        """
        after = plan.steps.index(route) + 1
        dispatch = plan.steps[after] if after < len(plan.steps) else None
        if dispatch is None or dispatch.action != "dispatch":
            return
        lead, co = dispatch.params["lead"], set(dispatch.params["co"])
        assigned = list(
            ticket.assignments.filter(status__in=list(OPEN_ASSIGNMENT_STATUSES)).select_related("department")
        )
        wrong = [
            a.pk
            for a in assigned
            if not (a.role == AssignmentRole.LEAD and a.department.code == lead)
            and not (a.role == AssignmentRole.CO and a.department.code in co)
        ]
        if not wrong:
            self.routed["kept"] += 1
            dispatch.skipped = True
            present = {a.department.code for a in assigned}
            for later in plan.steps[after:]:  # a co-handler the rule did not name is not asked
                if later.action in ("co_accept", "co_answer") and later.params["department"] not in present:
                    later.skipped = True
            return
        self.routed["corrected"] += 1
        dispatch.action = "redispatch"
        assert route.at is not None and dispatch.at is not None
        at = route.at + (dispatch.at - route.at) / 2
        disown = Step("disown", "", {"assignments": wrong}, at=at)
        plan.steps.insert(after, disown)
        heapq.heappush(self.queue, (at, plan.index, len(plan.steps), disown))

    def request_extension(self, plan: Plan, step: Step) -> Ticket:
        """Ask for `days` more than the later of the deadline and now, to the end of a working day."""
        ticket, actor = self.ticket(plan), self.user(step)
        lead = actor_assignment(ticket, actor, "request_extension")
        wanted = timezone.localtime(max(lead.due_at, clock.now()) + timedelta(days=step.params["days"]))
        wanted = wanted.replace(hour=17, minute=30, second=0, microsecond=0)
        return sla_actions.do_request_extension(
            ticket, actor, reason=step.params["reason"], requested_due_at=wanted, assignment_id=lead.pk
        )

    def disown(self, plan: Plan, step: Step) -> Ticket:
        """The departments that automatic dispatch chose wrongly return their part, co-handlers
        first (a lead's return sends the ticket back to dispatch), a moment apart."""
        ticket = self.ticket(plan)
        assert step.at is not None
        wrong = ticket.assignments.filter(pk__in=step.params["assignments"]).select_related("department")
        for i, assignment in enumerate(sorted(wrong, key=lambda a: (a.role == AssignmentRole.LEAD, a.pk))):
            actor = self.city.users[self.city.workers(assignment.department.code)[0]]
            with clock.frozen_at(step.at + timedelta(milliseconds=i)):
                ticket = actions.do_return_assignment(
                    ticket, actor, reason=V.RETURN_REASONS[0], assignment_id=assignment.pk
                )
        return ticket

    def redispatch(self, plan: Plan, step: Step) -> Ticket:
        """The dispatcher upholds the returns of `disown` and sends the ticket where the plan does."""
        ticket, actor, p = self.ticket(plan), self.user(step), step.params
        assert step.at is not None
        lead = self.city.departments[p["lead"]]
        co = [self.city.departments[c] for c in p["co"]]
        returned = sorted(
            ticket.assignments.filter(status=AssignmentStatus.RETURNED),
            key=lambda a: (a.role == AssignmentRole.LEAD, a.pk),
        )
        note = V.REVIEW_NOTES_UPHELD[1]
        for i, assignment in enumerate(returned):
            with clock.frozen_at(step.at + timedelta(milliseconds=i)):
                if assignment.role == AssignmentRole.LEAD:
                    ticket = actions.do_review_return(
                        ticket,
                        actor,
                        assignment_id=assignment.pk,
                        uphold=True,
                        lead_department_id=lead.pk,
                        co_department_ids=[d.pk for d in co],
                        note=note,
                    )
                    continue
                replacements: list[int] = []
                if i == len(returned) - 1:  # the lead stays: the last co review adds whom the plan wants
                    busy = set(
                        ticket.assignments.filter(status__in=list(OPEN_ASSIGNMENT_STATUSES)).values_list(
                            "department_id", flat=True
                        )
                    )
                    replacements = [d.pk for d in co if d.pk not in busy]
                ticket = actions.do_review_return(
                    ticket,
                    actor,
                    assignment_id=assignment.pk,
                    uphold=True,
                    co_department_ids=replacements,
                    note=note,
                )
        return ticket

    def dispatch(self, plan: Plan, step: Step) -> Ticket:
        p = step.params
        return actions.do_dispatch_ticket(
            self.ticket(plan),
            self.user(step),
            lead_department_id=self.city.departments[p["lead"]].pk,
            co_department_ids=[self.city.departments[c].pk for c in p["co"]],
            category_id=self.city.categories[plan.problem.category].pk,
            is_complex=plan.complex,
            note=p["note"],
        )

    def review(self, plan: Plan, step: Step) -> Ticket:
        ticket = self.ticket(plan)
        returned = ticket.assignments.filter(status=AssignmentStatus.RETURNED).order_by("-pk").first()
        assert returned is not None
        p = step.params
        return actions.do_review_return(
            ticket,
            self.user(step),
            assignment_id=returned.pk,
            uphold=p["uphold"],
            lead_department_id=self.city.departments[p["lead"]].pk if p["uphold"] else None,
            note=p["note"],
        )


# --- the whole run ------------------------------------------------------------------------------------


@dataclass
class RoutingSummary:
    """What smart dispatch did in a run, for the summary."""

    routed: int = 0  # tickets routed at intake
    auto: int = 0  # dispatched by the system user
    corrected: int = 0  # of those, returned by the department and re-dispatched
    located: int = 0  # area found by routing (boundary, gazetteer or division)
    urgent: int = 0  # marked urgent by routing
    queue: int = 0  # waiting for a dispatcher at the end
    labels: int = 0  # training labels in the database
    model: str = ""  # the active category model, or why none was trained

    def text(self) -> str:
        return _(
            "智能分拨：分拨 %(routed)s 张，其中自动派单 %(auto)s 张（%(corrected)s 张经退单改派），"
            "识别属地 %(located)s 张，识别紧急 %(urgent)s 张；待派单 %(queue)s 张；"
            "训练标注 %(labels)s 条；分类模型：%(model)s"
        ) % {
            "routed": self.routed,
            "auto": self.auto,
            "corrected": self.corrected,
            "located": self.located,
            "urgent": self.urgent,
            "queue": self.queue,
            "labels": self.labels,
            "model": self.model,
        }


@dataclass
class WorkSummary:
    """What supervision, the departments' clocks and the callback desk did in a run, for the summary."""

    sweeps: int = 0  # supervision sweeps run
    supervisions: int = 0  # opened on the run's tickets, by the sweep or by hand
    manual: int = 0  # of those, opened by the supervisor
    resolved_by_hand: int = 0  # closed (销号) by the supervisor
    open: int = 0  # still open at the end (督办中)
    extensions: int = 0  # extension requests
    approved: int = 0
    refused: int = 0
    withdrawn: int = 0  # made moot undecided: the assignment left handling first
    pending: int = 0  # waiting for a decision at the end (延期审批)
    suspensions: int = 0  # clocks stopped
    suspended: int = 0  # still stopped at the end
    attempts: int = 0  # callbacks not answered (回访未接通)
    awaiting: int = 0  # answered tickets waiting for their callback at the end
    repetitions: int = 0  # repetitions open at the end (重复诉求预警) about the run's tickets
    to_review: int = 0  # of those, waiting for a person's review
    repeat_orders: int = 0  # repetition orders (督办) opened by the sweeps on the run's tickets

    def text(self) -> str:
        return _(
            "督办：巡查 %(sweeps)s 次，督办 %(supervisions)s 件（人工 %(manual)s 件，人工销号 "
            "%(resolved)s 件），督办中 %(open)s 件；延期申请 %(extensions)s 件（批准 %(approved)s 件，"
            "不批准 %(refused)s 件，已撤回 %(withdrawn)s 件，待审批 %(pending)s 件）；"
            "挂起 %(suspensions)s 次（仍挂起 %(suspended)s 件）；"
            "回访未接通 %(attempts)s 次，待回访 %(awaiting)s 张"
        ) % {
            "sweeps": self.sweeps,
            "supervisions": self.supervisions,
            "manual": self.manual,
            "resolved": self.resolved_by_hand,
            "open": self.open,
            "extensions": self.extensions,
            "approved": self.approved,
            "refused": self.refused,
            "withdrawn": self.withdrawn,
            "pending": self.pending,
            "suspensions": self.suspensions,
            "suspended": self.suspended,
            "attempts": self.attempts,
            "awaiting": self.awaiting,
        }

    def repetition_text(self) -> str:
        return _("重复诉求：预警 %(repetitions)s 条（待人工审核 %(review)s 条），督办 %(orders)s 件") % {
            "repetitions": self.repetitions,
            "review": self.to_review,
            "orders": self.repeat_orders,
        }


def work_summary(plans: Sequence[Plan], replayer: Replayer) -> WorkSummary:
    ids = [p.ticket.pk for p in plans if p.ticket is not None]
    supervisions = Supervision.objects.filter(ticket_id__in=ids)
    extensions = Extension.objects.filter(assignment__ticket_id__in=ids)
    suspensions = Suspension.objects.filter(assignment__ticket_id__in=ids)
    attempts = TicketEvent.objects.filter(
        ticket_events.of_type(EventType.CALLBACK_ATTEMPT), ticket_id__in=ids
    )
    repetitions = Repetition.objects.filter(cleared_at__isnull=True, ticket_id__in=ids)
    return WorkSummary(
        sweeps=replayer.supervised["sweeps"],
        supervisions=supervisions.count(),
        manual=supervisions.filter(created_by__isnull=False).count(),
        resolved_by_hand=supervisions.filter(resolved_by__isnull=False).count(),
        open=supervisions.filter(resolved_at__isnull=True).count(),
        extensions=extensions.count(),
        approved=extensions.filter(approved=True).count(),
        refused=extensions.filter(approved=False, withdrawn=False).count(),
        withdrawn=extensions.filter(withdrawn=True).count(),
        pending=extensions.filter(approved__isnull=True).count(),
        suspensions=suspensions.count(),
        suspended=suspensions.filter(ended_at__isnull=True).count(),
        attempts=attempts.count(),
        awaiting=Ticket.objects.filter(pk__in=ids, status=S.REPLIED).count(),
        repetitions=repetitions.count(),
        to_review=repetitions.filter(needs_review=True).count(),
        repeat_orders=supervisions.filter(reason__in=REPEAT_REASONS).count(),
    )


@dataclass
class DemoResult:
    created: Counter[str]
    statuses: Counter[str]
    tickets: int
    seconds: float
    start: datetime
    end: datetime
    routing: RoutingSummary = field(default_factory=RoutingSummary)
    work: WorkSummary = field(default_factory=WorkSummary)


# The detail of the messages to citizens that a replay stored (shown in the ticket's 告知记录).
DEMO_MESSAGE_DETAIL = "演示数据：回放时记录，未实际发送"


@contextmanager
def quiet_routing() -> Iterator[None]:
    """Routing logs a line for every ticket it routes and model it registers, the sweep one for
    every run; for a replay of hundreds of tickets that would bury the summary, which counts them
    instead."""
    loggers = [logging.getLogger(name) for name in ("hotline.routing", "hotline.supervision")]
    levels = [logger.level for logger in loggers]
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(max(level, logging.WARNING))
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def retrain_moment(start: datetime, end: datetime) -> datetime:
    """When the replay runs the scheduled retrain: the night `RETRAIN_AT` into the window."""
    local = timezone.localtime(start + (end - start) * RETRAIN_AT)
    night = local.replace(hour=RETRAIN_HOUR, minute=0, second=0, microsecond=0)
    return max(night, start)


def routing_summary(plans: Sequence[Plan], replayer: Replayer) -> RoutingSummary:
    ids = [p.ticket.pk for p in plans if p.ticket is not None]
    decisions = RoutingDecision.objects.filter(ticket_id__in=ids)
    routes = TicketEvent.objects.filter(ticket_events.of_type(EventType.ROUTE), ticket_id__in=ids)
    active = ModelVersion.objects.filter(target=ModelTarget.CATEGORY, is_active=True).first()
    if active is not None:
        model = _("%(name)s（交叉验证 macro-F1 %(score).2f）") % {
            "name": active.name,
            "score": active.cv_macro_f1 or 0,
        }
    else:
        report = (replayer.retrain_report or {}).get(ModelTarget.CATEGORY.value) or {}
        model = _("未训练（%(reason)s）") % {"reason": report.get("reason") or _("未运行")}
    return RoutingSummary(
        routed=decisions.count(),
        auto=decisions.filter(mode=RoutingMode.AUTO).count(),
        corrected=replayer.routed["corrected"],
        located=routes.filter(details__has_key="area").count(),
        urgent=routes.filter(details__has_key="urgency").count(),
        queue=Ticket.objects.filter(pk__in=ids, status=S.NEW).count(),
        labels=TrainingLabel.objects.count(),
        model=model,
    )


# How many of the answers proposed from consultations the demo's supervisor publishes: at most
# this many, and half of them, so that some wait for the knowledge base's editors on day one.
PUBLISHED_ANSWERS = 12


def publish_answers(city: City) -> int:
    """Publish, on the public 百问百答 too, the first proposed articles of distinct titles (half of
    them, at most `PUBLISHED_ANSWERS`), as the knowledge base wants it: a proposal is the answer one
    caller was given, so the dispatcher rewrites it for everyone (here: the clauses that spoke of
    that caller left out, `knowledge.personal.without`) and submits it, and the supervisor, a
    second person, approves it (`knowledge.actions`)."""
    editor, supervisor = city.users["dispatcher1"], city.users["supervisor1"]
    proposals = Article.objects.filter(status=ArticleStatus.PROPOSED).order_by("pk")
    most = min(PUBLISHED_ANSWERS, len({a.title for a in proposals}) // 2)
    titles: set[str] = set()
    published = 0
    for article in proposals:
        body = knowledge_personal.without(article.body)
        if published >= most or article.title in titles or not body:
            continue
        titles.add(article.title)
        general = knowledge_actions.ArticleData(
            title=article.title,
            body=body,
            question=article.question,
            category_id=article.category_id,
            owner_id=article.owner_id,
            public=True,
        )
        knowledge_actions.do_edit_article(article, editor, general, note=_("演示：改写为通用口径"))
        knowledge_actions.do_submit_article(article, editor)
        knowledge_actions.do_review_article(
            article, supervisor, approve=True, note=_("演示：审核通过"), public=True
        )
        published += 1
    return published


def generate(*, tickets: int, days: int, seed: int = 1, append: bool = False) -> DemoResult:
    """Fill the database with the demo city and `tickets` tickets over the last `days` days.

    One transaction: on any error nothing is written. Refuses a database that already holds
    departments or tickets unless `append` (then the missing parts of the city are added and the
    tickets come on top).
    """
    if tickets < 0:
        raise DemoError(_("--tickets 不能为负数"))
    if days < 1:
        raise DemoError(_("--days 至少为 1"))
    began = time.perf_counter()
    end = clock.now().replace(microsecond=0)
    # The sweeps' repetition counters embed the tickets for duplicate search, in this transaction.
    with vector_index.unsaved(), transaction.atomic():
        if not append and not database_is_empty():
            raise DemoError(_("数据库中已有承办单位或工单；要在其上追加演示数据，请使用 --append"))
        city = ensure_city()
        number_base = Ticket.objects.count()
        last_appeal = Appeal.objects.aggregate(last=Max("pk"))["last"] or 0
        last_model = ModelVersion.objects.aggregate(last=Max("pk"))["last"] or 0
        last_message = CitizenMessage.objects.aggregate(last=Max("pk"))["last"] or 0
        planner = Planner(city, seed=seed, end=end, days=days, number_base=number_base)
        plans = planner.plans(tickets)
        retrain_at = retrain_moment(planner.start, end)
        replayer = Replayer(city, plans, retrain_at=retrain_at, window=(planner.start, end), seed=seed)
        with quiet_routing():
            replayer.run()
        with clock.frozen_at(end):
            # The corrections since the retrain, as the next one would collect them first.
            collect_labels()
            # The daily figures, as the worker keeps them (the overview reads them).
            recount_due()
            # Some proposed answers reviewed, published and put on the public 百问百答, as a
            # supervisor does: the console finds them, the portal shows them.
            publish_answers(city)
        # Appeal.created_at is stamped by the database clock (auto_now_add); a replayed appeal was
        # written when it was received. A model version takes its creation time from its folder's
        # meta.json, which the classifier writes with the wall clock; the replayed one was trained
        # at the retrain.
        Appeal.objects.filter(pk__gt=last_appeal).update(created_at=F("received_at"))
        ModelVersion.objects.filter(pk__gt=last_model).update(created_at=retrain_at)
        # What the replay told citizens (acceptances, dispatches, replies) is past by now: recorded
        # as told at its moment, not left for the worker, which would send (or log) thousands of
        # stale messages to made-up citizens, a log line each.
        replayed = [p.ticket.pk for p in plans if p.ticket is not None]
        CitizenMessage.objects.filter(pk__gt=last_message, ticket_id__in=replayed).update(
            state=CitizenMessageState.SENT, sent_at=F("created_at"), detail=DEMO_MESSAGE_DETAIL
        )
        statuses = Counter(p.ticket.status for p in plans if p.ticket is not None)
        routing = routing_summary(plans, replayer)
        work = work_summary(plans, replayer)
    return DemoResult(
        created=city.created,
        statuses=statuses,
        tickets=len(plans),
        seconds=time.perf_counter() - began,
        start=end - timedelta(days=days),
        end=end,
        routing=routing,
        work=work,
    )


def login_rows() -> list[tuple[str, str, str, str]]:
    """(username, password, role, department) of the demo logins present in the database."""
    specs = user_specs()
    users = User.objects.select_related("department").filter(username__in=[s.username for s in specs])
    departments = {u.username: (u.department.name if u.department else "—") for u in users}
    return [
        (s.username, DEMO_PASSWORD, str(Role(s.role).label), departments[s.username])
        for s in specs
        if s.username in departments
    ]


def format_table(rows: Sequence[Sequence[str]], header: Sequence[str]) -> str:
    """A plain text table that lines up Chinese text (two columns per CJK character)."""

    def width(text: str) -> int:
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)

    widths = [max(width(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = [str(c) + " " * (w - width(str(c))) for c, w in zip(row, widths, strict=True)]
        lines.append("  ".join(cells).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def summary(result: DemoResult) -> str:
    rows = [(str(S(s).label), s, str(result.statuses.get(s, 0))) for s in S.values]
    labels = {
        "departments": _("承办单位"),
        "categories": _("分类"),
        "users": _("用户"),
        "rules": _("权责清单规则"),
        "places": _("地名"),
        "templates": _("答复模板"),
    }
    # Translators: the separator between the counts of the city data created
    created = _("，").join(f"{labels[k]} {v}" for k, v in result.created.items()) or _("无（已存在）")
    local = timezone.localtime
    return (
        _("新建城市数据：%(created)s") % {"created": created}
        + "\n"
        + _("工单 %(tickets)s 张，时间 %(start)s — %(end)s，用时 %(seconds).1f 秒")
        % {
            "tickets": result.tickets,
            "start": f"{local(result.start):%Y-%m-%d %H:%M}",
            "end": f"{local(result.end):%Y-%m-%d %H:%M}",
            "seconds": result.seconds,
        }
        + "\n"
        + format_table(rows, (_("状态"), "status", _("工单数")))
        + f"\n{result.routing.text()}"
        + f"\n{result.work.text()}"
        + f"\n{result.work.repetition_text()}"
    )
