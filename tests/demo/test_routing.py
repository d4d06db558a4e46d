"""The demo city exercises smart dispatch: its responsibility list and gazetteer, automatic dispatch
by the system user, the dispatcher's queue, urgency, the retrain, and the labels that corrections leave."""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import cycle
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from hotline.accounts.models import User
from hotline.analytics.figures import read
from hotline.analytics.periods import Period
from hotline.analytics.replies import weak_reply_share
from hotline.citizen_messages.models import CitizenMessage
from hotline.core import clock
from hotline.core.enums import (
    AreaRole,
    AssignmentRole,
    AssignmentStatus,
    Channel,
    CitizenMessageKind,
    CitizenMessageState,
    FigureDimension,
    LabelSource,
    TicketStatus,
)
from hotline.demo import generator
from hotline.demo import vocabulary as V
from hotline.demo.directory import boxes
from hotline.directory.models import Department, Place, Responsibility
from hotline.feedback import quality
from hotline.feedback.models import Reply, ReplyCheck
from hotline.routing import rules
from hotline.routing.labels import collect_labels
from hotline.routing.models import RetrainState, RoutingDecision, TrainingLabel
from hotline.routing.place import locate
from hotline.routing.text import normalize
from hotline.tickets.models import Ticket, TicketEvent
from tests.light_dedup import light_dedup
from tests.once import built_once

pytestmark = pytest.mark.django_db

S = TicketStatus
NOW = datetime(2026, 3, 20, 15, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
DAYS = 10


@pytest.fixture(autouse=True)
def _models_in_tmp(settings, tmp_path):
    # A retrain that has enough examples writes its model folder under HOTLINE_HOME.
    settings.HOTLINE_HOME = tmp_path


def generate(tickets: int, days: int = DAYS, seed: int = 7) -> generator.DemoResult:
    with clock.frozen_at(NOW):
        return generator.generate(tickets=tickets, days=days, seed=seed)


def test_the_city_has_a_responsibility_list_and_a_gazetteer():
    generate(0)

    assert Responsibility.objects.count() == len(V.RESPONSIBILITIES)
    assert Responsibility.objects.filter(co_departments__isnull=False).distinct().count() >= 10
    assert Responsibility.objects.filter(area_role=AreaRole.LEAD).count() >= 10
    assert Responsibility.objects.filter(area_role=AreaRole.CO).exists()
    assert Responsibility.objects.filter(area__name="高新区", priority__gt=0).exists()
    assert Responsibility.objects.exclude(keywords="").exclude(exclude_keywords="").exists()
    assert Responsibility.objects.filter(is_active=False).exists()
    for rule in Responsibility.objects.all():
        rule.full_clean()  # as the admin would save it

    areas = Department.objects.filter(is_area=True).exclude(level="city")
    assert Place.objects.count() == areas.count()
    assert not Place.objects.filter(department__level="community", boundary__isnull=False).exists()
    assert Place.objects.filter(boundary__isnull=False).count() == len(V.DISTRICTS) + len(
        generator.street_places()
    )
    for place in Place.objects.all():
        place.full_clean()

    # A point in a street's rectangle finds the street; a compound's name finds its street too.
    for street in generator.street_places():
        west, south, east, north = boxes()[street.street]
        found = locate(latitude=(south + north) / 2, longitude=(west + east) / 2)
        assert (found.area.name, found.how) == (street.street, "boundary")
        found = locate(f"{street.xiaoqu[0]}3栋")
        assert (found.area.name, found.how) == (street.street, "gazetteer")
    assert locate("江口县桃源镇").area.name == "桃源镇"
    assert locate("", ["桃花村委会门口"]).area.name == "桃花村"

    # Idempotent: an administrator's edits survive `hotline demo --append`.
    Responsibility.objects.filter(name="电梯安全").update(priority=5)
    with clock.frozen_at(NOW):
        city = generator.ensure_city()
    assert not city.created and Responsibility.objects.get(name="电梯安全").priority == 5


def test_the_list_sends_every_problem_to_a_department_that_can_act(django_capture_on_commit_callbacks):
    """Each problem's texts, in an ordinary street, in the high-tech zone and in a rural town: a rule
    fires (only 其他诉求 has none) and names departments with their own logins, which can act on it."""
    # The city as committed (its on-commit callbacks run): routing keeps the rules it reads, as
    # between an administrator's edits, instead of reading them again for each of the texts.
    with django_capture_on_commit_callbacks(execute=True):
        generate(0)
        city = generator.ensure_city()
    streets = [p for p in city.places if p.street in ("湖滨街道", "云谷街道", "渔港镇")]
    blanks = defaultdict(str)  # the place and time words say nothing about who handles it
    for problem in V.PROBLEMS:
        for street in streets:
            for title, detail in zip(cycle(problem.titles), problem.details):
                text = normalize(f"{title}\n{detail}".format_map(blanks))
                subject = rules.Subject(
                    text, city.categories[problem.category], city.departments[street.street_code]
                )
                fired = rules.evaluate(subject).fired
                if problem.category[-1] == "其他诉求":
                    assert fired is None
                    continue
                assert fired is not None and fired.lead is not None, (problem.key, street.street)
                for department in [fired.lead, *fired.co]:
                    own = [u for u in city.users.values() if u.department_id == department.pk]
                    assert own, (problem.key, department.name)


@dataclass(frozen=True)
class SharedCity:
    result: generator.DemoResult
    home: Path


@pytest.fixture(scope="class")
def demo_of_80(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[SharedCity]:
    """`generate(80)` once for the tests of a class (generating it costs seconds): each reads it, and
    rolls back what it changes, as if it had generated it itself."""
    home = tmp_path_factory.mktemp("demo80")
    with built_once(django_db_blocker) as overrides, light_dedup(overrides, home):
        yield SharedCity(generate(80), home)


class TestTheDemoOf80Tickets:
    """A demo of 80 tickets over 10 days (seed 7), generated once for these tests."""

    @pytest.fixture(autouse=True)
    def _dedup_light(self, settings, demo_of_80: SharedCity) -> Iterator[None]:
        # Under the HOTLINE_HOME the demo was generated in (its retrain's model folder too), as when
        # each test generated its own.
        with light_dedup(settings, demo_of_80.home):
            yield

    @pytest.fixture(autouse=True)
    def _models_in_tmp(self, settings, demo_of_80: SharedCity) -> None:
        settings.HOTLINE_HOME = demo_of_80.home

    def test_appeals_are_routed_dispatched_by_the_system_queued_marked_urgent_and_learnt_from(
        self, api_as, demo_of_80: SharedCity
    ) -> None:
        result = demo_of_80.result
        system = User.objects.get(username="system")

        # Everything but the consultations answered in the call was routed, at intake.
        routed = Ticket.objects.filter(routing_decisions__isnull=False).distinct()
        assert routed.count() == result.routing.routed >= 70
        assert not Ticket.objects.filter(status=S.ANSWERED, routing_decisions__isnull=False).exists()

        # Dispatched by the system user on the responsibility list, with the reason in the timeline.
        auto = TicketEvent.objects.filter(action="dispatch", actor=system)
        assert auto.count() == result.routing.auto >= 20
        assert all(e.details["note"].startswith("自动派单（置信度") for e in auto)
        by_rule = RoutingDecision.objects.filter(mode="auto", suggestions__0__source="rule")
        assert by_rule.exists()

        # Areas found by the reporter's position and by the names in the address; urgency from the text.
        routes = TicketEvent.objects.filter(action="route", actor=system)
        found = {e.details["area"]["how"] for e in routes if "area" in e.details}
        assert found >= {"boundary", "gazetteer"}
        urgent = [e for e in routes if "urgency" in e.details]
        assert urgent and len(urgent) == result.routing.urgent
        assert all(e.ticket.urgency == "urgent" and e.details["urgency"]["signs"] for e in urgent)

        # What the system dispatched wrongly came back: the department returned it, a dispatcher
        # re-dispatched it, and the correction is a training label.
        assert result.routing.corrected >= 1
        corrected = Ticket.objects.filter(events__in=auto).filter(events__action="review_return").distinct()
        assert corrected.count() >= result.routing.corrected
        assert TrainingLabel.objects.count() == result.routing.labels >= 1
        assert TrainingLabel.objects.filter(source=LabelSource.UPHELD_RETURN, ticket__in=corrected).exists()
        assert not TrainingLabel.objects.filter(created_by=system).exists()

        # The scheduled retrain ran once, two thirds into the window; the summary names the model it
        # trained or says why it trained none (few examples here: which, depends on the seed's tickets).
        report = RetrainState.objects.get().last_report
        assert report["started_at"] == generator.retrain_moment(NOW - timedelta(days=10), NOW).isoformat()
        category = report["category"]
        if category["trained"]:
            assert result.routing.model.startswith(f"category-v{category['version']}（")
        else:
            assert result.routing.model == f"未训练（{category['reason']}）"

        # Waiting for a dispatcher: through the API, urgent first; not for operators.
        queue = api_as(User.objects.get(username="dispatcher1")).get("/routing/queue").json()
        assert queue["count"] == result.routing.queue == Ticket.objects.filter(status=S.NEW).count() >= 1
        assert {item["id"] for item in queue["items"]} <= set(routed.values_list("pk", flat=True))
        assert api_as(User.objects.get(username="operator1")).get("/routing/queue").status_code == 403

        # Communities have no logins: nothing was ever assigned to one.
        assert not Ticket.objects.filter(assignments__department__level="community").exists()
        assert "智能分拨：" in generator.summary(result)

        # The citizens were told each dispatch (转办告知), the re-dispatch of a correction too, at its
        # moment; the replay's messages are history, recorded as told, none left for the worker to send.
        told = CitizenMessage.objects.filter(kind=CitizenMessageKind.DISPATCHED)
        assert told.filter(created_by=system).count() >= 20
        assert told.filter(ticket__in=corrected, body__contains="经核实已改由").exists()
        assert not CitizenMessage.objects.exclude(state=CitizenMessageState.SENT).exists()
        assert set(CitizenMessage.objects.values_list("detail", flat=True)) == {generator.DEMO_MESSAGE_DETAIL}

    def test_the_demo_city_has_weak_replies_and_good_ones(self, demo_of_80: SharedCity) -> None:
        """The replies of the demo city (the story of tests/demo/test_replies.py, on this class's demo)."""

        checks = ReplyCheck.objects.filter(reply__department__isnull=False)
        assert checks.count() == Reply.objects.filter(department__isnull=False).count() >= 30
        weak = checks.filter(weak=True).count()
        # Flagged: a minority, as in real cities (45 % of the official replies of the TipDM board).
        assert 0.15 <= weak / checks.count() <= 0.45, (weak, checks.count())
        # What a supervisor reads in the list: a reply that says little, with the reasons.
        for check in checks.filter(weak=True).select_related("reply"):
            assert check.reasons and len(quality.body_of(check.reply.text)) < 150, check.reply.text
        # The good ones answer in full, well beyond the formula, on a basis in policy.
        for check in checks.filter(weak=False).select_related("reply"):
            found = quality.signals(check.reply.text)
            assert found["basis"] and found["date"], check.reply.text
            assert len(quality.body_of(check.reply.text)) >= 180, check.reply.text

        # The departments' KPI (答复质量存疑率) differs between departments and is not 100 % for all.
        with clock.frozen_at(NOW):
            today = clock.localtime().date()
            counts = read(Period.days(today - timedelta(days=DAYS), today)).of(FigureDimension.DEPARTMENT)
        shares = [s.share for c in counts.values() if (s := weak_reply_share(c)) is not None]
        assert shares and min(shares) < 0.5 and sum(shares) / len(shares) < 0.6
        assert any(s > 0 for s in shares)


def test_a_wrong_category_is_dispatched_by_its_rule_returned_and_re_dispatched_as_planned():
    """The operator files a flyposting complaint (城管局 leads, the street co-handles) as illegal
    building (the street leads, 城管局 co-handles): both departments return their parts and the
    dispatcher sends it where it belongs."""
    with clock.frozen_at(NOW):
        city = generator.ensure_city()
        planner = generator.Planner(city, seed=5, end=NOW, days=10)
        flyposting = next(p for p in V.PROBLEMS if p.key == "flyposting")
        plan = planner.plan(0, S.CLOSED, NOW - timedelta(days=9), problem=flyposting)
    intake = plan.steps[0]
    plan.channel = Channel.PHONE
    intake.actor = "operator1"
    intake.params |= {"category": ("城市管理", "违法建设", "违章搭建"), "area_given": True, "point": None}
    street = city.departments[plan.place.street_code]
    dispatch = next(s for s in plan.steps if s.action == "dispatch")
    assert (dispatch.params["lead"], dispatch.params["co"]) == ("CGJ", [street.code])

    replayer = generator.Replayer(city, [plan])
    replayer.run()

    ticket = Ticket.objects.get()
    assert ticket.status == S.CLOSED and replayer.routed["corrected"] == 1
    steps = [(e.action, e.actor.username, e.details.get("lead")) for e in ticket.events.order_by("at", "pk")]
    assert steps[:6] == [
        ("receive", "operator1", None),
        ("dispatch", "system", street.code),
        ("return", "h_cgj", None),  # its co-handling part first: a lead's return stops the ticket
        ("return", f"h_{street.code.lower()}", None),
        ("review_return", dispatch.actor, None),
        ("review_return", dispatch.actor, "CGJ"),
    ]
    answered = ticket.assignments.filter(status=AssignmentStatus.ANSWERED)
    assert {(a.role, a.department.code) for a in answered} == {
        (AssignmentRole.LEAD, "CGJ"),
        (AssignmentRole.CO, street.code),
    }
    with clock.frozen_at(NOW):
        collect_labels()
    label = TrainingLabel.objects.get()
    assert (label.source, label.label, label.suggested) == (LabelSource.UPHELD_RETURN, "CGJ", street.code)


def test_a_road_named_after_a_place_runs_through_that_places_street() -> None:
    """The demo's addresses name roads; a road named after a street, a community or a district lies
    there, so that an address resolves to the place its name says (湖滨路 in 湖滨街道, not in
    another district's street)."""
    from hotline.demo.generator import street_places

    places = street_places()
    where = {road: p for p in places for road in p.roads}
    assert where["湖滨路"].street == "湖滨街道"
    assert where["东湖路"].district == "东湖区"
    assert where["铁路街"].street == "新桥街道"  # 铁路社区
    for p in places:
        assert len(p.roads) >= 3
        for road in p.roads:
            stem = road.removesuffix("大道").removesuffix("路").removesuffix("街")
            elsewhere = [
                q.street
                for q in places
                if q is not p and any(n.startswith(stem) for n in (q.street, *q.communities))
            ]
            assert not elsewhere, (road, p.street, elsewhere)
    assert len(where) == sum(len(p.roads) for p in places)  # no road in two streets
