"""Extension requests waiting for approval (延期待审批) where those who approve them work: the home
page counts them for every role that may approve (dispatch as well as supervision), linking to a
list it can open, and a dispatcher approves them from the dispatch desk's list."""

from datetime import timedelta

import pytest

from hotline.accounts.permissions import ACTION_ROLES
from hotline.sla.actions import do_request_extension
from hotline.sla.models import Extension
from hotline.tickets.actions import do_accept_assignment
from hotline.tickets.models import Ticket
from tests.web.conftest import NOW
from tests.web.test_supervision_board import Forms, late, lead_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_now")]

ASKED = (NOW + timedelta(days=5)).replace(second=0, microsecond=0)


@pytest.fixture
def asked(staff, departments) -> Ticket:
    """A week-old ticket signed by housing, which asks for five more days."""
    ticket = do_accept_assignment(late(staff, departments), staff["housing"])
    return do_request_extension(ticket, staff["housing"], reason="需第三方检测", requested_due_at=ASKED)


def _waiting(client) -> dict[str, tuple[int, str]]:
    return {c.label: (c.count, c.url) for c in client.get("/").context["waiting"]}


def test_every_role_that_approves_extensions_sees_them_waiting(client, staff, asked) -> None:
    assert ACTION_ROLES["review_extension"] == {"dispatcher", "supervisor", "admin"}
    for role, url in (
        ("dispatcher", "/dispatch/extensions/"),
        ("supervisor", "/supervision/?view=extensions"),
        ("admin", "/supervision/?view=extensions"),
    ):
        client.force_login(staff[role])
        assert _waiting(client)["延期待审批"] == (1, url), role
        assert client.get(url).status_code == 200, role  # a page the role can open
        page = client.get("/").content.decode()
        assert f'<a href="{url}"><strong>1</strong> 延期待审批</a>' in page.replace("&amp;", "&")
    for role in ("leader", "operator", "housing", "district_head"):  # they do not approve
        client.force_login(staff[role])
        assert "延期待审批" not in _waiting(client), role


def test_a_dispatcher_approves_from_the_dispatch_desks_list(client, staff, asked) -> None:
    extension = Extension.objects.get()
    client.force_login(staff["dispatcher"])
    response = client.get("/dispatch/extensions/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 件延期申请待审批" in page
    row = page[page.index(f'id="extension-{extension.pk}"') :].split("</li>")[0]
    assert asked.number in row and "住建局" in row and "需第三方检测" in row
    assert f"申请延期至 {ASKED:%Y-%m-%d %H:%M}" in row
    parser = Forms()
    parser.feed(row)
    [form] = parser.forms
    assert form["action"] == f"/tickets/{asked.number}/do/review_extension/"
    assert form["fields"]["extension_id"] == str(extension.pk)
    assert form["fields"]["next"] == "/dispatch/extensions/"

    response = client.post(form["action"], {**form["fields"], "approve": "true"}, follow=True)
    assert response.redirect_chain == [("/dispatch/extensions/", 302)]
    page = response.content.decode()
    assert f"工单 {asked.number}：已批准延期申请" in page
    assert "没有待审批的延期申请" in page
    assert lead_of(asked).due_at == ASKED
    assert _waiting(client)["延期待审批"] == (0, "/dispatch/extensions/")


def test_the_list_is_for_those_who_approve(client, staff, asked) -> None:
    response = client.get("/dispatch/extensions/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    for role in ("leader", "operator", "housing"):
        client.force_login(staff[role])
        response = client.get("/dispatch/extensions/")
        assert response.status_code == 403, role
        assert "需第三方检测" not in response.content.decode()
    client.force_login(staff["dispatcher"])
    assert client.post("/dispatch/extensions/").status_code == 405
