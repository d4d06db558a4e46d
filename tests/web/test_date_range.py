"""Issue 20: the pages refuse a timestamp outside 2000-01-01 .. 2100-12-31 (city time) with a form
error that names the field and the range, as the API does, and store nothing."""

import pytest

from hotline.sla.models import Extension
from hotline.supervision.models import Supervision
from hotline.tickets.actions import do_accept_assignment, do_dispatch_ticket
from hotline.tickets.models import Ticket, TicketEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_now")]

RANGE = "2000-01-01 至 2100-12-31"


@pytest.fixture
def accepted(staff, departments, waiting) -> Ticket:
    ticket = do_dispatch_ticket(waiting[0], staff["dispatcher"], lead_department_id=departments["housing"].pk)
    return do_accept_assignment(ticket, staff["housing"])


@pytest.mark.parametrize(
    ("params", "label"),
    [({"created_from": "0001-01-01"}, "受理日期自"), ({"created_to": "9999-12-31"}, "至")],
)
def test_the_search_page_refuses_dates_out_of_range(client, staff, params, label) -> None:
    client.force_login(staff["operator"])
    response = client.get("/tickets/", params)
    assert response.status_code == 422
    html = response.content.decode()
    assert f"{label}：须在 {RANGE} 之间（北京时间）" in html
    assert (
        client.get("/tickets/", {"created_from": "2000-01-01", "created_to": "2100-12-31"}).status_code == 200
    )


@pytest.mark.parametrize("due", ["9999-12-31T23:59", "2101-01-01T00:00", "0001-01-01T00:00"])
def test_an_extension_out_of_range_is_refused_on_the_ticket_page(client, staff, accepted, due) -> None:
    client.force_login(staff["housing"])
    response = client.post(
        f"/tickets/{accepted.number}/do/request_extension/",
        {"reason": "需第三方检测", "requested_due_at": due},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert f"申请延至：须在 {RANGE} 之间" in response.content.decode()
    assert not Extension.objects.exists()
    assert client.get(f"/tickets/{accepted.number}/").status_code == 200


@pytest.mark.parametrize("deadline", ["9999-12-31T23:59", "2101-01-01T00:00", "0001-01-01T00:00"])
def test_a_supervision_deadline_out_of_range_is_refused_on_the_board(
    client, staff, accepted, deadline
) -> None:
    client.force_login(staff["supervisor"])
    response = client.post(
        f"/supervision/tickets/{accepted.number}/open/",
        {"kind": "order", "reason": "超期两天仍未办理", "deadline": deadline},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert f"督办期限：须在 {RANGE} 之间" in response.content.decode()
    assert not Supervision.objects.exists()


def test_a_timeline_moment_stored_before_the_range_still_shows(client, staff, accepted) -> None:
    # Extensions asked before the fix kept their far-out time in the timeline, which is never edited.
    far = "9999-12-31T23:59:59-12:00"
    TicketEvent.objects.filter(ticket=accepted, action="accept").update(details={"due_at": far})
    client.force_login(staff["housing"])
    response = client.get(f"/tickets/{accepted.number}/")
    assert response.status_code == 200
    assert far in response.content.decode()
