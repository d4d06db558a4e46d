"""`hotline demo` and repetition (重复诉求): the demo city holds the repeated appeals every hotline
gets — a citizen who calls again and again about the same noise, neighbours who call one after
another about one building's lift — and its sweeps count them as `hotline sweep` and the worker do
(`supervision.sweep.run_counted_sweep`), so that on day one the supervisor finds them on the
repetitions page, the citizen's waiting for review and the building's under a 督办; the same
question asked by several callers draws none."""

import pytest

from hotline.accounts.models import User
from hotline.core import clock
from hotline.core.enums import Kind, RepetitionKind
from hotline.demo import generator
from hotline.intake.models import Appeal
from hotline.supervision.models import REPEAT_REASONS, Repetition, Supervision
from hotline.supervision.repetition import PROBLEM_KINDS, refresh_repetitions
from tests.demo.test_demo import NOW, run_demo

pytestmark = pytest.mark.django_db
K = RepetitionKind


def categories(flag: Repetition) -> set[str]:
    return {t.category.name for t in flag.tickets.select_related("category")}


def test_day_one_shows_the_repetitions_and_their_orders(client):
    output = run_demo()

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
        f"重复诉求：预警 {flags.count()} 条（待人工审核 {to_review} 条），督办 {orders.count()} 件" in output
    )
    client.force_login(User.objects.get(username="supervisor1"))
    with clock.frozen_at(NOW):
        board = client.get("/supervision/").content.decode()
        listed = client.get("/supervision/repetitions/").content.decode()
    assert 'id="repetition-alerts"' in board and f"{to_review} 条待人工审核" in board
    assert f'id="repetition-{citizen.pk}"' in listed and f'id="repetition-{place.pk}"' in listed


def test_the_repeated_appeals_are_planned_from_a_stream_of_their_own():
    """The same seed, the same repetitions; a city too small for them has none, and fails nothing."""
    city = generator.ensure_city()
    with clock.frozen_at(NOW):
        planner = generator.Planner(city, seed=7, end=NOW, days=10)
        plans = planner.plans(60)
        again = generator.Planner(city, seed=7, end=NOW, days=10).plans(60)
        tiny = generator.Planner(city, seed=7, end=NOW, days=10).plans(4)
    repeated = [p for p in plans if p.problem.key in ("social_noise", "elevator") and p.channel == "phone"]
    phones = [p.steps[0].params["citizen_phone"] for p in plans if p.problem.key == "social_noise"]
    assert len(repeated) >= 7 and len(phones) - len(set(phones)) >= 2
    assert [p.steps[0].params for p in plans] == [p.steps[0].params for p in again]
    assert len(tiny) == 4
    addresses = [p.steps[0].params["address"] for p in plans if p.problem.key == "elevator"]
    assert max(addresses.count(a) for a in addresses) >= 4
