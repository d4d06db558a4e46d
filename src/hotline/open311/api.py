"""Open311 GeoReport v2 under /open311/v2/ (http://wiki.open311.org/GeoReport_v2), a view onto the
tickets: discovery (where the root, /open311/v2/, leads), services and their definitions, POST
requests through intake, tokens, GET requests with the specification's filters and the
extensions', GET requests/{id}; each as `.json` and `.xml`, and every error as the specification's
list of {code, description}.

The endpoints check and delegate: the services are the category tree (`services`), a posted request
enters through intake (`actions.do_submit_request`) and is routed by the worker like every appeal,
the requests are tickets (`selectors`) shown without the citizens' data (`presenter`).
"""

from typing import Any

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.urls import register_converter, reverse
from django.utils.translation import gettext as _
from ninja import Query
from ninja.errors import HttpError, ValidationError

from hotline.api import HotlineAPI, JSONRenderer
from hotline.core.errors import Forbidden, HotlineError, NotFound, TooManyRequests
from hotline.open311 import clients, media, posted, presenter, selectors, services
from hotline.open311.actions import do_submit_request
from hotline.open311.formats import (
    MIME_TYPES,
    SPECIFICATION,
    Open311Error,
    error_response,
    render,
    w3,
)
from hotline.open311.models import Submission
from hotline.open311.schemas import RequestFilters
from hotline.tickets.models import Ticket
from hotline.web import wording


class FormatConverter:
    """The `.json` or `.xml` that ends every resource's URL; any other ending names nothing (404)."""

    regex = "json|xml"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "fmt")

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

api = HotlineAPI(
    title="Hotline Open311 GeoReport v2",
    version="2",
    description="Open311 GeoReport v2: services (the category tree), service requests (the tickets).",
    urls_namespace="open311",
    auth=None,
    docs_url="/docs",
    renderer=JSONRenderer(),
)


def _conf() -> dict[str, Any]:
    return dict(settings.HOTLINE["OPEN311"])


def _params(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else request.GET


def _jurisdiction(request: HttpRequest) -> None:
    """One jurisdiction is served: jurisdiction_id may be left out; when given (and one is set in
    settings), it must be this one."""
    given = str(_params(request).get("jurisdiction_id") or "").strip()
    expected = _conf()["JURISDICTION_ID"]
    if given and expected and given != expected:
        raise Open311Error(
            404,
            _("jurisdiction_id %(given)r 不存在（本接口：%(ours)s）") % {"given": given, "ours": expected},
        )


def _extensions(request: HttpRequest) -> bool:
    value = str(request.GET.get("extensions") or "").strip().lower()
    if value in ("", "false", "0"):
        return False
    if value in ("true", "1"):
        return True
    raise Open311Error(400, _("extensions: 应为 true 或 false"))


def _read(request: HttpRequest) -> None:
    """What every read does first: the client (an api_key is optional, but not a wrong one), its
    rate, the jurisdiction."""
    clients.admit(request, clients.client(request, required=False))
    _jurisdiction(request)


# --- discovery and services --------------------------------------------------------------------------


@api.get("/", url_name="root", summary="The API's root: a redirect to its service discovery")
def root(request: HttpRequest) -> HttpResponse:
    """Where a client (or a person) starts: the specification names no resource here, and its entry
    point is the service discovery document (the endpoint, its formats, its changeset), so the root
    leads there; by a redirect, so that the document has one address. JSON, as an error without a
    format is; the query is kept, an api_key or a jurisdiction_id being discovery's to check."""
    target = reverse("open311:discovery", kwargs={"format": "json"})
    query = request.META.get("QUERY_STRING", "")
    return HttpResponseRedirect(f"{target}?{query}" if query else target)


@api.get("/discovery.{fmt:format}", url_name="discovery", summary="Service discovery")
def discovery(request: HttpRequest, format: str) -> HttpResponse:
    _read(request)
    conf = _conf()
    changeset = w3(services.changeset())
    endpoint = {
        "specification": SPECIFICATION,
        "url": request.build_absolute_uri(request.path.rsplit("/", 1)[0]),
        "changeset": changeset,
        "type": conf["ENDPOINT_TYPE"],
        "formats": list(MIME_TYPES),
    }
    document = {
        "changeset": changeset,
        "contact": conf["CONTACT"]
        or _("%(city)s 12345 政务服务便民热线") % {"city": settings.HOTLINE["CITY_NAME"]},
        "key_service": conf["KEY_SERVICE"]
        or _("接入系统的 api_key 由热线管理员签发：hotline open311 key create 系统名称"),
        "endpoints": [endpoint],
    }
    return render(format, "discovery", document)


@api.get("/services.{fmt:format}", url_name="services", summary="GET Service List")
def service_list(request: HttpRequest, format: str) -> HttpResponse:
    _read(request)
    return render(format, "services", [services.service_fields(c) for c in services.listed()])


@api.get(
    "/services/{service_code}.{fmt:format}", url_name="service_definition", summary="GET Service Definition"
)
def service_definition(request: HttpRequest, service_code: str, format: str) -> HttpResponse:
    _read(request)
    return render(format, "service_definition", services.definition(services.find(service_code)))


# --- requests ----------------------------------------------------------------------------------------


@api.post("/requests.{fmt:format}", url_name="requests", summary="POST Service Request")
def post_request(request: HttpRequest, format: str) -> HttpResponse:
    """Form-encoded (multipart/form-data with photos as `media`), with the client system's api_key.
    Answers with the service_request_id (the ticket's number), or a token when the services are
    of type batch."""
    if int(request.META.get("CONTENT_LENGTH") or 0) > posted.max_body_bytes():
        # Refused before the body is read.
        raise Open311Error(413, _("请求体过大（最多 %(mb)s MB）") % {"mb": posted.max_body_bytes() // 2**20})
    if not (request.content_type or "").startswith(FORM_TYPES):
        raise Open311Error(
            400, _("Content-Type 应为 application/x-www-form-urlencoded 或 multipart/form-data")
        )
    key = clients.client(request, required=True)
    assert key is not None
    clients.admit(request, key)
    _jurisdiction(request)
    code = str(request.POST.get("service_code") or "").strip()
    category = services.find(code) if code else None
    submission = do_submit_request(posted.read(request.POST, request.FILES, category), key)
    number = submission.appeal.ticket.number
    if services.service_type() == "batch":
        answer: dict[str, Any] = {"token": submission.token}
        notice = _("已受理：可凭令牌查询工单编号和办理进度。")
    else:
        answer = {"service_request_id": number}
        notice = _("已受理，工单编号 %(number)s：可凭编号查询办理进度。") % {"number": number}
    answer.update(service_notice=notice, account_id=str(request.POST.get("account_id") or "").strip() or None)
    return render(format, "service_requests", [answer])


@api.get("/requests.{fmt:format}", url_name="requests", summary="GET Service Requests")
def get_requests(request: HttpRequest, format: str, filters: Query[RequestFilters]) -> HttpResponse:
    """Newest first. Without filters: the last 90 days; at most 1,000 requests (page, page_size)."""
    _read(request)
    query = selectors.RequestQuery(
        numbers=filters.numbers(),
        service_codes=filters.service_codes(),
        start_date=filters.start_date,
        end_date=filters.end_date,
        statuses=filters.statuses(),
        updated_after=filters.updated_after,
        updated_before=filters.updated_before,
        page=filters.page or 1,
        page_size=filters.page_size or selectors.LIMIT,
    )
    extensions = bool(filters.extensions)
    tickets = selectors.with_request_relations(selectors.matching(query))
    if extensions:
        tickets = presenter.with_history(tickets)
    page = selectors.page_of(tickets, query)
    return render(
        format, "service_requests", presenter.service_requests(request, page, extensions=extensions)
    )


@api.get("/requests/{service_request_id}.{fmt:format}", url_name="request", summary="GET Service Request")
def get_request(request: HttpRequest, service_request_id: str, format: str) -> HttpResponse:
    _read(request)
    extensions = _extensions(request)
    tickets = selectors.with_request_relations(Ticket.objects.filter(number=service_request_id))
    ticket = tickets.first()
    if ticket is None:
        raise Open311Error(404, _("service_request_id %(id)r 不存在") % {"id": service_request_id})
    return render(
        format, "service_requests", [presenter.service_request(request, ticket, extensions=extensions)]
    )


@api.get("/tokens/{token}.{fmt:format}", url_name="token", summary="GET service_request_id from a token")
def get_token(request: HttpRequest, token: str, format: str) -> HttpResponse:
    _read(request)
    submission = Submission.objects.select_related("appeal__ticket").filter(token=token).first()
    if submission is None:
        raise Open311Error(404, _("token %(token)r 不存在") % {"token": token})
    return render(
        format, "service_requests", [{"service_request_id": submission.appeal.ticket.number, "token": token}]
    )


@api.get("/media/{token}", url_name="media", summary="A photo posted with a request (its media_url)")
def get_media(request: HttpRequest, token: str) -> HttpResponseBase:
    """The photo a `media_url` of `GET requests` names: only photos that a client system posted
    through Open311, at the signed address the requests give (open311.media). No api_key: the
    citizens' own apps and browsers fetch it, each counted by its address in the clients' rate."""
    clients.admit(request, None)
    attachment = media.attachment_of(token)
    if attachment is None or not attachment.file.storage.exists(attachment.file.name or ""):
        raise Open311Error(404, _("media 不存在"))
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
    response["Cache-Control"] = "public, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- errors --------------------------------------------------------------------------------------------


@api.exception_handler(Open311Error)
def _open311_error(request: HttpRequest, exc: Open311Error) -> HttpResponse:
    return error_response(request, exc.status, *exc.descriptions)


@api.exception_handler(HotlineError)
def _hotline_error(request: HttpRequest, exc: HotlineError) -> HttpResponse:
    # Intake's refusals are the client's bad request (400), as the specification names them.
    status = exc.status_code if isinstance(exc, NotFound | Forbidden | TooManyRequests) else 400
    response = error_response(request, status, exc.message)
    if isinstance(exc, TooManyRequests):
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    # Named by the parameter (the client's word), said as the pages say pydantic's errors (in
    # Chinese, not pydantic's English).
    problems = [f"{(error.get('loc') or ('',))[-1]}: {wording.problem(error)}" for error in exc.errors]
    return error_response(request, 400, *(problems or [_("请求无效")]))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(request, exc.status_code, str(exc.message))
