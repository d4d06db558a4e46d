"""Early warning (预警): a rise of appeals that someone should look at before it becomes a crisis.

Two signals, checked by the worker with the hot spots (`analytics.tasks`, every
HOTLINE_HOTSPOT_INTERVAL seconds, so a spike is seen the day it starts):

- **Spike (诉求突增)** in a cell: a first-level category in a district, or in the whole city. A
  cell's appeals of a window (today so far, yesterday, the last three days) are compared with
  what the cell itself usually receives on such days: its daily average over the `BASELINE_DAYS`
  before the window, times the city's ratio of that kind of day (working day or day off, from the
  work calendar) to the average day, times the cell's own lift in the same weeks a year earlier
  when it has that history (the exam week that is busy every June is not a surprise). The window
  warns when it holds at least `MIN_COUNT` (people), at least `RATIO` times the baseline times the
  cell's threshold factor, and when so many would come from a Poisson count at that level with a
  probability under `ALPHA`. The tail probability is the evidence, not a fixed count: in a quiet
  cell three appeals in a day are already rarer than five in three days. What is counted
  (`COUNT`) is people, not posts: each appellant once in a window however often they posted
  (`hotspots.person_of`: the phone, else the name or the board's user id), so one person posting
  one complaint five times is a repetition (supervision counts those), not a rise of a category.
- **Hot spot growing fast (热点快速增长)**, two ways: over the week, a hot spot of the recent set
  with at least `HOTSPOT_MIN_RECENT` (times the factor) appeals in its last days and growth of at
  least `HOTSPOT_MIN_GROWTH` (its recent appeals over the weeks before,
  `analytics.hotspots.heat_of`); or within a day (当日聚集), `BURST_MIN` (times the factor) of its
  appeals from at least `BURST_PEOPLE` people within `BURST_HOURS` hours, the newest of them in the
  last `BURST_HOURS`: the same problem at the same place told by several people in one day, a much
  more specific signal than a cell's count, so it needs no more appeals than a hot spot itself.

Each rule's finding names what it is about (`subject`); while the rise goes on (seen again within
`QUIET_DAYS`) the same warning is updated, not raised again. One warning is one episode: a finding
of another rule whose appeals are mostly those of a warning of the last `QUIET_DAYS` (at least
`EPISODE_SHARE` of each side's appeals are shared) joins that warning, with its own evidence
(`evidence["joined"]`), told to the leaders as an update, not as a new alarm. Each new warning goes
to the leaders (the notifications' channels) and to the supervision board. A supervisor confirms
it or dismisses it as a false alarm (`analytics.actions`); a dismissal raises the threshold factor
(`WarningThreshold`) of every cell whose rule is in the warning, a confirmation lowers them back
towards 1.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Expression, Q, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf, Trim, TruncDate
from django.utils.translation import gettext as _

from hotline.analytics import hotspots
from hotline.analytics.facts import _root_category
from hotline.analytics.hotspot_sets import Kept
from hotline.analytics.hotspots import person_of
from hotline.analytics.models import EarlyWarning, Hotspot, WarningThreshold
from hotline.analytics.periods import Period, city_zone
from hotline.core import clock
from hotline.core.enums import (
    DepartmentLevel,
    NotificationReason,
    Role,
    TicketStatus,
    WarningKind,
    WarningStatus,
)
from hotline.core.phone import mask_numbers
from hotline.directory.models import Department
from hotline.intake.models import Appeal
from hotline.notifications.actions import do_notify
from hotline.sla.selectors import calendar_for
from hotline.supervision import wording
from hotline.taxonomy.models import Category

DEFAULTS: dict[str, Any] = {
    "BASELINE_DAYS": 56,
    # What a spike counts: "people" (each appellant once in a window) or "appeals" (every post).
    "COUNT": "people",
    # Three: what a hot spot needs too; below it the tail test decides nothing on its own.
    "MIN_COUNT": 3,
    "RATIO": 2.0,
    # The chance budget: every cell is tested in three windows every day, so a city of ~60 busy
    # cells (7 first-level categories x 8 districts and the city) makes ~1,300 tests a week, and
    # 1e-4 keeps the alarms of chance alone near 0.1 a week (docs/adr/0015).
    "ALPHA": 1e-4,
    # A cell that has received almost nothing still has a level: one appeal in four weeks.
    "MIN_LEVEL": 1 / 28,
    "HOTSPOT_MIN_RECENT": 4,
    "HOTSPOT_MIN_GROWTH": 1.0,
    # The hot spot's own minimum (3 appeals from 2 people), within one day.
    "BURST_MIN": 3,
    "BURST_PEOPLE": 2,
    "BURST_HOURS": 24,
    "QUIET_DAYS": 3,
    # A finding joins a warning of the last QUIET_DAYS when at least this share of its appeals and
    # of the warning's are the same appeals: one episode, one warning.
    "EPISODE_SHARE": 0.5,
    # What a dismissal multiplies the cell's factor by, its ceiling, and what a confirmation
    # divides it by.
    "DISMISS_STEP": 1.5,
    "MAX_FACTOR": 8.0,
    "CONFIRM_STEP": 1.25,
}
WINDOWS = ((0, 1), (1, 1), (0, 3))  # (days before today the window ends, its length in days)
YEAR = 364  # 52 weeks: the same weekday a year earlier


def config() -> dict[str, Any]:
    return {**DEFAULTS, **settings.HOTLINE.get("WARNINGS", {})}


def cell_key(category_id: int | None, area_id: int | None) -> str:
    return f"{category_id or 0}:{area_id or 0}"


def cell_parts(cell: str) -> tuple[int | None, int | None]:
    """(category, area) of a cell key; None for "every" (the city, or no category)."""
    category, _sep, area = cell.partition(":")
    return int(category or 0) or None, int(area or 0) or None


@dataclass(frozen=True)
class Spike:
    """A window of a cell that warns."""

    category_id: int | None
    area_id: int | None
    first: date
    last: date
    started_on: date
    observed: int
    expected: float
    factor: float
    p: float
    days: list[tuple[date, int, float]]  # each day of the baseline's last weeks and the window
    unit: str = "appeals"  # what `observed`, `expected` and `days` count: "people" or "appeals"

    @property
    def cell(self) -> str:
        return cell_key(self.category_id, self.area_id)


def _districts() -> dict[int, int]:
    """Each area -> its district (up the tree). One query."""
    areas = {
        pk: (parent_id, level)
        for pk, parent_id, level in Department.objects.filter(is_area=True).values_list(
            "pk", "parent_id", "level"
        )
    }
    found: dict[int, int] = {}
    for pk in areas:
        node: int | None = pk
        seen: set[int] = set()
        while node is not None and node in areas and node not in seen:
            seen.add(node)
            if areas[node][1] == DepartmentLevel.DISTRICT:
                found[pk] = node
                break
            node = areas[node][0]
    return found


Counts = dict[tuple[int | None, int | None], Counter[date]]
# A window's own count where it is not the sum of its days: (cell, first, last) -> count.
Totals = dict[tuple[tuple[int | None, int | None], date, date], int]

# Who appealed, as `hotspots.person_of` says it (the phone, else the name); NULL for an appeal with
# neither, which is its own person.
PERSON = Coalesce(NullIf(Trim("citizen_phone"), Value("")), NullIf(Trim("citizen_name"), Value("")))


def _tally(first: date, last: date, unit: str, *, by_day: bool, city: bool) -> QuerySet[Any, Any]:
    """(day, category, [area,] n) rows (without the day when not `by_day`) of the appeals or the
    people of the cells from `first` to `last`: per area, or (`city`) per category in the whole
    city. Invalid tickets do not count."""
    period = Period.days(first, last)
    rows = (
        Appeal.objects.filter(received_at__gte=period.start, received_at__lt=period.end)
        .exclude(ticket__status=TicketStatus.INVALID)
        .annotate(category_key=_root_category("ticket__"))
    )
    keys = ["category_key"] if city else ["category_key", "ticket__area_id"]
    if by_day:
        rows = rows.annotate(day=TruncDate("received_at", tzinfo=city_zone()))
        keys = ["day", *keys]
    n: Expression
    if unit == "people":
        rows = rows.alias(person=PERSON)
        n = Count("person", distinct=True) + Count("pk", filter=Q(person__isnull=True))
    else:
        n = Count("pk")
    return rows.values_list(*keys).annotate(n=n).order_by()


def cell_counts(first: date, last: date, unit: str = "appeals") -> Counts:
    """What every cell (category x district, and category x city) received per local day from
    `first` to `last`: appeals, or ("people") the people who appealed, each once a day. Two queries
    and the districts'. A person who appealed in two streets of a district on one day counts in
    both (the streets are summed); the city's cells count each person once."""
    districts = _districts()
    counts: Counts = {}
    for day, category_id, n in _tally(first, last, unit, by_day=True, city=True):
        counts.setdefault((category_id, None), Counter())[day] += n
    for day, category_id, area_id, n in _tally(first, last, unit, by_day=True, city=False):
        district = districts.get(area_id) if area_id else None
        if district is not None:
            counts.setdefault((category_id, district), Counter())[day] += n
    return counts


def window_totals(today: date, unit: str) -> Totals:
    """The people of each cell in the windows longer than a day that end `today`, each person once
    in the window (a person who posted on two of its days is one). Empty when counting appeals: a
    window's appeals are the sum of its days'."""
    if unit != "people":
        return {}
    districts = _districts()
    totals: Totals = {}
    for ends_before, length in WINDOWS:
        if length == 1:
            continue
        last = today - timedelta(days=ends_before)
        first = last - timedelta(days=length - 1)
        for category_id, n in _tally(first, last, unit, by_day=False, city=True):
            totals[((category_id, None), first, last)] = n
        for category_id, area_id, n in _tally(first, last, unit, by_day=False, city=False):
            district = districts.get(area_id) if area_id else None
            if district is not None:
                key = ((category_id, district), first, last)
                totals[key] = totals.get(key, 0) + n
    return totals


def _factors() -> dict[str, float]:
    return dict(WarningThreshold.objects.values_list("cell", "factor"))


def find_spikes(
    today: date,
    counts: Counts | None = None,
    workday: Callable[[date], bool] | None = None,
    totals: Totals | None = None,
) -> list[Spike]:
    """The cells whose window warns on `today` (the strongest window of each). `counts` (per day)
    and `totals` (windows that are not the sum of their days) are read when not given."""
    conf = config()
    baseline_days = int(conf["BASELINE_DAYS"])
    unit = str(conf["COUNT"])
    if counts is None:
        # The weeks before the windows, and the same weeks a year earlier (for the cell's lift).
        counts = cell_counts(today - timedelta(days=baseline_days + 7), today, unit)
        year_ago = today - timedelta(days=YEAR)
        for cell, days in cell_counts(
            year_ago - timedelta(days=baseline_days + 7), year_ago + timedelta(days=3), unit
        ).items():
            counts.setdefault(cell, Counter()).update(days)
        if totals is None:
            totals = window_totals(today, unit)
    totals = totals or {}
    if workday is None:
        calendar = calendar_for()

        def workday(day: date) -> bool:
            return calendar.day(day).is_workday

    assert workday is not None
    factors = _factors()
    city: Counter[date] = Counter()
    for (_category, area), days in counts.items():
        if area is None:
            city.update(days)
    spikes: list[Spike] = []
    local: list[Spike] = []  # the districts' spikes as a first threshold would see them
    for (category_id, area_id), days in counts.items():
        factor = factors.get(cell_key(category_id, area_id), 1.0)
        spike = _spike(category_id, area_id, days, city, today, factor, workday, conf, totals)
        if spike is not None:
            spikes.append(spike)
        if area_id is not None:
            raw = (
                spike
                if factor == 1.0
                else _spike(category_id, area_id, days, city, today, 1.0, workday, conf, totals)
            )
            if raw is not None:
                local.append(raw)
    spikes.sort(key=lambda s: s.p)
    return _explained_away(spikes, local)


def _spike(
    category_id: int | None,
    area_id: int | None,
    days: Counter[date],
    city: Counter[date],
    today: date,
    factor: float,
    workday: Callable[[date], bool],
    conf: dict[str, Any],
    totals: Totals,
) -> Spike | None:
    """The strongest window of a cell that warns at `factor`, if any."""
    # Here, not at the top: web processes import this module and must not load scipy (~150 MB).
    from scipy.stats import poisson

    best: Spike | None = None
    for ends_before, length in WINDOWS:
        last = today - timedelta(days=ends_before)
        first = last - timedelta(days=length - 1)
        window = [first + timedelta(days=i) for i in range(length)]
        observed = totals.get(((category_id, area_id), first, last), sum(days.get(d, 0) for d in window))
        if observed < conf["MIN_COUNT"]:
            continue
        expected_by_day = _baseline(days, city, first, window, workday, conf)
        expected = sum(expected_by_day.values())
        level = factor * expected
        if observed < conf["RATIO"] * level:
            continue
        p = float(poisson.sf(observed - 1, level))
        if p >= conf["ALPHA"] or (best is not None and p >= best.p):
            continue
        started = next((d for d in window if days.get(d, 0) > factor * expected_by_day[d]), first)
        shown = [first - timedelta(days=i) for i in range(14, 0, -1)] + window
        history = _baseline(days, city, first, shown, workday, conf)
        best = Spike(
            category_id,
            area_id,
            first,
            last,
            started,
            observed,
            round(expected, 2),
            factor,
            p,
            [(d, days.get(d, 0), round(history[d], 2)) for d in shown],
            str(conf["COUNT"]),
        )
    return best


def _explained_away(spikes: list[Spike], local: list[Spike]) -> list[Spike]:
    """Without the city's spike of a category when its districts' rises of the same days make at
    least half of its excess: one rise, told once, where it happens; and a district whose threshold
    a dismissal raised does not come back as the city's warning."""
    kept = []
    for spike in spikes:
        if spike.area_id is None:
            excess = sum(
                s.observed - s.expected
                for s in local
                if s.area_id is not None
                and s.category_id == spike.category_id
                and s.first <= spike.last
                and spike.first <= s.last
            )
            if excess >= 0.5 * (spike.observed - spike.expected):
                continue
        kept.append(spike)
    return kept


def _baseline(
    days: Counter[date],
    city: Counter[date],
    first: date,
    window: list[date],
    workday: Callable[[date], bool],
    conf: dict[str, Any],
) -> dict[date, float]:
    """The expected count of each day of `window` from the cell's days before `first`."""
    span = int(conf["BASELINE_DAYS"])
    before = [first - timedelta(days=i) for i in range(1, span + 1)]
    level = max(sum(days.get(d, 0) for d in before) / span, float(conf["MIN_LEVEL"]))
    # The city's rhythm of working days and days off over the same weeks.
    mean = sum(city.get(d, 0) for d in before) / span
    kinds = {True: [d for d in before if workday(d)], False: [d for d in before if not workday(d)]}
    rhythm = {
        kind: (sum(city.get(d, 0) for d in group) / len(group) / mean if group and mean else 1.0)
        for kind, group in kinds.items()
    }
    # The cell's own lift in the same week a year earlier, shrunk towards 1 when it is thin.
    year_before = [d - timedelta(days=YEAR) for d in window]
    then_window = (
        sum(
            days.get(d - timedelta(days=3), 0) + days.get(d, 0) + days.get(d + timedelta(days=3), 0)
            for d in year_before
        )
        / 3
    )
    then_before = sum(days.get(d - timedelta(days=YEAR), 0) for d in before) / span * len(window)
    lift = 1.0
    if then_before > 0 or then_window > 0:
        lift = min(max((then_window + 2) / (then_before + 2), 0.5), 3.0)
    return {d: level * rhythm[workday(d)] * lift for d in window}


def _names(category_id: int | None, area_id: int | None) -> tuple[str, str]:
    category = (
        Category.objects.filter(pk=category_id).values_list("name", flat=True).first()
        if category_id
        else None
    )
    area = Department.objects.filter(pk=area_id).values_list("name", flat=True).first() if area_id else None
    return category or _("未分类"), area or _("全市")


def cell_label(cell: str) -> str:
    """A cell as people read it: "城乡建设 · 东城区"."""
    return " · ".join(_names(*cell_parts(cell)))


def _raise(warning: EarlyWarning) -> EarlyWarning:
    warning.save()
    do_notify(
        key=f"early-warning:{warning.pk}",
        reason=NotificationReason.EARLY_WARNING,
        # In the city's words whatever the request's, said in the reader's (`supervision.wording`).
        message=wording.stored("early_warning", title=warning.title),
        role=Role.LEADER,
    )
    return warning


@dataclass(frozen=True)
class Finding:
    """One rule's reason to warn as it is recorded: a spike of a cell, or a hot spot's burst or
    growth over the week. `evidence["raised_by"]` lists the appeals that make it (the window's,
    the burst's, the week's): an episode is told by them."""

    kind: str
    subject: str
    cell: str
    category_id: int | None
    area_id: int | None
    title: str
    started_on: date
    observed: int
    expected: float
    factor: float
    evidence: dict[str, Any]

    def is_again(self, recorded: dict[str, Any]) -> bool:
        """Whether a recorded finding (`EarlyWarning.findings`) is this one seen before: the same
        cell's spike; a hot spot sharing an appeal with this one (a hot spot is found anew at each
        refresh, its appeals say which one it is)."""
        if recorded["kind"] != self.kind:
            return False
        if self.kind == WarningKind.SPIKE:
            return bool(recorded["subject"] == self.subject)
        return bool(set(recorded["evidence"].get("appeals", [])) & set(self.evidence["appeals"]))

    def as_joined(self, now: datetime) -> dict[str, Any]:
        seen = now.isoformat()
        return {
            "kind": self.kind,
            "subject": self.subject,
            "cell": self.cell,
            "title": self.title[:200],
            "observed": self.observed,
            "expected": self.expected,
            "factor": self.factor,
            "started_on": self.started_on.isoformat(),
            "joined_at": seen,
            "last_seen_at": seen,
            "evidence": self.evidence,
        }


def raised_by(recorded: dict[str, Any]) -> set[int]:
    """The appeals behind a recorded finding (none for a warning stored before 2026-12-03)."""
    return set(recorded["evidence"].get("raised_by", []))


def _record(finding: Finding, now: datetime) -> tuple[EarlyWarning, bool]:
    """The warning of a finding: the one that holds it from an earlier look (updated); else the
    warning of the last `QUIET_DAYS` whose appeals are mostly its own and its own mostly the
    warning's (joined: one episode, one warning, told to the leaders as an update); else a new
    warning, told to the leaders. (warning, created)."""
    conf = config()
    quiet = now - timedelta(days=int(conf["QUIET_DAYS"]))
    # A hot spot warned about over the week is still the same hot spot a week later.
    again_since = quiet - timedelta(days=7) if finding.kind == WarningKind.HOTSPOT else quiet
    with transaction.atomic():
        recent = list(
            EarlyWarning.objects.filter(last_seen_at__gte=again_since).order_by("-raised_at", "-pk")
        )
        for warning in recent:
            for index, recorded in enumerate(warning.findings):
                if finding.is_again(recorded):
                    _update(warning, index, recorded, finding, now)
                    return warning, False
        episode = _episode(finding, [w for w in recent if w.last_seen_at >= quiet], conf)
        if episode is not None:
            _join(episode, finding, now)
            return episode, False
        warning = EarlyWarning(
            kind=finding.kind,
            subject=finding.subject,
            cell=finding.cell,
            category_id=finding.category_id,
            area_id=finding.area_id,
            title=finding.title[:200],
            started_on=finding.started_on,
            raised_at=now,
            last_seen_at=now,
            observed=finding.observed,
            expected=finding.expected,
            factor=finding.factor,
            evidence=finding.evidence,
        )
        return _raise(warning), True


# What a joined finding keeps from when it joined, as the warning keeps its own start and time.
KEPT_WHEN_JOINED = ("started_on", "joined_at")


def _update(
    warning: EarlyWarning, index: int, recorded: dict[str, Any], finding: Finding, now: datetime
) -> None:
    """A finding of the warning seen again. An open warning shows it as it is now; a decided one
    keeps what was decided on, unless a spike grew since."""
    warning.last_seen_at = now
    fresh = warning.status == WarningStatus.OPEN or (
        finding.kind == WarningKind.SPIKE and finding.observed >= recorded["observed"]
    )
    joined = list(warning.evidence.get("joined", []))
    if index == 0 and fresh:
        warning.observed, warning.expected = finding.observed, finding.expected
        warning.title = finding.title[:200]
        warning.evidence = {**finding.evidence, **({"joined": joined} if joined else {})}
    elif index > 0:
        entry = {**joined[index - 1], "last_seen_at": now.isoformat()}
        if fresh:
            entry.update({k: v for k, v in finding.as_joined(now).items() if k not in KEPT_WHEN_JOINED})
        joined[index - 1] = entry
        warning.evidence = {**warning.evidence, "joined": joined}
    warning.save()


def _episode(finding: Finding, warnings: list[EarlyWarning], conf: dict[str, Any]) -> EarlyWarning | None:
    """The warning that is the same episode as `finding`: at least `EPISODE_SHARE` of the finding's
    appeals are the warning's and as much of the warning's are the finding's (so a burst of three
    inside a city's rise of thirty stays its own warning); the one sharing most."""
    share = float(conf["EPISODE_SHARE"])
    mine = set(finding.evidence["raised_by"])
    best, most = None, 0
    for warning in warnings:
        theirs = set().union(*(raised_by(f) for f in warning.findings))
        shared = len(mine & theirs)
        if shared > most and shared >= share * len(mine) and shared >= share * len(theirs):
            best, most = warning, shared
    return best


def _join(warning: EarlyWarning, finding: Finding, now: datetime) -> None:
    """Another rule's finding about the same appeals added to their warning: its evidence beside
    the first, both on the board; the leaders told of an update while the warning is open (a decided
    one was decided about these appeals already: a dismissal covers the episode)."""
    warning.evidence = {
        **warning.evidence,
        "joined": [*warning.evidence.get("joined", []), finding.as_joined(now)],
    }
    warning.last_seen_at = now
    warning.save()
    if warning.status == WarningStatus.OPEN:
        do_notify(
            key=f"early-warning:{warning.pk}:{finding.subject}",
            reason=NotificationReason.EARLY_WARNING,
            message=wording.stored(
                "early_warning_joined", title=warning.title, kind=finding.kind, finding=finding.title
            ),
            role=Role.LEADER,
        )


def record_spike(spike: Spike, now: datetime) -> tuple[EarlyWarning, bool]:
    """The warning of a spike (`_record`). (warning, created)."""
    appeals = _appeals_of(spike)
    ids = list(appeals.order_by("pk").values_list("pk", flat=True))
    evidence = {
        "window": [spike.first.isoformat(), spike.last.isoformat()],
        "p": spike.p,
        "unit": spike.unit,
        "days": [[d.isoformat(), n, e] for d, n, e in spike.days],
        "tickets": _tickets_of(spike),
        "raised_by": ids,
    }
    category, area = _names(spike.category_id, spike.area_id)
    names = {
        "category": category,
        "area": area,
        "days": (spike.last - spike.first).days + 1,
        "observed": spike.observed,
        "appeals": len(ids),
        # A quiet cell's baseline is under 0.1: "0.04", not "0.0".
        "expected": f"{spike.expected:.1f}" if spike.expected >= 0.1 else f"{spike.expected:.2f}",
    }
    # In the city's words, said in the reader's where shown (`supervision.wording`).
    title = wording.stored("warning_spike_people" if spike.unit == "people" else "warning_spike", **names)
    return _record(
        Finding(
            kind=WarningKind.SPIKE,
            subject=f"spike:{spike.cell}",
            cell=spike.cell,
            category_id=spike.category_id,
            area_id=spike.area_id,
            title=title,
            started_on=spike.started_on,
            observed=spike.observed,
            expected=spike.expected,
            factor=spike.factor,
            evidence=evidence,
        ),
        now,
    )


def _appeals_of(spike: Spike) -> QuerySet[Appeal]:
    """The appeals of a spike's cell and window."""
    period = Period.days(spike.first, spike.last)
    appeals = Appeal.objects.filter(received_at__gte=period.start, received_at__lt=period.end).exclude(
        ticket__status=TicketStatus.INVALID
    )
    if spike.category_id:
        below = Category.objects.filter(
            Q(parent_id=spike.category_id) | Q(parent__parent_id=spike.category_id)
        ).values_list("pk", flat=True)
        appeals = appeals.filter(ticket__category_id__in=[spike.category_id, *below])
    else:
        appeals = appeals.filter(ticket__category__isnull=True)
    if spike.area_id:
        areas = Department.objects.get(pk=spike.area_id).descendant_ids()
        appeals = appeals.filter(ticket__area_id__in=areas)
    return appeals


def _tickets_of(spike: Spike, limit: int = 20) -> list[dict[str, Any]]:
    """The appeals behind a spike (the newest `limit`): number and title, for the evidence. The
    title with every number in it masked (`core.phone.mask_numbers`, a citizen's own words, the
    caller's number however written): the web's and the portal's callers write theirs there
    ("回电139…"), and the evidence is kept and read by supervisors and leaders."""
    return [
        {
            "ticket": number,
            "title": mask_numbers(title, citizen=[phone], citizen_text=True),
            "at": clock.localtime(at).isoformat(timespec="minutes"),
        }
        for number, title, phone, at in _appeals_of(spike)
        .order_by("-received_at")
        .values_list("ticket__number", "title", "citizen_phone", "received_at")[:limit]
    ]


@dataclass(frozen=True)
class Growth:
    """Why a hot spot warns: "day", a burst of its appeals within `BURST_HOURS` (`appeals`, the
    earliest first, and `before`, its appeals of the `BURST_BEFORE_DAYS` days before the burst),
    else "week", its recent appeals (`appeals`) against the weeks before."""

    spot: Hotspot
    rule: str
    appeals: list[Appeal]
    before: int = 0


BURST_BEFORE_DAYS = 28  # the hot spot's own baseline shown beside a burst


def _burst(spot: Hotspot, now: datetime, factor: float, conf: dict[str, Any]) -> list[Appeal]:
    """The most appeals of `spot` within `BURST_HOURS` ending at one of its appeals of the last
    `BURST_HOURS`, from at least `BURST_PEOPLE` people, if they are at least `BURST_MIN` x factor;
    else []. Reads the prefetched appeals."""
    span = timedelta(hours=float(conf["BURST_HOURS"]))
    need = float(conf["BURST_MIN"]) * factor
    appeals = sorted(spot.appeals.all(), key=lambda a: (a.received_at, a.pk))
    best: list[Appeal] = []
    for last in appeals:
        if not now - span <= last.received_at <= now:
            continue
        inside = [a for a in appeals if last.received_at - span <= a.received_at <= last.received_at]
        people = {person_of(a.pk, a.citizen_phone, a.citizen_name) for a in inside}
        if len(inside) >= need and len(people) >= conf["BURST_PEOPLE"] and len(inside) > len(best):
            best = inside
    return best


def growing_hotspots(kept: Kept | None, now: datetime | None = None) -> list[Growth]:
    """The hot spots of the recent set that grow fast enough to warn, within a day or over the week."""
    if kept is None:
        return []
    now = now or clock.now()
    conf = config()
    factors = _factors()
    districts = _districts()
    # The appeals of a hot spot's last days, which its growth over the week is about.
    recent_since = kept.set.until - timedelta(days=int(hotspots.config()["RECENT_DAYS"]))
    found = []
    for spot in kept.hotspots:
        factor = factors.get(cell_key(spot.category_id, districts.get(spot.area_id or 0)), 1.0)
        burst = _burst(spot, now, factor, conf)
        if burst:
            since = burst[0].received_at - timedelta(days=BURST_BEFORE_DAYS)
            before = sum(1 for a in spot.appeals.all() if since <= a.received_at < burst[0].received_at)
            found.append(Growth(spot, "day", burst, before))
        elif (
            spot.recent >= conf["HOTSPOT_MIN_RECENT"] * factor
            and spot.growth >= conf["HOTSPOT_MIN_GROWTH"] * factor
        ):
            recent = [a for a in spot.appeals.all() if a.received_at >= recent_since]
            found.append(Growth(spot, "week", recent))
    return found


def record_hotspot(growth: Growth, now: datetime) -> tuple[EarlyWarning, bool]:
    """The warning of a fast-growing hot spot (`_record`). (warning, created)."""
    conf = config()
    spot = growth.spot
    appeal_ids = [a.pk for a in spot.appeals.all()]
    districts = _districts()
    district = districts.get(spot.area_id or 0)
    evidence: dict[str, Any] = {
        "rule": growth.rule,
        "heat": spot.heat,
        "place": spot.place,
        "description": spot.description,
        "crowd": spot.crowd,
        "people": spot.people,
        "n_appeals": spot.n_appeals,
        "recent": spot.recent,
        "growth": spot.growth,
        "first_time": clock.localtime(spot.first_time).isoformat(timespec="minutes"),
        "last_time": clock.localtime(spot.last_time).isoformat(timespec="minutes"),
        "appeals": appeal_ids,
        "external_ids": spot.external_ids,
        "raised_by": [a.pk for a in growth.appeals],
    }
    if growth.rule == "day":
        burst = growth.appeals
        people = len({person_of(a.pk, a.citizen_phone, a.citizen_name) for a in burst})
        hours = float(conf["BURST_HOURS"])
        # What the hot spot itself would bring in as many hours at its pace of the weeks before.
        observed, expected = len(burst), round(growth.before / BURST_BEFORE_DAYS * hours / 24, 2)
        evidence["burst"] = {
            "hours": int(hours) if hours == int(hours) else hours,
            "appeals": observed,
            "people": people,
            "before": growth.before,
            "before_days": BURST_BEFORE_DAYS,
            "list": [
                {
                    "appeal": a.pk,
                    "external_id": a.external_id or "",
                    "at": clock.localtime(a.received_at).isoformat(timespec="minutes"),
                }
                for a in burst
            ],
        }
        title = wording.stored(
            "warning_burst",
            place=spot.place,
            description=spot.description,
            hours=evidence["burst"]["hours"],
            n=observed,
            people=people,
        )
    else:
        observed = spot.recent
        expected = round(spot.recent / (1 + spot.growth), 2) if spot.growth else float(spot.recent)
        title = wording.stored(
            "warning_growth",
            place=spot.place,
            description=spot.description,
            recent=spot.recent,
            n=spot.n_appeals,
        )
    first_appeal = appeal_ids[0] if appeal_ids else spot.pk
    cell = cell_key(spot.category_id, district)
    return _record(
        Finding(
            kind=WarningKind.HOTSPOT,
            subject=f"hotspot:{first_appeal}",
            cell=cell,
            category_id=spot.category_id,
            area_id=district,
            title=title,
            started_on=clock.localtime(spot.first_time).date(),
            observed=observed,
            expected=expected,
            factor=_factors().get(cell, 1.0),
            evidence=evidence,
        ),
        now,
    )


def scan(now: datetime | None = None, kept: Kept | None = None) -> dict[str, int]:
    """One look for spikes and fast-growing hot spots at `now`; what was raised and updated."""
    now = now or clock.now()
    today = clock.localtime(now).date()
    raised = updated = 0
    for spike in find_spikes(today):
        _warning, created = record_spike(spike, now)
        raised, updated = raised + created, updated + (not created)
    for growth in growing_hotspots(kept, now):
        _warning, created = record_hotspot(growth, now)
        raised, updated = raised + created, updated + (not created)
    return {"raised": raised, "updated": updated}


def open_warnings(limit: int | None = None) -> list[EarlyWarning]:
    rows = EarlyWarning.objects.filter(status=WarningStatus.OPEN).select_related("category", "area")
    return list(rows[:limit] if limit else rows)
