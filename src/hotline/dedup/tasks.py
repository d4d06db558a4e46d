"""Background work of duplicate search (django.tasks; scheduled by `hotline worker`)."""

from typing import Any

from django.tasks import task

from hotline.core.schedule import enqueue_if_due
from hotline.dedup.indexing import embed_pending
from hotline.dedup.models import EmbedState


@task()
def embed_new() -> dict[str, Any]:
    """Embed the tickets that have no vector yet (`dedup.indexing.embed_pending`); idempotent."""
    return embed_pending().as_dict()


def enqueue_embedding_if_due(interval: float) -> bool:
    """Enqueue one embedding sweep when none was enqueued in the last `interval` seconds (by any worker)."""
    return enqueue_if_due(EmbedState, embed_new, interval)
