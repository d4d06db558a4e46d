"""GET /api/v1/tickets and /tickets/{id}: a citizen's number written in a ticket's title or an
appeal's is masked for a role that sees the callers' numbers masked (a leader), in the list for
every role (as the list's phone), and as written in the detail for a role that calls them back."""

import pytest

from tests.factories import make_ticket

pytestmark = pytest.mark.django_db

TITLE = "回电13912345678 路灯不亮"
MASKED = "回电*** 路灯不亮"


@pytest.fixture
def ticket(staff):
    return make_ticket(actor=staff["operator"], title=TITLE, phone="13800000001")


def _titles(body: dict) -> list[str]:
    return [body["title"], *(a["title"] for a in body["appeals"])]


def test_a_leader_reads_the_titles_masked(staff, ticket, api_as) -> None:
    leader = api_as(staff["leader"])
    listed = leader.get("/tickets", {"q": "路灯不亮"}).json()
    assert [(i["number"], i["title"]) for i in listed["items"]] == [(ticket.number, MASKED)]
    detail = leader.get(f"/tickets/{ticket.pk}")
    assert detail.status_code == 200
    assert _titles(detail.json()) == [MASKED, MASKED]
    assert "1391234" not in detail.content.decode()


def test_a_dispatcher_reads_them_as_written_in_the_detail_and_masked_in_the_list(
    staff, ticket, api_as
) -> None:
    dispatcher = api_as(staff["dispatcher"])
    listed = dispatcher.get("/tickets", {"q": "路灯不亮"}).json()
    assert [(i["title"], i["citizen_phone"]) for i in listed["items"]] == [(MASKED, "138****0001")]
    assert _titles(dispatcher.get(f"/tickets/{ticket.pk}").json()) == [TITLE, TITLE]
