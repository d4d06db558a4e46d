import pytest

from tests.factories import make_ticket


@pytest.mark.django_db
def test_home_page_speaks_chinese_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="zh-hans">' in body
    assert "接诉即办" in body
    assert "登录" in body


@pytest.mark.django_db
def test_home_page_in_english_when_chosen(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    body = client.get("/").content.decode()
    assert '<html lang="en">' in body
    assert "Sign in" in body


def test_home_counts_only_visible_tickets(client, staff, departments):
    from hotline.tickets.actions import do_dispatch_ticket

    mine = make_ticket(actor=staff["operator"])
    other = make_ticket(actor=staff["operator"], title="停水", content="建设街停水两天")
    do_dispatch_ticket(mine, staff["dispatcher"], lead_department_id=departments["housing"].pk)
    do_dispatch_ticket(other, staff["dispatcher"], lead_department_id=departments["water"].pk)

    client.force_login(staff["housing"])
    rows = dict(client.get("/").context["by_status"])
    assert rows["已派单"] == 1
    assert sum(rows.values()) == 1

    client.force_login(staff["dispatcher"])
    rows = dict(client.get("/").context["by_status"])
    assert rows["已派单"] == 2
