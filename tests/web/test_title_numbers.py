"""A citizen's number written in a ticket's title (the portal's and the web's callers write it there:
"回电13912345678 路灯不亮") is masked wherever a reader who may not see the callers' numbers reads
the title: a leader, on the list, the ticket's page (its title and its appeals', merged ones too),
the export, the rankings' and the hot spots' tickets; the case library's drafted title, which all
staff read. Lists and exports mask it for every role, as they mask the phone column; a role that
calls citizens back reads it as written on the ticket's own page."""

import io

import pytest
from openpyxl import load_workbook

from hotline.core import clock
from hotline.intake.models import Appeal
from hotline.tickets.actions import do_link_tickets, do_merge_ticket
from hotline.tickets.models import Ticket
from tests.analytics.conftest import at, june, kept_hotspots  # noqa: F401  (the hand-built June)
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db

TITLE = "回电13912345678 路灯不亮"
MASKED = "回电*** 路灯不亮"
# The number, and pieces of it long enough to say it.
DIGITS = ["13912345678", "1391234", "12345678"]
NOW = at(6, 20, 12)


def _without_number(html: str) -> None:
    for digits in DIGITS:
        assert digits not in html, digits


@pytest.fixture
def ticket(staff):
    return make_ticket(actor=staff["operator"], title=TITLE, phone="13800000001")


def _page(client, user, path: str, params: dict | None = None) -> str:
    client.force_login(user)
    response = client.get(path, params or {})
    assert response.status_code == 200
    return response.content.decode()


def test_a_leader_reads_the_title_masked_on_the_list(client, staff, ticket) -> None:
    html = _page(client, staff["leader"], "/tickets/", {"q": "路灯不亮"})
    assert ticket.number in html and MASKED in html
    _without_number(html)


def test_the_list_masks_it_for_every_role_as_its_phone_column(client, staff, ticket) -> None:
    html = _page(client, staff["dispatcher"], "/tickets/", {"q": "路灯不亮"})
    assert ticket.number in html and MASKED in html and "138****0001" in html
    _without_number(html)


def test_a_leader_reads_the_title_masked_on_the_ticket_page(client, staff, ticket) -> None:
    html = _page(client, staff["leader"], f"/tickets/{ticket.number}/")
    assert f"{ticket.number} · {MASKED}</h1>" in html
    assert f"<strong>{MASKED}</strong>" in html  # the appeal's own title
    _without_number(html)


def test_a_dispatcher_reads_it_as_written_on_the_ticket_page(client, staff, ticket) -> None:
    html = _page(client, staff["dispatcher"], f"/tickets/{ticket.number}/")
    assert f"{ticket.number} · {TITLE}</h1>" in html
    assert f"<strong>{TITLE}</strong>" in html


def test_a_merged_appeal_and_a_linked_ticket_are_masked_for_a_leader(client, staff) -> None:
    operator = staff["operator"]
    target = make_ticket(actor=operator, title="路灯不亮", phone="13800000001")
    duplicate = make_ticket(actor=operator, title=TITLE, phone="13900000002")
    do_merge_ticket(duplicate, operator, into_ticket_id=target.pk)
    other = make_ticket(actor=operator, title="家里电话 0571-88881234 路灯又坏了", phone="13700000003")
    do_link_tickets(target, staff["dispatcher"], other_ticket_id=other.pk)
    html = _page(client, staff["leader"], f"/tickets/{target.number}/")
    assert f"<strong>{MASKED}</strong>" in html
    assert "家里电话 *** 路灯又坏了" in html
    _without_number(html)
    assert "88881234" not in html
    written = _page(client, staff["dispatcher"], f"/tickets/{target.number}/")
    assert f"<strong>{TITLE}</strong>" in written


@pytest.mark.parametrize("role", ["leader", "dispatcher"])
def test_the_export_masks_the_title(client, staff, ticket, role) -> None:
    client.force_login(staff[role])
    response = client.get("/tickets/export.xlsx", {"q": "路灯不亮"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[4]) for r in rows] == [(ticket.number, MASKED)]


def test_the_rankings_tickets_mask_the_title(client, staff, june, departments) -> None:  # noqa: F811
    Ticket.objects.filter(pk=june.tickets["t1"].pk).update(title=TITLE)
    client.force_login(staff["leader"])
    params = {"rate": "on_time", "dimension": "area", "key": departments["street"].pk, "month": "2025-06"}
    with clock.frozen_at(NOW):
        response = client.get("/rankings/tickets/", params)
    html = response.content.decode()
    assert june.tickets["t1"].number in html and MASKED in html
    _without_number(html)


def test_the_hot_spot_tickets_mask_the_title(client, staff, june, departments) -> None:  # noqa: F811
    kept = kept_hotspots("recent", at(5, 21, 12), NOW, departments["street"])
    appeals = list(Appeal.objects.filter(ticket=june.tickets["t1"]).order_by("pk"))
    kept.hotspots.get().appeals.set(appeals)
    Appeal.objects.filter(pk=appeals[0].pk).update(title=TITLE)
    client.force_login(staff["leader"])
    with clock.frozen_at(NOW):
        html = client.get(f"/hotspots/{appeals[0].pk}/").content.decode()
    table = html.split('id="hotspot-appeals"', 1)[1].split("</table>", 1)[0]
    assert MASKED in table
    _without_number(table)


def test_the_case_drafted_from_a_ticket_masks_its_title(client, staff, june) -> None:  # noqa: F811
    """Every member of staff reads the case library: the title and the story it is drafted with
    hold no citizen's number, whoever marks the case."""
    ticket = june.tickets["t1"]  # closed
    Ticket.objects.filter(pk=ticket.pk).update(title=TITLE)
    client.force_login(staff["supervisor"])
    with clock.frozen_at(at(7, 1, 10)):
        page = client.get(f"/tickets/{ticket.number}/case/")
    assert page.status_code == 200
    initial = page.context["form"].initial
    assert initial["title"] == MASKED
    assert f"诉求：{MASKED}。" in initial["story"]
    _without_number(page.content.decode())
