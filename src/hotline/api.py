"""The JSON API under /api/v1/: routers of the apps, authentication and the mapping of errors."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import NinjaAPI, renderers
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema

from hotline.accounts.auth import API_AUTH
from hotline.analytics.api import router as analytics_router
from hotline.core.errors import HotlineError, TooManyRequests
from hotline.dedup.api import router as dedup_router
from hotline.directory.api import router as departments_router
from hotline.feedback.api import router as replies_router
from hotline.intake.api import channels_router
from hotline.intake.api import router as appeals_router
from hotline.knowledge.api import router as knowledge_router
from hotline.notifications.api import router as notifications_router
from hotline.routing.api import router as routing_router
from hotline.supervision.api import router as supervision_router
from hotline.taxonomy.api import router as categories_router
from hotline.tickets.api import router as tickets_router
from hotline.web import wording


class JSONRenderer(renderers.JSONRenderer):
    # Chinese text as it is rather than as \uXXXX escapes: readable in logs, and half the bytes.
    json_dumps_params = {"ensure_ascii": False}


class HotlineAPI(NinjaAPI):
    """NinjaAPI with its OpenAPI document built once per process and language.

    ninja builds the document from every operation's schemas on each request of openapi.json,
    about a second here; the operations cannot change once the URLs are loaded, so the first
    build serves the process's life. Per language, as descriptions may be translated."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.openapi_cache: dict[tuple[Any, ...], OpenAPISchema] = {}

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        key = (path_prefix, tuple(sorted((path_params or {}).items())), translation.get_language())
        schema = self.openapi_cache.get(key)
        if schema is None:
            schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
            self.openapi_cache[key] = schema
        return schema


api = HotlineAPI(
    title="Hotline API",
    version="1",
    description=(
        "Citizen-request hotline: intake, tickets and their actions, departments, categories, routing."
    ),
    urls_namespace="api",
    auth=API_AUTH,
    # With "ninja" in INSTALLED_APPS the docs page takes Swagger UI from ninja's own static files
    # (otherwise it would load them from a CDN, which nothing here may do).
    docs_url="/docs",
    renderer=JSONRenderer(),
)

api.add_router("/appeals", appeals_router)
api.add_router("/channels", channels_router)
api.add_router("/tickets", tickets_router)
api.add_router("/departments", departments_router)
api.add_router("/categories", categories_router)
api.add_router("/notifications", notifications_router)
api.add_router("/routing", routing_router)
api.add_router("/dedup", dedup_router)
api.add_router("/replies", replies_router)
api.add_router("/knowledge", knowledge_router)
api.add_router("", analytics_router)  # /rankings
api.add_router("", supervision_router)  # /tickets/{id}/supervisions and /supervisions


@api.exception_handler(HotlineError)
def _hotline_error(request: HttpRequest, exc: HotlineError) -> HttpResponse:
    response = api.create_response(request, {"detail": exc.message}, status=exc.status_code)
    if isinstance(exc, TooManyRequests):
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    # ninja raises it with "Unauthorized" when no credentials at all came; TokenAuth says more.
    message = (
        exc.message
        if exc.message != "Unauthorized"
        else _("未认证：请使用 Authorization: Bearer <令牌> 或先登录")
    )
    response = api.create_response(request, {"detail": message}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="hotline"'
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message}, status=exc.status_code)


# Endpoints name their body schema `payload` and their query schema `filters`; clients never see these.
_CONTAINERS = frozenset({"payload", "filters"})


def _where(loc: tuple[str | int, ...]) -> str:
    """("body", "payload", "title") -> "title"; ("query", "filters", "status", 0) -> "status.0"."""
    source, *rest = loc or ("",)
    if rest and rest[0] in _CONTAINERS:
        rest = rest[1:]
    return ".".join(str(part) for part in rest) or str(source)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {
            "field": _where(tuple(e.get("loc", ()))),
            "message": wording.problem(e),
            "type": e.get("type", ""),
        }
        for e in exc.errors
    ]
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors) or _("请求无效")
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)
