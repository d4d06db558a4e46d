"""Read queries of routing: the model registry, the active models, the settings and the queue."""

import logging
import threading
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import Case, Exists, OuterRef, QuerySet, Value, When

from hotline.core.enums import AssignmentStatus, EventType, TicketStatus, Urgency
from hotline.routing import classifier
from hotline.routing.models import ModelTarget, ModelVersion, RoutingDecision, RoutingSettings
from hotline.tickets import events as ticket_events
from hotline.tickets.models import Assignment, Ticket, TicketEvent, waiting_since

logger = logging.getLogger(__name__)


def active_model_version(target: str = ModelTarget.CATEGORY) -> ModelVersion | None:
    """The version in use for `target`, if any."""
    return ModelVersion.objects.filter(target=target, is_active=True).first()


@dataclass(frozen=True)
class ActiveModel:
    version: ModelVersion
    model: classifier.Model


# Loading a model takes seconds, so each process keeps the active one per target and reloads it only
# when another version becomes active (one indexed query per call tells).
_loaded: dict[str, ActiveModel] = {}
_loading = threading.Lock()


def active_model(target: str = ModelTarget.CATEGORY) -> ActiveModel | None:
    """The active model of `target`, loaded; None when there is none or its folder cannot be read."""
    version = active_model_version(target)
    if version is None:
        return None
    with _loading:
        cached = _loaded.get(target)
        if cached is not None and (cached.version.pk, cached.version.path) == (version.pk, version.path):
            return cached
        try:
            model = classifier.load(version.path)
        except classifier.ModelLoadError as exc:
            logger.warning("active %s model %s not loaded: %s", target, version.name, exc)
            return None
        _loaded[target] = ActiveModel(version, model)
        return _loaded[target]


@dataclass(frozen=True)
class ModelHealth:
    """Whether the active model of a target can route: `state` is "loaded" (in this process),
    "loadable" (its folder holds a model file and a description of the format this code reads) or
    "broken" (`problem` says why)."""

    target: str
    name: str
    state: str
    problem: str = ""


def active_models_health() -> list[ModelHealth]:
    """One entry per target that has an active version (none: routing goes by the rules and the
    history alone, which is a working state). Cheap: one query, and for a model this process has not
    loaded, a look at its folder, never the seconds it takes to load (a readiness probe asks often)."""
    found = []
    for version in ModelVersion.objects.filter(is_active=True).order_by("target"):
        cached = _loaded.get(version.target)
        if cached is not None and (cached.version.pk, cached.version.path) == (version.pk, version.path):
            found.append(ModelHealth(version.target, version.name, "loaded"))
            continue
        try:
            classifier.read_meta(version.path)
            if not (Path(version.path) / classifier.MODEL_FILE).is_file():
                raise classifier.ModelLoadError(f"{version.path}: no {classifier.MODEL_FILE}")
        except classifier.ModelLoadError as exc:
            found.append(ModelHealth(version.target, version.name, "broken", str(exc)))
        else:
            found.append(ModelHealth(version.target, version.name, "loadable"))
    return found


def routing_settings() -> RoutingSettings:
    """The dispatch settings: the admin's row, or the defaults of settings.HOTLINE["ROUTING"] (unsaved)."""
    row = RoutingSettings.objects.filter(pk=1).first()
    if row is not None:
        return row
    defaults = settings.HOTLINE["ROUTING"]
    return RoutingSettings(pk=1, auto_dispatch=defaults["AUTO_DISPATCH"], threshold=defaults["THRESHOLD"])


def latest_decisions(ticket_ids: Collection[int]) -> dict[int, RoutingDecision]:
    """The latest routing decision of each of the tickets that has one, in one query (a ticket has
    one, or a few when it was routed again)."""
    latest: dict[int, RoutingDecision] = {}
    decisions = RoutingDecision.objects.filter(ticket_id__in=list(ticket_ids)).order_by(
        "ticket_id", "-decided_at", "-pk"
    )
    for decision in decisions:
        latest.setdefault(decision.ticket_id, decision)
    return latest


def dispatch_queue() -> QuerySet[Ticket]:
    """Tickets waiting for a dispatcher (待派单): urgent first, then by how long their appellants
    have waited (`Ticket.waiting_since`: a ticket that an earlier duplicate was merged into waits
    from the duplicate's receipt, not from its own; ADR 0011), then by id. The aliases
    `urgent_first` and `waited_from` are the desk's page keys (web.dispatch)."""
    return (
        Ticket.objects.filter(status=TicketStatus.NEW)
        .select_related("category__parent__parent", "area")
        .alias(
            urgent_first=Case(When(urgency=Urgency.URGENT, then=Value(0)), default=Value(1)),
            waited_from=waiting_since(),
        )
        .order_by("urgent_first", "waited_from", "pk")
    )


def routing_failures(tickets: QuerySet[Ticket]) -> int:
    """How many of `tickets` routing failed on (a `route_failed` event): the dispatch queue shows
    the figure, since their suggestions are computed as the queue lists them."""
    failed = TicketEvent.objects.filter(ticket_events.of_type(EventType.ROUTE_FAILED), ticket=OuterRef("pk"))
    return tickets.filter(Exists(failed)).count()


def returns_to_review() -> QuerySet[Assignment]:
    """Assignments a department returned, waiting for dispatch to review (退单审核): oldest first."""
    return (
        Assignment.objects.filter(status=AssignmentStatus.RETURNED)
        .select_related("ticket", "ticket__category", "ticket__area", "department")
        .order_by("returned_at", "pk")
    )
