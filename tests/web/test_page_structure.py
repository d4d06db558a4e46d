"""What a screen reader and a keyboard find on the pages: a skip link first, to the page's own
content past the header and the navigation; a heading per row on the desks (inbox, callbacks,
supervision board), a row header per row of the rankings, to move from row to row; and on the
portal's appeal form, after a refused submit, an error summary at the top that links to the fields,
whose errors are tied to them (aria-invalid, aria-describedby)."""

import re
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

import pytest

from hotline.analytics.models import FigureSettings
from hotline.core import clock
from hotline.feedback import actions as feedback_actions
from hotline.tickets.actions import do_accept_assignment, do_dispatch_ticket
from tests.analytics.conftest import at, june  # noqa: F401  (the hand-built June)
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db

FOCUSABLE = {"a", "button", "input", "select", "textarea", "summary"}


class Focusables(HTMLParser):
    """The focusable elements of a page in document order (tag, attributes)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if (tag in FOCUSABLE and a.get("type") != "hidden" and (tag != "a" or "href" in a)) or (
            a.get("tabindex") not in (None, "-1")
        ):
            self.found.append((tag, a))


def focusables(html: str) -> Focusables:
    parser = Focusables()
    parser.feed(html)
    return parser


def test_a_skip_link_comes_first_and_leads_past_the_navigation(client, staff) -> None:
    for user, path in ((None, "/"), (staff["housing"], "/inbox/"), (staff["operator"], "/console/")):
        if user is not None:
            client.force_login(user)
        html = client.get(path).content.decode()
        found = focusables(html)
        tag, attrs = found.found[0]
        assert (tag, attrs.get("href"), attrs.get("class")) == ("a", "#main", "skip-link"), path
        assert '<a class="skip-link" href="#main">跳到正文</a>' in html
        # The target: <main>, which the navigation is not part of (else the link would skip nothing).
        assert '<main id="main" tabindex="-1">' in html
        if user is not None:
            assert html.index('<nav class="site"') < html.index("<main"), path


def test_the_desks_rows_are_headings(client, staff, departments) -> None:
    ticket = do_dispatch_ticket(
        make_ticket(actor=staff["operator"]),
        staff["dispatcher"],
        lead_department_id=departments["housing"].pk,
    )
    client.force_login(staff["housing"])
    html = client.get("/inbox/").content.decode()
    assert re.search(
        rf'<h2 class="line">.*?<a href="/tickets/{ticket.number}/"><strong>{ticket.number}</strong></a>',
        html,
        re.S,
    )

    replied = feedback_actions.do_reply_ticket(
        do_accept_assignment(ticket, staff["housing"]), staff["housing"], text="已修复。"
    )
    client.force_login(staff["operator"])
    html = client.get("/callbacks/").content.decode()
    assert re.search(rf'<h2 class="line">.*?<strong>{replied.number}</strong>', html, re.S)

    with clock.frozen_at(clock.now() - timedelta(days=10)):
        late = do_dispatch_ticket(
            make_ticket(actor=staff["operator"], title="井盖缺失"),
            staff["dispatcher"],
            lead_department_id=departments["water"].pk,
        )
    client.force_login(staff["supervisor"])
    html = client.get("/supervision/").content.decode()
    assert re.search(rf'<h2 class="line">.*?<strong>{late.number}</strong>', html, re.S)


def test_the_rankings_rows_have_row_headers(client, staff, june) -> None:  # noqa: F811
    FigureSettings.objects.update_or_create(pk=1, defaults={"min_received": 1})
    client.force_login(staff["leader"])
    with clock.frozen_at(at(6, 20, 12)):
        html = client.get("/rankings/", {"dimension": "area", "period": "2025-06"}).content.decode()
    rows = re.findall(r'<tr id="row-\d+">(.*?)</tr>', html, re.S)
    assert rows
    for row in rows:
        assert len(re.findall(r'<th scope="row">[^<]+</th>', row)) == 1, row
    assert '<th scope="row">和平街道</th>' in html


def test_a_refused_appeal_comes_back_with_an_error_summary(client) -> None:
    page = client.get("/portal/").content.decode()
    token = re.search(r'name="token" value="([0-9a-f]{32})"', page)
    assert token
    data: dict[str, Any] = {
        "kind": "complaint",
        "title": "",
        "content": "路灯不亮",
        "phone": "123",
        "token": token[1],
    }
    response = client.post("/portal/", data)
    assert response.status_code == 422
    html = response.content.decode()
    summary = html[
        html.index('<div class="error-summary"') : html.index(
            "</div>\n</div>", html.index('<div class="error-summary"')
        )
    ]
    # At the top (before the form), focused on arrival, and saying what to correct, each a link.
    assert html.index('<div class="error-summary"') < html.index('<form method="post" action="/portal/"')
    assert 'tabindex="-1"' in summary and "autofocus" in summary and 'role="alert"' in summary
    assert '<a href="#id_title">标题：请填写标题</a>' in summary
    assert '<a href="#id_phone">联系电话：请填写 11 位手机号码，或带区号的固定电话号码</a>' in summary
    assert "诉求内容" not in summary  # what was right is not listed
    # Each wrong field says it is wrong, and which text says why.
    for name in ("title", "phone"):
        field = re.search(rf'<(input|textarea)[^>]*\bid="id_{name}"[^>]*>', html)
        assert (
            field and 'aria-invalid="true"' in field[0] and f'aria-describedby="id_{name}_error"' in field[0]
        ), name
        assert f'id="id_{name}_error"' in html, name
    content = re.search(r'<textarea[^>]*id="id_content"[^>]*>', html)
    assert content and "aria-invalid" not in content[0]
    # One alert on the page (the summary's): not one more per field, each read out on arrival.
    assert html.count('role="alert"') == 1
    assert client.get("/portal/").content.decode().count("error-summary") == 0
