"""A dispatcher's day at the desk (派单台), as walked in the browser: what the cards keep and say."""

import re

import pytest

from hotline.core.enums import TicketStatus

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _selected(body: str, name: str) -> set[str]:
    """The values of the options selected in the select `name` of `body`."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', body, re.S)
    assert select is not None
    return set(re.findall(r'<option value="(\d+)" selected>', select.group(1)))


def test_a_refused_manual_dispatch_comes_back_as_the_dispatcher_chose_it(
    client, staff, departments, waiting
) -> None:
    # The lead chosen among the co-handlers too: refused, the card came back with the manual form
    # closed and emptied, the lead, the co-handlers and the note to choose and type again.
    client.force_login(staff["dispatcher"])
    ticket = waiting[0]
    housing, water = departments["housing"], departments["water"]
    form = {
        "manual": "1",
        "lead_department_id": housing.pk,
        "co_department_ids": [housing.pk, water.pk],
        "note": "请协同处理夜间施工",
    }
    response = client.post(f"/dispatch/{ticket.pk}/", form, **HTMX)
    assert response.status_code == 422
    body = response.content.decode()
    assert "主办单位不能同时作为协办单位" in body
    assert re.search(r'<details class="manual" open>', body)
    assert _selected(body, "lead_department_id") == {str(housing.pk)}
    assert _selected(body, "co_department_ids") == {str(housing.pk), str(water.pk)}
    assert 'value="请协同处理夜间施工"' in body
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.NEW


def test_a_refused_suggestion_leaves_the_manual_form_closed(client, staff, departments, waiting) -> None:
    client.force_login(staff["dispatcher"])
    ticket = waiting[0]
    housing = departments["housing"]
    form = {"lead_department_id": housing.pk, "co_department_ids": [housing.pk]}
    body = client.post(f"/dispatch/{ticket.pk}/", form, **HTMX).content.decode()
    assert "主办单位不能同时作为协办单位" in body
    assert '<details class="manual">' in body


def test_the_dispatched_card_names_the_co_handlers_too(client, staff, departments, waiting) -> None:
    # The card said only "已派给 住建局": whether the co-handlers chosen went along, the dispatcher
    # had to open the ticket to see.
    client.force_login(staff["dispatcher"])
    ticket = waiting[0]
    form = {"lead_department_id": departments["housing"].pk, "co_department_ids": [departments["water"].pk]}
    response = client.post(f"/dispatch/{ticket.pk}/", form, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "已派给 住建局" in body and "协办：水务局" in body


def test_without_javascript_the_message_names_the_co_handlers_too(
    client, staff, departments, waiting
) -> None:
    client.force_login(staff["dispatcher"])
    ticket = waiting[0]
    form = {"lead_department_id": departments["housing"].pk, "co_department_ids": [departments["water"].pk]}
    response = client.post(f"/dispatch/{ticket.pk}/", form, follow=True)
    assert "已派给 住建局（协办：水务局）" in response.content.decode()
