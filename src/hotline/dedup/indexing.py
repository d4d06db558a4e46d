"""Ticket text -> stored vector (`TicketVector`), run by the worker, never in a request.

`embed_pending()` is what the worker's sweep runs every HOTLINE_DEDUP_INTERVAL seconds: it embeds
the tickets of the last `RECENT_DAYS` that have no vector of the configured model (new tickets,
found by their indexed creation time however their transactions interleaved), then walks a step
further down the older tickets (`EmbedState.backlog_below`), so a fresh installation or a change
of model catches up on its own, `BACKLOG_STEP` tickets per run. `embed_missing()` does the whole
backlog at once (`hotline dedup index`).

Embedding happens outside any transaction (it is the slow part); the rows are written in a short
one per batch, with conflicts ignored, so two workers that embed the same ticket at the same time
store it once, and intake never waits on a lock held by the embedding.
"""

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet

from hotline.core import clock
from hotline.dedup.embedders import Embedder, configured_embedder, ticket_text
from hotline.dedup.index import shared_index
from hotline.dedup.models import EmbedState, TicketVector
from hotline.dedup.scoring import config
from hotline.tickets.models import Ticket

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Report:
    recent: int
    backlog: int

    def as_dict(self) -> dict[str, int]:
        return {"recent": self.recent, "backlog": self.backlog}


def without_vector(tickets: QuerySet[Ticket], model: str) -> QuerySet[Ticket]:
    return tickets.exclude(Exists(TicketVector.objects.filter(ticket=OuterRef("pk"), model=model)))


def embed_tickets(tickets: Sequence[tuple[int, str, str]], embedder: Embedder | None = None) -> int:
    """Embed (id, title, content) rows and store their vectors; how many were stored."""
    if not tickets:
        return 0
    embedder = embedder or configured_embedder()
    vectors = embedder.embed([ticket_text(title, content) for _id, title, content in tickets])
    now = clock.now()
    ids = [row[0] for row in tickets]
    with transaction.atomic():
        # A vector of another model is replaced; one of this model (another worker was quicker) is kept.
        TicketVector.objects.filter(ticket_id__in=ids).exclude(model=embedder.name).delete()
        TicketVector.objects.bulk_create(
            [
                TicketVector(
                    ticket_id=ticket_id, model=embedder.name, vector=vector.tobytes(), embedded_at=now
                )
                for ticket_id, vector in zip(ids, vectors, strict=True)
            ],
            ignore_conflicts=True,
        )
    return len(ids)


def _rows(tickets: QuerySet[Ticket]) -> list[tuple[int, str, str]]:
    return list(tickets.values_list("id", "title", "content"))


def index_after_writing() -> None:
    """Bring the process's index up to the vectors just stored and save it when it is due."""
    conf = config()
    shared = shared_index()
    shared.refresh()
    shared.maybe_save(every=int(conf["SAVE_EVERY"]), seconds=float(conf["SAVE_SECONDS"]))


def embed_recent(embedder: Embedder, limit: int) -> int:
    conf = config()
    since = clock.now() - timedelta(days=int(conf["RECENT_DAYS"]))
    batch = int(conf["BATCH"])
    done = 0
    while done < limit:
        rows = _rows(
            without_vector(Ticket.objects.filter(created_at__gte=since), embedder.name).order_by("id")[:batch]
        )
        if not rows:
            break
        done += embed_tickets(rows, embedder)
    return done


def embed_backlog_step(embedder: Embedder, step: int) -> int:
    """Look at the next `step` older tickets of the backlog walk and embed those without a vector."""
    with transaction.atomic():
        state, _created = EmbedState.objects.select_for_update().get_or_create(pk=1)
        if state.backlog_model != embedder.name:
            state.backlog_model, state.backlog_below = embedder.name, None
        if state.backlog_below == 0:
            state.save(update_fields=["backlog_model", "backlog_below"])
            return 0
        tickets = Ticket.objects.all()
        if state.backlog_below is not None:
            tickets = tickets.filter(pk__lt=state.backlog_below)
        ids = list(tickets.order_by("-pk").values_list("pk", flat=True)[:step])
        state.backlog_below = min(ids) if len(ids) == step else 0
        state.save(update_fields=["backlog_model", "backlog_below"])
    if not ids:
        return 0
    return embed_tickets(_rows(without_vector(Ticket.objects.filter(pk__in=ids), embedder.name)), embedder)


def embed_pending() -> Report:
    """The worker's sweep: recent tickets without a vector, then one step of the backlog."""
    conf = config()
    embedder = configured_embedder()
    recent = embed_recent(embedder, int(conf["MAX_PER_RUN"]))
    backlog = embed_backlog_step(embedder, int(conf["BACKLOG_STEP"]))
    if recent or backlog:
        index_after_writing()
    return Report(recent=recent, backlog=backlog)


def embed_missing(
    tickets: QuerySet[Ticket] | None = None, progress: Callable[[int], None] | None = None
) -> int:
    """Embed every ticket (of `tickets`) without a vector of the configured model; how many."""
    embedder = configured_embedder()
    batch = int(config()["BATCH"])
    tickets = tickets if tickets is not None else Ticket.objects.all()
    done, after = 0, 0
    while True:
        # Walk by id so that a ticket that cannot change its lack of vector is not read twice.
        rows = _rows(without_vector(tickets.filter(pk__gt=after), embedder.name).order_by("pk")[:batch])
        if not rows:
            break
        done += embed_tickets(rows, embedder)
        after = rows[-1][0]
        if progress is not None:
            progress(done)
    if done:
        index_after_writing()
    return done
