"""gunicorn's sync worker, with the refusals gunicorn writes itself in the API's shape.

gunicorn answers some requests before Django sees them: a request line over --limit-request-line
(414), too many or too long headers (431), a malformed request line or header (400). It writes a
small HTML page. Under /api/ and /open311/ every error is JSON (core/http.py), so this worker
answers these as Django's middleware would: `{"detail": ..., "request_id": ...}` with the same
words (`core.http.status_detail`) and an X-Request-ID header. It does so whatever the path: gunicorn
has mostly not read it when it refuses (a request line too long or unreadable, a bad header stops
the parsing before the request exists), and such requests come from programs, not from a page
a person followed (a browser whose cookies grew too large reads `{"detail": "请求头过大"}`).

gunicorn's own handle_error still decides the status, logs the refusal and writes the access line;
only what it sends is replaced: it writes into `_Captured`, which keeps the status line.
`hotline serve` runs gunicorn with `--worker-class hotline.web.gunicorn_worker.SyncWorker`.
"""

import json
import uuid
from typing import Any

from gunicorn import util
from gunicorn.workers.sync import SyncWorker as GunicornSyncWorker


class _Captured:
    """Stands for the client's socket while gunicorn writes its error page: keeps the bytes."""

    def __init__(self) -> None:
        self.data = b""

    def gettimeout(self) -> float:
        return 0.0  # util.write_nonblock then writes at once, without touching the blocking mode

    def sendall(self, data: bytes) -> None:
        self.data += data

    def status(self) -> tuple[int, str]:
        """The status and reason of the line gunicorn wrote ("HTTP/1.1 414 URI Too Long")."""
        line = self.data.split(b"\r\n", 1)[0].decode("latin-1")
        _version, code, reason = [*line.split(" ", 2), "", ""][:3]
        return (int(code), reason) if code.isdigit() else (500, "Internal Server Error")


def _request_id(req: Any) -> str | None:
    """The caller's X-Request-ID when gunicorn had read the request (an error of the application
    while it answered), as Django's middleware takes it."""
    from hotline.core.http import HEADER, incoming_id

    for name, value in getattr(req, "headers", None) or ():
        if name.upper() == HEADER.upper():
            return incoming_id(value)
    return None


def json_error_bytes(status: int, reason: str, request_id: str) -> bytes:
    """The whole HTTP response for an error refused before the application: the API's JSON."""
    from hotline.core import logs
    from hotline.core.http import HEADER, status_detail

    token = logs.request_id.set(request_id)  # the 500's detail names it, as Django's does
    try:
        detail = status_detail(status, reason)
    finally:
        logs.request_id.reset(token)
    body = json.dumps({"detail": detail, "request_id": request_id}, ensure_ascii=False).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        "Connection: close\r\n"
        "Content-Type: application/json; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n"
        f"{HEADER}: {request_id}\r\n"
        "\r\n"
    )
    return head.encode("latin-1") + body


class SyncWorker(GunicornSyncWorker):
    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        captured = _Captured()
        super().handle_error(req, captured, addr, exc)
        status, reason = captured.status()
        try:
            rid = _request_id(req) or uuid.uuid4().hex
            util.write_nonblock(client, json_error_bytes(status, reason, rid))
        except Exception:
            self.log.debug("Failed to send error message.")
