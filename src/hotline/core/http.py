"""What every response shares: a request id, and JSON errors under the API's prefixes.

`RequestIdMiddleware` comes first in settings.MIDDLEWARE. It takes the caller's `X-Request-ID`
when it is a sane token (a proxy or a client that already named the request), otherwise makes one,
keeps it in `core.logs.request_id` for every log line of the request, and sends it back in the
`X-Request-ID` header of every response.

Under `/api/` and `/open311/` every error is JSON, `{"detail": ...}`, as the endpoints' own
errors are: a body too large (413), a URL too long (414), a URL that names nothing (404), a method
the URL does not take (405), and an unhandled exception (500, with the request id, so that a caller
can quote it). A prefix whose protocol has an error format of its own registers it
(`register_error_shape`): Open311's list of `{code, description}` in JSON or XML. The pages keep
Django's HTML error pages. An unhandled exception is still handled by Django, which logs it with its
traceback (logger `django.request`) before this middleware turns the answer into JSON.
"""

import functools
import ipaddress
import json
import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from hotline.core import logs

HEADER = "X-Request-ID"
API_PREFIXES = ("/api/", "/open311/")
# Letters, digits and a few separators, as request ids from proxies and tracers look; anything
# else (spaces, newlines, quotes, very long) could forge log lines or headers and is replaced.
_SANE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@/+=-]{0,127}")


# The longest URL (path and query) the API takes; a longer one is refused with 414 before any view
# reads it. gunicorn refuses request lines over its --limit-request-line (serve.py sets 8190) itself,
# in the same JSON (web/gunicorn_worker.py).
MAX_URL_LENGTH = 8000

# Error formats of their own, by path prefix (the longest prefix that matches wins).
ErrorShape = Callable[[HttpRequest, int, str], HttpResponse]
_ERROR_SHAPES: dict[str, ErrorShape] = {}


def register_error_shape(prefix: str, shape: ErrorShape) -> None:
    """Answer the errors under `prefix` with `shape(request, status, detail)` instead of
    `{"detail": ...}` (an app's AppConfig.ready registers its protocol's format)."""
    _ERROR_SHAPES[prefix] = shape


def incoming_id(value: str | None) -> str | None:
    return value if value and _SANE.fullmatch(value) else None


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIXES)


def _detail(status: int, request: HttpRequest, response: HttpResponse) -> str:
    if status == 404:
        return _("接口不存在：%(method)s %(path)s") % {"method": request.method, "path": request.path}
    if status == 405:
        allowed = response.get("Allow", "")
        return _("该接口不支持 %(method)s 方法（可用：%(allowed)s）") % {
            "method": request.method,
            "allowed": allowed or "-",
        }
    return status_detail(status, response.reason_phrase)


def status_detail(status: int, reason: str) -> str:
    """The API's words for an error status that says all there is to say (also gunicorn's own
    refusals, web/gunicorn_worker.py); `reason` for the others."""
    if status == 413:
        return _("请求体过大")
    if status == 414:
        return _("请求地址过长（最多 %(n)s 个字符）") % {"n": MAX_URL_LENGTH}
    if status == 431:
        return _("请求头过大")
    if status >= 500:
        return _("服务器内部错误；请求编号 %(id)s") % {"id": logs.request_id.get()}
    if status == 400:
        return _("请求无效")
    return reason


def json_error(status: int, detail: str) -> HttpResponse:
    body = {"detail": detail, "request_id": logs.request_id.get()}
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type="application/json; charset=utf-8"
    )


def error_response(request: HttpRequest, status: int, detail: str) -> HttpResponse:
    """An API error in the format of the request's prefix: a registered one, else `json_error`."""
    for prefix in sorted(_ERROR_SHAPES, key=len, reverse=True):
        if request.path.startswith(prefix):
            return _ERROR_SHAPES[prefix](request, status, detail)
    return json_error(status, detail)


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = incoming_id(request.headers.get(HEADER)) or uuid.uuid4().hex
        request.request_id = rid  # type: ignore[attr-defined]  # for what is logged after this returns
        token = logs.request_id.set(rid)
        try:
            if is_api(request) and len(request.get_full_path()) > MAX_URL_LENGTH:
                response = error_response(request, 414, _detail(414, request, HttpResponse(status=414)))
            else:
                response = self.get_response(request)
            if is_api(request) and response.status_code >= 400 and not _is_shaped(response):
                # Django's and ninja's own answers (404 page, 405, 400, the 500 page) in the API's shape.
                status = response.status_code
                replaced = error_response(request, status, _detail(status, request, response))
                if "Allow" in response:
                    replaced["Allow"] = response["Allow"]
                # Django marks a response it logged (a 500 with its traceback); without the mark it
                # would log the replacement a second time, without the traceback.
                replaced._has_been_logged = getattr(response, "_has_been_logged", False)  # type: ignore[attr-defined]
                response = replaced
            response[HEADER] = rid
            return response
        finally:
            logs.request_id.reset(token)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        # Django answers a body over DATA_UPLOAD_MAX_MEMORY_SIZE with 400; the API says what it is.
        if is_api(request) and isinstance(exception, RequestDataTooBig):
            return error_response(request, 413, _detail(413, request, HttpResponse(status=413)))
        return None


def _is_shaped(response: HttpResponse) -> bool:
    """An answer the API wrote itself: JSON, or XML (Open311's .xml resources)."""
    return response.get("Content-Type", "").startswith(("application/json", "text/xml", "application/xml"))


@functools.cache
def _trusted(networks: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    try:
        return tuple(ipaddress.ip_network(n, strict=False) for n in networks)
    except ValueError as error:
        raise ImproperlyConfigured(f"HOTLINE_TRUSTED_PROXIES: {error}") from None


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The address of the person behind a request: the connection's own address, unless that is a
    trusted reverse proxy (HOTLINE_TRUSTED_PROXIES), in which case the nearest address in
    X-Forwarded-For that is not itself a trusted proxy. Addresses a client wrote into the header
    before it reached the first trusted proxy are never believed: reading from the right stops at
    the first untrusted one. "unknown" when there is none."""
    remote = request.META.get("REMOTE_ADDR") or ""
    trusted = _trusted(tuple(settings.HOTLINE_TRUSTED_PROXIES))
    peer = _address(remote)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if peer is None or not trusted or not forwarded or not any(peer in n for n in trusted):
        return remote or "unknown"
    for hop in reversed(forwarded.split(",")):
        address = _address(hop)
        if address is None:
            break  # a malformed hop: believe no further
        if not any(address in n for n in trusted):
            return str(address)
        peer = address
    return str(peer)
