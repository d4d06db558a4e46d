"""The staff pages in English: a button says what it does (a verb: "Suspend"), where the timeline names
what was done ("Suspension") with the same Chinese words; the message after an action reads as a
sentence; and no Chinese punctuation is left around the words the pages put between the city's data."""

import html as html_lib
import re
from datetime import timedelta
from typing import Any

import pytest

from hotline.accounts.permissions import ACTION_ROLES, action_label
from hotline.core.enums import Kind, Satisfaction, SuspensionReason, TicketStatus
from hotline.feedback import actions as feedback_actions
from hotline.sla.actions import do_request_extension, do_resume_assignment, do_suspend_assignment
from hotline.supervision.sweep import run_sweep
from hotline.tickets.actions import do_accept_assignment, do_dispatch_ticket
from hotline.tickets.models import Ticket
from tests.factories import make_ticket
from tests.tickets.conftest import Flow
from tests.web.conftest import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_now")]

# Chinese punctuation that no English sentence needs (curly quotes are English too).
FULL_WIDTH = re.compile(r"[：，（）；、。]")


def in_english(client: Any, user: Any) -> Any:
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def labels(page: str) -> list[str]:
    """The words of the page's buttons and of the summaries that open its forms."""
    found = re.findall(r"<(?:button|summary)\b[^>]*>(.*?)</(?:button|summary)>", page, re.S)
    return [html_lib.unescape(re.sub(r"<[^>]+>", "", f)).strip() for f in found]


def shown_text(page: str, data: list[str]) -> str:
    """What a person reads on `page`, less the city's and the citizens' own words (`data`), which
    carry their own punctuation; the options of the forms' lists are data too."""
    page = re.sub(r"(?is)<(script|style|option|textarea)\b.*?</\1>", " ", page)
    text = html_lib.unescape(re.sub(r"<[^>]+>", "\n", page))
    for words in sorted(data, key=len, reverse=True):
        text = text.replace(words, " ")
    return text


def full_width_lines(page: str, data: list[str]) -> list[str]:
    return [line.strip() for line in shown_text(page, data).splitlines() if FULL_WIDTH.search(line)]


def data_of(*tickets: Ticket) -> list[str]:
    words: list[str] = []
    for ticket in tickets:
        ticket.refresh_from_db()
        words += [ticket.title, ticket.content, ticket.address]
        for appeal in ticket.appeals.all():
            words += [appeal.title, appeal.content, appeal.address]
    return [w for w in words if w]


def test_every_action_is_named_by_what_its_button_does() -> None:
    # One name per action, for its buttons and for the refusals that name it.
    assert {action for action in ACTION_ROLES if action_label(action) == action} == set()
    from django.utils import translation

    with translation.override("en"):
        assert [action_label(a) for a in ("suspend", "resume", "dispatch", "close", "accept")] == [
            "Suspend",
            "Resume the clock",
            "Dispatch",
            "Close",
            "Sign off",
        ]
    # In Chinese, the words the buttons always had.
    assert [action_label(a) for a in ("suspend", "resume", "dispatch", "close", "accept")] == [
        "挂起",
        "恢复计时",
        "派单",
        "办结",
        "签收",
    ]


def test_the_ticket_pages_buttons_say_what_they_do(client, staff, departments, waiting) -> None:
    ticket = waiting[0]
    page = in_english(client, staff["dispatcher"]).get(f"/tickets/{ticket.number}/").content.decode()
    assert "Dispatch" in labels(page) and "Assignment" not in labels(page)

    ticket = do_dispatch_ticket(ticket, staff["dispatcher"], lead_department_id=departments["housing"].pk)
    housing = in_english(client, staff["housing"])
    assert "Sign off" in labels(housing.get(f"/tickets/{ticket.number}/").content.decode())

    ticket = do_accept_assignment(ticket, staff["housing"])
    page = housing.get(f"/tickets/{ticket.number}/").content.decode()
    assert "Suspend" in labels(page) and "Suspension" not in labels(page)

    do_suspend_assignment(ticket, staff["housing"], reason=SuspensionReason.CITIZEN_UNREACHABLE)
    page = housing.get(f"/tickets/{ticket.number}/").content.decode()
    assert "Resume the clock" in labels(page) and "Clock resumed" not in labels(page)
    inbox = housing.get("/inbox/").content.decode()
    assert "Resume the clock" in labels(inbox)
    # The timeline still names what happened.
    assert "<strong>Suspension</strong>" in page[page.index('id="timeline"') :]

    consultation = make_ticket(actor=staff["operator"], kind=Kind.CONSULTATION, title="办证时间")
    page = in_english(client, staff["operator"]).get(f"/tickets/{consultation.number}/").content.decode()
    assert "Answer now" in labels(page) and "Answered on the spot" not in labels(page)
    assert "Register the appeal" in labels(client.get("/console/").content.decode())

    replied = Flow(staff, departments).to(TicketStatus.REPLIED)
    feedback_actions.do_record_callback(
        replied, staff["operator"], resolution="resolved", satisfaction=Satisfaction.SATISFIED
    )
    assert "Close" in labels(client.get(f"/tickets/{replied.number}/").content.decode())
    assert "Close" in labels(client.get("/callbacks/").content.decode())


def test_in_chinese_the_buttons_keep_their_words(client, staff, departments, waiting) -> None:
    client.force_login(staff["dispatcher"])
    page = client.get(f"/tickets/{waiting[0].number}/").content.decode()
    assert "派单" in labels(page)


def test_the_message_after_an_action_reads_as_a_sentence(client, staff, departments, waiting) -> None:
    ticket = do_dispatch_ticket(waiting[0], staff["dispatcher"], lead_department_id=departments["housing"].pk)
    housing = in_english(client, staff["housing"])

    response = housing.post(f"/tickets/{ticket.number}/do/accept/", {"next": "/inbox/"}, follow=True)

    assert f"Ticket {ticket.number}: Signed off" in response.content.decode()


def test_a_refusal_names_the_field_in_english(client, staff, departments, waiting) -> None:
    ticket = do_dispatch_ticket(waiting[0], staff["dispatcher"], lead_department_id=departments["housing"].pk)

    response = in_english(client, staff["housing"]).post(
        f"/tickets/{ticket.number}/do/return/", {"reason": " "}
    )

    page = response.content.decode()
    assert response.status_code == 422
    assert "Reason: " in shown_text(page, []) and not full_width_lines(page, data_of(ticket))


def test_no_chinese_punctuation_around_the_pages_words(client, staff, departments, waiting) -> None:
    ticket = do_dispatch_ticket(
        waiting[0],
        staff["dispatcher"],
        lead_department_id=departments["housing"].pk,
        co_department_ids=[departments["water"].pk],
        note="请今日内联系市民",
    )
    ticket = do_accept_assignment(ticket, staff["housing"])
    do_suspend_assignment(
        ticket, staff["housing"], reason=SuspensionReason.CITIZEN_UNREACHABLE, note="电话关机"
    )
    do_resume_assignment(ticket, staff["housing"])
    do_request_extension(
        ticket, staff["housing"], requested_due_at=NOW + timedelta(days=10), reason="需等待施工排期"
    )
    data = data_of(*waiting)

    page = in_english(client, staff["dispatcher"]).get(f"/tickets/{ticket.number}/").content.decode()
    assert full_width_lines(page, data) == []
    timeline = shown_text(page[page.index('id="timeline"') :], data)
    assert (
        "(New → Dispatched)" in timeline and "Lead: 住建局" in timeline and "Co-handling: 水务局" in timeline
    )
    assert "Due at: " in timeline and "Due at：" not in timeline

    inbox = in_english(client, staff["housing"]).get("/inbox/").content.decode()
    assert "住建局 (Lead)" in shown_text(inbox, data)
    assert full_width_lines(inbox, data) == []

    queue = in_english(client, staff["dispatcher"]).get("/dispatch/").content.decode()
    assert '<p class="reason">Responsibility rule “市政设施归口”: category 城乡建设</p>' in queue
    assert full_width_lines(queue, data) == []


def test_the_supervision_board_in_english(client, staff, departments, waiting) -> None:
    ticket = do_dispatch_ticket(waiting[0], staff["dispatcher"], lead_department_id=departments["housing"].pk)
    # A week later the three working days are over: the sweep opens a supervision for it.
    from hotline.core import clock

    with clock.frozen_at(NOW + timedelta(days=7)):
        run_sweep()
        board = in_english(client, staff["supervisor"]).get("/supervision/").content.decode()
    supervisions = list(ticket.supervisions.all())
    assert supervisions
    data = data_of(ticket) + [s.reason_text for s in supervisions]
    text = shown_text(board, data)
    assert "Department: 住建局 (Lead)" in text
    assert full_width_lines(board, data) == []
