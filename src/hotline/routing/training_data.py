"""Training examples from the platform's own history: the learning loop.

Two sources: closed tickets (below), and the labels that dispatchers' corrections left
(`TrainingLabel`, collected by `routing.labels`), which are known before a ticket closes and
which win over what the closed ticket says. `category_examples` and `department_examples` give
one example per ticket from both. `kind_examples` gives the kind (诉求类型) that hotline staff
chose at intake, for the kind model.

A closed ticket carries the category that its handling confirmed: what the operator chose at
intake, or what the dispatcher corrected it to when dispatching, or what a re-dispatch after an
upheld return set. Its title and content are what the citizen said. Each closed ticket with a
category therefore makes one (text, label) example, the label being the first-level name of its
category (the level the classifier predicts). A scheduled retrain feeds these, with any base
corpus, to `actions.retrain_category_model`.

Except where the category is the model's own guess: a ticket that came in without a category and
that routing dispatched by itself carries the category the classifier predicted, and nobody looked
at it. Learning from those would teach the model what it already believes, mistakes included
(self-training, which cost 0.9 points of macro-F1 in docs/adr/0002-classifier.md). They are left
out until a person corrects them (a correction is a label, which counts).
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import QuerySet

from hotline.core.enums import AssignmentRole, AssignmentStatus, EventType, RoutingMode, TicketStatus
from hotline.routing.models import ModelTarget, RoutingDecision, TrainingLabel
from hotline.taxonomy.models import Category
from hotline.taxonomy.selectors import first_levels
from hotline.tickets import events as ticket_events
from hotline.tickets.models import Assignment, Ticket, TicketEvent

# The department model's label for "a department with too little history of its own": pooling
# them lets the model answer "none of the departments I know" instead of forcing every text onto
# the few it has seen often.
OTHER_DEPARTMENTS = "__other__"


@dataclass(frozen=True)
class Example:
    text: str
    label: str
    ticket_id: int


def ticket_text(title: str, content: str) -> str:
    """The text the classifier reads for a ticket: title, then content (as in the training CSVs)."""
    return f"{title.strip()}\n{content.strip()}".strip()


def category_roots() -> dict[int, str]:
    """Category id -> name of its first-level ancestor, for the whole tree in one query."""
    parents: dict[int, int | None] = {}
    names: dict[int, str] = {}
    for pk, parent_id, name in Category.objects.values_list("pk", "parent_id", "name"):
        parents[pk] = parent_id
        names[pk] = name
    return {pk: names[root] for pk, root in first_levels(parents).items()}


def model_guessed_tickets() -> QuerySet[RoutingDecision, int]:
    """Ids of the tickets whose category routing chose and applied by itself (see above)."""
    return RoutingDecision.objects.filter(mode=RoutingMode.AUTO, evidence__category_given=False).values_list(
        "ticket_id", flat=True
    )


def closed_ticket_examples(*, since: datetime | None = None) -> Iterator[Example]:
    """(text, first-level category) of every closed ticket whose category a person chose, oldest first.

    `since` keeps the tickets closed at or after that moment (for a retrain on recent traffic).
    """
    tickets = Ticket.objects.filter(status=TicketStatus.CLOSED, category__isnull=False).exclude(
        pk__in=model_guessed_tickets()
    )
    if since is not None:
        tickets = tickets.filter(closed_at__gte=since)
    roots = category_roots()
    for pk, title, content, category_id in tickets.order_by("created_at", "pk").values_list(
        "pk", "title", "content", "category_id"
    ):
        text = ticket_text(title, content)
        if text and category_id in roots:
            yield Example(text=text, label=roots[category_id], ticket_id=pk)


def _labelled(target: str) -> dict[int, Example]:
    """The latest label of each ticket for `target`."""
    found: dict[int, Example] = {}
    for ticket_id, text, label in (
        TrainingLabel.objects.filter(target=target)
        .order_by("created_at", "pk")
        .values_list("ticket_id", "text", "label")
    ):
        found[ticket_id] = Example(text=text, label=label, ticket_id=ticket_id)
    return found


def category_examples() -> list[Example]:
    """One (text, first-level category) per ticket: its label if a correction gave one, else its
    category if it is closed. The closed tickets come first, oldest first, then the corrections."""
    labelled = _labelled(ModelTarget.CATEGORY)
    closed = [e for e in closed_ticket_examples() if e.ticket_id not in labelled]
    return closed + list(labelled.values())


def department_examples() -> list[Example]:
    """One (text, lead department code) per ticket: its label if a correction gave one, else the
    department that led it to its reply if it is closed. Closed tickets first, oldest first, then
    the corrections."""
    labelled = _labelled(ModelTarget.DEPARTMENT)
    leads = (
        Assignment.objects.filter(
            role=AssignmentRole.LEAD, status=AssignmentStatus.ANSWERED, ticket__status=TicketStatus.CLOSED
        )
        .exclude(ticket_id__in=list(labelled))
        .order_by("ticket_id", "-pk")
        .values_list("ticket_id", "ticket__title", "ticket__content", "department__code")
    )
    closed: dict[int, Example] = {}
    for ticket_id, title, content, code in leads:
        text = ticket_text(title, content)
        if text and ticket_id not in closed:
            closed[ticket_id] = Example(text=text, label=code, ticket_id=ticket_id)
    return list(closed.values()) + list(labelled.values())


def kind_examples() -> list[Example]:
    """(text, kind) of every closed ticket whose kind a person at the hotline chose at intake.

    A contact that came in without a person (a web form, an app, with no actor) carries the
    default kind, which says nothing; the system user never receives. Oldest first.
    """
    chosen = TicketEvent.objects.filter(
        ticket_events.of_type(EventType.RECEIVE), actor__isnull=False
    ).exclude(actor__username=settings.HOTLINE["ROUTING"]["SYSTEM_USERNAME"])
    tickets = Ticket.objects.filter(status=TicketStatus.CLOSED, pk__in=chosen.values("ticket_id"))
    examples = []
    for pk, title, content, kind in tickets.order_by("created_at", "pk").values_list(
        "pk", "title", "content", "kind"
    ):
        text = ticket_text(title, content)
        if text:
            examples.append(Example(text=text, label=kind, ticket_id=pk))
    return examples
