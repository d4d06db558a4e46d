"""The appellants of a ticket with merged duplicates on the pages: one entry per person on the
callback desk (a citizen who called twice is called back once), the ticket page's callback form that
asks which person was called, the callbacks and the timeline that name them, the merge on the
timeline of the ticket it joined, and the full number shown on request for every appellant."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hotline.core import clock
from hotline.core.enums import TicketStatus
from hotline.feedback.models import Callback
from hotline.intake.models import Appeal, PhoneReveal
from hotline.tickets.actions import do_merge_ticket
from hotline.tickets.models import Ticket
from tests.tickets.conftest import Flow
from tests.web.test_callbacks import desk, form_of, offered, row_html
from tests.web.test_inbox import Forms

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 6, 11, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
S = TicketStatus


@pytest.fixture(autouse=True)
def _now():
    with clock.frozen_at(NOW):
        yield


@pytest.fixture
def flow(staff, departments) -> Flow:
    return Flow(staff, departments)


@pytest.fixture
def merged(flow: Flow) -> dict[str, Ticket]:
    """王女士's ticket, replied yesterday, with 李先生's duplicate merged into it and 王女士's own
    second call (her number written with dashes) merged into it too."""
    with clock.frozen_at(NOW - timedelta(days=1)):
        operator = flow.user("operator")
        target = flow.call("王女士", "13900001111")
        neighbour = flow.call("李先生", "13700002222", title="楼道灯不亮")
        again = flow.call("王女士", "139-0000-1111", title="楼道灯还是坏的")
        do_merge_ticket(neighbour, operator, into_ticket_id=target.pk)
        do_merge_ticket(again, operator, into_ticket_id=target.pk)
        target = flow.reply(flow.accept(flow.dispatch(target, co=())))
    return {"target": target, "neighbour": neighbour, "again": again}


def appeal_of(ticket: Ticket) -> Appeal:
    return ticket.appeals.get()


def ticket_page(client, ticket: Ticket) -> str:
    response = client.get(f"/tickets/{ticket.number}/")
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, start: str, end: str) -> str:
    at = html.index(start)
    return html[at : html.index(end, at)]


def page_form(html: str, action: str) -> dict:
    parser = Forms()
    parser.feed(html)
    [found] = [f for f in parser.forms if f["action"].endswith(f"/do/{action}/")]
    return found


def options(select: str) -> list[tuple[str, str]]:
    """(value, text) of each option of the select's HTML."""
    return [
        (value, re.sub(r"\s+", " ", text).strip())
        for value, text in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)
    ]


# --- the callback desk: one entry per person ----------------------------------------------------


def test_the_desk_lists_a_citizen_who_called_twice_once_and_closes_after_one_call(
    client, flow, merged
) -> None:
    target, neighbour, again = merged["target"], merged["neighbour"], merged["again"]
    own = appeal_of(target)
    client.force_login(flow.user("operator"))
    page = desk(client)
    row = row_html(page, target)
    callers = section(row, 'class="line callers"', "</div>")
    assert callers.count('class="caller') == 2
    assert callers.count("139****1111") == 1 and "137****2222" in callers
    assert f"（本工单及合并自 {again.number}）" in callers and f"（合并自 {neighbour.number}）" in callers
    form = form_of(page, target, "callback")
    select = section(row, 'name="appeal_id"', "</select>")
    assert [value for value, _text in options(select)] == [str(own.pk), str(appeal_of(neighbour).pk)]

    response = client.post(
        form["action"],
        {**form["fields"], "appeal_id": own.pk, "resolution": "resolved", "satisfaction": "satisfied"},
    )
    assert response.status_code == 302
    page = desk(client)
    assert offered(page, target) == {"callback", "callback_attempt"}  # 李先生 is still owed
    theirs = appeal_of(neighbour).pk
    assert f'<option value="{theirs}" selected>' in row_html(page, target)
    form = form_of(page, target, "callback")
    data = {**form["fields"], "appeal_id": theirs, "resolution": "resolved", "satisfaction": "basically"}
    assert client.post(form["action"], data).status_code == 302

    page = desk(client)
    assert offered(page, target) == {"close"}
    assert client.post(f"/tickets/{target.number}/do/close/", {}).status_code == 302
    target.refresh_from_db()
    assert target.status == S.CLOSED


# --- the ticket page's callback form -------------------------------------------------------------


def test_the_ticket_page_asks_which_person_was_called(client, flow, merged) -> None:
    target, neighbour = merged["target"], merged["neighbour"]
    own, theirs = appeal_of(target), appeal_of(neighbour)
    client.force_login(flow.user("operator"))
    html = ticket_page(client, target)
    form_html = section(html, f'action="/tickets/{target.number}/do/callback/"', "</form>")
    # Whom, among those still owed the call, and the outcome: nothing chosen until the caller says.
    whom = section(form_html, 'name="appeal_id"', "</select>")
    assert "required" in whom[: whom.index(">")]
    assert options(whom) == [
        ("", "— 请选择 —"),
        (str(own.pk), "王女士 139****1111"),
        (str(theirs.pk), "李先生 137****2222"),
    ]
    for name in ("resolution", "satisfaction"):
        field = section(form_html, f'name="{name}"', "</select>")
        assert "required" in field[: field.index(">")]
        assert options(field)[0] == ("", "— 请选择 —") and "selected" not in field

    response = client.post(
        f"/tickets/{target.number}/do/callback/",
        {"appeal_id": theirs.pk, "resolution": "resolved", "satisfaction": "satisfied", "note": "已修好"},
    )
    assert response.status_code == 302
    assert Callback.objects.get(ticket=target).appeal == theirs

    # One person is left: the form names her, and records against her.
    html = ticket_page(client, target)
    form = page_form(html, "callback")
    assert form["fields"]["appeal_id"] == str(own.pk)
    form_html = section(html, f'action="/tickets/{target.number}/do/callback/"', "</form>")
    assert "回访对象：王女士 139****1111" in form_html and '<select name="appeal_id"' not in form_html
    # The answers name whom each callback reached, and so does the timeline.
    answers = section(html, 'id="answers-title"', "</section>")
    assert "李先生 137****2222" in answers and "13700002222" not in answers
    timeline = section(html, 'id="timeline"', "</ol>")
    assert "诉求人：李先生 137****2222" in timeline


def test_a_ticket_with_one_caller_asks_no_one(client, flow) -> None:
    with clock.frozen_at(NOW - timedelta(days=1)):
        ticket = flow.call("王女士", "13900001111")
        again = flow.call("王女士", "+86 139 0000 1111", title="楼道灯还是坏的")
        do_merge_ticket(again, flow.user("operator"), into_ticket_id=ticket.pk)
        ticket = flow.reply(flow.accept(flow.dispatch(ticket, co=())))
    client.force_login(flow.user("operator"))
    html = ticket_page(client, ticket)
    form = page_form(html, "callback")
    assert form["fields"]["appeal_id"] == str(appeal_of(ticket).pk)
    client.post(form["action"], {**form["fields"], "resolution": "resolved", "satisfaction": "satisfied"})
    assert "close" in re.findall(r'/do/(\w+)/"', ticket_page(client, ticket))


# --- the merge on both timelines ------------------------------------------------------------------


def test_the_ticket_a_duplicate_joined_shows_the_merge(client, flow, merged) -> None:
    target, neighbour = merged["target"], merged["neighbour"]
    client.force_login(flow.user("dispatcher"))
    timeline = section(ticket_page(client, target), 'id="timeline"', "</ol>")
    assert f"并入本工单：{neighbour.number}" in timeline
    assert timeline.count("<strong>合并</strong>") == 2


# --- the full number of every appellant -------------------------------------------------------------


def test_a_merged_appellants_number_is_shown_on_request(client, flow, merged, staff) -> None:
    target, neighbour = merged["target"], merged["neighbour"]
    theirs = appeal_of(neighbour)
    url = f"/tickets/{target.number}/appeals/{theirs.pk}/phone/"
    client.force_login(flow.user("operator"))
    appeals = section(ticket_page(client, target), 'id="appeals"', "</table>")
    assert f'action="{url}"' in appeals
    assert appeals.count("显示号码") == 3  # her own, 李先生's and her second call
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "13700002222" in response.content.decode()
    response = client.post(url)  # without JavaScript: the page, with that number shown
    appeals = section(response.content.decode(), 'id="appeals"', "</table>")
    assert "13700002222" in appeals and "13900001111" not in appeals
    assert list(PhoneReveal.objects.values_list("revealed_by__username", "appeal_id")) == [
        ("op", theirs.pk),
        ("op", theirs.pk),
    ]

    # The handler may see the ticket and reveal its own caller's number, not the duplicate's
    # (a ticket never sent to them), and is offered no button the server would refuse.
    client.force_login(staff["housing"])
    appeals = section(ticket_page(client, target), 'id="appeals"', "</table>")
    assert appeals.count("显示号码") == 1 and f'action="{url}"' not in appeals
    assert client.post(url).status_code == 404
