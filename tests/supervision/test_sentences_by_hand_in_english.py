"""The sentences an action writes by itself besides the sweep's: the notices of a supervision that a
supervisor opens or closes by hand, and the note of an extension request withdrawn when its
assignment leaves handling. Stored in the city's language as before (a row stored before reads the
same), they read in the reader's language in the inbox (消息), on the ticket's timeline and in its
list of extension requests; the supervisor's own words stay as typed."""

import html
from datetime import datetime
from typing import Any

import pytest

from hotline.core import clock
from hotline.core.enums import NotificationReason, Role, SupervisionKind
from hotline.notifications.models import Notification
from hotline.sla.actions import do_request_extension
from hotline.sla.models import Extension
from hotline.supervision.actions import do_open_supervision, do_resolve_supervision
from hotline.tickets.actions import do_accept_assignment, do_return_assignment
from tests.factories import UserFactory
from tests.supervision.conftest import at

pytestmark = pytest.mark.django_db

DISPATCHED = at(2025, 3, 3, 10)
DUE = at(2025, 3, 6, 10)
LATER = at(2025, 3, 4, 9)


def page(client: Any, user: Any, url: str, language: str) -> str:
    client.force_login(user)
    client.cookies["django_language"] = language
    with clock.frozen_at(at(2025, 3, 4, 10)):
        response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_a_reminder_opened_and_closed_by_hand_reads_in_english_in_the_inbox(client, staff, build) -> None:
    ticket, _assignment = build(dispatched=DISPATCHED, due=DUE)
    with clock.frozen_at(LATER):
        reminder = do_open_supervision(
            ticket,
            staff["supervisor"],
            kind=SupervisionKind.REMINDER,
            reason="请今天联系诉求人",
            deadline=at(2025, 3, 5, 17, 30),
        )
        do_resolve_supervision(reminder, staff["supervisor"], note="已联系")
    opened = f"工单 {ticket.number}「{ticket.title}」被催办，督办时限 2025-03-05 17:30：请今天联系诉求人"
    resolved = f"工单 {ticket.number} 的催办已办结。已联系"
    # Stored as before: the unit's SMS and mail and the API say the city's words.
    assert set(Notification.objects.values_list("message", flat=True)) == {opened, resolved}

    english = page(client, staff["street"], "/notifications/", "en")
    assert (
        f"Reminder on ticket {ticket.number} “{ticket.title}”, deadline 2025-03-05 17:30: "
        "请今天联系诉求人" in english
    )
    assert f"Reminder on ticket {ticket.number} closed. 已联系" in english
    assert "被催办" not in english and "已办结" not in english
    chinese = page(client, staff["street"], "/notifications/", "zh-hans")
    assert opened in chinese and resolved in chinese


def test_an_order_without_a_deadline_closed_without_a_note(client, staff, departments, build) -> None:
    head = UserFactory(username="head_street", role=Role.HEAD, department=departments["street"])
    ticket, _assignment = build(dispatched=DISPATCHED, due=DUE)
    with clock.frozen_at(LATER):
        order = do_open_supervision(
            ticket, staff["supervisor"], kind=SupervisionKind.ORDER, reason="群众反映强烈"
        )
        do_resolve_supervision(order, staff["supervisor"])
    opened = f"工单 {ticket.number}「{ticket.title}」被督办：群众反映强烈"
    resolved = f"工单 {ticket.number} 的督办已办结。"
    told = Notification.objects.filter(department=departments["street"])
    assert told.get(reason=NotificationReason.SUPERVISION).message == opened
    assert told.get(reason=NotificationReason.SUPERVISION_RESOLVED).message == resolved

    english = page(client, head, "/notifications/", "en")
    assert f"Supervision order on ticket {ticket.number} “{ticket.title}”: 群众反映强烈" in english
    assert f"Supervision order on ticket {ticket.number} closed." in english
    assert "被督办" not in english and "已办结" not in english
    chinese = page(client, head, "/notifications/", "zh-hans")
    assert opened in chinese and resolved in chinese


def _asked_then_returned(staff: dict[str, Any], build: Any) -> Any:
    """A ticket whose street office signed, asked for ten more days, then returned it."""
    ticket, _assignment = build(dispatched=DISPATCHED, due=DUE)
    wanted: datetime = at(2025, 3, 16, 10)
    with clock.frozen_at(LATER):
        ticket = do_accept_assignment(ticket, staff["street"])
        ticket = do_request_extension(ticket, staff["street"], reason="需第三方检测", requested_due_at=wanted)
        return do_return_assignment(ticket, staff["street"], reason="不属于本单位职责")


def test_an_extension_request_withdrawn_reads_in_english_on_the_ticket(client, staff, build) -> None:
    ticket = _asked_then_returned(staff, build)
    stored = "已退单，延期申请自动撤回"  # as before
    assert Extension.objects.get().decision_note == stored
    assert ticket.events.get(action="review_extension").details["note"] == stored

    english = page(client, staff["supervisor"], f"/tickets/{ticket.number}/", "en")
    said = "Returned; the extension request was withdrawn automatically"
    assert f"Withdrawn ({said})" in english  # the list of extension requests
    assert english.count(said) == 2  # and the timeline
    assert "延期申请自动撤回" not in english
    chinese = page(client, staff["supervisor"], f"/tickets/{ticket.number}/", "zh-hans")
    assert f"已撤回（{stored}）" in chinese and chinese.count(stored) == 2


def test_a_withdrawal_stored_by_the_migration_reads_in_english(client, staff, build) -> None:
    """The migration that withdrew the requests left waiting wrote its own cause: the same sentence."""
    ticket = _asked_then_returned(staff, build)
    old = "派单已不在办理中，延期申请自动撤回"
    Extension.objects.update(decision_note=old)
    event = ticket.events.get(action="review_extension")
    event.details = {**event.details, "note": old}
    event.save(update_fields=["details"])

    english = page(client, staff["supervisor"], f"/tickets/{ticket.number}/", "en")
    said = "Assignment no longer in handling; the extension request was withdrawn automatically"
    assert english.count(said) == 2 and old not in english


def test_a_persons_review_note_stays_as_typed(client, staff, build) -> None:
    """Only the system's sentences are said again: a note a person typed is shown as typed."""
    ticket = _asked_then_returned(staff, build)
    typed = "已退单，延期申请自动撤回了吗？"
    event = ticket.events.get(action="review_extension")
    event.details = {**event.details, "note": typed}
    event.save(update_fields=["details"])

    assert typed in page(client, staff["supervisor"], f"/tickets/{ticket.number}/", "en")
