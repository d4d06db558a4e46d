"""A number's digits typed with a Chinese input method (full-width, １３９) are the same digits in
every search: the ticket search's phone filter, the selector under it and the portal's tracking by
the last four; other scripts' digits (٥٦٧٨) are no digits of a phone number."""

import pytest

from hotline.tickets.selectors import filtered_tickets
from tests.web.test_portal import PHONE, number_in, submit, track
from tests.web.test_search import numbers, tickets  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

FULL_WIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")


def test_the_search_reads_full_width_digits(client, staff, tickets) -> None:  # noqa: F811
    first, second, third = tickets
    client.force_login(staff["operator"])
    assert numbers(client.get("/tickets/", {"phone": "0003".translate(FULL_WIDTH)})) == [third.number]
    assert numbers(client.get("/tickets/", {"phone": "139-0000-0002".translate(FULL_WIDTH)})) == [
        second.number
    ]
    assert filtered_tickets(staff["operator"], phone="13800000001".translate(FULL_WIDTH)).get() == first
    # Other scripts' digits are not a number: the filter asks for one.
    response = client.get("/tickets/", {"phone": "٠٠٠٣"})
    assert "请输入完整号码或至少后四位" in response.content.decode()


def test_the_portal_tracks_with_full_width_last_four(client, db) -> None:
    number = number_in(submit(client))
    assert track(client, number, PHONE[-4:].translate(FULL_WIDTH)).status_code == 200
    refused = track(client, number, "٥٦٧٨")
    assert refused.status_code != 200
