"""The dispatcher's page: who may see it, what it shows, and dispatching from it (with and without htmx)."""

import pytest

from hotline.core import clock
from hotline.core.enums import TicketStatus
from hotline.tickets.events import routing_failed
from hotline.tickets.models import Ticket

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_page_needs_a_signed_in_dispatcher(client, staff, waiting) -> None:
    response = client.get("/dispatch/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/dispatch/")

    client.force_login(staff["housing"])
    response = client.get("/dispatch/")
    assert response.status_code == 403
    assert "角色“承办人”不能派单" in response.content.decode()  # the action in words, not its code
    assert waiting[0].number not in response.content.decode()
    assert client.post(f"/dispatch/{waiting[0].pk}/", {"lead_department_id": 1}).status_code == 403
    waiting[0].refresh_from_db()
    assert waiting[0].status == TicketStatus.NEW


def test_the_queue_shows_urgent_first_with_suggestions_and_reasons(client, staff, waiting) -> None:
    client.force_login(staff["dispatcher"])
    page = client.get("/dispatch/").content.decode()
    normal, urgent = waiting
    assert page.index(urgent.number) < page.index(normal.number)
    assert "2 件工单待派单" in page
    assert "派给 住建局" in page
    assert "协办：水务局" in page
    assert "市政设施归口" in page  # the reason names the rule that fired
    assert "13812341234" not in page and "1381234" not in page  # no phone numbers in the queue


def test_dispatching_without_javascript_redirects_with_a_message(client, staff, departments, waiting) -> None:
    client.force_login(staff["dispatcher"])
    ticket = waiting[0]
    response = client.post(
        f"/dispatch/{ticket.pk}/",
        {"lead_department_id": departments["housing"].pk, "co_department_ids": [departments["water"].pk]},
        follow=True,
    )
    assert response.redirect_chain == [("/dispatch/", 302)]
    assert f"{ticket.number} 已派给 住建局" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.DISPATCHED
    event = ticket.events.get(action="dispatch")
    assert event.actor == staff["dispatcher"]
    assert {a.department.code for a in ticket.assignments.all()} == {"B01", "B02"}


def test_dispatching_with_htmx_returns_the_card_to_swap_in(client, staff, departments, waiting) -> None:
    client.force_login(staff["dispatcher"])
    ticket = waiting[1]
    response = client.post(f"/dispatch/{ticket.pk}/", {"lead_department_id": departments["water"].pk}, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="ticket-{ticket.pk}"' in body and "已派给 水务局" in body
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.DISPATCHED


@pytest.mark.parametrize(
    ("form", "status", "message"),
    [
        ({}, 422, "请选择主办单位"),
        ({"lead_department_id": "abc"}, 422, "须为编号"),
        ({"lead_department_id": 999_999}, 422, "不存在或已停用"),
        ({"lead_department_id": 2**63}, 422, "不存在或已停用"),
        ({"lead_department_id": "LEAD", "category_id": 2**64}, 422, "不存在"),
        ({"lead_department_id": "LEAD", "category_id": 999_999}, 422, "分类 999999 不存在"),
    ],
)
def test_a_refused_dispatch_says_why_and_changes_nothing(
    client, staff, departments, waiting, form, status, message
) -> None:
    client.force_login(staff["dispatcher"])
    ticket = waiting[0]
    if form.get("lead_department_id") == "LEAD":
        form = {**form, "lead_department_id": departments["housing"].pk}
    response = client.post(f"/dispatch/{ticket.pk}/", form, **HTMX)
    assert response.status_code == status
    assert message in response.content.decode()
    assert "hx-post" in response.content.decode()  # the card comes back with its forms, to try again
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.NEW
    assert not ticket.assignments.exists()


def test_a_ticket_already_dispatched_by_someone_else_is_a_conflict(
    client, staff, departments, waiting
) -> None:
    client.force_login(staff["dispatcher"])
    ticket = waiting[0]
    form = {"lead_department_id": departments["housing"].pk}
    assert client.post(f"/dispatch/{ticket.pk}/", form, **HTMX).status_code == 200
    response = client.post(f"/dispatch/{ticket.pk}/", {"lead_department_id": departments["water"].pk}, **HTMX)
    assert response.status_code == 409
    assert "hx-post" not in response.content.decode()
    assert ticket.assignments.get().department == departments["housing"]
    assert client.post("/dispatch/999999/", form).status_code == 404


def test_the_page_speaks_english_when_asked(client, staff, waiting) -> None:
    client.force_login(staff["dispatcher"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/dispatch/"})
    page = client.get("/dispatch/").content.decode()
    assert "Dispatch desk" in page
    assert "2 tickets waiting" in page


def test_staff_of_any_role_sign_in_on_the_staff_login_page(client, staff) -> None:
    handler = staff["housing"]
    handler.set_password("s3cret-pass")
    handler.save()
    assert not handler.is_staff  # the admin's login would refuse a department handler
    response = client.post("/login/", {"username": handler.username, "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    response = client.post("/login/", {"username": handler.username, "password": "s3cret-pass", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert "我的工单" in client.get("/").content.decode()
    assert "派单台" not in client.get("/").content.decode()  # not a dispatcher: no link


def test_the_queue_pages_through_long_lists(client, staff, waiting, monkeypatch) -> None:
    monkeypatch.setattr("hotline.web.dispatch.PAGE_SIZE", 1)
    client.force_login(staff["dispatcher"])
    normal, urgent = waiting
    first = client.get("/dispatch/").content.decode()
    assert urgent.number in first and normal.number not in first
    assert 'href="?offset=1"' in first
    second = client.get("/dispatch/?offset=1").content.decode()
    assert normal.number in second and urgent.number not in second
    assert 'href="?offset=0"' in second and 'href="?offset=2"' not in second
    assert urgent.number in client.get("/dispatch/?offset=junk").content.decode()


def test_a_card_says_when_the_kind_model_reads_the_ticket_as_another_kind(client, staff, waiting) -> None:
    normal, urgent = waiting
    decision = normal.routing_decisions.get()
    decision.evidence["kind_predictions"] = [
        {"label": "consultation", "probability": 0.81},
        {"label": "complaint", "probability": 0.19},
    ]
    decision.save()
    urgent_decision = urgent.routing_decisions.get()
    urgent_decision.evidence["kind_predictions"] = [{"label": urgent.kind, "probability": 0.9}]
    urgent_decision.save()
    client.force_login(staff["dispatcher"])
    page = client.get("/dispatch/").content.decode()
    card = page[page.index(f'id="ticket-{normal.pk}"') :]
    assert "类型判断：更像“咨询”（0.81）" in card
    assert page.count("类型判断") == 1  # the urgent one reads as what it was filed as


def test_the_queue_says_how_many_tickets_routing_failed_on(client, staff, waiting) -> None:
    client.force_login(staff["dispatcher"])
    assert 'id="routing-failed"' not in client.get("/dispatch/").content.decode()
    routing_failed(waiting[0], error="RuntimeError: model folder gone", router="r", at=clock.now())
    page = client.get("/dispatch/").content.decode()
    assert "其中 1 件智能分拨失败" in page
    assert waiting[0].number in page  # still in the queue, with suggestions computed now
