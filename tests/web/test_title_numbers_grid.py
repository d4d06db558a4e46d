"""A grid worker's own report's page (/tickets/<number>/ for them, `web.grid.reported_ticket`) shows
their own words only: a citizen's ticket merged with it, its title holding the citizen's number
("回电13912345678 ..."), shows neither its title nor the number, whichever was merged into which."""

import pytest

from hotline.tickets.actions import do_merge_ticket
from tests.factories import make_ticket
from tests.web.test_grid_worker_reports import reported

pytestmark = pytest.mark.django_db

TITLE = "回电13912345678 井盖坏了"
DIGITS = ["13912345678", "1391234", "12345678"]


@pytest.mark.parametrize("into", ["report", "citizens"])
def test_a_merged_citizens_title_is_not_on_the_grid_workers_page(signed_in, grid_worker, staff, into) -> None:
    ticket = reported(grid_worker)
    citizens = make_ticket(actor=staff["operator"], title=TITLE, phone="13800000001")
    if into == "report":
        do_merge_ticket(citizens, staff["dispatcher"], into_ticket_id=ticket.pk)
    else:
        do_merge_ticket(ticket, staff["dispatcher"], into_ticket_id=citizens.pk)
    response = signed_in.get(f"/tickets/{ticket.number}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "人行道井盖破损" in html and "井盖坏了" not in html
    for digits in DIGITS:
        assert digits not in html, digits
