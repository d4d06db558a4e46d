"""GET /api/v1/tickets and /tickets/{id}: a citizen's number written in the address ("西山路8号
联系139…") is masked as the title's is (47ffa4d): in the list for every role, in the detail (the
ticket's and each appeal's) for a role that sees the callers' numbers masked, and as written in
the detail for a role that calls them back."""

import pytest

from tests.factories import make_ticket

pytestmark = pytest.mark.django_db

ADDRESS = "西山路8号 联系13912345678"
MASKED = "西山路8号 联系***"


@pytest.fixture
def ticket(staff):
    return make_ticket(actor=staff["operator"], title="路灯不亮", address=ADDRESS, phone="13800000001")


def _addresses(body: dict) -> list[str]:
    return [body["address"], *(a["address"] for a in body["appeals"])]


def test_a_leader_reads_the_address_masked(staff, ticket, api_as) -> None:
    leader = api_as(staff["leader"])
    listed = leader.get("/tickets", {"q": "路灯不亮"}).json()
    assert [i["address"] for i in listed["items"]] == [MASKED]
    detail = leader.get(f"/tickets/{ticket.pk}")
    assert _addresses(detail.json()) == [MASKED, MASKED]
    assert "1391234" not in detail.content.decode()


def test_a_dispatcher_reads_it_as_written_in_the_detail_only(staff, ticket, api_as) -> None:
    dispatcher = api_as(staff["dispatcher"])
    listed = dispatcher.get("/tickets", {"q": "路灯不亮"}).json()
    assert [i["address"] for i in listed["items"]] == [MASKED]
    assert _addresses(dispatcher.get(f"/tickets/{ticket.pk}").json()) == [ADDRESS, ADDRESS]
