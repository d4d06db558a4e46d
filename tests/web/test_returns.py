"""The return review page (退单审核): uphold with a new lead (and the right category), or reject."""

import re

import pytest

from hotline.core.enums import AssignmentStatus, DelayCause, LabelSource, TicketStatus
from hotline.routing.labels import collect_labels
from hotline.routing.models import ModelTarget, TrainingLabel
from hotline.sla.models import TimeLost
from hotline.taxonomy.models import Category
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
REJECT = {"decision": "reject", "note": "属于本局职责，请继续办理"}


def test_only_dispatch_reviews_returns(client, staff, returned) -> None:
    client.force_login(staff["water"])
    assert client.get("/dispatch/returns/").status_code == 403
    lead = returned.assignments.get(department__code="B01")
    assert client.post(f"/dispatch/returns/{lead.pk}/", {"decision": "reject"}).status_code == 403
    lead.refresh_from_db()
    assert lead.status == AssignmentStatus.RETURNED


def test_the_page_lists_each_return_with_its_reason_and_other_departments(client, staff, returned) -> None:
    client.force_login(staff["dispatcher"])
    page = client.get("/dispatch/returns/").content.decode()
    assert "1 件退单待审核" in page
    assert returned.number in page
    assert "住建局 于" in page and "路灯归街道管理，不属于本局职责" in page
    lead = returned.assignments.get(department__code="B01")
    form = page[page.index(f'id="return-{lead.pk}"') :]
    assert f'<option value="{lead.department_id}">' not in form  # not back to the department that returned it
    assert "13812341234" not in page


def test_upholding_redispatches_corrects_the_category_and_teaches_routing(
    client, staff, departments, returned
) -> None:
    client.force_login(staff["dispatcher"])
    lead = returned.assignments.get(department__code="B01")
    right = CategoryFactory(code="02", name="市容环境", level=1)
    response = client.post(
        f"/dispatch/returns/{lead.pk}/",
        {
            "decision": "uphold",
            "lead_department_id": departments["street"].pk,
            "category_id": right.pk,
            "wrong_dispatch": "on",
            "note": "改派属地街道",
        },
        **HTMX,
    )
    assert response.status_code == 200, response.content.decode()
    assert "退单成立，已改派 和平街道" in response.content.decode()
    returned.refresh_from_db()
    assert returned.status == TicketStatus.DISPATCHED
    assert returned.lead_assignment.department == departments["street"]
    assert returned.category == right
    assert TimeLost.objects.get(assignment=lead).cause == DelayCause.DISPATCH  # not the bureau's fault
    event = returned.events.filter(action="review_return").get()
    assert event.actor == staff["dispatcher"] and event.details["note"] == "改派属地街道"
    collect_labels()
    assert set(
        TrainingLabel.objects.filter(source=LabelSource.UPHELD_RETURN).values_list("target", "label")
    ) == {(ModelTarget.DEPARTMENT, "D0101"), (ModelTarget.CATEGORY, "市容环境")}


def test_rejecting_without_javascript_sends_it_back_with_a_message(client, staff, returned) -> None:
    client.force_login(staff["dispatcher"])
    lead = returned.assignments.get(department__code="B01")
    response = client.post(
        f"/dispatch/returns/{lead.pk}/", {"decision": "reject", "note": "属于本局职责"}, follow=True
    )
    assert response.redirect_chain == [("/dispatch/returns/", 302)]
    assert "退单已驳回，退回 住建局 继续办理" in response.content.decode()
    lead.refresh_from_db()
    assert lead.status == AssignmentStatus.PENDING
    assert "没有待审核的退单" in response.content.decode()


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({}, "请选择支持或驳回退单"),
        ({"decision": "uphold"}, "必须指定新的主办单位"),
        ({"decision": "uphold", "lead_department_id": "LEAD"}, "不能是退单单位"),
        (
            {"decision": "reject", "note": "属于本局职责", "category_id": "CATEGORY"},
            "",
        ),  # a rejection ignores the category field
    ],
)
def test_a_refused_review_says_why_and_changes_nothing(
    client, staff, departments, returned, form, message
) -> None:
    client.force_login(staff["dispatcher"])
    lead = returned.assignments.get(department__code="B01")
    form = {
        k: {"LEAD": lead.department_id, "CATEGORY": Category.objects.first().pk}.get(v, v)
        for k, v in form.items()
    }
    response = client.post(f"/dispatch/returns/{lead.pk}/", form, **HTMX)
    if not message:
        assert response.status_code == 200  # rejected, as asked; the category stays
        returned.refresh_from_db()
        assert returned.status == TicketStatus.DISPATCHED
        return
    assert response.status_code == 422
    assert message in response.content.decode()
    assert 'name="decision"' in response.content.decode()  # the form comes back, to try again
    lead.refresh_from_db()
    assert lead.status == AssignmentStatus.RETURNED
    assert not TimeLost.objects.exists()


def test_a_return_reviewed_twice_is_a_conflict(client, staff, returned) -> None:
    client.force_login(staff["dispatcher"])
    lead = returned.assignments.get(department__code="B01")
    assert client.post(f"/dispatch/returns/{lead.pk}/", REJECT, **HTMX).status_code == 200
    response = client.post(f"/dispatch/returns/{lead.pk}/", REJECT, **HTMX)
    assert response.status_code == 409
    assert 'name="decision"' not in response.content.decode()
    assert client.post("/dispatch/returns/999999/", {"decision": "reject"}).status_code == 404


def test_returns_reviewed_in_place_do_not_push_others_off_the_next_page(
    client, staff, departments, monkeypatch
) -> None:
    """Like the queue: the next page starts after the last return shown, and the count follows the
    reviews made in place."""
    from hotline.core import clock
    from hotline.tickets.actions import do_dispatch_ticket, do_return_assignment
    from tests.factories import make_ticket

    monkeypatch.setattr("hotline.web.dispatch.PAGE_SIZE", 2)
    leads = []
    with clock.frozen_at(clock.now()):  # one moment: the id breaks ties
        for i in range(5):
            ticket = make_ticket(actor=staff["operator"], title=f"第{i}件")
            ticket = do_dispatch_ticket(
                ticket, staff["dispatcher"], lead_department_id=departments["housing"].pk
            )
            do_return_assignment(ticket, staff["housing"], reason="不属于本局职责")
            leads.append(ticket.assignments.get(department=departments["housing"]))
    client.force_login(staff["dispatcher"])
    first = client.get("/dispatch/returns/").content.decode()
    assert "5 件退单待审核" in first and "回到第一页" not in first
    for lead in leads[:2]:
        response = client.post(f"/dispatch/returns/{lead.pk}/", REJECT, **HTMX)
        assert 'id="returns-summary" hx-swap-oob="true"' in response.content.decode()
    assert "3 件退单待审核" in response.content.decode()
    link = first.split('id="next-page"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    second = client.get(f"/dispatch/returns/{link}").content.decode()
    assert f'id="return-{leads[2].pk}"' in second and f'id="return-{leads[3].pk}"' in second
    assert "回到第一页" in second


def test_a_rejection_needs_its_reason_and_the_form_keeps_what_was_typed(client, staff, returned) -> None:
    """驳回退单 sends the ticket back to a department that said it is not theirs: without the reason
    they cannot tell why it still is. Refused, the form comes back as it was typed."""
    client.force_login(staff["dispatcher"])
    lead = returned.assignments.get(department__code="B01")
    response = client.post(f"/dispatch/returns/{lead.pk}/", {"decision": "reject", "note": "  "}, **HTMX)
    assert response.status_code == 422
    assert "驳回退单须写明理由" in response.content.decode()
    lead.refresh_from_db()
    assert lead.status == AssignmentStatus.RETURNED
    assert not returned.events.filter(action="review_return").exists()
    typed = "经核实属于住建职责（草稿）"
    response = client.post(f"/dispatch/returns/{lead.pk}/", {"decision": "uphold", "note": typed}, **HTMX)
    assert response.status_code == 422
    assert f">{typed}</textarea>" in response.content.decode()


def test_the_timeline_says_the_return_was_rejected_and_why(client, staff, returned) -> None:
    """Every page that shows the ticket's timeline (the department's ticket page included) tells
    the outcome of the review and its reason."""
    client.force_login(staff["dispatcher"])
    lead = returned.assignments.get(department__code="B01")
    assert client.post(f"/dispatch/returns/{lead.pk}/", REJECT, **HTMX).status_code == 200
    client.force_login(staff["housing"])
    page = client.get(f"/tickets/{returned.number}/").content.decode()
    timeline = page[page.index('id="timeline"') :]
    line = timeline[timeline.index("退单审核") :].split("</li>")[0]
    assert "审核结论：驳回退单" in line
    assert "属于本局职责，请继续办理" in line


def test_the_units_inbox_says_its_return_was_rejected_and_why(client, staff, returned) -> None:
    """The unit works from its inbox: the row of a ticket whose return was rejected says so, with
    the reason, until it is answered."""
    client.force_login(staff["dispatcher"])
    lead = returned.assignments.get(department__code="B01")
    assert client.post(f"/dispatch/returns/{lead.pk}/", REJECT, **HTMX).status_code == 200
    client.force_login(staff["housing"])
    inbox = client.get("/inbox/").content.decode()
    row = inbox[inbox.index(returned.number) :].split("</li>")[0]
    assert "退单未获支持" in row and "属于本局职责，请继续办理" in row


def test_the_timeline_says_an_upheld_return_was_upheld(client, staff, departments, returned) -> None:
    client.force_login(staff["dispatcher"])
    lead = returned.assignments.get(department__code="B01")
    form = {"decision": "uphold", "lead_department_id": departments["street"].pk}
    assert client.post(f"/dispatch/returns/{lead.pk}/", form, **HTMX).status_code == 200
    page = client.get(f"/tickets/{returned.number}/").content.decode()
    timeline = page[page.index('id="timeline"') :]
    assert "审核结论：支持退单" in timeline[timeline.index("退单审核") :].split("</li>")[0]


def test_each_return_says_how_long_it_has_waited_the_oldest_first(client, staff, departments) -> None:
    from datetime import timedelta

    from hotline.core import clock
    from hotline.tickets.actions import do_dispatch_ticket, do_return_assignment
    from tests.factories import make_ticket

    now = clock.now()
    numbers = []
    for title, ago in (
        ("新近的退单", timedelta(hours=12, minutes=21)),
        ("久等的退单", timedelta(days=36, hours=2)),
    ):
        with clock.frozen_at(now - ago):
            ticket = make_ticket(actor=staff["operator"], title=title)
            ticket = do_dispatch_ticket(
                ticket, staff["dispatcher"], lead_department_id=departments["housing"].pk
            )
            do_return_assignment(ticket, staff["housing"], reason="不属于本局职责")
            numbers.append(ticket.number)
    client.force_login(staff["dispatcher"])
    with clock.frozen_at(now):
        page = client.get("/dispatch/returns/").content.decode()
    assert page.index(numbers[1]) < page.index(numbers[0])  # the one waiting longest first
    assert "已等待 36 天 2 小时" in page
    assert "已等待 12 小时 21 分钟" in page
    # Each number opens the ticket: its timeline and the caller's history, before deciding.
    for number in numbers:
        assert f'<a href="/tickets/{number}/">{number}</a>' in page


def _select(page: str, name: str, assignment_id: int) -> str:
    """The select `name` of the review form of `assignment_id`."""
    card = page[page.index(f'id="return-{assignment_id}"') :]
    start = card.index(f'<select name="{name}"')
    return card[start : card.index("</select>", start)]


def _chosen(select: str) -> set[str]:
    return set(re.findall(r'<option value="(\d+)"[^>]* selected', select))


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "no-javascript"])
def test_a_refused_review_comes_back_with_everything_chosen(
    client, staff, departments, returned, htmx
) -> None:
    """The dispatcher chose a new lead, a co-handler and the right category, then the review was
    refused (the lead chosen already works on the ticket as a co-handler): the form comes back with
    each of them still chosen and the reason beside it, not with the selects at their defaults."""
    client.force_login(staff["dispatcher"])
    lead = returned.assignments.get(department__code="B01")
    right = CategoryFactory(code="02", name="市容环境", level=1)
    typed = "改派水务局，协办街道"
    form = {
        "decision": "uphold",
        "lead_department_id": departments["water"].pk,  # the co-handler still at work
        "co_department_ids": [departments["street"].pk, departments["district"].pk],
        "category_id": right.pk,
        "wrong_dispatch": "on",
        "note": typed,
    }
    response = client.post(f"/dispatch/returns/{lead.pk}/", form, **(HTMX if htmx else {}))
    assert response.status_code == 422
    page = response.content.decode()
    assert "该单位已在办理此工单" in page
    assert ("<html" in page) is not htmx  # without JavaScript, the page itself comes back
    assert _chosen(_select(page, "lead_department_id", lead.pk)) == {str(departments["water"].pk)}
    assert _chosen(_select(page, "co_department_ids", lead.pk)) == {
        str(departments["street"].pk),
        str(departments["district"].pk),
    }
    assert _chosen(_select(page, "category_id", lead.pk)) == {str(right.pk)}
    assert re.search(r'<input type="checkbox" name="wrong_dispatch" checked>', page)
    assert f">{typed}</textarea>" in page
    lead.refresh_from_db()
    assert lead.status == AssignmentStatus.RETURNED


def test_a_rejection_refused_for_its_missing_reason_keeps_the_new_lead_chosen(
    client, staff, departments, returned
) -> None:
    """驳回 pressed without a reason, after choosing for 支持: refused, the choices are still there
    for 支持退单 to be pressed instead."""
    client.force_login(staff["dispatcher"])
    lead = returned.assignments.get(department__code="B01")
    form = {"decision": "reject", "lead_department_id": departments["street"].pk, "note": ""}
    response = client.post(f"/dispatch/returns/{lead.pk}/", form, **HTMX)
    assert response.status_code == 422
    page = response.content.decode()
    assert "驳回退单须写明理由" in page
    assert _chosen(_select(page, "lead_department_id", lead.pk)) == {str(departments["street"].pk)}
    assert _chosen(_select(page, "co_department_ids", lead.pk)) == set()
    assert _chosen(_select(page, "category_id", lead.pk)) == set()
    assert 'name="wrong_dispatch" checked' not in page
