"""GET /api/v1/dedup/similar: candidates for the appeal being typed, for those who take calls."""

import pytest

from hotline.dedup.indexing import embed_missing
from hotline.tickets.models import Ticket
from tests.api.conftest import ApiClient
from tests.factories import DepartmentFactory, make_ticket

LAMP = ("幸福路12号小区门口路灯不亮", "幸福路12号小区门口的路灯坏了一周，晚上很黑，请尽快修理。")


@pytest.fixture
def stored(db, staff, departments):
    """Three tickets, embedded: the lamp at 和平街道's estate, the same lamp reported in another
    district, and a noise complaint."""
    elsewhere = DepartmentFactory(code="D02", name="西城区", level="district", is_area=True)
    here = make_ticket(actor=staff["operator"], title=LAMP[0], content=LAMP[1])
    there = make_ticket(actor=staff["operator"], title=LAMP[0], content=LAMP[1] + "西城区这边")
    noise = make_ticket(
        actor=staff["operator"], title="工地夜间施工噪音", content="凌晨两点还在打桩，影响休息"
    )
    Ticket.objects.filter(pk=here.pk).update(area=departments["street"])
    Ticket.objects.filter(pk=there.pk).update(area=elsewhere)
    embed_missing()
    return {"here": here, "there": there, "noise": noise}


def similar(client: ApiClient, **params):
    return client.get("/dedup/similar", params)


@pytest.mark.parametrize("role", ["operator", "dispatcher", "admin"])
def test_those_who_take_calls_get_candidates_best_first(api_as, staff, stored, role):
    response = similar(api_as(staff[role]), text="路灯坏了 幸福路12号小区门口路灯不亮，晚上很黑", top=3)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["embedder"] == "ngram1024" and body["threshold"] == 0.5
    items = body["items"]
    assert {i["id"] for i in items[:2]} == {stored["here"].pk, stored["there"].pk}
    first = items[0]
    assert set(first) == {"id", "number", "title", "status", "score", "similarity", "duplicate", "reason"}
    assert first["duplicate"] is True and first["status"] == "new"
    assert first["reason"].startswith("文本相似 ") and "天内" in first["reason"]
    assert items[-1]["id"] == stored["noise"].pk and items[-1]["duplicate"] is False
    assert [i["score"] for i in items] == sorted((i["score"] for i in items), reverse=True)


def test_a_long_text_is_cut_as_a_stored_tickets_text_is(api_as, staff, stored):
    """What was typed is searched by its start, as the stored tickets were embedded: a text of
    600 characters costs what its first ones do, and finds what they find, with the same scores."""
    text = LAMP[0] + " " + LAMP[1]
    client = api_as(staff["operator"])
    short = similar(client, text=text).json()["items"]
    long = similar(client, text=text + "很" * 600).json()["items"]
    cut = similar(client, text=(text + "很" * 600)[:200]).json()["items"]
    assert long == cut
    assert [i["id"] for i in long][:2] == [i["id"] for i in short][:2]


def test_the_address_lowers_another_district(api_as, staff, stored):
    body = similar(
        api_as(staff["operator"]), text=LAMP[0] + " " + LAMP[1], address="东城区和平街道幸福路12号"
    ).json()
    assert body["area"] == "和平街道"
    by_id = {i["id"]: i for i in body["items"]}
    here, there = by_id[stored["here"].pk], by_id[stored["there"].pk]
    # The same street adds nothing (docs/adr/0011, 2026-12-04), so the reason does not name it.
    assert "同一街道" not in here["reason"] and "不同区县" in there["reason"]
    assert here["score"] > there["score"]
    assert body["items"][0]["id"] == stored["here"].pk


def test_merged_tickets_and_the_top_limit(api_as, staff, stored):
    Ticket.objects.filter(pk=stored["there"].pk).update(status="merged", merged_into=stored["here"])
    items = similar(api_as(staff["operator"]), text=LAMP[1], top=1).json()["items"]
    assert [i["id"] for i in items] == [stored["here"].pk]
    items = similar(api_as(staff["operator"]), text=LAMP[1], top=5).json()["items"]
    assert stored["there"].pk not in {i["id"] for i in items}


@pytest.mark.parametrize("role", ["housing", "street", "district_head", "supervisor", "leader"])
def test_department_staff_supervisors_and_leaders_are_refused(api_as, staff, stored, role):
    # The search reaches every department's tickets; a handler sees their own on their own pages.
    response = similar(api_as(staff[role]), text=LAMP[1])
    assert response.status_code == 403
    assert "detail" in response.json()


def test_anonymous_is_unauthenticated(anonymous, stored):
    assert similar(anonymous, text=LAMP[1]).status_code == 401


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "text"),
        ({"text": "   "}, "text"),
        ({"text": "路灯", "top": 0}, "top"),
        ({"text": "路灯", "top": 51}, "top"),
        ({"text": "路灯", "category_id": 99999}, "category_id"),
        ({"text": "路灯", "latitude": 91}, "latitude"),
    ],
)
def test_bad_queries_are_refused_with_the_field(api_as, staff, stored, params, field):
    response = similar(api_as(staff["operator"]), **params)
    assert response.status_code in (400, 422), response.content
    assert field in response.json()["detail"]


def test_no_tickets_no_candidates(api_as, staff):
    body = similar(api_as(staff["operator"]), text=LAMP[1]).json()
    assert body["items"] == []


def test_another_gym_is_told_apart_by_its_name(api_as, staff, db):
    """Two gyms closing with the members' cards unrefunded, one template: the gym the caller names
    is the one whose ticket ranks first, and the other's reason says they are two businesses."""
    content = "突然说要装修停业，让我们转到别的店，路太远我要求退卡被拒绝。"
    same = make_ticket(
        actor=staff["operator"], title="力美健身会所停业拒绝退卡", content="力美健身会所" + content
    )
    other = make_ticket(
        actor=staff["operator"], title="型格健身会所停业拒绝退卡", content="型格健身会所" + content
    )
    embed_missing()
    body = similar(api_as(staff["operator"]), text="力美健身会所不给退卡 力美健身会所" + content).json()
    by_id = {i["id"]: i for i in body["items"]}
    assert "商家不同：力美 / 型格" in by_id[other.pk]["reason"]
    assert "商家" not in by_id[same.pk]["reason"]  # a shared business weighs 0 and is not named
    assert body["items"][0]["id"] == same.pk
    assert by_id[other.pk]["score"] < by_id[same.pk]["score"]
