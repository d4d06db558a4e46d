"""The in-app inbox through the API: mine only, unread filter, mark read."""

import pytest

from hotline.core.enums import NotificationReason, Role
from hotline.notifications.actions import do_notify
from hotline.notifications.models import Notification
from tests.factories import UserFactory, make_ticket

pytestmark = pytest.mark.django_db


def notify(key: str, **kw) -> Notification:
    (row,) = do_notify(key=key, reason=NotificationReason.OTHER, message=f"消息 {key}", **kw)
    return row


@pytest.fixture
def inbox_rows(staff, departments):
    street_head = UserFactory(username="head_s", role=Role.HEAD, department=departments["street"])
    ticket = make_ticket()
    return {
        "to_me": notify("me", recipient=staff["street"], ticket=ticket),
        "to_my_unit": notify("unit", department=departments["street"]),
        "to_my_head": notify("head", department=departments["street"], role=Role.HEAD),
        "to_other_unit": notify("other", department=departments["water"]),
        "to_leaders": notify("leaders", role=Role.LEADER),
        "head": street_head,
    }


def ids(response) -> set[int]:
    return {item["id"] for item in response.json()["items"]}


def test_my_inbox(api_as, staff, inbox_rows):
    response = api_as(staff["street"]).get("/notifications")

    assert response.status_code == 200
    body = response.json()
    assert ids(response) == {inbox_rows["to_me"].pk, inbox_rows["to_my_unit"].pk}
    assert body["count"] == body["unread"] == 2
    me = next(i for i in body["items"] if i["id"] == inbox_rows["to_me"].pk)
    assert me["ticket"]["number"]
    assert me["reason"] == "other"
    assert me["read_at"] is None


def test_heads_and_leaders_see_what_is_addressed_to_their_role(api_as, staff, inbox_rows):
    assert ids(api_as(inbox_rows["head"]).get("/notifications")) == {
        inbox_rows["to_my_unit"].pk,
        inbox_rows["to_my_head"].pk,
    }
    assert ids(api_as(staff["leader"]).get("/notifications")) == {inbox_rows["to_leaders"].pk}


def test_mark_read_and_the_unread_filter(api_as, staff, inbox_rows):
    client = api_as(staff["street"])
    row = inbox_rows["to_my_unit"]

    response = client.post(f"/notifications/{row.pk}/read")
    assert response.status_code == 200
    first_read = response.json()["read_at"]
    assert first_read is not None
    # Again: still read, at the first time.
    assert client.post(f"/notifications/{row.pk}/read").json()["read_at"] == first_read

    assert ids(client.get("/notifications", {"unread": "true"})) == {inbox_rows["to_me"].pk}
    assert ids(client.get("/notifications", {"unread": "false"})) == {row.pk}
    assert client.get("/notifications").json()["unread"] == 1


def test_someone_elses_notification_is_not_found(api_as, staff, inbox_rows):
    client = api_as(staff["street"])

    assert client.post(f"/notifications/{inbox_rows['to_other_unit'].pk}/read").status_code == 404
    assert client.post(f"/notifications/{inbox_rows['to_my_head'].pk}/read").status_code == 404
    assert client.post("/notifications/999999/read").status_code == 404
    inbox_rows["to_other_unit"].refresh_from_db()
    assert inbox_rows["to_other_unit"].read_at is None


def test_anonymous_is_401(anonymous_client):
    assert anonymous_client.get("/notifications").status_code == 401


def test_paging(api_as, staff, departments):
    for i in range(5):
        notify(f"p{i}", department=departments["water"])
    client = api_as(staff["water"])

    page = client.get("/notifications", {"limit": 2, "offset": 2}).json()

    assert page["count"] == 5
    assert len(page["items"]) == 2
    assert client.get("/notifications", {"limit": 1000}).status_code == 422
