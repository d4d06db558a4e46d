"""A citizen's number written in a ticket's title ("回电13912345678 路灯不亮", as the portal's and the
web's callers write it) is masked on the supervision board (its every tab, and the line left in a
row's place after an action) and on the list of repetitions, whoever reads them (supervisors,
leaders, admins): lists mask it for every role (`tickets.presenter.listed_title`)."""

from datetime import timedelta
from typing import Any

import pytest

from hotline.core import clock
from hotline.core.enums import Channel, RepetitionKind, SupervisionKind
from hotline.intake.actions import AppealData, do_receive_appeal
from hotline.sla.actions import do_request_extension
from hotline.supervision.actions import do_open_supervision
from hotline.supervision.models import Repetition, Supervision
from hotline.supervision.repetition import refresh_repetitions
from hotline.tickets.actions import do_accept_assignment, do_dispatch_ticket
from hotline.tickets.models import Ticket
from tests.web.conftest import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_now")]

TITLE = "回电13912345678 路灯不亮"
MASKED = "回电*** 路灯不亮"
# The number, and pieces of it long enough to say it.
DIGITS = ["13912345678", "1391234", "12345678"]


def _without_number(html: str) -> None:
    for digits in DIGITS:
        assert digits not in html, digits


def _received(
    staff: dict[str, Any],
    at_days: int,
    *,
    phone: str = "13800000001",
    title: str = TITLE,
    content: str = "西山路路灯不亮，晚上很黑。",
    address: str = "西山路",
) -> Ticket:
    with clock.frozen_at(NOW - timedelta(days=at_days)):
        ticket, _created = do_receive_appeal(
            AppealData(
                channel=Channel.WEB,
                title=title,
                content=content,
                citizen_name="王女士",
                citizen_phone=phone,
                address=address,
            ),
            None,
        )
    return ticket


# A caller who wrote a number in the address: a place is named by it (`Repetition.label`).
NOISE = {"content": "楼下商铺深夜噪音。", "address": "西山路8号 联系13912345678"}


@pytest.fixture
def ticket(staff, departments) -> Ticket:
    """Late (dispatched a week ago), with an extension requested and a 催办 open: a row on the
    overdue, supervised and extensions tabs."""
    ticket = _received(staff, 7)
    with clock.frozen_at(NOW - timedelta(days=7)):
        ticket = do_dispatch_ticket(ticket, staff["dispatcher"], lead_department_id=departments["housing"].pk)
    ticket = do_accept_assignment(ticket, staff["housing"])
    do_request_extension(ticket, staff["housing"], reason="需检测", requested_due_at=NOW + timedelta(days=5))
    do_open_supervision(ticket, staff["supervisor"], reason="催一下", kind=SupervisionKind.REMINDER)
    return ticket


@pytest.mark.parametrize("role", ["leader", "supervisor"])
@pytest.mark.parametrize("view", ["overdue", "supervised", "extensions"])
def test_the_board_masks_the_title(client, staff, ticket, role, view) -> None:
    client.force_login(staff[role])
    response = client.get("/supervision/", {"view": view})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-number="{ticket.number}"' in html and MASKED in html
    _without_number(html)


def test_the_line_left_after_a_supervision_is_closed_masks_it(client, staff, ticket) -> None:
    """A leader closes (销号) the 催办 from its row: the tab lists it no more, and the line in its
    place names the ticket by its title, masked as on the row."""
    supervision = Supervision.objects.get(ticket=ticket)
    client.force_login(staff["leader"])
    response = client.post(
        f"/supervision/{supervision.pk}/resolve/",
        {"note": "已办", "next": "/supervision/?view=supervised"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET=f"row-s{supervision.pk}-result",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "已销号" in html and MASKED in html
    _without_number(html)


@pytest.mark.parametrize("role", ["leader", "supervisor"])
def test_the_repetitions_mask_the_titles(client, staff, role) -> None:
    tickets = [_received(staff, 3 - i, phone="13900001111") for i in range(3)]
    refresh_repetitions()
    client.force_login(staff[role])
    response = client.get("/supervision/repetitions/")
    assert response.status_code == 200
    html = response.content.decode()
    for t in tickets:
        assert f'data-number="{t.number}"' in html
    assert html.count(MASKED) >= 3
    _without_number(html)


def test_an_issue_named_by_its_first_tickets_title_is_masked(client, staff) -> None:
    """Three people about one problem: the issue is named by the title of its first ticket."""
    for i in range(3):
        _received(staff, 3 - i, phone=f"1370000000{i}")
    refresh_repetitions()
    issue = Repetition.objects.get(kind=RepetitionKind.ISSUE)
    assert issue.label == MASKED  # as stored, for every page and message that names the issue
    client.force_login(staff["leader"])
    html = client.get("/supervision/repetitions/").content.decode()
    row = html[html.index(f'id="repetition-{issue.pk}"') :]
    assert f"· {MASKED} ·" in row[: row.index("</p>")]
    _without_number(html)


def test_a_ticket_pages_repetition_masks_its_label_as_the_list_does(client, staff) -> None:
    """A place is named by the address a caller gave, numbers and all; the repetitions page masks
    them, and the ticket page's notice of the same repetition must too (audit of 2026-12-06)."""
    tickets = [
        _received(staff, 3 - i, phone=f"1370000000{i}", title=f"噪音扰民{i}", **NOISE) for i in range(3)
    ]
    refresh_repetitions()
    place = Repetition.objects.get(kind=RepetitionKind.PLACE)
    assert "13912345678" in place.label  # kept as the caller gave it
    client.force_login(staff["leader"])
    listed = client.get("/supervision/repetitions/").content.decode()
    assert f'id="repetition-{place.pk}"' in listed
    _without_number(listed)
    html = client.get(f"/tickets/{tickets[-1].number}/").content.decode()
    assert 'id="repetitions"' in html
    _without_number(html)


def test_the_export_masks_a_number_in_the_address(client, staff) -> None:
    """The export masks the title's numbers for every role; the address is a caller's words too."""
    from io import BytesIO

    from openpyxl import load_workbook

    ticket = _received(staff, 1, phone="13700000001", title="噪音扰民", **NOISE)
    client.force_login(staff["leader"])
    response = client.get("/tickets/export.xlsx", {"q": ticket.number})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    header, row = list(sheet.iter_rows(max_row=2))
    cells = {h.value: c.value for h, c in zip(header, row, strict=True)}
    assert cells["地址"] == "西山路8号 联系***"
