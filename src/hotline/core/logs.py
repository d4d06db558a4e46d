"""Structured logs: one JSON object per line on stderr, each with the request id of the request it
belongs to (settings.LOGGING wires them).

The standard library's logging, no extra package: a formatter and a filter are all it takes, and
every library's records (Django's own "Internal Server Error" with its traceback among them) come
out in the same shape. The request id lives in a context variable, set by
`core.http.RequestIdMiddleware` for the length of a request, so that it is private to the thread
(or asyncio task) serving that request.
"""

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest

request_id: ContextVar[str] = ContextVar("hotline_request_id", default="-")

# The attributes every LogRecord has; anything else was passed with `extra=` and is logged too.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class RequestIdFilter(logging.Filter):
    """Gives every record the id of the request being served ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            # Django logs a request's 4xx and 5xx after the middleware has returned (and reset the
            # context variable), passing the request along: its id is there too.
            request = getattr(record, "request", None)
            record.request_id = getattr(request, "request_id", None) or request_id.get()
        return True


def _request(request: HttpRequest) -> str:
    """A request as Django's repr writes it, without the query string: a query holds what people
    typed, a caller's number (/console/caller/?citizen_phone=) or a name (?q=), and a log keeps no
    citizen's (Django passes the request with every 4xx and 5xx it logs)."""
    return f"<{type(request).__name__}: {request.method} {request.path!r}>"


class JSONFormatter(logging.Formatter):
    """One line of JSON: time (UTC), level, logger, message, request_id, the `extra` fields, and
    the traceback as `exc_info` when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id.get()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry and not key.startswith("_"):
                if isinstance(value, HttpRequest):
                    value = _request(value)
                entry[key] = value if isinstance(value, str | int | float | bool | None) else repr(value)
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False)
