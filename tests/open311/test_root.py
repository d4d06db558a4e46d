"""The API's root, /open311/v2/, leads to its service discovery document (the specification's
entry point: where a client learns the endpoint, its formats and its changeset) instead of
answering 404; what names nothing under it is still a 404 in the specification's error format."""

import json

import pytest

pytestmark = pytest.mark.django_db


def test_the_root_leads_to_the_discovery_document(client, services) -> None:
    response = client.get("/open311/v2/")
    assert response.status_code == 302
    assert response["Location"] == "/open311/v2/discovery.json"
    document = client.get(response["Location"]).json()
    [endpoint] = document["endpoints"]
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    # Without its slash, as people type it: the same.
    followed = client.get("/open311/v2", follow=True)
    assert followed.status_code == 200 and followed.json() == document


def test_the_root_keeps_what_the_client_asked_with(client, services) -> None:
    """A jurisdiction_id or an api_key given to the root is read by discovery as if given to it:
    a wrong one is refused there, not forgotten on the way."""
    response = client.get("/open311/v2/", {"jurisdiction_id": "elsewhere.gov"})
    assert response["Location"] == "/open311/v2/discovery.json?jurisdiction_id=elsewhere.gov"


def test_the_root_takes_get_only_and_what_names_nothing_is_still_a_404(client) -> None:
    response = client.post("/open311/v2/")
    assert response.status_code == 405 and "GET" in response["Allow"]
    [error] = json.loads(response.content)
    assert error["code"] == 405 and "POST" in error["description"]
    for path in ("/open311/v2/discovery", "/open311/v2/nothing/", "/open311/", "/open311/v3/"):
        response = client.get(path)
        assert response.status_code == 404, path
        [error] = json.loads(response.content)
        assert error["code"] == 404 and path in error["description"], path
