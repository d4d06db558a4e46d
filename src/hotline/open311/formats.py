"""GeoReport v2's two formats and its errors.

Every resource is served as `.json` and `.xml`. The JSON is the specification's mapping of the XML
(the Spark convention): an XML element that holds a list (`<services>`) is a JSON array whose items
are its repeated children (`<service>`), an element that holds fields is a JSON object, and an empty
element is null. So one document, built once as Python data, is written either way; `ITEMS` names
the children of each list.

Errors are a list of `{code, description}` (`<errors><error>`), with the HTTP status 400 for a
request that cannot be fulfilled, 403 for a missing or wrong api_key and 404 for what does not exist,
and also for what the router answers before any endpoint (404, 405, 413, 414, 500).
"""

import json
import re
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

from django.http import HttpRequest, HttpResponse

from hotline.core import clock

PREFIX = "/open311/"
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
FORMATS = ("json", "xml")
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
MIME_TYPES = ("text/xml", "application/json")  # as discovery lists them

# The list elements of the specification (and of the extensions) with the name of their items.
ITEMS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
    # Extensions (GeoReport v2 Extensions: update history, several media).
    "notes": "note",
    "media_urls": "media_url",
}

# XML 1.0 cannot carry these control characters at all, not even escaped; a citizen's text might.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def w3(moment: datetime | None) -> str | None:
    """A moment as the specification writes it (the W3C profile of ISO 8601), in the city's zone
    with its offset: 2026-03-02T09:30:00+08:00."""
    return None if moment is None else clock.localtime(moment).isoformat(timespec="seconds")


def format_of(request: HttpRequest) -> str:
    """The format a request asked for: its URL's `.json` or `.xml`; JSON when it named neither."""
    match = getattr(request, "resolver_match", None)
    fmt = match.kwargs.get("format") if match is not None else None
    if fmt in FORMATS:
        return str(fmt)
    return "xml" if request.path.endswith(".xml") else "json"


def to_xml(root: str, data: Any) -> bytes:
    parts = ['<?xml version="1.0" encoding="utf-8"?>']
    _element(parts, root, data)
    return "".join(parts).encode()


def _element(parts: list[str], name: str, value: Any) -> None:
    if value is None or value == "" or value == [] or value == {}:
        parts.append(f"<{name}/>")
    elif isinstance(value, dict):
        parts.append(f"<{name}>")
        for key, item in value.items():
            _element(parts, key, item)
        parts.append(f"</{name}>")
    elif isinstance(value, list):
        parts.append(f"<{name}>")
        for item in value:
            _element(parts, ITEMS[name], item)
        parts.append(f"</{name}>")
    elif isinstance(value, bool):
        parts.append(f"<{name}>{'true' if value else 'false'}</{name}>")
    else:
        parts.append(f"<{name}>{escape(_NOT_XML.sub('', str(value)))}</{name}>")


def render(fmt: str, root: str, data: Any, *, status: int = 200) -> HttpResponse:
    """`data` as the response in `fmt`; `root` is the XML document's element."""
    content = to_xml(root, data) if fmt == "xml" else json.dumps(data, ensure_ascii=False).encode()
    return HttpResponse(content, status=status, content_type=CONTENT_TYPES[fmt])


def errors(status: int, *descriptions: str) -> list[dict[str, Any]]:
    return [{"code": status, "description": d} for d in descriptions]


def error_response(request: HttpRequest, status: int, *descriptions: str) -> HttpResponse:
    return render(format_of(request), "errors", errors(status, *descriptions), status=status)


class Open311Error(Exception):
    """A request the API refuses: the HTTP status and one description per problem found."""

    def __init__(self, status: int, *descriptions: str) -> None:
        super().__init__("; ".join(descriptions))
        self.status = status
        self.descriptions = list(descriptions)
