"""An address is the caller's words as much as the description is ("西山路8号 联系139…", typed on
the portal or given on the phone): the public GeoReport view masks the numbers in it as it masks
the description's, and as the staff's lists, API and export mask a listed address
(`tickets.presenter.listed_address`, docs/adr/0017)."""

import pytest

from tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def test_no_number_a_citizen_wrote_leaves_in_an_address(client, services) -> None:
    ticket = make_ticket(address="西山路8号 联系13912345678 王建国", citizen_name="王建国", phone="88881234")
    other = make_ticket(address="幸福路12号，请回拨111111111", phone="111111111")
    for path in ("/open311/v2/requests.json", f"/open311/v2/requests/{ticket.number}.json"):
        shown = {r["service_request_id"]: r for r in client.get(path).json()}
        assert shown[ticket.number]["address"] == "西山路8号 联系*** 王**"
    # A caller's own number in a form no pattern knows; a place's own numbers stay.
    [shown] = client.get(f"/open311/v2/requests/{other.number}.json").json()
    assert shown["address"] == "幸福路12号，请回拨***"
    text = client.get("/open311/v2/requests.xml").content.decode()
    assert "13912345678" not in text and "111111111" not in text and "王建国" not in text
