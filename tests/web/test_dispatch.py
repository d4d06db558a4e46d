"""The dispatcher's page: who may see it, what it shows, and dispatching from it (with and without htmx)."""

import pytest

from hotline.core import clock
from hotline.core.enums import TicketStatus
from hotline.tickets.events import routing_failed
from hotline.tickets.models import Ticket
from tests.factories import make_ticket

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


# Committed as a server's are: routing's reference data is cached only outside a transaction that
# changed it, and a test's own transaction would have it read again for every ticket decided.
@pytest.mark.django_db(transaction=True)
def test_the_queue_costs_the_same_queries_for_3_cards_or_13(client, staff, waiting) -> None:
    # Each card read its ticket's routing decision (and one never routed was decided with queries of
    # its own): the queries grew with the page.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from hotline.routing.actions import do_route_ticket

    client.force_login(staff["dispatcher"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/dispatch/").status_code == 200
        return len(captured.captured_queries)

    make_ticket(actor=staff["operator"], title="井盖缺失")  # never routed: decided on the page
    queries()  # routing's reference data read once (the city's units, categories, places, models)
    few = queries()
    sub = waiting[0].category  # a subcategory: the card names its path, its parents with it
    assert sub is not None and sub.parent_id is not None
    for i in range(5):
        do_route_ticket(make_ticket(actor=staff["operator"], title=f"路灯不亮{i}").pk)  # decided
        Ticket.objects.filter(pk=make_ticket(actor=staff["operator"], title=f"井盖缺失{i}").pk).update(
            category=sub
        )
    assert Ticket.objects.filter(status=TicketStatus.NEW).count() == 13
    assert queries() == few


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
        ({"lead_department_id": 2**63}, 422, "须为编号"),  # past bigint: web/params.py
        ({"lead_department_id": "LEAD", "category_id": 2**64}, 422, "须为编号"),
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
    assert "本单位工单" in client.get("/").content.decode()
    assert "派单台" not in client.get("/").content.decode()  # not a dispatcher: no link


def _next(page: str) -> str | None:
    """The 下一页 link's address, or None."""
    if 'id="next-page"' not in page:
        return None
    return page.split('id="next-page"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")


def test_the_queue_pages_through_long_lists(client, staff, waiting, monkeypatch) -> None:
    monkeypatch.setattr("hotline.web.dispatch.PAGE_SIZE", 1)
    client.force_login(staff["dispatcher"])
    normal, urgent = waiting
    first = client.get("/dispatch/").content.decode()
    assert urgent.number in first and normal.number not in first
    assert "回到第一页" not in first
    second = client.get(f"/dispatch/{_next(first)}").content.decode()
    assert normal.number in second and urgent.number not in second
    assert _next(second) is None and 'href="?"' in second  # back to the first page
    assert "2 件工单待派单" in second  # the whole queue, on every page
    for junk in ("junk", "²_1_1", "2_1_1", "1_999999999999999999_1", "1_1_99999999999999999999"):
        assert urgent.number in client.get("/dispatch/", {"after": junk}).content.decode()


def test_tickets_dispatched_in_place_do_not_push_others_off_the_next_page(
    client, staff, departments, monkeypatch
) -> None:
    """The next page starts after the last card shown, not at an offset counted before some of the
    cards on this page left the queue: no ticket waits on a page the dispatcher never saw."""
    monkeypatch.setattr("hotline.web.dispatch.PAGE_SIZE", 3)
    with clock.frozen_at(clock.now()):  # one moment: the id breaks ties
        made = [make_ticket(actor=staff["operator"], title=f"第{i}件") for i in range(7)]
    client.force_login(staff["dispatcher"])
    first = client.get("/dispatch/").content.decode()
    assert all(t.number in first for t in made[:3]) and "7 件工单待派单" in first
    for ticket in made[:3]:
        client.post(f"/dispatch/{ticket.pk}/", {"lead_department_id": departments["housing"].pk}, **HTMX)
    second = client.get(f"/dispatch/{_next(first)}").content.decode()
    assert [t.number for t in made if t.number in second] == [t.number for t in made[3:6]]


def test_the_count_follows_each_ticket_that_leaves_the_queue_in_place(
    client, staff, departments, waiting
) -> None:
    client.force_login(staff["dispatcher"])
    normal, urgent = waiting
    page = client.get("/dispatch/").content.decode()
    assert 'id="queue-summary"' in page and "2 件工单待派单" in page
    done = client.post(f"/dispatch/{urgent.pk}/", {"lead_department_id": departments["housing"].pk}, **HTMX)
    body = done.content.decode()
    assert 'id="queue-summary" hx-swap-oob="true"' in body and "1 件工单待派单" in body
    refused = client.post(f"/dispatch/{urgent.pk}/", {"lead_department_id": departments["water"].pk}, **HTMX)
    assert refused.status_code == 409 and "1 件工单待派单" in refused.content.decode()
    without_js = client.post(f"/dispatch/{normal.pk}/", {"lead_department_id": departments["housing"].pk})
    assert without_js.status_code == 302
    assert "0 件工单待派单" in client.get("/dispatch/").content.decode()


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
