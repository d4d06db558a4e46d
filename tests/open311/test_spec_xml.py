"""The XML of every resource has the element names of the GeoReport v2 specification
(http://wiki.open311.org/GeoReport_v2 and its Service Discovery page), in its order, and the JSON
is the same document (the Spark convention): the same names, arrays where the XML repeats."""

import json
import xml.etree.ElementTree as ET

import pytest

from tests.open311.conftest import form

pytestmark = pytest.mark.django_db

# From the specification's response tables and example responses.
SERVICE = [
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
]
ATTRIBUTE = [
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
]
REQUEST = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
POSTED = ["service_request_id", "service_notice", "account_id"]
DISCOVERY = ["changeset", "contact", "key_service", "endpoints"]
ENDPOINT = ["specification", "url", "changeset", "type", "formats"]


def xml(client, path: str, status: int = 200) -> ET.Element:
    response = client.get(path)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)


def names(element: ET.Element) -> list[str]:
    return [child.tag for child in element]


def test_discovery(client) -> None:
    root = xml(client, "/open311/v2/discovery.xml")
    assert root.tag == "discovery" and names(root) == DISCOVERY
    [endpoint] = root.find("endpoints")
    assert endpoint.tag == "endpoint" and names(endpoint) == ENDPOINT
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint.findtext("url") == "http://testserver/open311/v2"
    assert [f.text for f in endpoint.find("formats")] == ["text/xml", "application/json"]
    assert {f.tag for f in endpoint.find("formats")} == {"format"}
    document = client.get("/open311/v2/discovery.json").json()
    assert list(document) == DISCOVERY and list(document["endpoints"][0]) == ENDPOINT


def test_service_list_and_definition(client, services) -> None:
    root = xml(client, "/open311/v2/services.xml")
    assert root.tag == "services" and {c.tag for c in root} == {"service"}
    assert [s.findtext("service_code") for s in root] == ["010101", "010102", "0201"]  # the active leaves
    assert all(names(s) == SERVICE for s in root)
    lights = root[0]
    assert lights.findtext("service_name") == "路灯"
    assert lights.findtext("group") == "城乡建设"
    assert lights.findtext("keywords") == "城乡建设, 市政设施, 路灯"
    assert lights.findtext("metadata") == "true" and lights.findtext("type") == "realtime"
    assert [list(s) for s in client.get("/open311/v2/services.json").json()] == [SERVICE] * 3

    definition = xml(client, "/open311/v2/services/010101.xml")
    assert definition.tag == "service_definition" and names(definition) == ["service_code", "attributes"]
    attributes = definition.find("attributes")
    assert {a.tag for a in attributes} == {"attribute"}
    assert all(names(a) == ATTRIBUTE for a in attributes)
    kind = attributes[0]
    assert kind.findtext("code") == "kind" and kind.findtext("datatype") == "singlevaluelist"
    # Optional: a client that knows nothing of this city posts the specification's fields alone,
    # and the definition tells it what an unanswered kind becomes.
    assert kind.findtext("required") == "false" and kind.findtext("order") == "1"
    assert "不填则按投诉受理" in (kind.findtext("description") or "")
    values = kind.find("values")
    assert {v.tag for v in values} == {"value"} and all(names(v) == ["key", "name"] for v in values)
    assert ("complaint", "投诉") in [(v.findtext("key"), v.findtext("name")) for v in values]
    assert [a.findtext("variable") for a in attributes] == ["true", "true", "false"]
    assert list(client.get("/open311/v2/services/010101.json").json()["attributes"][0]) == ATTRIBUTE


def test_post_tokens_requests_and_errors(client, services, api_key, settings) -> None:
    response = client.post("/open311/v2/requests.xml", form(api_key, account_id="u-1"))
    assert response.status_code == 200, response.content
    posted = ET.fromstring(response.content)
    assert posted.tag == "service_requests" and names(posted) == ["request"]
    assert names(posted[0]) == POSTED and posted[0].findtext("account_id") == "u-1"
    number = posted[0].findtext("service_request_id")

    settings.HOTLINE = {**settings.HOTLINE, "OPEN311": {**settings.HOTLINE["OPEN311"], "TYPE": "batch"}}
    batch = ET.fromstring(client.post("/open311/v2/requests.xml", form(api_key)).content)
    assert names(batch[0]) == ["token", "service_notice", "account_id"]
    token = batch[0].findtext("token")
    resolved = xml(client, f"/open311/v2/tokens/{token}.xml")
    assert resolved.tag == "service_requests" and names(resolved[0]) == ["service_request_id", "token"]

    listed = xml(client, "/open311/v2/requests.xml")
    assert listed.tag == "service_requests" and {r.tag for r in listed} == {"request"}
    assert all(names(r) == REQUEST for r in listed)
    one = xml(client, f"/open311/v2/requests/{number}.xml")
    assert names(one) == ["request"] and names(one[0]) == REQUEST
    assert list(client.get(f"/open311/v2/requests/{number}.json").json()[0]) == REQUEST

    extended = xml(client, f"/open311/v2/requests/{number}.xml?extensions=true")
    assert names(extended[0]) == [*REQUEST, "extended_attributes", "notes"]
    assert {n.tag for n in extended[0].find("notes")} == {"note"}
    assert names(extended[0].find("notes")[0]) == ["datetime", "type", "description"]

    errors = xml(client, "/open311/v2/requests/19990101-000001.xml", status=404)
    assert errors.tag == "errors" and names(errors) == ["error"]
    assert names(errors[0]) == ["code", "description"] and errors[0].findtext("code") == "404"
    assert json.loads(client.get("/open311/v2/requests/19990101-000001.json").content)[0]["code"] == 404
