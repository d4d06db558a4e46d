"""`hotline demo` and repetition (重复诉求): the demo city holds the repeated appeals every hotline
gets — a citizen who calls again and again about the same noise, neighbours who call one after
another about one building's lift — and its sweeps count them as `hotline sweep` and the worker do
(`supervision.sweep.run_counted_sweep`), so that on day one the supervisor finds them on the
repetitions page, the citizen's waiting for review and the building's under a 督办; the same
question asked by several callers draws none."""

import pytest

from hotline.core import clock
from hotline.demo import generator
from tests.demo.test_demo import NOW

pytestmark = pytest.mark.django_db

# What the supervisor finds on day one is checked on the default demo, generated once for the tests
# that read it: TestTheDemoOfSeed7.test_day_one_shows_the_repetitions_and_their_orders (test_demo.py).


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
