"""What a load balancer, an orchestrator and Prometheus ask of every web process.

- `GET /healthz`: the process answers (200 `{"status": "ok"}`). It touches no database, so a
  database outage does not get every web process restarted.
- `GET /readyz`: the process can serve: the database answers, every migration on disk is applied,
  the task queue's table can be read (its depth is given), and each active routing model is loaded
  or loadable. 200 when all are so, 503 naming the checks that failed otherwise; JSON either way.
- `GET /metrics`: Prometheus's text format: the requests and their latency (core/metrics.py), and,
  read from the database at each scrape, the task queue's depth and the overdue assignments. Only
  for the networks of HOTLINE_METRICS_ALLOW, or a caller with the bearer token HOTLINE_METRICS_TOKEN;
  403 otherwise.
"""

import hmac
import ipaddress
import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Min
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tasks_db.models import DBTaskResult
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from hotline.analytics.selectors import overdue_now
from hotline.core import clock, metrics
from hotline.routing.selectors import active_models_health

logger = logging.getLogger(__name__)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
_RELAYED = ("X-Forwarded-For", "Forwarded", "X-Real-IP")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    checks: dict[str, Callable[[], dict[str, Any]]] = {
        "database": _database,
        "migrations": _migrations,
        "tasks": _tasks,
        "models": _models,
    }
    results: dict[str, dict[str, Any]] = {}
    for name, check in checks.items():
        try:
            results[name] = check()
        except DatabaseError as exc:
            # Each check reports its own failure: "the database" alone would not say that only the
            # queue's table is missing.
            results[name] = {"ok": False, "error": _("数据库出错：%(error)s") % {"error": _first_line(exc)}}
    failed = [name for name, result in results.items() if not result["ok"]]
    body = {"status": "unavailable" if failed else "ok", "failed": failed, "checks": results}
    return JsonResponse(body, status=503 if failed else 200, json_dumps_params={"ensure_ascii": False})


def _database() -> dict[str, Any]:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "vendor": connections[DEFAULT_DB_ALIAS].vendor}


def _migrations() -> dict[str, Any]:
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    pending = [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]
    if not pending:
        return {"ok": True, "pending": []}
    return {
        "ok": False,
        "pending": pending,
        "error": _("有 %(count)s 个迁移未执行（hotline migrate）") % {"count": len(pending)},
    }


def _tasks() -> dict[str, Any]:
    return {"ok": True, "ready": DBTaskResult.objects.ready().count()}


def _models() -> dict[str, Any]:
    found = active_models_health()
    broken = [model for model in found if model.state == "broken"]
    result: dict[str, Any] = {
        "ok": not broken,
        "models": [{"target": m.target, "name": m.name, "state": m.state} for m in found],
    }
    if broken:
        result["error"] = "; ".join(
            _("模型 %(name)s 无法加载：%(problem)s") % {"name": m.name, "problem": m.problem} for m in broken
        )
    return result


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


# --- /metrics -------------------------------------------------------------------------------------


@never_cache
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not may_scrape(request):
        return HttpResponse(_("仅限监控网络访问"), status=403, content_type="text/plain; charset=utf-8")
    return HttpResponse(metrics.exposition([DatabaseFigures()]), content_type=metrics.CONTENT_TYPE)


def may_scrape(request: HttpRequest) -> bool:
    """From an allowed network (the connection's own address: a forwarded header could be forged),
    or with the configured bearer token.

    A request a proxy relayed (it names the client in X-Forwarded-For, Forwarded or X-Real-IP) is
    not judged by the address: a proxy on the same machine connects from 127.0.0.1, which would
    open /metrics to everyone the proxy serves. Prometheus scrapes the web processes directly."""
    token = getattr(settings, "HOTLINE_METRICS_TOKEN", "")
    if token:
        given = request.headers.get("Authorization", "")
        if hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return True
    if any(name in request.headers for name in _RELAYED):
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address in network for network in allowed_networks(tuple(settings.HOTLINE_METRICS_ALLOW)))


@lru_cache(maxsize=8)
def allowed_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    networks = []
    for entry in entries:
        if not entry.strip():
            continue
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            # Left out rather than fatal: a typo must not open /metrics, nor take the site down.
            logger.warning("HOTLINE_METRICS_ALLOW: %r is not a network; ignored", entry)
    return tuple(networks)


class DatabaseFigures(Collector):
    """The figures read from the database when Prometheus scrapes: the same for every process, so
    computed here rather than kept per process."""

    def collect(self) -> Iterable[GaugeMetricFamily]:
        try:
            ready = DBTaskResult.objects.ready()
            depth = ready.count()
            oldest: datetime | None = ready.aggregate(oldest=Min("enqueued_at"))["oldest"]
            overdue = overdue_now(clock.now())
            waited = (timezone.now() - oldest).total_seconds() if oldest else 0.0  # the queue's own clock
        except DatabaseError:
            logger.exception("metrics: the database figures could not be read")
            return
        yield GaugeMetricFamily(
            "hotline_task_queue_ready", "Tasks waiting in the database queue for a worker.", value=depth
        )
        yield GaugeMetricFamily(
            "hotline_task_queue_oldest_ready_age_seconds",
            "How long the oldest waiting task has waited (0 when none waits).",
            value=max(waited, 0.0),
        )
        yield GaugeMetricFamily(
            "hotline_assignments_overdue",
            "Assignments still at work past their handling deadline (the supervision board's 超期).",
            value=overdue,
        )
