"""A decision with a button for each outcome (批准 / 不批准, 确认无效 / 驳回申请) is taken by one of
its buttons only: Enter in its note would otherwise "click" the first, deciding what the person never
chose (site.js, data-explicit-submit; tests/e2e/test_keyboard_day.py shows it in Chromium)."""

from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

import pytest

from hotline.core import clock
from hotline.sla.actions import do_request_extension
from hotline.tickets.actions import do_accept_assignment, do_dispatch_ticket, do_request_invalidation
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db


class Decisions(HTMLParser):
    """The forms of a page with what a person types in them and their submit buttons' names."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "action": a.get("action"),
                    "explicit": "data-explicit-submit" in a,
                    "typed": 0,
                    "outcomes": [],
                }
            )
        elif not self.forms:
            return
        elif tag == "button" and a.get("type", "submit") == "submit":
            self.forms[-1]["outcomes"].append(a.get("name"))
        elif tag == "input" and a.get("type", "text") not in ("hidden", "checkbox", "radio", "submit"):
            self.forms[-1]["typed"] += 1


def test_the_ticket_pages_decisions_are_taken_by_their_buttons_only(client, staff, departments) -> None:
    ticket = do_accept_assignment(
        do_dispatch_ticket(
            make_ticket(actor=staff["operator"]),
            staff["dispatcher"],
            lead_department_id=departments["housing"].pk,
        ),
        staff["housing"],
    )
    asked = clock.now() + timedelta(days=5)
    do_request_extension(ticket, staff["housing"], reason="需第三方检测", requested_due_at=asked)
    do_request_invalidation(ticket, staff["operator"], reason="同一号码一日内重复来电十余次")

    client.force_login(staff["dispatcher"])
    parser = Decisions()
    parser.feed(client.get(f"/tickets/{ticket.number}/").content.decode())
    decisions = [f for f in parser.forms if len(f["outcomes"]) > 1 and f["typed"]]
    actions = sorted(f["action"].rsplit("/", 2)[-2] for f in decisions)
    assert actions == ["confirm_invalidation", "review_extension"]
    assert [f["action"] for f in decisions if not f["explicit"]] == []
