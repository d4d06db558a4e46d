"""The sentences the sweep writes (a supervision's reason, the note that closes one) read in the
reader's language on the supervision board and the ticket's timeline: an English reader reads them
in English, a Chinese reader reads exactly what is stored, and a person's words stay as typed."""

import html
from datetime import datetime
from typing import Any

import pytest

from hotline.core import clock
from hotline.core.enums import SupervisionKind, SupervisionReason
from hotline.supervision import wording
from hotline.supervision.models import Supervision
from hotline.tickets.models import Assignment, Ticket
from tests.supervision.conftest import at, sweep

pytestmark = pytest.mark.django_db

DISPATCHED = at(2025, 3, 3, 10)
RESPONSE = at(2025, 3, 3, 10, 30)
DUE = at(2025, 3, 6, 10)


def page(client: Any, user: Any, url: str, moment: datetime, language: str) -> str:
    client.force_login(user)
    client.cookies["django_language"] = language
    with clock.frozen_at(moment):
        response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def board(client: Any, staff: dict[str, Any], moment: datetime, language: str) -> str:
    return page(client, staff["supervisor"], "/supervision/?view=supervised", moment, language)


def timeline(client: Any, staff: dict[str, Any], ticket: Ticket, moment: datetime, language: str) -> str:
    return page(client, staff["supervisor"], f"/tickets/{ticket.number}/", moment, language)


def test_a_missed_first_response(client, staff, build) -> None:
    ticket, assignment = build(dispatched=DISPATCHED, due=DUE, response_due_at=RESPONSE, sign_due_at=RESPONSE)
    sweep(at(2025, 3, 3, 10, 34))
    unit = assignment.department.name
    stored = f"工单 {ticket.number}「{ticket.title}」：{unit}首次响应时限已过仍未签收，催办。"
    assert Supervision.objects.get().reason_text == stored

    english = board(client, staff, at(2025, 3, 3, 10, 40), "en")
    assert (
        f"Ticket {ticket.number} “{ticket.title}”: {unit} is past its first-response deadline and has "
        "not yet signed for it: reminder." in english
    )
    assert "首次响应时限已过" not in english
    assert stored in board(client, staff, at(2025, 3, 3, 10, 40), "zh-hans")


def test_the_ladder_and_the_steps_it_closes(client, staff, build) -> None:
    ticket, _assignment = build(dispatched=DISPATCHED, due=DUE)
    sweep(at(2025, 3, 6, 11))  # 催办
    unit = Assignment.objects.get(ticket=ticket, role="lead").department.name
    reminder = f"工单 {ticket.number}「{ticket.title}」：{unit}已超期，催办。"
    assert Supervision.objects.get().reason_text == reminder
    english = board(client, staff, at(2025, 3, 6, 11, 5), "en")
    assert f"Ticket {ticket.number} “{ticket.title}”: {unit} is overdue: Reminder." in english
    assert reminder not in english
    assert reminder in board(client, staff, at(2025, 3, 6, 11, 5), "zh-hans")

    sweep(at(2025, 3, 7, 9))  # 督办, which closes the 催办
    order = f"工单 {ticket.number}「{ticket.title}」：{unit}已超期 1 个工作日以上，督办。"
    english = board(client, staff, at(2025, 3, 7, 9, 5), "en")
    assert (
        f"Ticket {ticket.number} “{ticket.title}”: {unit} is overdue by 1 or more working days: "
        "Supervision order." in english
    )
    assert order not in english
    assert order in board(client, staff, at(2025, 3, 7, 9, 5), "zh-hans")
    english = timeline(client, staff, ticket, at(2025, 3, 7, 9, 5), "en")
    assert "Escalated to Supervision order; closed automatically" in english
    assert "自动销号" not in english
    assert "已升级为督办，自动销号" in timeline(client, staff, ticket, at(2025, 3, 7, 9, 5), "zh-hans")

    for moment in (at(2025, 3, 11, 9), at(2025, 3, 13, 9)):  # 挂牌, then 提级
        sweep(moment)
    elevation = f"工单 {ticket.number}「{ticket.title}」：{unit}已超期 5 个工作日以上，提级由上级单位办理。"
    assert Supervision.objects.get(kind=SupervisionKind.ELEVATION).reason_text == elevation
    english = board(client, staff, at(2025, 3, 13, 9, 5), "en")
    assert (
        f"Ticket {ticket.number} “{ticket.title}”: {unit} is overdue by 5 or more working days: "
        "Elevated to the unit above to handle." in english
    )
    assert "提级由上级单位办理" not in english
    assert elevation in board(client, staff, at(2025, 3, 13, 9, 5), "zh-hans")
    english = timeline(client, staff, ticket, at(2025, 3, 13, 9, 5), "en")
    assert "Escalated to Public listing; closed automatically" in english
    assert "Escalated to Elevation; closed automatically" in english


def _order(ticket: Ticket, text: str, *, by: Any = None) -> Supervision:
    assignment = Assignment.objects.get(ticket=ticket, role="lead")
    return Supervision.objects.create(
        ticket=ticket,
        assignment=assignment,
        department=assignment.department,
        kind=SupervisionKind.ORDER,
        reason=SupervisionReason.MANUAL if by else SupervisionReason.RETURNED,
        reason_text=text,
        assignment_due_at=assignment.due_at,
        created_by=by,
        created_at=at(2025, 3, 4, 9),
        dedupe_key=f"test:{ticket.pk}:{bool(by)}",
    )


@pytest.mark.parametrize(
    ("code", "params", "english"),
    [
        (
            "returned",
            {"n": 2},
            "Ticket {number} “{title}” was returned 2 times: supervision order.",
        ),
        (
            "repeated_issue",
            {"label": "路灯不亮", "days": 30, "n": 3},
            "Same problem (路灯不亮) reported by 3 appellants within a 30-day window: "
            "supervision order on ticket {number} “{title}”.",
        ),
        (
            "repeated_place",
            {"label": "幸福路12号", "days": 30, "n": 4},
            "Same address (幸福路12号) reported by 4 appellants within a 30-day window: "
            "supervision order on ticket {number} “{title}”.",
        ),
        (
            "repeated_citizen",
            {"days": 30, "n": 5},
            "The same citizen reported it 5 times within a 30-day window, found reasonable on "
            "review (problem not solved): supervision order on ticket {number} “{title}”.",
        ),
    ],
)
def test_the_orders_of_returns_and_repetitions(client, staff, build, code, params, english) -> None:
    ticket, _assignment = build(dispatched=DISPATCHED, due=DUE)
    stored = wording.stored(code, number=ticket.number, title=ticket.title, **params)
    _order(ticket, stored)

    shown = board(client, staff, at(2025, 3, 4, 9, 5), "en")
    assert english.format(number=ticket.number, title=ticket.title) in shown
    assert stored not in shown
    assert stored in board(client, staff, at(2025, 3, 4, 9, 5), "zh-hans")


def test_a_persons_words_stay_as_typed(client, staff, build) -> None:
    ticket, _assignment = build(dispatched=DISPATCHED, due=DUE)
    # Even when they say what the sweep would say.
    typed = f"工单 {ticket.number}「{ticket.title}」已超期，督办。"
    _order(ticket, typed, by=staff["supervisor"])

    assert typed in board(client, staff, at(2025, 3, 4, 9, 5), "en")
