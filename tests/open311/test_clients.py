"""Real clients against a running Hotline (pytest-django's live server): the `georeport` package from
PyPI lists the services and reads the requests in JSON and in XML, and a plain HTTP client posts a
request exactly as the specification's example does (its body, with this city's codes)."""

import json
import urllib.error
import urllib.request

import pytest
from georeport import GeoReport

from hotline.open311 import keys
from hotline.tickets.models import Ticket
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _no_routing(settings):
    # Routing is the worker's (tests/open311/test_requests.py sees it handed over); here the server
    # thread would run it at once, with the models, for every request.
    settings.HOTLINE = {
        **settings.HOTLINE,
        "ROUTING": {**settings.HOTLINE["ROUTING"], "ROUTER": "hotline.tickets.router.NullRouter"},
    }


def http(url: str, body: str | None = None) -> tuple[int, bytes, str]:
    data = body.encode() if body is not None else None
    request = urllib.request.Request(url, data=data)
    if data is not None:
        request.add_header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read(), response.headers["Content-Type"]
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers["Content-Type"]


def test_a_plain_client_posts_as_the_specification_shows_and_georeport_reads_it_back(
    live_server, services
) -> None:
    _key, api_key = keys.issue("sfgov")
    root = f"{live_server.url}/open311/v2"
    # The specification's example request, word for word but for the key, the service code and
    # without San Francisco's attributes (WHISPAWN, WHISDORN): a client that knows nothing of this
    # city's attributes posts the standard fields alone, and every attribute here is optional.
    body = (
        f"api_key={api_key}&jurisdiction_id=city.gov&service_code=010101&lat=37.76524078&long=-122.4212043"
        "&address_string=1234+5th+street&email=smit333%40sfgov.edu&device_id=tt222111&account_id=123456"
        "&first_name=john&last_name=smith&phone=111111111&description=A+large+sinkhole+is+destroying+the+street"
        "&media_url=http%3A%2F%2Ffarm3.static.flickr.com%2F2002%2F2212426634_5ed477a060.jpg"
    )
    status, content, content_type = http(f"{root}/requests.json", body)
    assert status == 200, content
    assert content_type == "application/json; charset=utf-8"
    [created] = json.loads(content)
    number = created["service_request_id"]
    assert created["account_id"] == "123456"
    assert Ticket.objects.get(number=number).kind == "complaint"  # the definition's default

    # A client that read the service definition answers its attributes.
    status, content, content_type = http(
        f"{root}/requests.xml", body + "&attribute[kind]=help&attribute[title]=Sinkhole"
    )
    assert status == 200 and content_type == "text/xml; charset=utf-8"
    assert b"<service_request_id>" in content

    status, content, _type = http(f"{root}/requests.xml", body.replace(api_key, "o311_nope"))
    assert status == 403 and b"<errors><error><code>403</code>" in content

    make_ticket(content="幸福路路灯坏了，电话13812341234")
    for output_format in ("json", "xml"):
        client = GeoReport(root, jurisdiction="city.gov", output_format=output_format)
        listed = client.get_service_list()
        listed = listed if isinstance(listed, list) else [listed]
        assert [s["service_code"] for s in listed] == ["010101", "010102", "0201"]
        assert {s["group"] for s in listed} == {"城乡建设", "环境保护"}
        definition = client.get_service_definition("010101")
        assert definition["service_code"] == "010101"
        if output_format == "json":
            assert not any(a["required"] for a in definition["attributes"])

        requests = client.get_service_requests()
        assert len(requests) == 3
        assert {r["service_request_id"] for r in requests} >= {number}
        assert all("13812341234" not in json.dumps(r, ensure_ascii=False) for r in requests)
        assert client.get_service_requests(service_request_id=number, status="open")[
            0 if output_format == "json" else "service_request_id"
        ]
        one = client.get_service_request(number)
        assert one["service_request_id"] == number and one["status"] == "open"
        assert one["description"].startswith("A large sinkhole is destroying the street")
        assert one["service_code"] == "010101" and one["service_name"] == "路灯"
        assert str(one["lat"]) == "37.76524078"
