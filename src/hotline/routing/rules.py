"""The responsibility list (权责清单) applied to one appeal: which rule fires, and why the others do not.

A rule applies when the appeal's category is the rule's or below it, its area (if the rule names
one) is the rule's or below it, one of the rule's keywords (if any) is in the text, and none of
its excluded keywords is; a keyword is in the text as words of it, not as characters of other
words (`text.contains_term`: "排" is not in 排队). Of the rules that apply, the first by `rank`
fires: higher priority, then the deeper category, then the deeper area, then a rule with keywords
over one without, then the rule whose keyword the text names first.
Every rule of the appeal's first-level category is reported, active or not, with what matched
and what failed, which is what the admin console and `POST /api/v1/routing/explain` show.
"""

import functools
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from hotline.core.enums import AreaRole
from hotline.directory.models import Department, Responsibility
from hotline.routing import reference
from hotline.routing.reasons import inferred_category, listed
from hotline.routing.text import contains_term, normalize
from hotline.taxonomy.models import Category


@dataclass(frozen=True)
class Subject:
    """What rules are matched against: the text (title and content), a category and an area."""

    text: str
    category: Category | None
    area: Department | None
    # True when `category` is the classifier's guess: a first-level category, nothing below it known.
    predicted: bool = False


@dataclass
class Check:
    """One rule against one subject."""

    rule: Responsibility
    rank: tuple[int, int, int, int]
    matched: dict[str, Any] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    fired: bool = False
    outranked_by: Responsibility | None = None
    lead: Department | None = None
    co: list[Department] = field(default_factory=list)
    # The rule's category path when it matched, and whether only through its keywords (below a
    # predicted first level): `matched["category"]` says both in words, a suggestion keeps them apart.
    category_path: str = ""
    inferred: bool = False
    # Where in the text the first of its keywords found stands (the title comes first): between
    # rules of one rank, the one whose word the caller named first.
    first_at: int = sys.maxsize

    @property
    def applies(self) -> bool:
        return not self.failures

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": {"id": self.rule.pk, "name": self.rule.name},
            "fired": self.fired,
            "applies": self.applies,
            "priority": self.rule.priority,
            "is_active": self.rule.is_active,
            "matched": self.matched,
            "failures": self.failures,
            "outranked_by": (
                {"id": self.outranked_by.pk, "name": self.outranked_by.name} if self.outranked_by else None
            ),
        }


@dataclass
class Outcome:
    """The rule that fired (if any), and every rule considered, the fired one first."""

    checks: list[Check]
    note: str = ""

    @property
    def fired(self) -> Check | None:
        return next((c for c in self.checks if c.fired), None)

    def as_dict(self) -> dict[str, Any]:
        fired = self.fired
        return {
            "fired": fired.as_dict() if fired else None,
            "considered": [c.as_dict() for c in self.checks],
            "note": self.note,
        }

    def as_record(self) -> dict[str, Any]:
        """What a routing decision stores: `as_dict` with only the rules that applied (the one that
        fired and those it outranked), and how many others were considered. A city's list holds
        hundreds of rules under one first-level category; every routed ticket storing each one's
        why-not would grow with the list, for a record nobody reads: the explanation
        (`POST /api/v1/routing/explain`, the admin's console) works them out for a text."""
        fired = self.fired
        return {
            "fired": fired.as_dict() if fired else None,
            "considered": [c.as_dict() for c in self.checks if c.applies],
            "not_applying": sum(1 for c in self.checks if not c.applies),
            "note": self.note,
        }


def _chain(node: Any) -> list[Any]:
    """The node and its parents, nearest first (the trees are three or four levels deep)."""
    chain: list[Any] = []
    while node is not None and node not in chain:
        chain.append(node)
        node = node.parent
    return chain


def _path(category: Category) -> str:
    return " / ".join(c.name for c in reversed(_chain(category)))


@functools.lru_cache(maxsize=8192)
def _normal(word: str) -> str:
    # A rule's keywords are checked against every ticket: normalised once, not twice per check.
    return normalize(word)


def _found(words: Iterable[str], text: str) -> list[str]:
    return [w for w in words if (n := _normal(w)) and contains_term(text, n)]


@dataclass(frozen=True)
class Kept:
    """A rule as `rules_by_root` keeps it: with what checking it reads that does not depend on the
    appeal, worked out once when the rules are read rather than in every check of every ticket."""

    rule: Responsibility
    keywords: list[str]
    excluded: list[str]
    area_depth: int
    category_path: str
    category_chain: frozenset[int]  # the ids of the rule's category and its parents
    co: list[Department]

    @classmethod
    def of(cls, rule: Responsibility) -> "Kept":
        return cls(
            rule,
            rule.keyword_list,
            rule.exclude_keyword_list,
            len(_chain(rule.area)) if rule.area else 0,
            _path(rule.category),
            frozenset(c.pk for c in _chain(rule.category)),
            list(rule.co_departments.all()),
        )


def _check(kept: Kept, subject: Subject, categories: set[int], areas: set[int]) -> Check:
    """`kept` against `subject`, whose category and area are in (with their parents) `categories`
    and `areas`, by id."""
    rule = kept.rule
    keywords = kept.keywords
    check = Check(rule, (rule.priority, rule.category.level, kept.area_depth, 1 if keywords else 0))
    path = kept.category_path
    if not rule.is_active:
        check.failures.append(_("规则已停用"))
    if rule.category_id in categories:
        check.matched["category"] = check.category_path = path
    elif subject.predicted and subject.category is not None and subject.category.pk in kept.category_chain:
        # Only the first level is predicted: a rule further down stands in for the unknown
        # subcategory only through its own keywords.
        if keywords:
            check.category_path, check.inferred = path, True
            check.matched["category"] = inferred_category(path)
        else:
            check.failures.append(
                _("分类不符：规则适用于“%(category)s”，工单分类仅预测到一级，且规则未设关键词")
                % {"category": path}
            )
    else:
        check.failures.append(_("分类不符：规则适用于“%(category)s”") % {"category": path})
    if rule.area is not None:
        if subject.area is None:
            check.failures.append(_("工单属地未知，规则仅适用于“%(area)s”") % {"area": rule.area.name})
        elif rule.area_id in areas:
            check.matched["area"] = rule.area.name
        else:
            check.failures.append(
                _("属地不符：规则仅适用于“%(area)s”，工单属地为“%(found)s”")
                % {"area": rule.area.name, "found": subject.area.name}
            )
    if keywords:
        found = _found(keywords, subject.text)
        if found:
            check.matched["keywords"] = found
            check.first_at = min(subject.text.find(_normal(w)) for w in found)
        else:
            check.failures.append(_("未出现关键词：%(keywords)s") % {"keywords": listed(keywords)})
    if excluded := _found(kept.excluded, subject.text):
        check.failures.append(_("出现排除关键词：%(keywords)s") % {"keywords": listed(excluded)})

    if rule.area_role == AreaRole.LEAD:
        check.lead = subject.area
        if subject.area is None:
            check.failures.append(_("由属地主办，但工单属地未知"))
    else:
        check.lead = rule.lead_department
        if check.lead is not None and not check.lead.is_active:
            check.failures.append(_("主办单位“%(department)s”已停用") % {"department": check.lead.name})
    co = [d for d in kept.co if d.is_active]
    if rule.area_role == AreaRole.CO and subject.area is not None:
        co.append(subject.area)
    check.co = list(dict.fromkeys(d for d in co if d != check.lead))
    return check


def rules_by_root() -> dict[int, list[Kept]]:
    """Every rule, with what checking it reads, under the id of its first-level category; read once
    per `reference.SECONDS` (routing.reference): a few hundred rows whose model instances cost
    milliseconds to build, three times per ticket when they were read per category."""

    def load() -> dict[int, list[Kept]]:
        by_root: dict[int, list[Kept]] = {}
        rules = (
            Responsibility.objects.select_related(
                "category__parent__parent", "area__parent__parent__parent", "lead_department"
            )
            .prefetch_related("co_departments")
            .order_by("pk")
        )
        for rule in rules:
            by_root.setdefault(_chain(rule.category)[-1].pk, []).append(Kept.of(rule))
        return by_root

    return reference.cached("rules", load)


def evaluate(subject: Subject) -> Outcome:
    """The rules of the subject's first-level category, checked, the one that fires marked."""
    if subject.category is None:
        return Outcome([], _("工单没有分类，无法匹配权责清单"))
    categories = _chain(subject.category)
    root = categories[-1]
    category_ids = {c.pk for c in categories}
    area_ids = {a.pk for a in _chain(subject.area)} if subject.area else set()
    checks = [_check(kept, subject, category_ids, area_ids) for kept in rules_by_root().get(root.pk, [])]
    # Highest rank first; between equal ranks the one whose keyword the text names first (路灯 in an
    # aside does not outrank 井盖 in the title), then the older rule.
    checks.sort(key=lambda c: (*(-r for r in c.rank), c.first_at, c.rule.pk))
    winner = next((c for c in checks if c.applies), None)
    if winner is None:
        return Outcome(
            checks, _("没有适用的规则") if checks else _("“%(category)s”下没有规则") % {"category": root.name}
        )
    winner.fired = True
    for check in checks:
        if check.applies and not check.fired:
            check.outranked_by = winner.rule
    checks.sort(key=lambda c: not c.fired)
    return Outcome(checks)
