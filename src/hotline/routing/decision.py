"""The dispatch decision for one appeal: its area, its urgency and the departments to send it to.

Suggestions come from three sources, merged by lead department (the most confident one kept):

- **rules** (权责清单) on the category: the operator's, with confidence 1; or, when the operator
  gave none, each of the classifier's three most likely first-level categories, with the
  classifier's probability as confidence. Below a first-level category (predicted, or the
  operator's when it has subcategories) the rules of its subcategories stand in through their
  keywords; a rule that matched the operator's first-level category alone (a catch-all) is as sure
  as the share of that category's closed tickets its department led, not certain;
- **history**, for a category no rule covers: the department that led most of the closed tickets
  of that category recently, with confidence = (category probability) x (its share of them,
  shrunk towards 0 by `HISTORY_PRIOR` pseudo-tickets so that 1 of 1 is not read as certainty);
- the **department model**, once the platform has trained one from its own closed tickets: its
  probability for each department.

The most confident suggestion is dispatched automatically when automatic dispatch is on and its
confidence reaches the threshold (never for a consultation, which the operator may answer during
the call) (`RoutingSettings`); otherwise the ticket waits in the
dispatcher's queue with the suggestions and their reasons. `decide()` only reads;
`routing.actions.do_route_ticket` stores and applies what it returns.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.utils.translation import gettext as _

from hotline.core import clock
from hotline.core.enums import (
    AssignmentRole,
    AssignmentStatus,
    Kind,
    RoutingMode,
    SuggestionSource,
    TicketStatus,
)
from hotline.directory.models import Department, Responsibility
from hotline.intake.models import Appeal
from hotline.routing import classifier, reference, rules
from hotline.routing.explain import Contribution, top_terms
from hotline.routing.models import ModelTarget, ModelVersion, RoutingSettings
from hotline.routing.place import PlaceMatch, known_area, locate
from hotline.routing.reasons import percent, suggestion_reason
from hotline.routing.selectors import active_model, routing_settings
from hotline.routing.text import normalize
from hotline.routing.training_data import OTHER_DEPARTMENTS, ticket_text
from hotline.routing.urgency import Urgency, detect
from hotline.taxonomy.models import Category
from hotline.tickets.models import Assignment, Ticket

TOP_TERMS = 5


@dataclass(frozen=True)
class AppealFacts:
    """What routing reads of an appeal."""

    title: str
    content: str
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    category: Category | None = None  # as the operator chose it
    area: Department | None = None  # as the operator chose it
    kind: str = ""

    @classmethod
    def of_ticket(cls, ticket: Ticket) -> "AppealFacts":
        return cls.of_tickets([ticket])[0]

    @classmethod
    def of_tickets(cls, tickets: Sequence[Ticket]) -> list["AppealFacts"]:
        """The facts of each ticket, the point of its first located appeal read in one query."""
        points: dict[int, tuple[float | None, float | None]] = {}
        located = (
            Appeal.objects.filter(ticket__in=tickets, latitude__isnull=False, longitude__isnull=False)
            .order_by("received_at", "pk")
            .values_list("ticket_id", "latitude", "longitude")
        )
        for ticket_id, latitude, longitude in located:
            points.setdefault(ticket_id, (latitude, longitude))
        return [
            cls(
                title=ticket.title,
                content=ticket.content,
                address=ticket.address,
                latitude=points[ticket.pk][0] if ticket.pk in points else None,
                longitude=points[ticket.pk][1] if ticket.pk in points else None,
                category=ticket.category,
                area=ticket.area,
                kind=ticket.kind,
            )
            for ticket in tickets
        ]

    @property
    def text(self) -> str:
        return ticket_text(self.title, self.content)


def department_ref(department: Department) -> dict[str, Any]:
    return {"id": department.pk, "code": department.code, "name": department.name}


def category_ref(category: Category | None) -> dict[str, Any] | None:
    if category is None:
        return None
    return {"id": category.pk, "code": category.code, "name": category.name, "path": category.path}


@dataclass
class Suggestion:
    """One way to dispatch: a lead, co-handlers, the category to set, how sure, and why."""

    lead: Department
    co: list[Department]
    category: Category | None
    confidence: float
    source: SuggestionSource
    # The facts its reason is told from, in any language (routing.reasons): what of the rule
    # matched, the history's counts, the department model's name.
    basis: dict[str, Any]
    rule: Responsibility | None = None
    label: str = ""  # the classifier's class that led here (a category name or a department code)
    probability: float | None = None  # the classifier's probability of `label`
    terms: list[Contribution] = field(default_factory=list)

    @property
    def reason(self) -> str:
        """Why, in the active language."""
        return suggestion_reason(self.as_dict(told=False))

    def as_dict(self, *, told: bool = True) -> dict[str, Any]:
        """As stored and served; `reason` in the active language (the city's, when routing stores
        it), `basis` for the pages to tell it again in their reader's."""
        kept = {
            "lead": department_ref(self.lead),
            "co": [department_ref(d) for d in self.co],
            "category": category_ref(self.category),
            "confidence": round(self.confidence, 4),
            "source": self.source.value,
            "rule": {"id": self.rule.pk, "name": self.rule.name} if self.rule else None,
            "label": self.label,
            "probability": None if self.probability is None else round(self.probability, 4),
            "terms": [t.as_dict() for t in self.terms],
            "basis": self.basis,
        }
        return {**kept, "reason": suggestion_reason(kept)} if told else kept


@dataclass
class Decision:
    place: PlaceMatch
    urgency: Urgency
    category: Category | None  # the operator's, else the most likely predicted one
    category_given: bool
    rules: rules.Outcome  # the rules evaluated for `category`
    predictions: list[tuple[str, float]]  # the category model's top classes
    suggestions: list[Suggestion]
    model_version: ModelVersion | None
    settings: RoutingSettings
    notes: list[str] = field(default_factory=list)
    automatic: bool = True  # False: whatever the confidence, a person dispatches this one
    kind_predictions: list[tuple[str, float]] = field(default_factory=list)  # the kind model's top kinds

    @property
    def confidence(self) -> float | None:
        return self.suggestions[0].confidence if self.suggestions else None

    @property
    def mode(self) -> RoutingMode:
        confidence = self.confidence
        sure = confidence is not None and confidence >= self.settings.threshold
        auto = self.settings.auto_dispatch and self.automatic and sure
        return RoutingMode.AUTO if auto else RoutingMode.QUEUE

    def as_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode.value,
            "confidence": None if self.confidence is None else round(self.confidence, 4),
            "threshold": self.settings.threshold,
            "auto_dispatch": self.settings.auto_dispatch,
            "place": self.place.evidence,
            "urgency": self.urgency.evidence,
            "category": category_ref(self.category),
            "category_given": self.category_given,
            "predictions": ranked_dicts(self.predictions),
            "kind_predictions": ranked_dicts(self.kind_predictions),
            "model_version": self.model_version.name if self.model_version else None,
            "rules": self.rules.as_dict(),
            "suggestions": [s.as_dict() for s in self.suggestions],
            "notes": self.notes,
        }


def ranked_dicts(predictions: list[tuple[str, float]]) -> list[dict[str, Any]]:
    """A model's top labels as stored and served: [{"label", "probability"}], most likely first."""
    return [{"label": label, "probability": round(p, 4)} for label, p in predictions]


def _roots() -> dict[str, Category]:
    """The active first-level categories by name (the category model's labels)."""

    def load() -> dict[str, Category]:
        roots: dict[str, Category] = {}
        for category in Category.objects.filter(parent__isnull=True, is_active=True).order_by("pk"):
            roots.setdefault(category.name, category)
        return roots

    return reference.cached("roots", load)


def _children() -> dict[int | None, list[int]]:
    def load() -> dict[int | None, list[int]]:
        children: dict[int | None, list[int]] = {}
        for pk, parent_id in Category.objects.values_list("pk", "parent_id").order_by("pk"):
            children.setdefault(parent_id, []).append(pk)
        return children

    return reference.cached("children", load)


def known_category(category: Category) -> Category:
    """The cached instance of `category` (a ticket's, read with it), whose parents are at hand, so
    that the rules walking up from it read nothing (they walk up for every ticket: a query a level
    for each, 40 of a dispatch queue's 51 at 100,000 tickets); `category` itself when not cached."""

    def load() -> dict[int, Category]:
        read = {c.pk: c for c in Category.objects.order_by("pk")}
        for category in read.values():
            if category.parent_id in read:
                category.parent = read[category.parent_id]
        return read

    return reference.cached("categories", load).get(category.pk, category)


def _subtree(category: Category) -> list[int]:
    children = _children()
    ids = [category.pk]
    frontier = [category.pk]
    while frontier:
        frontier = [child for pk in frontier for child in children.get(pk, []) if child not in ids]
        ids += frontier
    return ids


def _departments_by_pk() -> dict[int, Department]:
    """The active departments by id."""
    return reference.cached(
        "departments", lambda: {d.pk: d for d in Department.objects.filter(is_active=True)}
    )


def _department(code: str) -> Department | None:
    """An active department by its code (the department model's labels)."""
    return next((d for d in _departments_by_pk().values() if d.code == code), None)


def _active_model(target: str) -> Any:
    """`selectors.active_model`, whose registry lookup is kept per process for a few seconds (a
    registration empties the cache in its process at once: routing.reference)."""
    return reference.cached(f"model:{target}", lambda: active_model(target))


def history(category: Category) -> tuple[Department | None, float, int]:
    """The department that led most closed tickets of `category` (and below) lately, its share, the
    count. A count over `HISTORY_DAYS` of closed tickets moves slowly, so each process keeps it for
    a few seconds (routing.reference) rather than aggregating the assignments for every ticket."""
    return reference.cached(f"history:{category.pk}", lambda: _history(category))


def _shrunk(share: float, total: int) -> float:
    """A share of `total` tickets, shrunk towards 0 by `HISTORY_PRIOR` pseudo-tickets."""
    return share * total / (total + settings.HOTLINE["ROUTING"]["HISTORY_PRIOR"])


def _share_led(category: Category, department: Department | None) -> float:
    """The shrunk share of the closed tickets of `category` (and below) lately that `department` led."""
    if department is None:
        return 0.0
    counts = reference.cached(f"led:{category.pk}", lambda: dict(_lead_counts(category)))
    total = sum(counts.values())
    return _shrunk(counts.get(department.pk, 0) / total, total) if total else 0.0


def _lead_counts(category: Category) -> list[tuple[int, int]]:
    """(department id, closed tickets of `category` and below it led lately), most first."""
    days = settings.HOTLINE["ROUTING"]["HISTORY_DAYS"]
    leads = (
        Assignment.objects.filter(
            role=AssignmentRole.LEAD,
            status=AssignmentStatus.ANSWERED,
            ticket__status=TicketStatus.CLOSED,
            ticket__category_id__in=_subtree(category),
            ticket__closed_at__gte=clock.now() - timedelta(days=days),
            department__is_active=True,
        )
        .values("department")
        .annotate(n=Count("ticket", distinct=True))
        .order_by("-n", "department")
    )
    return [(row["department"], row["n"]) for row in leads]


def _history(category: Category) -> tuple[Department | None, float, int]:
    counts = _lead_counts(category)
    total = sum(n for _pk, n in counts)
    if not total:
        return None, 0.0, 0
    top, n = counts[0]
    lead = _departments_by_pk().get(top) or Department.objects.get(pk=top)
    return lead, n / total, total


def coarse(category: Category) -> bool:
    """Whether `category` is a first-level category with subcategories: it says what kind of
    problem an appeal is, not which of its subcategories' rules applies."""
    return category.parent_id is None and bool(_children().get(category.pk))


def _by_category(
    category: Category, probability: float | None, facts: AppealFacts, area: Department | None, label: str
) -> tuple[rules.Outcome, Suggestion | None]:
    """The suggestion for one category: its rule, else its history."""
    confidence = 1.0 if probability is None else probability
    # An operator's first-level category leaves the subcategory as unknown as a predicted one does:
    # the rules below it stand in through their keywords, as for a prediction.
    first_level_only = probability is not None or coarse(category)
    subject = rules.Subject(normalize(facts.text), category, area, predicted=first_level_only)
    outcome = rules.evaluate(subject)
    fired = outcome.fired
    if fired is not None and fired.lead is not None:
        matched: dict[str, Any] = {
            "category": fired.category_path or None,
            "inferred": fired.inferred,
            "area": fired.matched.get("area"),
            "keywords": fired.matched.get("keywords"),
        }
        if probability is None and coarse(category) and fired.rule.category_id == category.pk:
            # Only the operator's first-level category matched (a catch-all of the list): nothing
            # says which subcategory's department should have it, so the rule is as sure as the
            # share of the category's closed tickets its department led (0 without any).
            matched["coarse"] = True
            confidence = _share_led(category, fired.lead)
        suggestion = Suggestion(
            fired.lead,
            fired.co,
            category,
            confidence,
            SuggestionSource.RULE,
            matched,
            fired.rule,
            label,
            probability,
        )
        return outcome, suggestion
    department, share, total = history(category)
    if department is None:
        return outcome, None
    shrunk = _shrunk(share, total)
    counts = {"days": settings.HOTLINE["ROUTING"]["HISTORY_DAYS"], "total": total, "share": share}
    suggestion = Suggestion(
        department,
        [],
        category,
        confidence * shrunk,
        SuggestionSource.HISTORY,
        counts,
        None,
        label,
        probability,
    )
    return outcome, suggestion


def decide(facts: AppealFacts, routing: RoutingSettings | None = None) -> Decision:
    """Everything routing concludes about one appeal; reads, never writes."""
    return decide_many([facts], routing)[0]


def decide_many(batch: Sequence[AppealFacts], routing: RoutingSettings | None = None) -> list[Decision]:
    """`decide` for each appeal of a batch: each model predicts once for the whole batch, and each
    text is cut into words and features once for every model and explanation. The decisions are
    those of each appeal decided alone (`decide` is this with a batch of one)."""
    routing = routing or reference.cached("settings", routing_settings)
    category_model = _active_model(ModelTarget.CATEGORY)
    department_model = _active_model(ModelTarget.DEPARTMENT)
    kind_model = _active_model(ModelTarget.KIND)
    texts = [facts.text for facts in batch]
    none: list[list[tuple[str, float]]] = [[] for _ in batch]
    with classifier.batch():
        guessed = [text for facts, text in zip(batch, texts, strict=True) if facts.category is None]
        categories = iter(
            classifier.predict_top_many(category_model.model, guessed, k=3) if category_model else []
        )
        departments = (
            classifier.predict_top_many(department_model.model, texts, k=3) if department_model else none
        )
        kinds = classifier.predict_top_many(kind_model.model, texts, k=2) if kind_model else none
        return [
            _decide(
                facts,
                routing,
                category_model,
                next(categories) if category_model and facts.category is None else [],
                department_model,
                department_predictions,
                kind_predictions,
            )
            for facts, department_predictions, kind_predictions in zip(batch, departments, kinds, strict=True)
        ]


def _decide(
    facts: AppealFacts,
    routing: RoutingSettings,
    category_model: Any,
    category_predictions: list[tuple[str, float]],
    department_model: Any,
    department_predictions: list[tuple[str, float]],
    kind_predictions: list[tuple[str, float]],
) -> Decision:
    notes: list[str] = []
    if facts.area is not None:
        place = PlaceMatch(area=known_area(facts.area), how="given")
    else:
        place = locate(
            facts.address, [facts.title, facts.content], latitude=facts.latitude, longitude=facts.longitude
        )
    urgency = detect(f"{facts.title}\n{facts.content}")
    text = facts.text
    candidates: list[Suggestion] = []
    predictions: list[tuple[str, float]] = []
    version: ModelVersion | None = None

    if facts.category is not None:
        given = known_category(facts.category)
        outcome, suggestion = _by_category(given, None, facts, place.area, "")
        candidates += [suggestion] if suggestion else []
        chosen: Category | None = given
    else:
        chosen, outcome = None, rules.Outcome([], _("工单没有分类，也没有可用的分类模型"))
        if category_model is not None:
            version = category_model.version
            predictions = category_predictions
            for label, probability in predictions:
                root = _roots().get(label)
                if root is None:
                    notes.append(_("预测的分类“%(label)s”不在分类树中") % {"label": label})
                    continue
                category_outcome, suggestion = _by_category(root, probability, facts, place.area, label)
                if chosen is None:
                    chosen, outcome = root, category_outcome
                candidates += [suggestion] if suggestion else []

    if department_model is not None:
        for code, probability in department_predictions:
            if code == OTHER_DEPARTMENTS:
                continue  # "none of those I know": nothing to suggest, only less for the others
            department = _department(code)
            if department is None:
                continue
            model = {"model": department_model.version.name}
            candidates.append(
                Suggestion(
                    department, [], None, probability, SuggestionSource.MODEL, model, None, code, probability
                )
            )

    # The most confident suggestion per lead department, most confident first.
    best: dict[int, Suggestion] = {}
    for suggestion in candidates:
        kept = best.get(suggestion.lead.pk)
        if kept is None or suggestion.confidence > kept.confidence:
            best[suggestion.lead.pk] = suggestion
    ranked = sorted(best.values(), key=lambda s: -s.confidence)[: settings.HOTLINE["ROUTING"]["SUGGESTIONS"]]
    automatic = facts.kind != Kind.CONSULTATION
    if not automatic:
        notes.append(_("咨询类诉求可由话务员当场答复，不自动派单"))
    if automatic and kind_predictions:
        kind, probability = kind_predictions[0]
        # Filed as something else but reads as a question: a person should see it first.
        if kind == Kind.CONSULTATION and probability >= routing.threshold:
            automatic = False
            notes.append(
                _("诉求类型模型判断为咨询（%(probability)s），不自动派单")
                % {"probability": percent(probability)}
            )
    _add_terms(ranked, text, category_model, department_model)
    return Decision(
        place,
        urgency,
        chosen,
        facts.category is not None,
        outcome,
        predictions,
        ranked,
        version,
        routing,
        notes,
        automatic,
        kind_predictions,
    )


def _add_terms(
    suggestions: list[Suggestion],
    text: str,
    category_model: Any,
    department_model: Any,
) -> None:
    """The words that pushed each suggestion's class, from the model that predicted it."""
    for source, loaded in ((SuggestionSource.MODEL, department_model), (None, category_model)):
        wanted = [
            s
            for s in suggestions
            if s.probability is not None
            and (s.source == source if source else s.source != SuggestionSource.MODEL)
        ]
        if loaded is None or not wanted:
            continue
        terms = top_terms(loaded.model, text, list(dict.fromkeys(s.label for s in wanted)), k=TOP_TERMS)
        for suggestion in wanted:
            suggestion.terms = terms.get(suggestion.label, [])
