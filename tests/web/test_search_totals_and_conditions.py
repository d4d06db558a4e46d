"""工单查询 says how many tickets match in all and which page it shows; a date that is no date, or a
condition the form does not have, is said to be so, and the export refuses it rather than export
every ticket; the 承办单位 and 属地 selects are grouped by level, as every department select."""

import html
import re
from datetime import datetime

import pytest

from hotline.core import clock
from tests.factories import make_ticket
from tests.web.test_search import SHANGHAI, numbers

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return html.unescape(response.content.decode())


def test_the_total_and_the_page_are_shown(client, staff, monkeypatch) -> None:
    monkeypatch.setattr("hotline.web.search.PAGE_SIZE", 2)
    with clock.frozen_at(datetime(2026, 11, 5, 10, tzinfo=SHANGHAI)):
        for i in range(5):
            make_ticket(actor=staff["operator"], title=f"第{i}件")
    client.force_login(staff["operator"])

    first = client.get("/tickets/", {"q": ""})
    assert "共 5 件 · 第 1 页，本页 2 件" in _text(first)
    next_url = re.search(r'href="([^"]+)" rel="next"', first.content.decode())[1].replace("&amp;", "&")
    second = client.get(next_url)
    assert "共 5 件 · 第 2 页，本页 2 件" in _text(second)
    assert len(numbers(second)) == 2


def test_an_invalid_date_is_said_to_be_invalid(client, staff) -> None:
    client.force_login(staff["operator"])

    page = client.get("/tickets/", {"created_from": "2026-02-30"})

    assert page.status_code == 422
    assert "日期无效，请按 2026-11-03 的格式填写" in _text(page)


def test_the_export_refuses_an_invalid_date(client, staff) -> None:
    make_ticket(actor=staff["operator"], title="路灯不亮")
    client.force_login(staff["operator"])

    refused = client.get("/tickets/export.xlsx", {"created_from": "abc"})

    assert refused.status_code == 422 and refused["Content-Type"].startswith("text/html")
    assert "日期无效" in _text(refused) and "未导出" in _text(refused)


def test_a_condition_the_form_does_not_have_is_named(client, staff) -> None:
    make_ticket(actor=staff["operator"], title="路灯不亮")
    client.force_login(staff["operator"])

    page = client.get("/tickets/", {"received_from": "2026-13-01"})
    assert page.status_code == 200
    assert "无法识别的查询条件：received_from（已忽略，结果未按此条件筛选）" in _text(page)

    refused = client.get("/tickets/export.xlsx", {"received_from": "abc"})
    assert refused.status_code == 422 and refused["Content-Type"].startswith("text/html")
    assert "无法识别的查询条件：received_from" in _text(refused) and "未导出" in _text(refused)

    # The page's own links and the form's conditions are no strangers.
    plain = client.get("/tickets/", {"q": "", "after": "1_1", "page": "2", "phone": "0001"})
    assert "无法识别的查询条件" not in _text(plain)


def test_a_masked_role_s_phone_condition_is_ignored_unnamed(client, staff) -> None:
    client.force_login(staff["leader"])

    page = client.get("/tickets/", {"q": "", "phone": "95678"})

    assert page.status_code == 200 and "无法识别的查询条件" not in _text(page)


def test_the_department_select_is_grouped_by_level(client, staff, departments) -> None:
    client.force_login(staff["operator"])

    page = client.get("/tickets/").content.decode()

    select = page[page.index('name="department"') : page.index("</select>", page.index('name="department"'))]
    groups = re.findall(r'<optgroup label="([^"]+)">', select)
    assert groups and groups[0] == "市级部门、公共企业" and "区县" in groups
    city_group = select.split('<optgroup label="市级部门、公共企业">')[1].split("</optgroup>")[0]
    assert "东城区" not in city_group  # a district is not among the bureaus
    assert numbers(client.get("/tickets/", {"department": departments["housing"].pk})) == []
