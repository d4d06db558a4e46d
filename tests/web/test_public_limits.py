"""The public pages that anyone may ask for without signing in, each limited per address (web/portal.py,
`admit`): 429 with Retry-After, a Chinese page, never cached; the counts of `intake.limits`."""

import json

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from hotline.intake import limits
from hotline.web.portal import limited_per_address

pytestmark = pytest.mark.django_db

PAGES = ["/qa/", "/qa/?q=养犬", "/qa/feed.json", "/qa/feed.xml", "/portal/", "/portal/track/"]


@pytest.fixture
def pages_per_hour(settings):
    settings.HOTLINE = {**settings.HOTLINE, "PORTAL": {**settings.HOTLINE["PORTAL"], "PAGES_PER_HOUR": 3}}
    return 3


@pytest.mark.parametrize("url", PAGES)
def test_one_address_reading_in_a_loop_gets_429_with_retry_after(client, url, pages_per_hour) -> None:
    for _ in range(pages_per_hour):
        assert client.get(url, REMOTE_ADDR="10.2.2.2").status_code == 200
    refused = client.get(url, REMOTE_ADDR="10.2.2.2")
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 3600
    assert "访问过于频繁：每小时最多访问 3 次" in refused.content.decode()
    assert "no-store" in refused["Cache-Control"] and "public" not in refused["Cache-Control"]
    # Another address has its own count.
    assert client.get(url, REMOTE_ADDR="10.2.2.3").status_code == 200


def test_the_public_pages_share_one_count_per_address(client, pages_per_hour) -> None:
    for url in PAGES[:pages_per_hour]:
        assert client.get(url, REMOTE_ADDR="10.2.2.4").status_code == 200
    assert client.get(PAGES[-1], REMOTE_ADDR="10.2.2.4").status_code == 429


def test_behind_a_trusted_proxy_each_citizen_has_its_own_count(client, pages_per_hour, settings) -> None:
    settings.HOTLINE_TRUSTED_PROXIES = ["10.0.0.0/8"]
    for _ in range(pages_per_hour):
        assert (
            client.get("/qa/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 200
        )
    assert client.get("/qa/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429
    assert client.get("/qa/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 200


def test_the_portals_posts_keep_their_own_limits(client, pages_per_hour) -> None:
    """Reading the forms does not use up what submitting and tracking may do, nor the reverse."""
    for _ in range(pages_per_hour):
        client.get("/portal/track/", REMOTE_ADDR="10.2.2.5")
    response = client.post(
        "/portal/track/", {"number": "20260101-000001", "last4": "1234"}, REMOTE_ADDR="10.2.2.5"
    )
    assert response.status_code == 404  # looked up (and not found), not refused


def test_the_defaults_leave_room_for_normal_browsing(settings) -> None:
    portal = settings.HOTLINE["PORTAL"]
    assert portal["PAGES_PER_HOUR"] >= 600 and portal["STATS_PER_HOUR"] >= 600


def test_under_the_api_prefixes_the_refusal_is_json(settings) -> None:
    settings.HOTLINE = {**settings.HOTLINE, "PORTAL": {**settings.HOTLINE["PORTAL"], "PAGES_PER_HOUR": 1}}
    view = limited_per_address(limits.PAGES_BY_IP, "PAGES_PER_HOUR")(lambda request: HttpResponse("ok"))
    request = RequestFactory().get("/api/v1/something", REMOTE_ADDR="10.2.2.6")
    assert view(request).status_code == 200
    refused = view(request)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert refused["Content-Type"].startswith("application/json")
    assert "访问过于频繁" in json.loads(refused.content)["detail"]
