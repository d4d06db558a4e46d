"""The list of repetitions in Chromium on a phone's screen (375x740): each ticket of a repetition
reads as a line (number, title, status, day), nothing is wider than the screen, and a supervisor
takes a wrong issue apart with the keyboard alone (不是同一问题)."""

import pytest

from hotline.core.enums import Channel, RepetitionKind, RepetitionOutcome
from hotline.intake.actions import AppealData, do_receive_appeal
from hotline.supervision.models import Repetition
from hotline.supervision.repetition import refresh_repetitions
from tests.e2e.conftest import sign_in
from tests.e2e.test_small_screens import LOW_TARGETS, OVERFLOW
from tests.supervision.test_repetition_groups import XISHAN

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "s3cret-pass"
PHONE = {"width": 375, "height": 740}


def test_a_supervisor_reads_the_tickets_and_takes_an_issue_apart_on_a_phone(
    page, live_server, staff, screenshot
) -> None:
    supervisor = staff["supervisor"]
    supervisor.set_password(PASSWORD)
    supervisor.save()
    tickets = []
    for i, (title, content) in enumerate(XISHAN):
        ticket, _created = do_receive_appeal(
            AppealData(
                channel=Channel.PHONE,
                title=title,
                content=content,
                citizen_name="市民",
                citizen_phone=f"1370000000{i}",
                address=f"西山路{i + 1}号",
            ),
            staff["operator"],
        )
        tickets.append(ticket)
    refresh_repetitions()
    issue = Repetition.objects.get(kind=RepetitionKind.ISSUE)

    page.set_viewport_size(PHONE)
    sign_in(page, live_server, supervisor.username, PASSWORD, "/supervision/repetitions/")
    row = page.locator(f"#repetition-{issue.pk}")
    for ticket in tickets:
        line = row.locator(f"li[data-number='{ticket.number}']")
        text = line.inner_text()
        assert ticket.number in text and ticket.title in text and "待派单" in text
        # One ticket, one block: its words wrap within the screen.
        assert line.bounding_box()["width"] <= PHONE["width"]
    assert page.evaluate(OVERFLOW) == 0
    assert page.evaluate(LOW_TARGETS, 40) == []
    screenshot("repetitions-phone")

    # With the keyboard: the note, then Tab to the button, then Enter.
    note = row.locator("input[name=note]")
    note.focus()
    page.keyboard.type("三段不同的路灯")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "不是同一问题"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.locator(".messages li.success", has_text="不是同一问题").wait_for()
    assert page.locator(f"#repetition-{issue.pk}").count() == 0
    screenshot("repetitions-taken-apart")
    issue.refresh_from_db()
    assert (issue.outcome, issue.reviewed_by, issue.review_note) == (
        RepetitionOutcome.UNRELATED,
        supervisor,
        "三段不同的路灯",
    )
    assert issue.cleared_at is not None
