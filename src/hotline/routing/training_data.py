"""Training examples from the platform's own history: the learning loop.

A closed ticket carries the category that its handling confirmed: what the operator chose at
intake, or what the dispatcher corrected it to when dispatching, or what a re-dispatch after an
upheld return set. Its title and content are what the citizen said. Each closed ticket with a
category therefore makes one (text, label) example, the label being the first-level name of its
category (the level the classifier predicts). A scheduled retrain feeds these, with any base
corpus, to `actions.retrain_category_model`.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from hotline.core.enums import TicketStatus
from hotline.taxonomy.models import Category
from hotline.tickets.models import Ticket


@dataclass(frozen=True)
class Example:
    text: str
    label: str
    ticket_id: int


def ticket_text(title: str, content: str) -> str:
    """The text the classifier reads for a ticket: title, then content (as in the training CSVs)."""
    return f"{title.strip()}\n{content.strip()}".strip()


def _roots() -> dict[int, str]:
    """Category id -> name of its first-level ancestor, for the whole tree in one query."""
    parents: dict[int, int | None] = {}
    names: dict[int, str] = {}
    for pk, parent_id, name in Category.objects.values_list("pk", "parent_id", "name"):
        parents[pk] = parent_id
        names[pk] = name
    roots: dict[int, str] = {}
    for pk in parents:
        node = pk
        for _depth in range(10):  # the tree has three levels; a cycle must not hang the loop
            parent = parents.get(node)
            if parent is None:
                break
            node = parent
        roots[pk] = names[node]
    return roots


def closed_ticket_examples(*, since: datetime | None = None) -> Iterator[Example]:
    """(text, first-level category) of every closed ticket that has a category, oldest first.

    `since` keeps the tickets closed at or after that moment (for a retrain on recent traffic).
    """
    tickets = Ticket.objects.filter(status=TicketStatus.CLOSED, category__isnull=False)
    if since is not None:
        tickets = tickets.filter(closed_at__gte=since)
    roots = _roots()
    for pk, title, content, category_id in tickets.order_by("created_at", "pk").values_list(
        "pk", "title", "content", "category_id"
    ):
        text = ticket_text(title, content)
        if text and category_id in roots:
            yield Example(text=text, label=roots[category_id], ticket_id=pk)
