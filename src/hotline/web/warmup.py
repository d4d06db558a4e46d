"""Load what the first request would otherwise wait for, once per process, before serving.

`hotline serve` runs gunicorn with `--preload`: the master imports the application (`hotline.wsgi`,
which calls `warm_up()`) before it forks its workers, so the active models are read from disk once
and every worker starts with them in memory (shared copy-on-write) instead of the first appeal on
each worker taking the 8-10 s that loading them costs. The OpenAPI document is built then too
(`api.HotlineAPI` keeps it).

A warm-up that fails (no database yet, a model folder gone) is logged and the server starts anyway:
the same work is then done, and its errors reported, on first use, as before.

Last, everything loaded so far is moved out of the garbage collector's reach (`gc.freeze()`): the
collector's full passes walked the whole long-lived heap (Django, the models) every few dozen
requests and took 150-200 ms each time, the pages' p95 outliers in bench/pages.py; frozen, those
objects are never scanned again, and the forked workers do not write to their pages either (less
copy-on-write).
"""

import gc
import logging
import time

from django.db import connections

logger = logging.getLogger(__name__)


def warm_up() -> dict[str, float]:
    """Load the active models and build the OpenAPI document; returns the seconds each took.

    Closes the database connections it opened: gunicorn forks after this, and a connection shared
    by two processes would mix their conversations with the database."""
    from hotline.api import api
    from hotline.routing.models import ModelTarget
    from hotline.routing.selectors import active_model

    took: dict[str, float] = {}
    try:
        for target in ModelTarget.values:
            started = time.perf_counter()
            if active_model(target) is not None:
                took[f"model:{target}"] = round(time.perf_counter() - started, 3)
        started = time.perf_counter()
        api.get_openapi_schema(path_params={})
        took["openapi"] = round(time.perf_counter() - started, 3)
    except Exception:
        logger.exception("warm-up failed; what it loads will be loaded on first use")
    finally:
        connections.close_all()
    gc.collect()
    gc.freeze()
    logger.info("warmed up: %s", took)
    return took
