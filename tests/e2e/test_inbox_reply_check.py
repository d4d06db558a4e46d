"""The reply-quality check from an inbox row in Chromium: the handler checks the draft before sending,
as on the ticket's page, and once it is sent the row's line says what the check stored."""

import pytest

from hotline.feedback.models import ReplyCheck
from hotline.tickets.actions import do_accept_assignment, do_dispatch_ticket
from tests.e2e.conftest import sign_in
from tests.factories import make_ticket
from tests.feedback.test_quality import FORMULA

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_handler_checks_a_reply_from_the_inbox_and_sees_its_verdict(
    page, live_server, staff, departments, screenshot
) -> None:
    handler = staff["housing"]
    handler.set_password("s3cret-pass")
    handler.save()
    ticket = do_dispatch_ticket(
        make_ticket(actor=staff["operator"], title="幸福路12号小区门口路灯不亮"),
        staff["dispatcher"],
        lead_department_id=departments["housing"].pk,
    )
    ticket = do_accept_assignment(ticket, handler)
    lead = ticket.assignments.get()

    sign_in(page, live_server, handler.username, "s3cret-pass", "/inbox/")
    row = page.locator(f"#assignment-{lead.pk}")
    row.locator("details.reply summary").click()
    row.locator("details.reply textarea[name=text]").fill(FORMULA)
    row.get_by_role("button", name="发送前检查答复质量").click()
    preview = row.locator(f"#reply-preview-{lead.pk}")
    preview.locator(".reply-quality").wait_for()
    assert "质量存疑" in preview.inner_text() and "仍可发送" in preview.inner_text()
    assert not ReplyCheck.objects.exists()  # a draft's check stores nothing
    screenshot("inbox-reply-check")

    row.locator("details.reply button[type=submit]").click()
    done = page.locator(f"#assignment-{lead.pk}.done")
    done.wait_for()
    verdict = done.locator(".reply-quality")
    assert "已答复诉求人" in done.inner_text()
    assert "质量存疑" in verdict.inner_text() and "没有说明原因" in verdict.inner_text()
    assert ReplyCheck.objects.get(reply__ticket=ticket).weak
    screenshot("inbox-reply-verdict")
