"""`hotline demo`: a small city with every state, every role, genuine timelines, the same for a seed."""

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from io import StringIO
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from hotline.accounts.models import User
from hotline.accounts.permissions import department_scope
from hotline.analytics.figures import read
from hotline.analytics.models import FigureDay, FiguresState, ForecastSet
from hotline.analytics.periods import Period
from hotline.core import clock
from hotline.core.enums import (
    ArticleStatus,
    AssignmentRole,
    AssignmentStatus,
    Channel,
    Kind,
    RepetitionKind,
    Role,
    Satisfaction,
    TicketStatus,
)
from hotline.demo import generator
from hotline.demo import vocabulary as V
from hotline.directory.models import Department
from hotline.feedback.models import Callback
from hotline.feedback.selectors import callback_counts
from hotline.intake.models import Appeal
from hotline.knowledge import actions as knowledge_actions
from hotline.knowledge.models import Article
from hotline.sla.models import Extension, Suspension
from hotline.supervision.models import REPEAT_REASONS, Repetition, Supervision
from hotline.supervision.repetition import PROBLEM_KINDS, refresh_repetitions
from hotline.taxonomy.models import Category
from hotline.tickets.models import Assignment, Ticket, TicketEvent
from tests.factories import DepartmentFactory
from tests.light_dedup import light_dedup
from tests.once import built_once

S = TicketStatus
K = RepetitionKind
NOW = datetime(2026, 3, 20, 15, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
TICKETS, DAYS = 60, 10


def run_demo(*args: str, seed: int = 7, tickets: int = TICKETS, days: int = DAYS) -> str:
    out = StringIO()
    with clock.frozen_at(NOW):
        call_command(
            "demo", "--tickets", str(tickets), "--days", str(days), "--seed", str(seed), *args, stdout=out
        )
    return out.getvalue()


def categories(flag: Repetition) -> set[str]:
    return {t.category.name for t in flag.tickets.select_related("category")}


class _Rollback(Exception):
    pass


def snapshot() -> list[tuple]:
    """Everything a run decides, without database ids."""
    rows = []
    for ticket in Ticket.objects.select_related("category", "area", "merged_into").order_by("number"):
        events = [
            (e.action, e.at, e.from_status, e.to_status, e.actor.username if e.actor else "")
            for e in ticket.events.select_related("actor").order_by("at", "pk")
        ]
        appeals = [
            (a.channel, a.citizen_name, a.citizen_phone, a.title, a.content) for a in ticket.appeals.all()
        ]
        rows.append(
            (
                ticket.number,
                ticket.status,
                ticket.kind,
                ticket.urgency,
                ticket.category.code if ticket.category else "",
                ticket.area.code if ticket.area else "",
                ticket.merged_into.number if ticket.merged_into else "",
                ticket.address,
                events,
                appeals,
            )
        )
    return rows


def snapshot_of_run(seed: int) -> list[tuple]:
    try:
        with transaction.atomic():
            run_demo(seed=seed, tickets=30)
            rows = snapshot()
            raise _Rollback
    except _Rollback:
        return rows


@dataclass(frozen=True)
class SharedDemo:
    output: str
    home: Path


@pytest.fixture(scope="class")
def demo_city(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[SharedDemo]:
    """`run_demo()` once for the tests of a class (generating it costs seconds): each reads it, and
    rolls back what it changes, as if it had generated it itself."""
    home = tmp_path_factory.mktemp("demo")
    with built_once(django_db_blocker) as overrides, light_dedup(overrides, home):
        yield SharedDemo(run_demo(), home)


@pytest.mark.django_db
class TestTheDemoOfSeed7:
    """The default demo (seed 7, 60 tickets over 10 days), generated once for these tests."""

    @pytest.fixture(autouse=True)
    def _dedup_light(self, settings, demo_city: SharedDemo) -> Iterator[None]:
        # Under the HOTLINE_HOME the demo was generated in, as when each test generated its own.
        with light_dedup(settings, demo_city.home):
            yield

    def test_every_state_every_role_and_genuine_timelines(self, demo_city: SharedDemo) -> None:
        output = demo_city.output

        statuses = Counter(Ticket.objects.values_list("status", flat=True))
        assert set(statuses) == set(S.values)
        assert sum(statuses.values()) == TICKETS
        assert statuses[S.CLOSED] == max(statuses.values())  # most tickets are closed
        assert len(set(Ticket.objects.values_list("kind", flat=True))) >= 4

        assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
        admin = User.objects.get(username="admin")
        assert admin.is_staff and admin.is_superuser and admin.check_password(generator.DEMO_PASSWORD)
        assert User.objects.get(username="dispatcher1").is_staff
        assert not User.objects.filter(
            role__in=[Role.OPERATOR, Role.HANDLER, Role.HEAD, Role.LEADER], is_staff=True
        )
        assert not User.objects.filter(role__in=[Role.HANDLER, Role.HEAD], department=None).exists()

        assert Department.objects.filter(level="district").count() == len(V.DISTRICTS)
        assert Department.objects.filter(level="city", is_area=False).count() == len(V.BUREAUS)
        assert Category.objects.filter(level=3).count() == len(generator.category_paths())
        assert "admin" in output and generator.DEMO_PASSWORD in output and "已办结" in output

        start = NOW - timedelta(days=DAYS)
        for ticket in Ticket.objects.prefetch_related(
            "events", "appeals", "assignments", "replies", "callbacks"
        ):
            events = sorted(ticket.events.all(), key=lambda e: (e.at, e.pk))
            assert (
                events[0].action == "receive" and events[0].from_status == "" and events[0].to_status == S.NEW
            )
            for before, after in pairwise(events):
                assert after.from_status == before.to_status, ticket.number
                # Routing records what it found and dispatches in one transaction, at one moment; a
                # sweep may open two supervisions of one ticket at once, and a step up the ladder
                # closes the lower steps it takes over at its own moment.
                same_moment = (before.action, after.action) in (
                    ("route", "dispatch"),
                    ("supervise", "supervise"),
                    ("supervise", "resolve_supervision"),
                    # ... of each assignment stepping up at that moment (a lead and a co-handler).
                    ("resolve_supervision", "resolve_supervision"),
                    ("resolve_supervision", "supervise"),
                )
                assert after.at > before.at or (same_moment and after.at == before.at), ticket.number
            assert events[-1].to_status == ticket.status
            # Supervising notes a fact about the ticket and leaves it as it is (`tickets.events._noted`).
            moved = [e for e in events if e.action not in ("supervise", "resolve_supervision")]
            assert ticket.created_at == events[0].at and ticket.updated_at == moved[-1].at
            assert start <= ticket.created_at and events[-1].at < NOW
            assert ticket.number.startswith(clock.localtime(ticket.created_at).strftime("%Y%m%d"))

            (appeal,) = ticket.appeals.all()
            assert appeal.received_at == ticket.created_at == appeal.created_at
            assert re.fullmatch(r"(1[3-9]\d{9})?", appeal.citizen_phone)

            if ticket.status == S.CLOSED:
                assert ticket.closed_at == events[-1].at
                last_callback = max(ticket.callbacks.all(), key=lambda c: c.called_at)
                assert last_callback.satisfaction != Satisfaction.UNSATISFIED
            if ticket.status in (S.CLOSED, S.REPLIED, S.ANSWERED, S.REOPENED):
                assert ticket.replies.all()
            if ticket.status == S.ANSWERED:
                assert ticket.kind == Kind.CONSULTATION and not ticket.assignments.all()
            if ticket.status == S.MERGED:
                assert ticket.merged_into is not None and ticket.merged_into.created_at < ticket.created_at
            if ticket.status == S.INVALID:
                request = ticket.invalidation_requests.get()
                assert request.confirmed and request.requested_by != request.decided_by
            if (
                ticket.status == S.DISPATCHED
            ):  # (an assignment that automatic dispatch got wrong is withdrawn)
                assert {a.status for a in ticket.assignments.all()} - {AssignmentStatus.WITHDRAWN} == {
                    AssignmentStatus.PENDING
                }
            if ticket.status == S.RETURNED:
                lead = [a for a in ticket.assignments.all() if a.role == AssignmentRole.LEAD]
                assert lead[-1].status == AssignmentStatus.RETURNED
            if ticket.status == S.REOPENED:
                assert ticket.reopen_count >= 1
        # Department work happens in the daytime unless it is urgent or squeezed by the window's end.
        daytime = TicketEvent.objects.filter(action__in=["accept", "reply"], ticket__urgency="normal")
        hours = Counter(8 <= clock.localtime(e.at).hour < 21 for e in daytime)
        assert hours[True] > 3 * hours[False]
        # Closed as the pages close: the consultations whose answer satisfied the caller left proposed
        # articles for the knowledge base's reviewers, each from a closed consultation.
        proposed = Article.objects.filter(status=ArticleStatus.PROPOSED)
        assert proposed.exists()
        assert all(
            a.source_ticket.kind == Kind.CONSULTATION for a in proposed.select_related("source_ticket")
        )

    def test_every_page_has_something_to_show(self, demo_city: SharedDemo) -> None:
        """Supervision (by the sweep and by hand), the departments' clocks, the callback desk and the
        district heads' inboxes, all through the real actions."""
        output = demo_city.output

        open_supervisions = Supervision.objects.filter(resolved_at__isnull=True)
        assert len(set(open_supervisions.values_list("kind", flat=True))) >= 2
        assert open_supervisions.filter(created_by__isnull=True).exists()  # the sweep's
        manual = Supervision.objects.filter(created_by__username="supervisor1")
        assert manual.exists()
        for supervision in Supervision.objects.filter(resolved_by__isnull=False):
            assert supervision.resolved_by.username == "supervisor1"
            assert supervision.ticket.events.filter(action="resolve_supervision").exists()

        assert Extension.objects.filter(approved__isnull=True).exists()
        assert Extension.objects.filter(approved__isnull=False).exists()
        for extension in Extension.objects.filter(approved=True):
            assert extension.assignment.original_due_at is not None
        assert Suspension.objects.exists()

        assert TicketEvent.objects.filter(action="callback_attempt").exists()
        replied = Ticket.objects.filter(status=S.REPLIED)
        assert replied.exists() and not Callback.objects.filter(ticket__in=replied, reopened=False).exists()
        with clock.frozen_at(NOW):
            due = callback_counts(User.objects.get(username="operator1"), now=NOW)
        assert due["due_today"] >= 1 and due["to_call"] > due["due_today"]

        heads = User.objects.filter(role=Role.HEAD, department__level="district")
        assert any(
            Assignment.objects.filter(
                department_id__in=department_scope(head),
                status__in=[AssignmentStatus.PENDING, AssignmentStatus.ACCEPTED],
            ).exclude(ticket__status__in=[S.CLOSED, S.MERGED, S.INVALID])
            for head in heads
        )

        web = Appeal.objects.filter(channel=Channel.WEB)
        assert web.exists()
        assert TicketEvent.objects.filter(action="receive", actor=None, ticket__appeals__in=web).exists()

        assert "督办：巡查" in output and "延期申请" in output and "回访未接通" in output
        assert f"督办中 {open_supervisions.count()} 件" in output

        # The overview reads the days before today as the worker keeps them, and they agree with a
        # count from the tickets.
        with clock.frozen_at(NOW):
            today = clock.localtime().date()
            month = Period.days(today - timedelta(days=DAYS), today)
            assert FigureDay.objects.filter(day=month.last_day).exists()
            kept = read(month).city
            FigureDay.objects.all().delete()
            assert read(month).city == kept and kept.received > 0 and kept.callbacks > 0

    def test_day_one_shows_the_repetitions_and_their_orders(self, client, demo_city: SharedDemo) -> None:
        """On day one the supervisor finds the repeated appeals on the repetitions page (the story of
        tests/demo/test_repetitions.py, on this class's demo)."""
        output = demo_city.output

        flags = Repetition.objects.filter(cleared_at__isnull=True)
        # One caller, the same noise, three times: for a person's review, no order yet.
        [citizen] = [f for f in flags.filter(kind=K.CITIZEN) if categories(f) == {"社会生活噪声"}]
        assert citizen.count == 3 and citizen.needs_review and citizen.consultations == 0
        calls = Appeal.objects.filter(ticket__in=citizen.tickets.all())
        assert len({a.citizen_phone for a in calls}) == 1 and len({a.address for a in calls}) == 1
        # Neighbours about one building's lift: a place, with an order on a ticket a unit handles.
        [place] = [f for f in flags.filter(kind=K.PLACE) if categories(f) == {"电梯故障"}]
        neighbours = Appeal.objects.filter(ticket__in=place.tickets.all())
        assert place.count == 4 and len({a.citizen_phone for a in neighbours}) == 4
        orders = Supervision.objects.filter(reason__in=REPEAT_REASONS)
        assert orders.filter(ticket__in=place.tickets.all()).exists()
        # Questions, suggestions (the city's 增设健身器材) and thanks made again raise nothing against a
        # department: only problems are supervised for repeating.
        assert not orders.exclude(ticket__kind__in=PROBLEM_KINDS).exists()
        others = set(Kind.values) - PROBLEM_KINDS
        assert not flags.filter(kind__in=[K.PLACE, K.ISSUE], tickets__kind__in=others).exists()

        # What the demo leaves is what the counters find now: nothing to raise, update or clear.
        with clock.frozen_at(NOW):
            assert refresh_repetitions().as_dict() == {"raised": 0, "updated": 0, "cleared": 0}

        to_review = flags.filter(needs_review=True).count()
        assert (
            f"重复诉求：预警 {flags.count()} 条（待人工审核 {to_review} 条），督办 {orders.count()} 件"
            in output
        )
        client.force_login(User.objects.get(username="supervisor1"))
        with clock.frozen_at(NOW):
            board = client.get("/supervision/").content.decode()
            listed = client.get("/supervision/repetitions/").content.decode()
        assert 'id="repetition-alerts"' in board and f"{to_review} 条待人工审核" in board
        assert f'id="repetition-{citizen.pk}"' in listed and f'id="repetition-{place.pk}"' in listed


@pytest.mark.django_db
def test_same_seed_same_demo_other_seed_other_demo():
    first = snapshot_of_run(7)
    assert first == snapshot_of_run(7)
    assert first != snapshot_of_run(8)
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_refuses_a_database_with_departments_and_writes_nothing():
    DepartmentFactory(code="X1", name="已有单位")
    with pytest.raises(CommandError, match="--append"):
        run_demo()
    assert Department.objects.count() == 1
    assert not User.objects.exists() and not Ticket.objects.exists() and not Category.objects.exists()


@pytest.mark.django_db
def test_append_adds_tickets_to_the_existing_city():
    run_demo(tickets=20)
    departments, users = Department.objects.count(), User.objects.count()
    output = run_demo("--append", seed=3, tickets=15)
    assert Ticket.objects.count() == 35
    assert Department.objects.count() == departments and User.objects.count() == users
    assert "无（已存在）" in output
    external = [e for e in Appeal.objects.values_list("external_id", flat=True) if e]
    assert len(external) == len(set(external))


@pytest.mark.django_db
def test_a_failure_half_way_leaves_nothing_behind(monkeypatch):
    calls = 0
    real_close = knowledge_actions.close_ticket

    def close_then_fail(*args, **kwargs):
        nonlocal calls
        calls += 1
        if calls == 5:
            raise RuntimeError("disk full")
        return real_close(*args, **kwargs)

    monkeypatch.setattr(knowledge_actions, "close_ticket", close_then_fail)
    with pytest.raises(RuntimeError, match="disk full"):
        run_demo()
    assert calls == 5
    assert not Ticket.objects.exists() and not Department.objects.exists() and not User.objects.exists()


@pytest.mark.django_db
def test_bad_sizes_are_refused():
    with pytest.raises(CommandError, match="--days"):
        run_demo(days=0)
    with pytest.raises(CommandError, match="--tickets"):
        run_demo(tickets=-1)


@pytest.mark.django_db
def test_logins_lists_the_demo_accounts():
    out = StringIO()
    call_command("demo", "--logins", stdout=out)
    assert "没有演示账号" in out.getvalue()
    run_demo(tickets=0)
    out = StringIO()
    call_command("demo", "--logins", stdout=out)
    assert all(spec.username in out.getvalue() for spec in generator.user_specs())


def test_target_counts_cover_every_state_and_add_up():
    for n in (10, 60, 61, 2000):
        counts = generator.target_counts(n)
        assert sum(counts.values()) == n
        assert all(counts[s] >= 1 for s in S.values)
    assert generator.target_counts(2000)[S.CLOSED] == 1200


def test_vocabulary_templates_fill_and_point_at_real_things():
    leaves = set(generator.category_paths())
    bureaus = {code for code, _name in V.BUREAUS}
    fields = ["district", "street", "community", "road", "road2", "addr", "xiaoqu", "building", "time"]
    fields += [
        "since",
        "shop",
        "company",
        "school",
        "bus",
        "training",
        "gym",
        "n",
        "surname",
        "number",
        "dept",
    ]
    words = dict.fromkeys(fields, "x")
    for problem in (*V.PROBLEMS, *V.INVALID_PROBLEMS):
        assert problem.category in leaves, problem.key
        assert set(problem.leads + problem.co) <= bureaus | {V.STREET}, problem.key
        assert problem.titles and problem.details
        if problem.kind == Kind.CONSULTATION:
            assert problem.answers, problem.key
        templates = (
            *problem.titles,
            *problem.details,
            *problem.replies,
            *problem.answers,
            *problem.full_replies,
        )
        for template in templates:
            template.format_map(words)
    for template in (*V.OPENINGS, *V.GENERIC_REPLIES):
        template.format_map(words)
    assert set(V.REPLY_OPENINGS) == set(Kind.values)
    for template in V.REPLY_OPENINGS.values():
        template.format(date="2026年3月20日", title="x")
    assert len({p.key for p in V.PROBLEMS}) == len(V.PROBLEMS)
    assert len(V.CATEGORY_TREE) >= 8 and len(leaves) >= 40


@pytest.mark.django_db
def test_the_figures_of_the_whole_window_are_kept_with_a_forecast(settings):
    """The demo counts its figures inside its own transaction: on PostgreSQL the months counted
    side by side on other connections saw none of its tickets, kept September empty and made no
    forecast (历史数据不足四周)."""
    settings.HOTLINE_FIGURES_THREADS = 2
    days = 45  # two months of days: counted side by side when threads may be used
    run_demo(tickets=60, days=days)
    with clock.frozen_at(NOW):
        today = clock.localtime().date()
        window = Period.days(today - timedelta(days=days), today - timedelta(days=1))
        assert FigureDay.objects.filter(day__gte=window.first_day, day__lte=window.last_day).count() == days
        report = FiguresState.objects.get().last_report
        assert report["full"] is True and report["forecast"] is True
        assert ForecastSet.objects.exists()
        kept = read(window).city
        FigureDay.objects.all().delete()
        assert read(window).city == kept and kept.received > 0
