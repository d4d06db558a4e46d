"""Finding tickets: the filters, what a department may see, keyset pages, bad input, the Excel export."""

import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from hotline.core import clock
from hotline.core.enums import Channel
from hotline.tickets.actions import do_dispatch_ticket
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def numbers(response) -> list[str]:
    html = response.content.decode()
    if 'id="results"' not in html:
        return []
    return re.findall(r'href="/tickets/(\d{8}-\d{6})/"', html[html.index('id="results"') :])


@pytest.fixture
def tickets(staff, departments):
    """Three tickets on three days; the second dispatched to housing, the third from the web."""
    made = []
    for day, title, phone, channel in (
        (1, "路灯不亮", "13800000001", Channel.PHONE),
        (2, "噪音扰民", "13900000002", Channel.PHONE),
        (3, "井盖缺失", "13700000003", Channel.WEB),
    ):
        with clock.frozen_at(datetime(2026, 11, day, 10, tzinfo=SHANGHAI)):
            made.append(
                make_ticket(
                    actor=staff["operator"],
                    title=title,
                    content=f"{title}，请处理",
                    phone=phone,
                    channel=channel,
                )
            )
    do_dispatch_ticket(made[1], staff["dispatcher"], lead_department_id=departments["housing"].pk)
    return made


def test_search_by_text_phone_channel_status_department_and_dates(
    client, staff, departments, tickets
) -> None:
    first, second, third = tickets
    client.force_login(staff["operator"])
    assert numbers(client.get("/tickets/", {"q": "噪音"})) == [second.number]
    assert numbers(client.get("/tickets/", {"q": first.number})) == [first.number]
    assert numbers(client.get("/tickets/", {"phone": "0003"})) == [third.number]  # the last four digits
    assert numbers(client.get("/tickets/", {"phone": "139-0000-0002"})) == [second.number]
    assert numbers(client.get("/tickets/", {"phone": "10003"})) == []  # the same last four, not the five
    assert numbers(client.get("/tickets/", {"channel": "web"})) == [third.number]
    assert numbers(client.get("/tickets/", {"status": ["new"]})) == [third.number, first.number]
    assert numbers(client.get("/tickets/", {"department": departments["housing"].pk})) == [second.number]
    dates = {"created_from": "2026-11-02", "created_to": "2026-11-03"}
    assert numbers(client.get("/tickets/", dates)) == [third.number, second.number]


def test_a_department_finds_only_its_own_tickets(client, staff, tickets) -> None:
    client.force_login(staff["housing"])
    assert numbers(client.get("/tickets/", {"q": ""})) == [tickets[1].number]
    client.force_login(staff["water"])
    assert numbers(client.get("/tickets/", {"q": "噪音"})) == []


def test_phones_are_masked_in_the_list(client, staff, tickets) -> None:
    client.force_login(staff["operator"])
    html = client.get("/tickets/", {"q": ""}).content.decode()
    assert "138****0001" in html and "13800000001" not in html


def test_keyset_pages_walk_every_ticket_once_in_a_fixed_number_of_queries(client, staff, monkeypatch) -> None:
    monkeypatch.setattr("hotline.web.search.PAGE_SIZE", 2)
    with clock.frozen_at(datetime(2026, 11, 5, 10, tzinfo=SHANGHAI)):  # one moment: the id breaks ties
        made = [make_ticket(actor=staff["operator"], title=f"第{i}件") for i in range(5)]
    client.force_login(staff["operator"])
    seen, url, queries = [], "/tickets/?q=", []
    while url:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        queries.append(len(ctx))
        seen += numbers(response)
        html = response.content.decode()
        url = (
            html.split('id="next-page"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
            if 'id="next-page"' in html
            else ""
        )
    assert seen == [t.number for t in reversed(made)]
    assert len(set(queries)) == 1  # the third page costs what the first does


def test_a_keyset_page_bounds_the_time_index_scan() -> None:
    """The cursor's condition carries `created_at <= cursor` on its own (not only inside the OR),
    so that a page deep in the list starts the index scan at the cursor (bench/pages.py)."""
    from hotline.tickets.models import Ticket
    from hotline.web.search import rows_after

    sql = str(rows_after(Ticket.objects.all(), "1762300800000000_7").query)
    where = sql.split(" WHERE ", 1)[1]
    assert where.startswith('("tickets_ticket"."created_at" <= ')  # AND-ed with the OR, not inside it


def test_bad_input_is_a_clear_422_not_an_error(client, staff, tickets) -> None:
    client.force_login(staff["operator"])
    response = client.get("/tickets/", {"phone": "12", "created_from": "2026-13-40"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "至少后四位" in html
    response = client.get("/tickets/", {"created_from": "2026-11-03", "created_to": "2026-11-01"})
    assert response.status_code == 422 and "起始日期晚于结束日期" in response.content.decode()
    assert client.get("/tickets/", {"q": "", "after": "garbage_x"}).status_code == 200
    assert client.get("/tickets/", {"q": "", "after": "9" * 40 + "_1"}).status_code == 200


def test_the_export_is_an_excel_sheet_with_masked_phones(client, staff, tickets) -> None:
    client.force_login(staff["operator"])
    response = client.get("/tickets/export.xlsx", {"status": ["new"]})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="tickets-')
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "工单编号"
    assert [r[0] for r in rows[1:]] == [tickets[2].number, tickets[0].number]
    assert "137****0003" in rows[1] and not any("13700000003" in str(v) for v in rows[1])


def test_a_department_exports_only_its_own(client, staff, tickets) -> None:
    client.force_login(staff["housing"])
    sheet = load_workbook(io.BytesIO(client.get("/tickets/export.xlsx").content)).active
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == [tickets[1].number]


def test_the_page_needs_a_signed_in_user(client) -> None:
    assert client.get("/tickets/").status_code == 302
    assert client.get("/tickets/export.xlsx").status_code == 302


def test_a_role_that_sees_masked_numbers_cannot_search_by_phone(client, staff, tickets) -> None:
    """Otherwise the filter is an oracle: ten guesses a digit recover a masked number (138****0001)."""
    client.force_login(staff["leader"])
    every = numbers(client.get("/tickets/", {"q": ""}))
    page = client.get("/tickets/", {"q": "", "phone": "0001"})
    assert page.status_code == 200
    assert 'name="phone"' not in page.content.decode()  # not offered
    assert numbers(page) == every  # and ignored when given
    assert numbers(client.get("/tickets/", {"q": "", "phone": "9999"})) == every
    response = client.get("/tickets/export.xlsx", {"phone": "9999"})  # the export reads the same filters
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == every


def test_a_role_that_calls_citizens_back_is_offered_the_phone_filter(client, staff, tickets) -> None:
    for role in ("operator", "dispatcher", "supervisor", "admin"):
        client.force_login(staff[role])
        page = client.get("/tickets/", {"q": "", "phone": "0001"})
        assert 'name="phone"' in page.content.decode()
        assert numbers(page) == [tickets[0].number]


def test_the_selector_refuses_a_phone_filter_for_a_role_without_full_numbers(staff, tickets) -> None:
    from hotline.core.errors import Forbidden
    from hotline.tickets.selectors import filtered_tickets

    with pytest.raises(Forbidden):
        filtered_tickets(staff["leader"], phone="0001")
    assert filtered_tickets(staff["leader"]).count() == 3


@pytest.mark.parametrize(
    "after", ["²_1", "①_1", "999999999999999999_999999999999999999", "1_99999999999999999999", "1_²"]
)
def test_a_cursor_that_is_not_one_starts_from_the_top(client, staff, tickets, after) -> None:
    client.force_login(staff["operator"])
    response = client.get("/tickets/", {"q": "", "after": after})
    assert response.status_code == 200
    assert numbers(response) == [t.number for t in reversed(tickets)]


def test_the_form_speaks_chinese_and_asks_for_dates_by_calendar(client, staff, tickets) -> None:
    client.force_login(staff["operator"])
    html = client.get("/tickets/").content.decode()
    assert "Select an option" not in html and "---------" not in html
    start = html.index('id="search-form"')
    form = html[start : html.index("</form>", start)]
    for name in ("category", "department", "area"):
        select = form[form.index(f'name="{name}"') :]
        assert select.split("</option>")[0].endswith(">全部")
    assert 'type="date" name="created_from"' in form and 'type="date" name="created_to"' in form
    assert form.count('class="field"') >= 9  # each label with its field, in the grid
