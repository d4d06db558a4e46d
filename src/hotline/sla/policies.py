"""Deadline policies (时限规则): which terms apply to one assignment. Pure functions over plain values;
`sla.selectors` reads the `DeadlinePolicy` rows and the settings.

A policy names any of kind x urgency x category x department level (blank = any) and sets any of
the terms (blank = not this policy's business). For each term, the most specific matching policy
that sets it wins, then the defaults of settings.HOTLINE. Order, most specific first:

1. more fields named (and matched);
2. equally many: the one that names the category, then the kind, then the department level, then
   the urgency (a category rule is the narrowest thing a city writes; urgency the broadest);
3. both name a category: the nearer one (the ticket's own category before its parent);
4. otherwise the older policy (smaller id), so that the answer never depends on the row order.

A category policy also matches the categories under it.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

TERMS = (
    "sign_working_hours",
    "response_minutes",
    "handling_workdays",
    "complex_handling_workdays",
    "callback_workdays",
)
# Tie-break order of the matching fields (point 2 above).
PRECEDENCE = ("category_id", "kind", "department_level", "urgency")


@dataclass(frozen=True)
class Terms:
    """The deadlines of one assignment, as amounts; `response_minutes` None = no response deadline."""

    sign_working_hours: int
    response_minutes: int | None
    handling_workdays: int
    complex_handling_workdays: int
    callback_workdays: int
    # The policies that set at least one term, most specific first (for the timeline).
    policies: tuple[int, ...] = ()

    def handling(self, is_complex: bool) -> int:
        return self.complex_handling_workdays if is_complex else self.handling_workdays


@dataclass(frozen=True)
class Policy:
    id: int
    kind: str = ""
    urgency: str = ""
    category_id: int | None = None
    department_level: str = ""
    sign_working_hours: int | None = None
    response_minutes: int | None = None
    handling_workdays: int | None = None
    complex_handling_workdays: int | None = None
    callback_workdays: int | None = None


@dataclass(frozen=True)
class Facts:
    """What a policy is matched against. `categories`: the ticket's category, then its parent, ..."""

    kind: str
    urgency: str
    categories: tuple[int, ...]
    department_level: str


def default_terms(config: Mapping[str, Any], *, urgent: bool) -> Terms:
    """The terms of settings.HOTLINE; the first-response deadline only for urgent tickets."""
    return Terms(
        sign_working_hours=config["SIGN_WORKING_HOURS"],
        response_minutes=config["URGENT_RESPONSE_MINUTES"] if urgent else None,
        handling_workdays=config["HANDLING_WORKDAYS"],
        complex_handling_workdays=config["COMPLEX_HANDLING_WORKDAYS"],
        callback_workdays=config["CALLBACK_WORKDAYS"],
    )


def rank(policy: Policy, facts: Facts) -> tuple[Any, ...] | None:
    """The sort key of a matching policy (smaller = more specific), or None when it does not match."""
    if policy.kind and policy.kind != facts.kind:
        return None
    if policy.urgency and policy.urgency != facts.urgency:
        return None
    if policy.department_level and policy.department_level != facts.department_level:
        return None
    distance = 0
    if policy.category_id is not None:
        if policy.category_id not in facts.categories:
            return None
        distance = facts.categories.index(policy.category_id)
    named = [getattr(policy, f) not in ("", None) for f in PRECEDENCE]
    return (-sum(named), *(not n for n in named), distance, policy.id)


def matching(policies: Iterable[Policy], facts: Facts) -> list[Policy]:
    """The policies that apply, most specific first."""
    ranked = [(key, p) for p in policies if (key := rank(p, facts)) is not None]
    return [p for _key, p in sorted(ranked, key=lambda kp: kp[0])]


def resolve(policies: Iterable[Policy], facts: Facts, defaults: Terms) -> Terms:
    """Each term from the most specific matching policy that sets it, else from `defaults`."""
    chosen: dict[str, Any] = {}
    used: list[int] = []
    for policy in matching(policies, facts):
        for term in TERMS:
            value = getattr(policy, term)
            if term not in chosen and value is not None:
                chosen[term] = value
                if policy.id not in used:
                    used.append(policy.id)
    return replace(defaults, **chosen, policies=tuple(used))
