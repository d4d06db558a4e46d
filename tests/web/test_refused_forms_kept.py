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
