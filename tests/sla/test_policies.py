"""Deadline policies: the most specific matching policy sets each term, ties broken as documented in
sla/policies.py, settings.HOTLINE fills the rest."""

import pytest

from hotline.sla.policies import Facts, Policy, Terms, default_terms, matching, resolve

CONFIG = {
    "SIGN_WORKING_HOURS": 2,
    "URGENT_RESPONSE_MINUTES": 30,
    "HANDLING_WORKDAYS": 3,
    "COMPLEX_HANDLING_WORKDAYS": 5,
    "CALLBACK_WORKDAYS": 2,
}
ROAD, LIGHTS, STREETLAMP = 1, 2, 3  # a category, its child, its grandchild

NORMAL = Facts(
    kind="complaint", urgency="normal", categories=(STREETLAMP, LIGHTS, ROAD), department_level="street"
)
URGENT = Facts(
    kind="complaint", urgency="urgent", categories=(STREETLAMP, LIGHTS, ROAD), department_level="street"
)


def test_defaults_from_settings() -> None:
    assert default_terms(CONFIG, urgent=False) == Terms(2, None, 3, 5, 2)
    assert default_terms(CONFIG, urgent=True) == Terms(2, 30, 3, 5, 2)
    assert resolve([], URGENT, default_terms(CONFIG, urgent=True)).handling(is_complex=True) == 5


# Each case: the policies, the facts, and the ids expected in order (most specific first).
P = Policy
CASES = {
    "no match is left out": ([P(1, kind="consultation"), P(2, urgency="urgent")], NORMAL, []),
    "blank matches anything": ([P(1)], NORMAL, [1]),
    "more fields win": (
        [P(1, kind="complaint"), P(2, kind="complaint", department_level="street")], NORMAL, [2, 1]
    ),
    "all four fields": (
        [
            P(1, kind="complaint", urgency="urgent", category_id=LIGHTS, department_level="street"),
            P(2, category_id=STREETLAMP),
        ],
        URGENT,
        [1, 2],
    ),
    "tie: category before kind": ([P(1, kind="complaint"), P(2, category_id=ROAD)], NORMAL, [2, 1]),
    "tie: kind before level": ([P(1, department_level="street"), P(2, kind="complaint")], NORMAL, [2, 1]),
    "tie: level before urgency": ([P(1, urgency="urgent"), P(2, department_level="street")], URGENT, [2, 1]),
    "tie: the nearer category": (
        [P(1, category_id=ROAD), P(2, category_id=STREETLAMP), P(3, category_id=LIGHTS)], NORMAL, [2, 3, 1]
    ),
    "tie: the older policy": ([P(7, kind="complaint"), P(3, kind="complaint")], NORMAL, [3, 7]),
    "a category elsewhere in the tree does not match": ([P(1, category_id=99)], NORMAL, []),
    "a ticket without a category matches no category policy": (
        [P(1, category_id=ROAD), P(2)],
        Facts(kind="complaint", urgency="normal", categories=(), department_level="city"),
        [2],
    ),
}  # fmt: skip


@pytest.mark.parametrize(("policies", "facts", "expected"), CASES.values(), ids=CASES.keys())
def test_order(policies: list[Policy], facts: Facts, expected: list[int]) -> None:
    assert [p.id for p in matching(policies, facts)] == expected
    # The row order never matters.
    assert [p.id for p in matching(list(reversed(policies)), facts)] == expected


def test_each_term_from_the_most_specific_policy_that_sets_it() -> None:
    policies = [
        P(1, handling_workdays=10, callback_workdays=4),  # city-wide
        P(2, category_id=ROAD, handling_workdays=7),  # roads
        P(3, category_id=ROAD, urgency="urgent", response_minutes=15, sign_working_hours=1),
        P(4, kind="consultation", handling_workdays=1),  # does not match
    ]
    urgent = resolve(policies, URGENT, default_terms(CONFIG, urgent=True))
    assert urgent == Terms(
        sign_working_hours=1,
        response_minutes=15,
        handling_workdays=7,
        complex_handling_workdays=5,  # nobody sets it: settings
        callback_workdays=4,
        policies=(3, 2, 1),
    )
    normal = resolve(policies, NORMAL, default_terms(CONFIG, urgent=False))
    assert normal == Terms(2, None, 7, 5, 4, policies=(2, 1))


def test_a_policy_can_give_normal_tickets_a_response_deadline() -> None:
    terms = resolve(
        [P(1, department_level="street", response_minutes=120)], NORMAL, default_terms(CONFIG, urgent=False)
    )
    assert terms.response_minutes == 120
