"""GET /api/v1/dedup/similar with what a client should not send, and what its candidates may show:
control characters are refused as every text field of the API refuses them (core.api.NoNul), and a
candidate's title is listed as the ticket list lists it, every number in it masked whoever asks
(tickets.presenter.listed_title): a citizen writes "请回电139…" in the title on the portal."""

import pytest

from hotline.dedup.indexing import embed_missing
from tests.factories import make_ticket

CALL_ME = ("幸福路12号路灯坏了请回电13912345678", "幸福路12号小区门口的路灯坏了一周，晚上很黑。")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"text": "路灯\x00坏了"}, "text"),
        ({"text": "\x01\x02"}, "text"),
        ({"text": "路灯\u202e坏了"}, "text"),
        ({"text": "路灯坏了", "address": "幸福路\x0012号"}, "address"),
        ({"text": "路灯坏了", "address": "幸福路\x1b12号"}, "address"),
    ],
)
def test_control_characters_are_refused_with_the_field(api_as, staff, params, field):
    response = api_as(staff["operator"]).get("/dedup/similar", params)
    assert response.status_code == 422, response.content
    assert response.json()["detail"].startswith(f"{field}: 不能包含")


@pytest.mark.parametrize("role", ["operator", "dispatcher", "admin"])
def test_a_candidates_title_has_its_numbers_masked(api_as, staff, role):
    ticket = make_ticket(actor=staff["operator"], title=CALL_ME[0], content=CALL_ME[1], phone="13912345678")
    embed_missing()
    response = api_as(staff[role]).get("/dedup/similar", {"text": "幸福路12号路灯坏了 晚上很黑"})
    assert response.status_code == 200, response.content
    (item,) = [i for i in response.json()["items"] if i["id"] == ticket.pk]
    assert item["title"] == "幸福路12号路灯坏了请回电***"
    assert "13912345678" not in response.content.decode()
    # As the ticket list shows the same ticket to the same caller.
    listed = api_as(staff[role]).get("/tickets", {"q": "幸福路12号路灯坏了"}).json()["items"]
    assert [t["title"] for t in listed if t["id"] == ticket.pk] == [item["title"]]


def test_a_text_over_its_limit_is_refused_with_the_limit(api_as, staff) -> None:
    """ "太长" said nothing of how long a text may be; the refusal names the limit."""
    response = api_as(staff["operator"]).get("/dedup/similar", {"text": "路灯不亮", "address": "西" * 301})
    assert response.status_code == 422
    assert "address: 不能超过 300 个字符" in response.json()["detail"]
