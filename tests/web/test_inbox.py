"""The department inbox (承办, /inbox/): whose rows, in what order, the countdown, the counters, the
filters, and the work done from it through the pages' action endpoint, in a fixed number of queries."""

import re
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hotline.core import clock
from hotline.core.enums import AssignmentStatus, SuspensionReason, TicketStatus, Urgency
from hotline.feedback.models import Reply
from hotline.sla.actions import do_suspend_assignment
from hotline.sla.models import Extension, Suspension
from hotline.tickets.actions import do_accept_assignment, do_dispatch_ticket, do_return_assignment
from hotline.tickets.models import Assignment, Ticket
from tests.factories import CategoryFactory, make_ticket
from tests.web.conftest import NOW, SHANGHAI

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_now")]


def dispatched(
    staff: dict[str, Any],
    departments: dict[str, Any],
    *,
    ago: timedelta,
    lead: str,
    co: tuple[str, ...] = (),
    title: str = "小区门口路灯不亮",
    urgent: bool = False,
    category_id: int | None = None,
) -> Ticket:
    """A ticket received and dispatched `ago` before NOW, through the real actions."""
    with clock.frozen_at(NOW - ago):
        ticket = make_ticket(actor=staff["operator"], title=title)
        return do_dispatch_ticket(
            ticket,
            staff["dispatcher"],
            lead_department_id=departments[lead].pk,
            co_department_ids=[departments[c].pk for c in co],
            urgency=Urgency.URGENT if urgent else None,
            category_id=category_id,
        )


def part(ticket: Ticket, department: str) -> Assignment:
    return ticket.assignments.get(department__code=department)


def numbers(page: str) -> list[str]:
    """The ticket numbers of the inbox's rows, top to bottom."""
    return re.findall(r'<li class="inbox-row[^"]*" id="assignment-\d+" data-number="([^"]+)"', page)


def row_html(page: str, assignment: Assignment) -> str:
    start = page.rindex("<li", 0, page.index(f'id="assignment-{assignment.pk}"'))
    return page[start : page.index("</li>", start)]


class Forms(HTMLParser):
    """The forms of a page: their action and the fields they post (name -> value as rendered)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action"), "fields": {}, "unnamed": 0})
        elif tag in ("input", "textarea", "select") and self.forms:
            if a.get("name"):
                self.forms[-1]["fields"][a["name"]] = a.get("value") or ""
            else:
                self.forms[-1]["unnamed"] += 1


def form_of(page: str, assignment: Assignment, action: str) -> dict[str, Any]:
    parser = Forms()
    parser.feed(row_html(page, assignment))
    found = [f for f in parser.forms if f["action"].endswith(f"/do/{action}/")]
    assert len(found) == 1, (action, parser.forms)
    return found[0]


def test_the_inbox_is_for_departments(client, staff, departments) -> None:
    response = client.get("/inbox/")
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=/inbox/")
    for role in ("operator", "dispatcher", "supervisor", "leader", "admin"):
        client.force_login(staff[role])
        response = client.get("/inbox/")
        assert response.status_code == 403, role
        assert "承办工作台供承办单位使用" in response.content.decode()
        assert 'href="/inbox/"' not in response.content.decode()  # no link to it either
    client.force_login(staff["housing"])
    response = client.get("/inbox/")
    assert response.status_code == 200
    assert 'href="/inbox/"' in response.content.decode()  # the nav link, for department roles
    assert client.post("/inbox/").status_code == 405


def test_a_handler_sees_their_departments_rows_by_time_left(client, staff, departments) -> None:
    fresh = dispatched(staff, departments, ago=timedelta(hours=1), lead="housing", title="新派的")
    late = dispatched(staff, departments, ago=timedelta(days=6), lead="housing", title="超期的", urgent=True)
    middle = dispatched(staff, departments, ago=timedelta(days=2), lead="housing", title="中间的")
    co = dispatched(staff, departments, ago=timedelta(days=3), lead="water", co=("housing",), title="协办的")
    elsewhere = dispatched(staff, departments, ago=timedelta(days=7), lead="water", title="别家的")
    street = dispatched(staff, departments, ago=timedelta(days=7), lead="street", title="街道的")
    due = {t.number: part(t, "B01").due_at for t in (fresh, late, middle, co)}
    assert sorted(due, key=due.__getitem__)[0] == late.number  # the data spreads the deadlines out

    client.force_login(staff["housing"])
    page = client.get("/inbox/").content.decode()
    assert numbers(page) == sorted(due, key=due.__getitem__)
    assert elsewhere.number not in page and street.number not in page
    assert "别家的" not in page and "街道的" not in page

    overdue = row_html(page, part(late, "B01"))
    assert 'class="inbox-row pending overdue"' in overdue
    assert "超期 " in overdue and "紧急" in overdue
    left = part(fresh, "B01").due_at - NOW
    assert f"剩 {left.days} 天" in row_html(page, part(fresh, "B01"))
    assert f'href="/tickets/{fresh.number}/"' in page
    assert "协办" in row_html(page, part(co, "B01"))
    assert "幸福路12号" in overdue  # the address
    # An urgent ticket's signing is its first response: its deadline is named so.
    assert "首次响应时限" in overdue and "签收时限" not in overdue


def test_a_row_late_to_be_signed_says_so_in_its_clock(client, staff, departments) -> None:
    """Two days after dispatch the handling deadline is days away, but signing for it was due the
    same day: the clock in front of the row, the first thing a handler reads, said "剩 3 天" in
    black beside a sign-by marked late. It says how late the signing is, in red."""
    ticket = dispatched(staff, departments, ago=timedelta(days=2), lead="housing", title="未签收的")
    assignment = part(ticket, "B01")
    assert assignment.sign_due_at < NOW < assignment.due_at
    client.force_login(staff["housing"])
    row = row_html(client.get("/inbox/").content.decode(), assignment)
    assert 'class="inbox-row pending overdue"' in row
    clock_text = re.search(r'<span class="clock"[^>]*>([^<]+)</span>', row)
    assert clock_text is not None and clock_text.group(1).startswith("签收超时 "), row
    # Once signed, the clock counts to the handling deadline again.
    do_accept_assignment(ticket, staff["housing"])
    row = row_html(client.get("/inbox/").content.decode(), assignment)
    assert "签收超时" not in row and "剩 " in row


def test_a_head_sees_the_department_below_and_can_narrow_to_one(client, staff, departments) -> None:
    own = dispatched(staff, departments, ago=timedelta(days=1), lead="district", title="区里的")
    below = dispatched(staff, departments, ago=timedelta(days=2), lead="street", title="街道的")
    other = dispatched(staff, departments, ago=timedelta(days=3), lead="housing", title="住建的")

    client.force_login(staff["district_head"])
    page = client.get("/inbox/").content.decode()
    assert numbers(page) == [below.number, own.number]
    assert other.number not in page
    assert 'name="department"' in page  # a head may narrow the list to one department

    street = departments["street"].pk
    assert numbers(client.get(f"/inbox/?department={street}").content.decode()) == [below.number]
    # A department outside the head's scope is not a filter: the scope stays, never widens.
    for junk in (departments["housing"].pk, "abc", "999999"):
        page = client.get(f"/inbox/?department={junk}").content.decode()
        assert numbers(page) == [below.number, own.number], junk

    client.force_login(staff["street"])
    page = client.get("/inbox/").content.decode()
    assert numbers(page) == [below.number]
    assert 'name="department"' not in page  # one department: nothing to choose


def test_accepting_from_the_inbox_signs_and_comes_back_to_the_same_list(client, staff, departments) -> None:
    ticket = dispatched(staff, departments, ago=timedelta(hours=2), lead="housing", co=("water",))
    lead = part(ticket, "B01")
    client.force_login(staff["housing"])
    page = client.get("/inbox/?status=pending").content.decode()
    form = form_of(page, lead, "accept")
    assert form["fields"] == {
        "csrfmiddlewaretoken": form["fields"]["csrfmiddlewaretoken"],
        "assignment_id": str(lead.pk),
        "next": "/inbox/?status=pending",
    }

    response = client.post(form["action"], form["fields"], follow=True)
    assert response.redirect_chain == [("/inbox/?status=pending", 302)]
    assert f"工单 {ticket.number}：已签收" in response.content.decode()
    lead.refresh_from_db()
    assert lead.status == AssignmentStatus.ACCEPTED
    assert lead.accepted_by == staff["housing"] and lead.accepted_at == NOW
    event = ticket.events.get(action="accept")
    assert event.actor == staff["housing"] and event.to_status == TicketStatus.ACCEPTED
    assert part(ticket, "B02").status == AssignmentStatus.PENDING  # the co-handler's part is its own

    page = client.get("/inbox/").content.decode()
    assert 'data-state="accepted"' in row_html(page, lead)
    assert "/do/accept/" not in row_html(page, lead)


def test_a_co_handler_cannot_reply_to_the_citizen(client, staff, departments) -> None:
    ticket = dispatched(staff, departments, ago=timedelta(hours=2), lead="housing", co=("water",))
    ticket = do_accept_assignment(ticket, staff["housing"])
    ticket = do_accept_assignment(ticket, staff["water"])
    co = part(ticket, "B02")
    client.force_login(staff["water"])
    page = client.get("/inbox/").content.decode()
    assert "/do/answer/" in row_html(page, co)  # the co-handler answers its part to the lead ...
    assert "/do/reply/" not in row_html(page, co)  # ... and is not offered the reply

    events = ticket.events.count()
    response = client.post(f"/tickets/{ticket.number}/do/reply/", {"text": "已处理", "next": "/inbox/"})
    assert response.status_code in (403, 409)
    assert "只有主办单位可以答复" in response.content.decode()
    ticket.refresh_from_db()
    co.refresh_from_db()
    assert ticket.status == TicketStatus.ACCEPTED and ticket.events.count() == events
    assert co.status == AssignmentStatus.ACCEPTED and co.answer == ""
    assert not Reply.objects.filter(ticket=ticket).exists()

    # The lead waits for the co-handler: the page says so instead of offering a reply to be refused.
    client.force_login(staff["housing"])
    lead_row = row_html(client.get("/inbox/").content.decode(), part(ticket, "B01"))
    assert "待协办单位反馈：水务局" in lead_row and "/do/reply/" not in lead_row


def test_another_departments_assignment_cannot_be_worked_from_a_forged_form(
    client, staff, departments
) -> None:
    ticket = dispatched(staff, departments, ago=timedelta(hours=2), lead="housing")
    lead = part(ticket, "B01")
    client.force_login(staff["street"])
    response = client.post(
        f"/tickets/{ticket.number}/do/accept/", {"assignment_id": lead.pk, "next": "/inbox/"}
    )
    assert response.status_code in (403, 404)
    lead.refresh_from_db()
    assert lead.status == AssignmentStatus.PENDING
    assert not ticket.events.filter(action="accept").exists()


def test_each_row_offers_what_its_assignment_allows(client, staff, departments) -> None:
    pending = dispatched(staff, departments, ago=timedelta(hours=3), lead="housing", title="待签收")
    running = do_accept_assignment(
        dispatched(staff, departments, ago=timedelta(hours=2), lead="housing", title="办理中"),
        staff["housing"],
    )
    stopped = do_accept_assignment(
        dispatched(staff, departments, ago=timedelta(hours=1), lead="housing", title="挂起的"),
        staff["housing"],
    )
    stopped = do_suspend_assignment(stopped, staff["housing"], reason=SuspensionReason.CITIZEN_UNREACHABLE)
    back = do_return_assignment(
        dispatched(staff, departments, ago=timedelta(days=5), lead="housing", title="退回的"),
        staff["housing"],
        reason="不属于本单位职责",
    )

    client.force_login(staff["housing"])
    page = client.get("/inbox/").content.decode()

    def offered(ticket: Ticket) -> set[str]:
        return set(re.findall(r"/do/(\w+)/", row_html(page, part(ticket, "B01"))))

    assert offered(pending) == {"accept", "return"}
    assert offered(running) == {"reply", "progress", "suspend", "request_extension", "return"}
    assert offered(stopped) == {"resume", "progress"}  # a stopped clock may still be written about
    assert offered(back) == set()
    # Running clocks first, then the stopped one, then the return waiting for dispatch's review.
    assert numbers(page) == [pending.number, running.number, stopped.number, back.number]
    assert "计时已停止" in row_html(page, part(stopped, "B01"))
    assert "等待派单审核" in row_html(page, part(back, "B01"))
    assert "不属于本单位职责" in row_html(page, part(back, "B01"))

    reply = form_of(page, part(running, "B01"), "reply")
    assert "assignment_id" not in reply["fields"]  # the reply's schema takes none: the lead replies
    # The department's templates are asked for (the ticket page's list), not written into the page.
    number = running.number
    assert f'hx-get="/tickets/{number}/reply-templates/?field=reply-text-{part(running, "B01").pk}"' in page
    assert {"reason", "note", "assignment_id"} <= set(
        form_of(page, part(running, "B01"), "suspend")["fields"]
    )
    for value, _label in SuspensionReason.choices:
        assert f'<option value="{value}">' in page
    due = part(running, "B01").due_at.astimezone(SHANGHAI)
    assert f'type="datetime-local" name="requested_due_at" required min="{due:%Y-%m-%dT%H:%M}"' in page


def test_the_rows_forms_post_what_the_actions_take(client, staff, departments) -> None:
    """Each form of a row, filled in as a person would, passes the action's schema and does its work."""
    first = do_accept_assignment(
        dispatched(staff, departments, ago=timedelta(hours=3), lead="housing", title="甲"), staff["housing"]
    )
    second = do_accept_assignment(
        dispatched(staff, departments, ago=timedelta(hours=2), lead="housing", title="乙"), staff["housing"]
    )
    third = dispatched(staff, departments, ago=timedelta(hours=1), lead="housing", title="丙")
    client.force_login(staff["housing"])

    def submit(ticket: Ticket, action: str, **typed: str) -> None:
        form = form_of(client.get("/inbox/").content.decode(), part(ticket, "B01"), action)
        response = client.post(form["action"], {**form["fields"], **typed})
        assert response.status_code == 302, response.content.decode()
        assert response["Location"] == "/inbox/"

    submit(first, "suspend", reason=SuspensionReason.AWAITING_MATERIAL, note="等业主补材料")
    assert Suspension.objects.get(assignment=part(first, "B01")).note == "等业主补材料"
    submit(first, "resume")
    assert part(first, "B01").paused_since is None

    wanted = (part(second, "B01").due_at + timedelta(days=3)).astimezone(SHANGHAI)
    submit(second, "request_extension", reason="需第三方检测", requested_due_at=f"{wanted:%Y-%m-%dT%H:%M}")
    extension = Extension.objects.get(assignment=part(second, "B01"))
    assert extension.requested_due_at == wanted.replace(second=0, microsecond=0)
    # The row says a request waits for its decision and offers no second one, which would be refused.
    second_row = row_html(client.get("/inbox/").content.decode(), part(second, "B01"))
    assert f"延期申请待审批（申请延至 {wanted:%Y-%m-%d %H:%M}）" in second_row
    assert "/do/request_extension/" not in second_row

    submit(third, "return", reason="不属于本单位职责")
    assert part(third, "B01").status == AssignmentStatus.RETURNED

    submit(second, "reply", text="您好，路灯已修复。")
    second.refresh_from_db()
    assert second.status == TicketStatus.REPLIED
    assert Reply.objects.get(ticket=second).text == "您好，路灯已修复。"
    assert second.number not in numbers(client.get("/inbox/").content.decode())  # its part is done


def test_a_refused_action_says_why_and_links_back_to_the_list(client, staff, departments) -> None:
    ticket = do_accept_assignment(
        dispatched(staff, departments, ago=timedelta(hours=3), lead="housing"), staff["housing"]
    )
    client.force_login(staff["housing"])
    form = form_of(client.get("/inbox/?status=accepted").content.decode(), part(ticket, "B01"), "suspend")
    response = client.post(form["action"], {**form["fields"], "reason": SuspensionReason.OTHER, "note": ""})
    assert response.status_code == 422
    body = response.content.decode()
    assert "挂起原因为“其他”时须说明" in body
    assert 'href="/inbox/?status=accepted"' in body
    assert part(ticket, "B01").paused_since is None

    # With htmx the refusal comes back as a fragment for the row's result slot.
    response = client.post(form["action"], {**form["fields"], "reason": "sleeping"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert 'class="error" role="alert"' in response.content.decode()
    assert "<html" not in response.content.decode()
    assert 'hx-target="#assignment-' in client.get("/inbox/").content.decode()
    assert part(ticket, "B01").paused_since is None


def test_filters_and_counters(client, staff, departments) -> None:
    pending = dispatched(staff, departments, ago=timedelta(hours=1), lead="housing", title="待签收")
    running = do_accept_assignment(
        dispatched(staff, departments, ago=timedelta(hours=2), lead="housing", title="办理中"),
        staff["housing"],
    )
    late = do_accept_assignment(
        dispatched(staff, departments, ago=timedelta(days=6), lead="housing", title="超期"), staff["housing"]
    )
    stopped = do_suspend_assignment(
        do_accept_assignment(
            dispatched(staff, departments, ago=timedelta(hours=4), lead="housing", title="挂起"),
            staff["housing"],
        ),
        staff["housing"],
        reason=SuspensionReason.THIRD_PARTY,
    )
    back = do_return_assignment(
        dispatched(staff, departments, ago=timedelta(hours=5), lead="housing", title="退单"),
        staff["housing"],
        reason="非本单位",
    )
    today = dispatched(staff, departments, ago=timedelta(hours=6), lead="housing", title="今天到期")
    Assignment.objects.filter(pk=part(today, "B01").pk).update(due_at=NOW + timedelta(hours=5))

    client.force_login(staff["housing"])
    expected = {
        "pending": [today.number, pending.number],
        "accepted": [late.number, running.number],
        "suspended": [stopped.number],
        "overdue": [late.number],
        "due_today": [today.number],
        "returned": [back.number],
    }
    at_work = [part(t, "B01") for t in (pending, running, late, today)]
    by_due = [a.ticket.number for a in sorted(at_work, key=lambda a: (a.due_at, a.pk))]
    expected["junk"] = [*by_due, stopped.number, back.number]  # no filter: all, running clocks first
    for status, rows in expected.items():
        page = client.get(f"/inbox/?status={status}").content.decode()
        assert numbers(page) == rows, status

    response = client.get("/inbox/")
    assert response.context["counts"] == {"pending": 2, "accepted": 2, "due_today": 1, "overdue": 1}
    page = response.content.decode()
    assert 'href="?status=overdue"><strong>1</strong>' in page
    assert 'class="inbox-row pending soon"' in row_html(page, part(today, "B01"))  # under 24 hours: orange


def test_the_list_pages_through_and_keeps_its_filter(client, staff, departments, monkeypatch) -> None:
    monkeypatch.setattr("hotline.web.dispatch.PAGE_SIZE", 1)
    first = dispatched(staff, departments, ago=timedelta(days=2), lead="housing")
    second = dispatched(staff, departments, ago=timedelta(days=1), lead="housing")
    client.force_login(staff["housing"])
    page = client.get("/inbox/?status=pending").content.decode()
    assert numbers(page) == [first.number]
    assert 'href="?status=pending&amp;offset=1"' in page
    page = client.get("/inbox/?status=pending&offset=1").content.decode()
    assert numbers(page) == [second.number]
    assert 'name="next" value="/inbox/?status=pending&amp;offset=1"' in page  # back to this page


def _build(staff: dict[str, Any], departments: dict[str, Any], user: str, n: int, start: int) -> None:
    """`n` more rows for `user` of every kind (led and co-handled or, for the head, its own and the
    street's; with and without a category; to sign, in hand, stopped, returned), and one row for
    another department."""
    category = CategoryFactory(code=f"Q{start}", name=f"市政{start}", level=1)
    sub = CategoryFactory(code=f"Q{start}1", name=f"路灯{start}", level=2, parent=category)
    kinds = {
        "housing": [("housing", ("water",)), ("water", ("housing",))],
        "district_head": [("street", ("housing",)), ("district", ())],
    }[user]
    for i in range(start, start + n):
        lead, co = kinds[i % 2]
        ticket = dispatched(
            staff,
            departments,
            ago=timedelta(hours=i + 1),
            lead=lead,
            co=co,
            category_id=sub.pk if i % 2 else None,
        )
        if i % 3 == 1:
            ticket = do_accept_assignment(ticket, staff[user])
        if i % 6 == 4:
            do_suspend_assignment(ticket, staff[user], reason=SuspensionReason.CITIZEN_UNREACHABLE)
        if i % 6 == 5:
            do_return_assignment(ticket, staff[user], reason="不属于本单位")
    dispatched(staff, departments, ago=timedelta(hours=1), lead="water")


@pytest.mark.parametrize("user", ["housing", "district_head"])
def test_the_page_costs_the_same_queries_for_3_rows_or_30(
    client, staff, departments, monkeypatch, user
) -> None:
    monkeypatch.setattr("hotline.web.dispatch.PAGE_SIZE", 100)
    client.force_login(staff[user])

    def measure() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/inbox/")
        assert response.status_code == 200
        return len(numbers(response.content.decode())), len(queries.captured_queries)

    _build(staff, departments, user, 3, 0)
    few, few_queries = measure()
    _build(staff, departments, user, 27, 3)
    many, many_queries = measure()
    assert few == 3 and many == 30
    assert many_queries == few_queries, (few_queries, many_queries)
    print(f"{user}: {few_queries} queries for {few} rows, {many_queries} for {many}")


def test_a_co_handlers_row_says_why_it_waits_while_the_leads_return_is_reviewed(
    client, staff, departments
) -> None:
    ticket = dispatched(staff, departments, ago=timedelta(hours=2), lead="housing", co=("water",))
    do_return_assignment(ticket, staff["housing"], reason="不属于本单位职责")
    client.force_login(staff["water"])
    co_row = row_html(client.get("/inbox/").content.decode(), part(ticket, "B02"))
    assert "主办单位已退单，待派单审核后再办理" in co_row
    assert "<form" not in co_row


def test_a_handler_records_how_the_work_stands_from_the_inbox(client, staff, departments) -> None:
    """办理进展: what was done, whether the citizen was reached; the ticket and its clock stay."""
    ticket = do_accept_assignment(
        dispatched(staff, departments, ago=timedelta(hours=2), lead="housing"), staff["housing"]
    )
    client.force_login(staff["housing"])
    form = form_of(client.get("/inbox/").content.decode(), part(ticket, "B01"), "progress")
    response = client.post(
        form["action"], {**form["fields"], "text": "已电话联系市民，约定周三现场查看", "contacted": "true"}
    )
    assert response.status_code == 302 and response["Location"] == "/inbox/"
    event = ticket.events.get(action="progress")
    assert event.details["text"] == "已电话联系市民，约定周三现场查看" and event.details["contacted"] is True
    assert event.actor == staff["housing"] and event.from_status == event.to_status == TicketStatus.ACCEPTED
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert "办理进展" in page and "已联系诉求人" in page


def in_place(client, form: dict[str, Any], row_id: str, **fields: str) -> Any:
    """The form posted as htmx posts it from its row: aimed at the row's result slot (HX-Target)."""
    return client.post(
        form["action"],
        {**form["fields"], **fields},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET=f"{row_id}-result",
    )


def test_with_htmx_the_row_changes_in_place_and_the_page_stays(client, staff, departments) -> None:
    """No HX-Redirect (the page loaded again: the keyboard back at the top, the scroll too): the row
    as the inbox now lists it, saying what was done, and the counters swapped out of band."""
    first = dispatched(staff, departments, ago=timedelta(days=2), lead="housing", title="先派的")
    second = dispatched(staff, departments, ago=timedelta(hours=1), lead="housing", title="后派的")
    lead, other = part(first, "B01"), part(second, "B01")
    client.force_login(staff["housing"])

    response = in_place(
        client, form_of(client.get("/inbox/").content.decode(), lead, "accept"), f"assignment-{lead.pk}"
    )
    assert response.status_code == 200 and "HX-Redirect" not in response
    assert response["HX-Retarget"] == f"#assignment-{lead.pk}" and response["HX-Reswap"] == "outerHTML"
    body = response.content.decode()
    assert "<html" not in body
    row = row_html(body, lead)
    assert 'data-state="accepted"' in row and "/do/accept/" not in row and "/do/reply/" in row
    assert f'<p class="ok" role="status">工单 {first.number}：已签收</p>' in row
    assert 'name="next" value="/inbox/"' in row
    assert '<ul class="counters" id="inbox-counters" hx-swap-oob="true">' in body
    assert re.search(r'class="pending"><a [^>]*><strong>1</strong>', body)
    assert re.search(r'class="accepted"><a [^>]*><strong>1</strong>', body)
    lead.refresh_from_db()
    assert lead.status == AssignmentStatus.ACCEPTED
    # Said in the row: not again on the next page loaded.
    assert f"工单 {first.number}：已签收" not in client.get("/inbox/").content.decode()

    # Under 待签收 a signed row leaves the list: a line in its place says what was done.
    page = client.get("/inbox/?status=pending").content.decode()
    response = in_place(client, form_of(page, other, "accept"), f"assignment-{other.pk}")
    assert response.status_code == 200
    body = response.content.decode()
    assert f'<li class="inbox-row done" id="assignment-{other.pk}" data-number="{second.number}">' in body
    assert f"工单 {second.number}：已签收 · 后派的" in body and "/do/" not in body

    # The reply takes the row off the inbox, whichever the filter.
    page = client.get("/inbox/").content.decode()
    response = in_place(client, form_of(page, lead, "reply"), f"assignment-{lead.pk}", text="路灯已修复。")
    assert response.status_code == 200, response.content.decode()
    assert f'class="inbox-row done" id="assignment-{lead.pk}"' in response.content.decode()
    assert Reply.objects.filter(ticket=first).exists()


def test_a_row_named_by_another_department_is_not_shown_in_place(client, staff, departments) -> None:
    own = dispatched(staff, departments, ago=timedelta(hours=2), lead="housing")
    theirs = dispatched(staff, departments, ago=timedelta(hours=2), lead="water", title="别家的")
    client.force_login(staff["housing"])
    form = form_of(client.get("/inbox/").content.decode(), part(own, "B01"), "accept")
    response = in_place(client, form, f"assignment-{part(theirs, 'B02').pk}")
    body = response.content.decode()
    assert response.status_code == 200 and "别家的" not in body and theirs.number not in body
    assert 'class="inbox-row done"' in body  # the line says what was done to the user's own ticket
    # A target that is no row of the inbox: the page is loaded again, as before.
    response = client.post(
        form["action"], form["fields"], HTTP_HX_REQUEST="true", HTTP_HX_TARGET="inbox-counters"
    )
    assert response.status_code == 409  # already signed above: refused, a fragment for the slot
    ticket = dispatched(staff, departments, ago=timedelta(hours=1), lead="housing", title="第三件")
    form = form_of(client.get("/inbox/").content.decode(), part(ticket, "B01"), "accept")
    response = client.post(form["action"], form["fields"], HTTP_HX_REQUEST="true", HTTP_HX_TARGET="x-result")
    assert response.status_code == 204 and response["HX-Redirect"] == "/inbox/"
