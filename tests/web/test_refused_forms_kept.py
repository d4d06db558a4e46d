"""A return (退单) or an extension request (申请延期) refused on the ticket's page comes back as that
page with what was typed in its form and the reason beside it, as a refused reply does: a handler
who wrote a page of reasons does not write them again."""

import pytest

from hotline.core.enums import TicketStatus
from hotline.sla.models import Extension
from hotline.tickets.models import Assignment
from tests.tickets.conftest import Flow

pytestmark = pytest.mark.django_db

REASON = "该路段属市政道路，养护由市城管局负责，本单位无执法权限，请改派。"


@pytest.fixture
def accepted(staff, departments):
    flow = Flow(staff, departments)
    return flow, flow.accept(flow.to(TicketStatus.DISPATCHED))


def test_an_extension_refused_for_its_date_keeps_the_reason_and_the_date(client, accepted) -> None:
    flow, ticket = accepted
    client.force_login(flow.user("housing"))
    page = f"/tickets/{ticket.number}/"
    asked = "2001-01-01T09:00"  # in the past
    response = client.post(
        f"{page}do/request_extension/", {"requested_due_at": asked, "reason": REASON, "next": page}
    )
    assert response.status_code in (409, 422)
    html = response.content.decode()
    assert 'id="extension-refused"' in html and 'role="alert"' in html
    assert f">{REASON}</textarea>" in html
    assert f'value="{asked}"' in html
    assert 'id="ticket-status"' in html  # the ticket's page, not a dead end
    assert not Extension.objects.filter(assignment__ticket=ticket).exists()


def test_a_return_refused_keeps_its_reason(client, accepted) -> None:
    flow, ticket = accepted
    client.force_login(flow.user("housing"))
    page = f"/tickets/{ticket.number}/"
    assert client.post(f"{page}do/suspend/", {"reason": "awaiting_material", "next": page}).status_code == 302
    response = client.post(f"{page}do/return/", {"reason": REASON, "next": page})
    assert response.status_code == 409
    html = response.content.decode()
    assert 'id="return-refused"' in html and "已挂起" in html
    assert f">{REASON}</textarea>" in html
    assert Assignment.objects.get(ticket=ticket, role="lead").status == "accepted"


# Pasted text with a control character in it (a vertical tab from a word processor) is refused by
# the action's schema, whatever the form: the text comes back to be corrected, not typed again.
PASTED = "已到现场查看，\x0b与物业约定周五更换灯具。"
TYPED = "已到现场查看，"


def _refused_page(client, ticket, action: str, fields: dict) -> str:
    page = f"/tickets/{ticket.number}/"
    response = client.post(f"{page}do/{action}/", {**fields, "next": page})
    assert response.status_code == 422, response.content.decode()
    html = response.content.decode()
    assert f'id="{action.replace("_", "-")}-refused"' in html and 'role="alert"' in html
    assert 'id="ticket-status"' in html  # the ticket's page, not a dead end
    return html


def test_a_progress_note_refused_keeps_its_text_and_the_box(client, accepted) -> None:
    flow, ticket = accepted
    client.force_login(flow.user("housing"))
    html = _refused_page(client, ticket, "progress", {"text": PASTED, "contacted": "true"})
    form = html[html.index('id="progress-form"') :]
    form = form[: form.index("</form>")]
    assert TYPED in form and 'name="contacted" value="true" checked' in form
    assert not ticket.events.filter(action="progress").exists()


def test_a_suspension_refused_keeps_its_reason_and_note(client, accepted) -> None:
    flow, ticket = accepted
    client.force_login(flow.user("housing"))
    html = _refused_page(client, ticket, "suspend", {"reason": "other", "note": PASTED})
    form = html[html.index('id="suspend-form"') :]
    form = form[: form.index("</form>")]
    assert '<option value="other" selected>' in form and TYPED in form
    # Refused by the action itself (其他 without a word of why): the chosen reason stays chosen.
    html = _refused_page(client, ticket, "suspend", {"reason": "other", "note": ""})
    assert "挂起原因为“其他”时须说明" in html and '<option value="other" selected>' in html
    assert Assignment.objects.get(ticket=ticket, role="lead").status == "accepted"


@pytest.mark.parametrize(
    ("status", "who", "action", "fields"),
    [
        (TicketStatus.ACCEPTED, "water", "answer", {"text": PASTED}),
        (TicketStatus.ACCEPTED, "housing", "resume", {"note": PASTED}),
        (TicketStatus.DISPATCHED, "dispatcher", "recall", {"reason": PASTED}),
        (TicketStatus.NEW, "dispatcher", "request_invalidation", {"reason": PASTED}),
        (TicketStatus.NEW, "dispatcher", "dispatch", {"note": PASTED}),
        (TicketStatus.NEW, "dispatcher", "link", {"other_number": "OTHER", "note": PASTED}),
        (TicketStatus.NEW, "dispatcher", "merge", {"into_number": "OTHER", "note": PASTED}),
        (TicketStatus.MERGED, "dispatcher", "unmerge", {"note": PASTED}),
        (TicketStatus.REPLIED, "operator", "callback_attempt", {"note": PASTED}),
        (TicketStatus.REPLIED, "operator", "callback", {"resolution": "resolved", "note": PASTED}),
    ],
)
def test_every_form_of_written_words_keeps_them_when_refused(
    client, staff, departments, status, who, action, fields
) -> None:
    flow = Flow(staff, departments)
    ticket = flow.to(status)
    if action == "answer":
        flow.accept(ticket, "water")
    if action == "resume":
        client.force_login(flow.user("housing"))
        client.post(f"/tickets/{ticket.number}/do/suspend/", {"reason": "awaiting_material"})
    if action == "dispatch":
        fields = {**fields, "lead_department_id": departments["housing"].pk}
    other = flow.new(title="另一件事") if "OTHER" in fields.values() else None
    fields = {k: other.number if v == "OTHER" and other else v for k, v in fields.items()}
    before = ticket.events.count()
    client.force_login(flow.user(who))
    html = _refused_page(client, ticket, action, fields)
    form = html[html.index(f'id="{action.replace("_", "-")}-refused"') :]
    form = form[: form.index("</form>")]
    assert TYPED in form
    for name, value in fields.items():
        if name.endswith("_number"):
            assert f'name="{name}" value="{value}"' in form, name
        elif name not in ("note", "text", "reason"):  # a choice: chosen again
            assert f'<option value="{value}" selected>' in form, name
    assert ticket.events.count() == before


def test_a_decision_refused_keeps_its_note_on_its_own_form(client, accepted) -> None:
    """An extension's review (one form for each request waiting) and an invalidation's confirmation."""
    flow, ticket = accepted
    page = f"/tickets/{ticket.number}/"
    client.force_login(flow.user("housing"))
    asked = client.post(
        f"{page}do/request_extension/",
        {"requested_due_at": "2099-01-01T09:00", "reason": REASON, "next": page},
    )
    assert asked.status_code == 302
    extension = Extension.objects.get(assignment__ticket=ticket)
    client.force_login(flow.user("dispatcher"))
    fields = {"extension_id": extension.pk, "approve": "true", "note": PASTED, "due_at": "2099-01-02T09:00"}
    html = _refused_page(client, ticket, "review_extension", fields)
    form = html[html.index('id="review-extension-refused"') :]
    form = form[: form.index("</form>")]
    assert TYPED in form and 'value="2099-01-02T09:00"' in form
    extension.refresh_from_db()
    assert extension.approved is None

    client.force_login(flow.user("operator"))
    requested = client.post(f"{page}do/request_invalidation/", {"reason": "恶意骚扰电话", "next": page})
    assert requested.status_code == 302
    client.force_login(flow.user("supervisor"))
    html = _refused_page(client, ticket, "confirm_invalidation", {"confirm": "true", "note": PASTED})
    form = html[html.index('id="confirm-invalidation-refused"') :]
    assert TYPED in form[: form.index("</form>")]
    ticket.refresh_from_db()
    assert ticket.status != TicketStatus.INVALID
