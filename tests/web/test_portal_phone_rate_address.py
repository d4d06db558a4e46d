"""The page a rating answers with stays on /portal/rate/; what comes back to that address without a form (the
language switch, whose `next` is the page's path; a phone's reload of a bookmarked page) lands on the lookup
(查询进度), not on a 405 that a phone's browser shows as its own error page."""

import pytest

from tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def test_the_rating_address_without_a_form_leads_to_the_lookup(client) -> None:
    response = client.get("/portal/rate/")
    assert response.status_code == 302 and response["Location"] == "/portal/track/"


def test_the_language_switch_on_the_rating_page_ends_on_a_page(client) -> None:
    ticket = make_ticket(phone="13912345678")
    rated = client.post("/portal/rate/", {"number": ticket.number, "last4": "5678"})
    assert rated.status_code == 422  # nothing chosen: the page of the ticket, at /portal/rate/
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/portal/rate/"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/portal/track/"
    assert "Track progress" in response.content.decode()
