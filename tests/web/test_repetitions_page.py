"""The list of repetitions (/supervision/repetitions/): each of a repetition's tickets with what a
reviewer needs to decide without opening it (number and link, title, status, day received), no
citizen's number in clear, and the review each kind allows: 合理 / 不合理 / 不是同一问题 for a
citizen, 不是同一问题 for an issue, 不是同一地点 for a place."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hotline.core import clock
from hotline.core.enums import RepetitionKind
from hotline.supervision.models import Repetition
from hotline.supervision.repetition import refresh_repetitions
from hotline.tickets.actions import do_dispatch_ticket
from hotline.tickets.models import Ticket
from tests.factories import make_ticket
from tests.web.conftest import NOW

pytestmark = pytest.mark.django_db

CALLS = [
    ("滨江花园电梯又坏了", "20栋电梯今天又出故障，老人被困。"),
    ("滨江花园20栋楼道灯坏了", "3楼到8楼楼道灯都不亮。"),
    ("滨江花园小区垃圾堆放", "楼下垃圾桶满了好几天没人清运。"),
]


def call(staff, days: int, title: str, content: str, *, phone: str, address: str) -> Ticket:
    with clock.frozen_at(NOW - timedelta(days=days)):
        return make_ticket(
            actor=staff["operator"],
            title=title,
            content=content,
            phone=phone,
            citizen_name="王女士",
            address=address,
        )


def row_of(page: str, repetition: Repetition) -> str:
    """The repetition's item of the list, up to the next one."""
    start = page.index(f'id="repetition-{repetition.pk}"')
    end = page.find('<li class="repetition', start)
    return page[start : end if end > 0 else page.index("</ol>", start)]


def test_each_ticket_shows_its_title_status_and_day(client, staff, departments) -> None:
    tickets = [
        call(staff, 3 - i, title, content, phone="13900001111", address=f"滨江花园{20 + i}栋")
        for i, (title, content) in enumerate(CALLS)
    ]
    with clock.frozen_at(NOW - timedelta(hours=1)):
        do_dispatch_ticket(tickets[0], staff["dispatcher"], lead_department_id=departments["housing"].pk)
    with clock.frozen_at(NOW):
        refresh_repetitions()
    [flag] = Repetition.objects.filter(kind=RepetitionKind.CITIZEN)

    client.force_login(staff["supervisor"])
    with clock.frozen_at(NOW):
        page = client.get("/supervision/repetitions/").content.decode()
    row = row_of(page, flag)
    for ticket, status in zip(tickets, ("已派单", "待派单", "待派单"), strict=True):
        line = re.search(rf'<li[^>]*data-number="{ticket.number}".*?</li>', row, re.S)
        assert line, ticket.number
        assert f'href="/tickets/{ticket.number}/"' in line[0]
        assert ticket.title in line[0] and status in line[0]
        assert f"{clock.localtime(ticket.created_at):%Y-%m-%d}" in line[0]
        # The one the flag is about is marked.
        assert ('aria-current="true"' in line[0]) == (ticket == tickets[-1])
    # Newest first.
    assert re.findall(r'data-number="([^"]+)"', row) == [t.number for t in reversed(tickets)]
    # How many of the citizen's appeals count towards an order (complaints, help, reports).
    assert "（反映问题 3 次，计入督办）" in row
    # A citizen is shown by a masked number only.
    assert "13900001111" not in page and "139****1111" in row
    # The citizen's review: its three outcomes, not the place's.
    options = re.findall(r'<option value="(\w+)"', row)
    assert options == ["reasonable", "unreasonable", "unrelated"]


def test_an_issue_and_a_place_offer_to_take_the_group_apart(client, staff) -> None:
    for i in range(3):
        call(
            staff,
            3 - i,
            "西山路路灯不亮",
            "西山路路灯不亮，晚上很黑。",
            phone=f"1370000000{i}",
            address="西山路",
        )
    with clock.frozen_at(NOW):
        refresh_repetitions()
    issue = Repetition.objects.get(kind=RepetitionKind.ISSUE)
    place = Repetition.objects.get(kind=RepetitionKind.PLACE)

    client.force_login(staff["supervisor"])
    with clock.frozen_at(NOW):
        page = client.get("/supervision/repetitions/").content.decode()
    issue_row, place_row = row_of(page, issue), row_of(page, place)
    assert re.search(
        r'<button type="submit" name="outcome" value="unrelated">不是同一问题</button>', issue_row
    )
    assert re.search(
        r'<button type="submit" name="outcome" value="other_place">不是同一地点</button>', place_row
    )
    assert "<select" not in issue_row and "不是同一地点" not in issue_row
    assert "30 天内 3 人反映" in issue_row

    client.force_login(staff["leader"])  # may read, may not review
    with clock.frozen_at(NOW):
        page = client.get("/supervision/repetitions/").content.decode()
    assert "不是同一问题</button>" not in page and "西山路路灯不亮" in page


def test_the_page_costs_the_same_queries_for_3_tickets_or_12(client, staff) -> None:
    def counted() -> int:
        with clock.frozen_at(NOW):
            refresh_repetitions()
        client.force_login(staff["supervisor"])
        with clock.frozen_at(NOW), CaptureQueriesContext(connection) as queries:
            assert client.get("/supervision/repetitions/").status_code == 200
        return len(queries)

    for i in range(3):
        call(staff, 5, f"问题{i}", "内容", phone="13900002222", address=f"甲{i}")
    few = counted()
    for i in range(9):
        call(staff, 4, f"另一问题{i}", "内容", phone=f"1390000{3000 + i // 3}", address=f"乙路{i % 3}号")
    many = counted()
    assert Repetition.objects.filter(cleared_at__isnull=True).count() >= 6
    assert many == few
