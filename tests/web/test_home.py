import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

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
    response = client.get("/")
    rows = {label: n for _value, label, n in response.context["by_status"]}
    assert rows["已派单"] == 1
    assert sum(rows.values()) == 1
    page = response.content.decode()
    assert "本单位工单" in page and 'href="/tickets/?status=dispatched"' in page
    assert "管理后台" not in page and "openapi.json" not in page  # the desks have no use for them

    client.force_login(staff["dispatcher"])
    response = client.get("/")
    rows = {label: n for _value, label, n in response.context["by_status"]}
    assert rows["已派单"] == 2
    assert "全市工单" in response.content.decode()

    staff["admin"].is_staff = True  # who may open Django's admin
    staff["admin"].save()
    client.force_login(staff["admin"])
    assert "管理后台" in client.get("/").content.decode()
    client.logout()
    page = client.get("/").content.decode()
    assert 'href="/portal/"' in page and 'href="/login/"' in page and "管理后台" not in page


def _waiting(client) -> dict[str, tuple[int, str]]:
    return {c.label: (c.count, c.url) for c in client.get("/").context["waiting"]}


def test_each_role_sees_what_waits_for_it_with_links(client, staff, departments):
    from hotline.tickets.actions import do_dispatch_ticket, do_return_assignment

    waiting_ticket = make_ticket(actor=staff["operator"])
    returned = make_ticket(actor=staff["operator"], title="停水", content="建设街停水两天")
    do_dispatch_ticket(returned, staff["dispatcher"], lead_department_id=departments["housing"].pk)
    do_return_assignment(returned, staff["housing"], reason="不属于本单位")
    signed = make_ticket(actor=staff["operator"], title="噪音", content="夜间施工噪音")
    do_dispatch_ticket(signed, staff["dispatcher"], lead_department_id=departments["water"].pk)

    client.force_login(staff["dispatcher"])
    waiting = _waiting(client)
    assert waiting["待派单"] == (1, "/dispatch/")
    assert waiting["退单待审核"] == (1, "/dispatch/returns/")
    assert "待签收" not in waiting and "待回访" not in waiting

    client.force_login(staff["water"])
    waiting = _waiting(client)
    assert waiting["待签收"] == (1, "/inbox/?status=pending")
    assert "待派单" not in waiting
    page = client.get("/").content.decode()
    assert 'href="/inbox/?status=pending"' in page

    client.force_login(staff["operator"])
    assert _waiting(client)["待回访"] == (0, "/callbacks/?filter=to_call")

    client.force_login(staff["supervisor"])
    waiting = _waiting(client)
    assert waiting["超期未办结"] == (0, "/supervision/?view=overdue")
    assert "待回访" in waiting  # supervisors also call back
    assert waiting_ticket.pk  # still new: counted for dispatch above


def test_every_counter_link_opens_for_its_role(client, staff, departments):
    for role in ("operator", "dispatcher", "supervisor", "leader", "admin", "housing", "district_head"):
        client.force_login(staff[role])
        for label, (_count, url) in _waiting(client).items():
            assert client.get(url).status_code == 200, (role, label, url)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/login/", "/portal/", "/stats/"])
def test_pages_name_their_icon_so_the_browser_asks_for_no_missing_favicon(path):
    # Without a <link rel="icon">, the browser asks /favicon.ico, a 404 in every page's console.
    html = Client().get(path).content.decode()
    icon = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', html)
    assert icon is not None
    found = finders.find(icon.group(1).removeprefix(settings.STATIC_URL))
    assert found is not None and "<svg" in Path(found).read_text()
