"""Request metrics for Prometheus: how many requests (by method and status class) and how long they took.

`MetricsMiddleware` (near the top of settings.MIDDLEWARE) counts every response; the web's
`/metrics` view (web/health.py) adds the figures read from the database at scrape time and renders
them with `exposition()`.

gunicorn serves with several worker processes, and a counter kept in one process's memory would
report whichever worker the scrape reached. prometheus_client's multiprocess mode keeps each
process's values in a memory-mapped file of a shared folder and sums the files at scrape time:
correct across processes, no database write per request, no server to run. It is on when
`PROMETHEUS_MULTIPROC_DIR` names a folder before prometheus_client is first imported, which
`hotline serve` arranges (an emptied folder under HOTLINE_HOME); a single process without it
(runserver, the tests) keeps its values in memory.
"""

import os
import time
from collections.abc import Callable, Iterable

from django.http import HttpRequest, HttpResponse
from prometheus_client import CollectorRegistry, Counter, Histogram, disable_created_metrics, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

# The `_created` series (when each counter started) exist only in a single process's memory; without
# them the exposition is the same in both modes.
disable_created_metrics()

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

# Methods outside this set (anything a client may invent) are counted as "other", so that a scan
# cannot grow the number of series without bound.
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

# Our own registry rather than the global one: the global registry also holds the process's own
# collectors (CPU, memory of this process), which mean nothing summed over gunicorn's workers.
REGISTRY = CollectorRegistry(auto_describe=True)

REQUESTS = Counter(
    "hotline_http_requests",
    "HTTP requests answered, by method and status class (2xx, 3xx, 4xx, 5xx).",
    ["method", "status"],
    registry=REGISTRY,
)
# From a fast cached page (a few ms) to a slow export or a cold model load (seconds).
LATENCY = Histogram(
    "hotline_http_request_duration_seconds",
    "Time from the request reaching Django to its response leaving it.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)


def method_label(method: str | None) -> str:
    method = (method or "").upper()
    return method if method in _METHODS else "other"


def status_class(status: int) -> str:
    return f"{status // 100}xx" if 100 <= status < 600 else "other"


class MetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        LATENCY.observe(time.perf_counter() - started)
        REQUESTS.labels(method_label(request.method), status_class(response.status_code)).inc()
        return response


def multiprocess() -> bool:
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


def exposition(extra: Iterable[Collector] = ()) -> bytes:
    """The text exposition of the request metrics (summed over the processes in multiprocess mode)
    and of `extra` collectors, which compute their values when collected."""
    registry = CollectorRegistry(auto_describe=True)
    if multiprocess():
        MultiProcessCollector(registry)
    else:
        registry.register(_Forward(REGISTRY))
    for collector in extra:
        registry.register(collector)
    return generate_latest(registry)


class _Forward(Collector):
    """Hands on another registry's metrics, so that a scrape's registry can hold them with its extras."""

    def __init__(self, source: CollectorRegistry) -> None:
        self.source = source

    def collect(self) -> Iterable:
        return self.source.collect()
