"""An operator's day at the console (受理台), as walked in the browser: what the page tells them
after each kind of call."""

import re

import pytest

from hotline.tickets.models import Ticket
from tests.web.test_console import call, shown_number

pytestmark = pytest.mark.django_db


def _done(page: str) -> str:
    found = re.search(r'<section id="console-done".*?</section>', page, re.S)
    assert found, page
    return found.group(0)


def test_a_call_received_and_linked_says_which_ticket_it_is_linked_to(client, staff, waiting) -> None:
    # The page said only "已受理" and the new number: whether the link to the related ticket the
    # operator chose was made, they had to open the ticket to see.
    target = waiting[0]
    client.force_login(staff["operator"])
    response = client.post(f"/console/link/{target.pk}/", call())
    page = client.get(response["Location"]).content.decode()
    new = Ticket.objects.latest("pk")
    assert shown_number(page) == new.number
    assert f"已与工单 {target.number} 关联" in _done(page)


def test_a_call_received_alone_names_no_link(client, staff, waiting) -> None:
    client.force_login(staff["operator"])
    response = client.post("/console/", call())
    assert "关联" not in _done(client.get(response["Location"]).content.decode())
