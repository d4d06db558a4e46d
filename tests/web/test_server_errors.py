"""The errors gunicorn answers itself, before Django sees the request (a request line or headers
too long, a malformed request line), in the API's shape: JSON `{"detail": ...}` with a request id,
against a real `hotline serve`."""

import http.client
import json
import signal
import socket
import subprocess
from dataclasses import dataclass

import pytest
from django.conf import settings as django_settings

from hotline.core.http import MAX_URL_LENGTH
from tests.server import fetch_ok, start_serve, wait_until

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="the server runs an instance of its own on SQLite whatever the suite's database",
    ),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One `hotline serve` (no demo, no task worker, one gunicorn worker) for the module."""
    tmp_path = tmp_path_factory.mktemp("serve")
    process, log_path, base = start_serve(tmp_path, "--no-demo", "--no-worker", "--workers", "1")
    try:
        ready = wait_until(lambda: fetch_ok(f"{base}/healthz"), 90, process)
        assert ready, log_path.read_text(errors="replace")
        yield base.rsplit(":", 1)[1], log_path
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self) -> dict:
        assert self.headers.get("Content-Type", "").startswith("application/json"), self.headers.items()
        body = json.loads(self.body)
        assert body["request_id"] == self.headers["X-Request-ID"] and len(body["request_id"]) >= 16
        return body


def raw(port: str, request: bytes) -> Answer:
    """Send `request` as it is (http.client would refuse to write some of them) and read the answer."""
    with socket.create_connection(("127.0.0.1", int(port)), timeout=10) as sock:
        sock.sendall(request)
        response = http.client.HTTPResponse(sock)
        response.begin()
        try:
            return Answer(response.status, response.headers, response.read())
        finally:
            response.close()


def test_a_request_line_over_gunicorns_limit_is_414_in_json(server):
    port, _log = server
    path = "/api/v1/tickets?q=" + "x" * 10_000
    response = raw(port, f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    assert response.status == 414
    body = response.json()
    assert body["detail"] == f"请求地址过长（最多 {MAX_URL_LENGTH} 个字符）"


def test_headers_too_many_or_too_long_are_refused_in_json(server):
    port, _log = server
    many = "".join(f"X-H{i}: {i}\r\n" for i in range(150))
    response = raw(port, f"GET /api/v1/tickets HTTP/1.1\r\nHost: 127.0.0.1\r\n{many}\r\n".encode())
    assert response.status == 431
    assert response.json()["detail"] == "请求头过大"

    long = "X-Long: " + "y" * 10_000
    response = raw(
        port, f"GET /open311/v2/services.json HTTP/1.1\r\nHost: 127.0.0.1\r\n{long}\r\n\r\n".encode()
    )
    assert response.status == 431
    assert response.json()["detail"] == "请求头过大"


def test_a_malformed_request_is_400_in_json(server):
    port, log = server
    response = raw(port, b"GET /api/v1/tickets HTTP/1.1 extra\r\nHost: 127.0.0.1\r\n\r\n")
    assert response.status == 400
    assert response.json()["detail"] == "请求无效"

    response = raw(port, b"GET /api/v1/tickets HTTP/1.1\r\nBad Header: 1\r\n\r\n")
    assert response.status == 400
    assert response.json()["detail"] == "请求无效"
    assert "Invalid request from ip=127.0.0.1" in log.read_text(errors="replace")  # gunicorn still logs it


def test_the_application_still_answers_below_the_limits(server):
    """A URL over the API's own limit but under gunicorn's reaches Django, which says the same."""
    port, _log = server
    path = "/api/v1/tickets?q=" + "x" * MAX_URL_LENGTH
    response = raw(port, f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    assert response.status == 414
    assert response.json()["detail"] == f"请求地址过长（最多 {MAX_URL_LENGTH} 个字符）"
