"""The model registry's actions: the only code that writes `ModelVersion` rows.

A new version becomes the active one only when its cross-validated macro-F1 is at least that of the
version in use, so a retrain on worse or fewer labels cannot quietly make dispatch worse. Every row
says in `decision` why it was or was not activated.
"""

import logging
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.db import router as db_router
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from hotline.accounts.system import system_user
from hotline.core import clock
from hotline.core.enums import NOT_MERGEABLE_INTO, Channel, RoutingMode, TicketStatus, Urgency
from hotline.core.errors import ActionNotAllowed, InvalidInput
from hotline.dedup.embedders import configured_embedder
from hotline.dedup.indexing import embed_tickets, index_after_writing
from hotline.dedup.models import TicketVector
from hotline.dedup.search import LEFT_OUT, similar_to_ticket
from hotline.intake.models import Appeal
from hotline.routing import classifier, reference
from hotline.routing.decision import AppealFacts, Decision, category_ref, decide_many, ranked_dicts
from hotline.routing.models import ModelTarget, ModelVersion, RoutingDecision
from hotline.routing.reasons import REASON_KEYS, dispatch_note
from hotline.taxonomy.models import Category
from hotline.tickets import events
from hotline.tickets.actions import do_dispatch_ticket
from hotline.tickets.models import Ticket
from hotline.tickets.transitions import on_locked

logger = logging.getLogger(__name__)


def models_home() -> Path:
    """Where model folders live: HOTLINE_HOME/models."""
    return Path(settings.HOTLINE_HOME) / "models"


def _cv_macro_f1(meta: dict[str, Any]) -> float | None:
    value = (meta.get("metrics") or {}).get("cv", {}).get("macro_f1")
    return float(value) if isinstance(value, int | float) else None


def _grouped(metrics: dict[str, Any]) -> bool | None:
    """Whether the CV kept near-copies in one fold (None: scored before the CV could say)."""
    grouped = (metrics.get("cv") or {}).get("grouped")
    return grouped if isinstance(grouped, bool) else None


def _decide(
    new_score: float | None, new_meta: dict[str, Any], active: ModelVersion | None
) -> tuple[bool, str]:
    if new_score is None:
        return False, "未启用：没有交叉验证分数"
    if active is None:
        return True, f"启用：交叉验证 macro-F1 {new_score:.4f}，此前没有启用中的模型"
    if active.cv_macro_f1 is None:
        return True, f"启用：交叉验证 macro-F1 {new_score:.4f}，当前 v{active.version} 没有交叉验证分数"
    # Folds that split near-copies score the same model higher (docs/adr/0002-classifier.md): a
    # grouped score below an ungrouped one says nothing, and would keep an old version forever.
    if _grouped(new_meta.get("metrics") or {}) != _grouped(active.metrics or {}):
        return True, (
            f"启用：交叉验证 macro-F1 {new_score:.4f}，与当前 v{active.version} 的 {active.cv_macro_f1:.4f} "
            "不可比较（交叉验证方式不同：近似重复留言是否分在同一折），以新的评估为准"
        )
    comparison = f"交叉验证 macro-F1 {new_score:.4f} {{}} 当前 v{active.version} 的 {active.cv_macro_f1:.4f}"
    if new_score >= active.cv_macro_f1:
        return True, "启用：" + comparison.format("≥")
    return False, "未启用：" + comparison.format("<")


@transaction.atomic
def do_register_model(directory: Path | str, *, target: str = ModelTarget.CATEGORY) -> ModelVersion:
    """Add the model folder `directory` to the registry; activate it if it scores at least as well.

    The scores come from the folder's meta.json (`metrics.cv.macro_f1`, written by `hotline model
    train`). Raises InvalidInput for a folder that is not a model.
    """
    if target not in ModelTarget.values:
        raise InvalidInput(_("target: 未知预测目标 %(value)r") % {"value": target})
    directory = Path(directory).resolve()
    try:
        meta = classifier.read_meta(directory)
    except classifier.ModelLoadError as exc:
        raise InvalidInput(f"path: {exc}") from None
    if not (directory / classifier.MODEL_FILE).is_file():
        raise InvalidInput(
            _("path: %(directory)s 中没有 %(file)s") % {"directory": directory, "file": classifier.MODEL_FILE}
        )

    # Lock the target's rows so that two registrations in parallel number and decide one after the other.
    rows = list(ModelVersion.objects.select_for_update().filter(target=target).only("pk", "version"))
    version = max((row.version for row in rows), default=0) + 1
    active = ModelVersion.objects.filter(target=target, is_active=True).first()
    score = _cv_macro_f1(meta)
    activate, decision = _decide(score, meta, active)
    now = clock.now()
    if activate and active is not None:
        active.is_active = False
        active.save(update_fields=["is_active"])
    created = meta.get("created_at")
    new = ModelVersion.objects.create(
        target=target,
        version=version,
        name=f"{target}-v{version}",
        path=str(directory),
        data_size=int(meta.get("data_size") or 0),
        labels=list(meta.get("labels") or []),
        metrics=meta.get("metrics") or {},
        cv_macro_f1=score,
        training_seconds=float(meta.get("training_seconds") or 0.0),
        created_at=datetime.fromisoformat(created) if created else now,
        is_active=activate,
        activated_at=now if activate else None,
        decision=decision,
    )
    logger.info("model %s registered from %s: %s", new.name, directory, decision)
    return new


def retrain_category_model(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    folds: int = 5,
    out: Path | None = None,
    n_jobs: int = 1,
) -> ModelVersion:
    """Cross-validate, train on everything, save under HOTLINE_HOME/models and register.

    What a scheduled retrain runs, with examples from `training_data.category_examples` (plus any
    base corpus). Training takes minutes, so it runs outside any transaction; only the
    registration is one.
    """
    return retrain_model(ModelTarget.CATEGORY, texts, labels, folds=folds, out=out, n_jobs=n_jobs)


def retrain_model(
    target: str,
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    folds: int = 5,
    out: Path | None = None,
    n_jobs: int = 1,
) -> ModelVersion:
    """`retrain_category_model` for any target (the department model learns department codes)."""
    # Found once for both: the folds keep near-copies together, and so do the stack's inner folds.
    groups = classifier.near_duplicate_groups(texts)
    cv = classifier.cross_validate(texts, labels, folds=folds, n_jobs=n_jobs, groups=groups)
    model = classifier.train(texts, labels, groups=groups)
    model.meta["target"] = target
    model.meta["metrics"]["cv"] = {k: v for k, v in cv.items() if k != "settings"}
    if out is None:
        stamp = clock.now().strftime("%Y%m%dT%H%M%S%fZ")
        out = models_home() / f"{target}-{stamp}"
    classifier.save(model, out)
    return do_register_model(out, target=target)


# --- routing a new ticket ---------------------------------------------------------------------------


def do_route_ticket(ticket_id: int) -> RoutingDecision:
    """Route the new ticket `ticket_id` (智能分拨): fill in its area, mark it urgent, store the
    suggestions, and dispatch it through `do_dispatch_ticket` as the system user when the best
    suggestion is sure enough.

    One transaction. Area and urgency are only ever added (an operator's choice stays); when either
    changes, a `route` event by the system user says so. The automatic dispatch writes its own
    `dispatch` event, whose note gives the reason and the confidence.
    """
    (row,) = _route([ticket_id], once=False)
    return row


def do_route_ticket_once(ticket_id: int) -> RoutingDecision | None:
    """`do_route_ticket`, unless routing is no longer wanted: the ticket left `new` (a person
    dispatched, merged or answered it) or routing already stored a decision for it. None then.

    What the worker runs: the intake's task and the sweep of unrouted tickets may both reach a
    ticket, and a queued task may run after a dispatcher acted; the check is made under the
    ticket's row lock, so two workers never route one ticket twice."""
    rows = _route([ticket_id], once=True)
    return rows[0] if rows else None


def do_route_tickets_once(ticket_ids: Sequence[int]) -> list[RoutingDecision]:
    """`do_route_ticket_once` for a batch of tickets (an import's routing task of 50, a sweep), in
    one transaction: the tickets read and locked in one query, the models run once on the batch,
    the decisions, the tickets' new area and urgency and the `route` lines written in one statement
    each. Each ticket is decided as it would be alone (the single-ticket routes are this with a
    batch of one). The decisions of the tickets routed, in the order given.

    Any failure rolls the whole batch back; `tickets.router.route_batch` then routes each ticket
    alone, so that only the one at fault is recorded as failed."""
    return _route(ticket_ids, once=True)


def _route(ticket_ids: Sequence[int], *, once: bool) -> list[RoutingDecision]:
    tickets = Ticket.objects.select_related("category", "area")
    if once:  # read with the rows: one round trip less for every batch the worker routes
        tickets = tickets.annotate(decided=Exists(RoutingDecision.objects.filter(ticket=OuterRef("pk"))))
    ids = list(dict.fromkeys(ticket_ids))
    if len(ids) == 1 and connections[db_router.db_for_write(Ticket)].features.has_select_for_update:
        # One ticket (a live appeal's task) where rows lock one by one: locked first and decided
        # under its lock (read before it only for the duplicate search below). The lock holds one
        # new ticket for the milliseconds of the decision; the database's other writers do not wait
        # for it (on SQLite, whose write lock is the whole database's, a ticket is decided before
        # the transaction, as a batch is).
        # Embedded and searched for a duplicate before the lock, from a plain read: the decision is
        # not known yet, so the search is made whatever it will be and used if it is automatic.
        holds = _duplicate_holds(_to_route(tickets, ids, once=once), everyone=True)
        with transaction.atomic():
            todo = _to_route(tickets.select_for_update(of=("self",)), ids, once=once)
            decisions = decide_many(AppealFacts.of_tickets(todo)) if todo else []
            _hold(todo, decisions, holds)
            rows = _record(todo, decisions) if todo else []
        _log_routed(todo, rows)
        return rows
    todo = _to_route(tickets, ids, once=once)
    if not todo:
        return []
    # Decided before the transaction that writes: deciding only reads, and it is most of routing's
    # time, during which the rows' locks (on SQLite the database's one write lock, which every
    # intake needs) would be held.
    facts = AppealFacts.of_tickets(todo)
    decided = dict(zip([t.pk for t in todo], zip(facts, decide_many(facts), strict=True), strict=True))
    # Out of the transaction too: embedding is slow (tens of milliseconds a ticket with e5).
    holds = _duplicate_holds(todo, auto={pk for pk, (_f, d) in decided.items() if d.mode == RoutingMode.AUTO})
    with transaction.atomic():
        # Lock the ticket rows only (FOR UPDATE cannot reach the nullable side of the joins to
        # category, area), and read them again: a person may have acted meanwhile.
        todo = _to_route(tickets.select_for_update(of=("self",)), list(decided), once=once)
        if not todo:
            return []
        now_facts = AppealFacts.of_tickets(todo)
        decisions = [decided[t.pk][1] for t in todo]
        changed_facts = [i for i, t in enumerate(todo) if decided[t.pk][0] != now_facts[i]]
        if changed_facts:  # the text, category or area was edited meanwhile: decided again
            again = decide_many([now_facts[i] for i in changed_facts])
            for i, decision in zip(changed_facts, again, strict=True):
                decisions[i] = decision
        _hold(todo, decisions, holds)
        rows = _record(todo, decisions)
    _log_routed(todo, rows)
    return rows


# --- a likely duplicate waits for a dispatcher (docs/adr/0011-dedup.md) ------------------------------


def _duplicate_holds(
    todo: list[Ticket], *, auto: set[int] | None = None, everyone: bool = False
) -> dict[int, str]:
    """Say why each of the tickets `todo` that routing would dispatch by itself (`auto`, or all
    of them with `everyone`) must wait for a dispatcher as a likely duplicate: {ticket id: the
    note}, "" for none. Never inside the transaction that writes: on SQLite that holds the
    database's one write lock, which every intake needs, for the length of the embedding.

    Those tickets are embedded, the ones without a vector in one call, and their vectors stored
    (the worker's dedup sweep then skips them: the encoding moves from the sweep to routing rather
    than being made twice); then each is searched for among the open tickets by its stored vector
    (`_duplicate_note`). The tickets left to a dispatcher anyway are not embedded here: the sweep
    embeds them seconds later, and the encoding (about 100 ms of a core with e5) is most of what
    routing a batch would otherwise cost; an import of another city's appeals is nearly all left
    to the dispatchers (docs/benchmarks.md, 2026-12-06).

    Open tickets without a vector are not compared: the tickets not routed yet (received after this
    one, each compared with this one when it is routed), those left to a dispatcher that the sweep
    has not reached (on the desk, where its candidates show this one), and those stored before
    routing embedded. A failure of the embedder or the index holds every ticket concerned: whether
    it repeats a ticket is not known, a silent dispatch is what this is here to prevent, and a
    failed routing would leave the ticket without its suggestions."""
    wanted = [t for t in todo if everyone or (auto is not None and t.pk in auto)]
    if not wanted:
        return {}
    try:
        embedder = configured_embedder()
        # The texts are those just read (the tickets are not read again).
        have = set(
            TicketVector.objects.filter(ticket__in=[t.pk for t in wanted], model=embedder.name).values_list(
                "ticket_id", flat=True
            )
        )
        rows = [(t.pk, t.title, t.content) for t in wanted if t.pk not in have]
        if embed_tickets(rows, embedder):
            index_after_writing()
        return {ticket.pk: _duplicate_note(ticket) for ticket in wanted}
    except Exception:
        numbers = ", ".join(t.number for t in wanted)
        logger.exception("embedding or duplicate search failed for tickets %s", numbers)
        failed = _("查重失败，无法确认是否为重复诉求，请派单员查重后派单")
        return {ticket.pk: failed for ticket in wanted}


def _duplicate_note(ticket: Ticket) -> str:
    """The note of an open ticket received before `ticket` that it likely repeats, or ""."""
    # Received earlier by either clock: of two duplicates routed in one batch (an import) the first
    # is dispatched and the later waits, and a ticket already routed (a lower id) always counts,
    # whatever creation time an import gave either. Only those are searched, so that later
    # duplicates (the same text's, of equal score, come first) do not crowd the earlier out.
    earlier = Ticket.objects.exclude(status__in=[*LEFT_OUT, *NOT_MERGEABLE_INTO]).filter(
        Q(pk__lt=ticket.pk) | Q(created_at__lt=ticket.created_at)
    )
    matches = similar_to_ticket(ticket, top=1, tickets=earlier)
    if not matches or not matches[0].duplicate:
        return ""
    best = matches[0]
    return _("疑似重复：与工单 %(number)s 相似度 %(score)s，请派单员确认是否合并") % {
        "number": best.ticket.number,
        "score": f"{best.shown_score:.2f}",  # cut, not rounded, as the pages show it
    }


def _hold(todo: list[Ticket], decisions: list[Decision], holds: dict[int, str]) -> None:
    """Keep from automatic dispatch the tickets with a note in `holds`, the note among the decision's."""
    for ticket, decision in zip(todo, decisions, strict=True):
        if decision.mode == RoutingMode.AUTO and (note := holds.get(ticket.pk)):
            decision.automatic = False
            decision.notes.append(note)


def _record(todo: list[Ticket], decisions: list[Decision]) -> list[RoutingDecision]:
    """Write the decisions of the locked tickets `todo` (in the caller's transaction): the
    decision rows, the tickets' new area and urgency with their `route` lines, and the automatic
    dispatches (none for a likely duplicate: `_hold` made its decision a dispatcher's)."""
    system = reference.cached("system_user", system_user)
    now = clock.now()
    rows: list[RoutingDecision] = []
    changed: list[tuple[Ticket, dict[str, Any]]] = []
    finer = _finer_categories(todo, decisions)
    for ticket, decision in zip(todo, decisions, strict=True):
        changes: dict[str, Any] = {}
        if (category := finer.get(ticket.pk)) is not None:
            changes["category"] = {"from": ticket.category_id, "to": category.pk}
            ticket.category = category
        if ticket.area is None and decision.place.area is not None:
            ticket.area = decision.place.area
            changes["area"] = {"code": ticket.area.code, "how": decision.place.how}
        if decision.urgency.urgent and ticket.urgency != Urgency.URGENT:
            ticket.urgency = Urgency.URGENT
            changes["urgency"] = {"signs": decision.urgency.signs}
        if changes:
            ticket.updated_at = now
            changed.append((ticket, changes))
        rows.append(_decision_row(ticket, decision, now))
    RoutingDecision.objects.bulk_create(rows)
    # A ticket dispatched below is saved whole by its dispatch (the same instance, new area and
    # urgency included): only the others are written here.
    dispatched = {t.pk for t, d in zip(todo, decisions, strict=True) if d.mode == RoutingMode.AUTO}
    to_save = [ticket for ticket, _changes in changed if ticket.pk not in dispatched]
    if len(to_save) == 1:  # a plain UPDATE; bulk_update builds a CASE per column for many rows
        to_save[0].save(update_fields=["category", "area", "urgency", "updated_at"])
    elif to_save:
        Ticket.objects.bulk_update(to_save, ["category", "area", "urgency", "updated_at"])
    if changed:
        rows_of = {row.ticket_id: row.pk for row in rows}
        events.routed_many(
            [(ticket, changes, rows_of[ticket.pk]) for ticket, changes in changed], system, at=now
        )
    for ticket, decision in zip(todo, decisions, strict=True):
        if decision.mode == RoutingMode.AUTO:
            _dispatch(ticket, decision, system)
    return rows


def _finer_categories(todo: list[Ticket], decisions: list[Decision]) -> dict[int, Category]:
    """{ticket id: category} for the grid reports of `todo` filed under a first-level category whose
    rule that fired lies below it (城乡建设 / 其他 by its keyword 井盖, for 城乡建设): what the
    console's 采用 sets for an operator (`web.console.Reading.specific`), which nobody can press on a
    grid worker's phone; the first level alone would leave the dispatcher to find it again."""
    found: dict[int, Category] = {}
    for ticket, decision in zip(todo, decisions, strict=True):
        category, fired = ticket.category, decision.rules.fired
        if category is None or category.parent_id is not None or not decision.category_given or fired is None:
            continue
        below = fired.rule.category
        node = below.parent
        while node is not None and node.pk != category.pk:
            node = node.parent
        if node is not None and below.is_active:
            found[ticket.pk] = below
    if found:  # read only then: most batches have no such ticket
        grid = Appeal.objects.filter(ticket_id__in=list(found), channel=Channel.GRID)
        reports = set(grid.values_list("ticket_id", flat=True))
        found = {pk: c for pk, c in found.items() if pk in reports}
    return found


def _log_routed(todo: list[Ticket], rows: list[RoutingDecision]) -> None:
    for ticket, row in zip(todo, rows, strict=True):
        logger.info(
            "ticket %s routed: %s (confidence %s, %d suggestions)",
            ticket.number,
            row.mode,
            row.confidence,
            len(row.suggestions),
        )


def _to_route(tickets: QuerySet[Ticket], ids: list[int], *, once: bool) -> list[Ticket]:
    """The tickets `ids` that routing should route, in that order: with `once`, those still new and
    not routed yet; without, all of them (each must be new)."""
    found = {ticket.pk: ticket for ticket in tickets.filter(pk__in=ids).order_by("pk")}
    todo: list[Ticket] = []
    for pk in ids:
        ticket = found.get(pk)
        if ticket is None:
            raise Ticket.DoesNotExist(f"no ticket {pk}")
        if once and (ticket.status != TicketStatus.NEW or getattr(ticket, "decided", False)):
            logger.info("ticket %s needs no routing: %s, or routed already", ticket.number, ticket.status)
            continue
        if ticket.status != TicketStatus.NEW:
            raise ActionNotAllowed(
                _("工单 %(number)s 当前状态为“%(status)s”，不能分拨")
                % {"number": ticket.number, "status": ticket.get_status_display()}
            )
        todo.append(ticket)
    return todo


def _decision_row(ticket: Ticket, decision: Decision, now: datetime) -> RoutingDecision:
    return RoutingDecision(
        ticket=ticket,
        decided_at=now,
        mode=decision.mode,
        confidence=decision.confidence,
        threshold=decision.settings.threshold,
        area=decision.place.area,
        urgent=decision.urgency.urgent,
        model_version=decision.model_version,
        suggestions=[s.as_dict() for s in decision.suggestions],
        evidence={
            "place": decision.place.evidence,
            "urgency": decision.urgency.evidence,
            "category": category_ref(decision.category),
            "category_given": decision.category_given,
            "predictions": ranked_dicts(decision.predictions),
            "kind_predictions": ranked_dicts(decision.kind_predictions),
            "rules": decision.rules.as_record(),
            "notes": decision.notes,
        },
    )


def _dispatch(ticket: Ticket, decision: Decision, system: Any) -> None:
    """The automatic dispatch of a ticket whose best suggestion is sure enough: as a dispatcher
    would, through `do_dispatch_ticket` (assignments, deadlines, the `dispatch` line)."""
    top = decision.suggestions[0]
    suggested = top.as_dict(told=False)
    # The facts of the note, kept with it for the timeline to tell in its reader's language; the
    # note itself is in the city's (routing stores in it: tickets.router).
    routed = {
        "confidence": top.confidence,
        "threshold": decision.settings.threshold,
        "suggestion": {key: suggested[key] for key in REASON_KEYS},
    }
    on_locked(  # routing holds the ticket's lock: not read again
        do_dispatch_ticket,
        ticket,
        system,
        lead_department_id=top.lead.pk,
        co_department_ids=[d.pk for d in top.co],
        category_id=top.category.pk if ticket.category is None and top.category else None,
        note=dispatch_note(routed)[:2000],
        routed=routed,
    )
