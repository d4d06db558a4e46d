"""The callback desk (回访, /callbacks/): who may use it, its rows by callback deadline, the outcome
recorded and the ticket closed from it, a reopen, a citizen not reached and called again later, the
filters and counters, and a fixed number of queries whatever the number of rows."""

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hotline.core import clock
from hotline.core.enums import AssignmentStatus, Kind, Satisfaction, TicketStatus
from hotline.feedback import actions as feedback_actions
from hotline.intake.models import PhoneReveal
from hotline.tickets.models import Ticket
from tests.tickets.conftest import Flow
from tests.web.test_inbox import Forms

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Wednesday morning with ordinary working days around it (no holiday the week before or after).
NOW = datetime(2025, 6, 11, 10, 0, tzinfo=SHANGHAI)
S = TicketStatus


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with clock.frozen_at(NOW):
        yield


@pytest.fixture
def flow(staff, departments) -> Flow:
    return Flow(staff, departments)


def replied(flow: Flow, at: datetime, title: str = "小区门口路灯不亮", co: tuple[str, ...] = ()) -> Ticket:
    """Received, dispatched to housing, signed and replied at `at`, through the real actions."""
    with clock.frozen_at(at):
        ticket = flow.dispatch(flow.new(title=title), co=co)
        ticket = flow.accept(ticket)
        for department in co:
            ticket = flow.accept(ticket, department)
            ticket = flow.co_answer(ticket, department)
        return flow.reply(ticket, text=f"{title}：已处理完毕。")


def answered(flow: Flow, at: datetime, title: str = "公积金怎么提取") -> Ticket:
    with clock.frozen_at(at):
        ticket = flow.new(kind=Kind.CONSULTATION, title=title)
        return feedback_actions.do_answer_on_spot(
            ticket, flow.user("operator"), text="请携带身份证到中心办理。"
        )


def numbers(page: str) -> list[str]:
    return re.findall(r'<li class="callback-row[^"]*" id="ticket-\d+" data-number="([^"]+)"', page)


def row_html(page: str, ticket: Ticket) -> str:
    start = page.rindex("<li", 0, page.index(f'id="ticket-{ticket.pk}"'))
    return page[start : page.index("</li>", page.index('class="result"', start))]


def form_of(page: str, ticket: Ticket, action: str) -> dict[str, Any]:
    parser = Forms()
    parser.feed(row_html(page, ticket))
    found = [f for f in parser.forms if f["action"].endswith(f"/do/{action}/")]
    assert len(found) == 1, (action, parser.forms)
    return found[0]


def offered(page: str, ticket: Ticket) -> set[str]:
    return set(re.findall(r'action="/tickets/[^"]+/do/(\w+)/"', row_html(page, ticket)))


def desk(client, query: str = "") -> str:
    response = client.get(f"/callbacks/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_the_desk_is_for_the_roles_that_call_back(client, staff) -> None:
    response = client.get("/callbacks/")
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=/callbacks/")
    for role in ("housing", "district_head", "dispatcher", "leader"):
        client.force_login(staff[role])
        response = client.get("/callbacks/")
        assert response.status_code == 403, role
        assert "回访工作台供受理员、督办员和管理员使用" in response.content.decode()
        assert 'href="/callbacks/"' not in response.content.decode()
    for role in ("operator", "supervisor", "admin"):
        client.force_login(staff[role])
        response = client.get("/callbacks/")
        assert response.status_code == 200, role
        assert 'href="/callbacks/"' in response.content.decode()  # the nav link
    assert client.post("/callbacks/").status_code == 405


def test_rows_by_callback_deadline_with_what_the_call_needs(client, flow) -> None:
    late = replied(flow, NOW - timedelta(days=5), title="超期的")  # Fri 6 June: due Tue 10 June
    today = replied(flow, datetime(2025, 6, 9, 15, 0, tzinfo=SHANGHAI), title="今天到期的")  # due Wed 15:00
    fresh = replied(flow, NOW - timedelta(hours=1), title="刚答复的")
    spot = answered(flow, NOW - timedelta(hours=2))  # no callback deadline: after those with one
    handling = flow.accept(flow.dispatch(flow.new(title="办理中的"), co=()))
    done = flow.to(S.CLOSED)
    dues = {t.number: t.callback_due_at for t in (late, today, fresh)}
    assert sorted(dues, key=dues.__getitem__) == [late.number, today.number, fresh.number]

    client.force_login(flow.user("operator"))
    page = desk(client)
    assert numbers(page) == [late.number, today.number, fresh.number, spot.number]
    assert handling.number not in page and done.number not in page

    overdue = row_html(page, late)
    assert 'class="callback-row overdue"' in overdue and "回访超期" in overdue
    assert 'class="callback-row today"' in row_html(page, today) and "今日 15:00 前回访" in page
    assert 'class="callback-row"' in row_html(page, fresh)
    assert "无回访时限" in row_html(page, spot) and "受理员直接答复" in row_html(page, spot)

    first = row_html(page, late)
    appeal = late.appeals.get()
    assert f'href="/tickets/{late.number}/"' in first
    assert "张先生" in first and "138****1234" in first and "13812341234" not in page
    assert "答复单位：住建局" in first and "超期的：已处理完毕。" in first
    assert offered(page, late) == {"callback", "callback_attempt"}
    assert f'hx-post="/tickets/{late.number}/appeals/{appeal.pk}/phone/"' in first

    # "显示号码" asks the ticket page's endpoint, which records who looked.
    response = client.post(f"/tickets/{late.number}/appeals/{appeal.pk}/phone/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "13812341234" in response.content.decode()
    assert list(PhoneReveal.objects.values_list("revealed_by__username", "appeal_id")) == [("op", appeal.pk)]


def test_a_satisfied_callback_and_then_closing_from_the_desk(client, flow) -> None:
    ticket = replied(flow, NOW - timedelta(days=1), co=("water",))
    client.force_login(flow.user("operator"))
    here = "/callbacks/?filter=due_today"
    Ticket.objects.filter(pk=ticket.pk).update(callback_due_at=NOW + timedelta(hours=3))
    page = desk(client, "?filter=due_today")
    form = form_of(page, ticket, "callback")
    assert form["fields"]["next"] == here and {"resolution", "satisfaction", "note"} <= set(form["fields"])
    assert "选“不满意”将退回主办单位重办" in row_html(page, ticket)

    response = client.post(
        form["action"],
        {**form["fields"], "resolution": "resolved", "satisfaction": "satisfied", "note": "居民表示满意"},
        follow=True,
    )
    assert response.redirect_chain == [(here, 302)]
    assert f"工单 {ticket.number}：已记录回访结果" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == S.REPLIED
    callback = ticket.callbacks.get()
    assert (callback.satisfaction, callback.note, callback.called_by) == (
        "satisfied",
        "居民表示满意",
        flow.user("operator"),
    )

    # The row stays on the desk, says what was recorded, and offers to close the ticket.
    assert ticket.number not in numbers(desk(client, "?filter=due_today"))  # nothing left to call
    response = client.get("/callbacks/")
    assert response.context["counts"]["to_close"] == 1 and response.context["counts"]["to_call"] == 0
    page = response.content.decode()
    assert "已回访：已解决，满意" in row_html(page, ticket)
    assert offered(page, ticket) == {"close"}
    close = form_of(page, ticket, "close")
    response = client.post(close["action"], close["fields"])
    assert response.status_code == 302 and response["Location"] == "/callbacks/"
    ticket.refresh_from_db()
    assert ticket.status == S.CLOSED and ticket.closed_at == NOW
    assert [e.action for e in ticket.events.order_by("pk")][-2:] == ["callback", "close"]
    assert ticket.number not in numbers(desk(client))


def test_an_unsatisfied_callback_reopens_the_ticket_to_its_lead(client, flow) -> None:
    ticket = replied(flow, NOW - timedelta(hours=3))
    client.force_login(flow.user("supervisor"))
    form = form_of(desk(client), ticket, "callback")
    response = client.post(
        form["action"], {**form["fields"], "resolution": "unresolved", "satisfaction": "unsatisfied"}
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == S.REOPENED and ticket.reopen_count == 1
    lead = ticket.assignments.get()
    assert lead.status == AssignmentStatus.ACCEPTED and lead.due_at > NOW
    assert ticket.callbacks.get().reopened
    assert ticket.number not in numbers(desk(client))
    # Back in the lead department's inbox.
    client.force_login(flow.user("housing"))
    assert f'data-number="{ticket.number}"' in client.get("/inbox/").content.decode()


def test_an_unreached_citizen_waits_after_the_others_until_the_retry(client, flow) -> None:
    first = replied(flow, NOW - timedelta(days=5), title="先到期")
    second = replied(flow, NOW - timedelta(hours=1), title="后到期")
    client.force_login(flow.user("operator"))
    assert numbers(desk(client)) == [first.number, second.number]

    form = form_of(desk(client), first, "callback_attempt")
    assert "2 小时后再次回访" in row_html(desk(client), first)
    response = client.post(form["action"], {**form["fields"], "note": "无人接听"}, follow=True)
    assert response.redirect_chain == [("/callbacks/", 302)]
    assert f"工单 {first.number}：已记录回访未接通，稍后再次回访" in response.content.decode()
    page = response.content.decode()
    assert numbers(page) == [second.number, first.number]  # after the others until 12:00
    assert "1 次未接通，下次 12:00" in row_html(page, first)
    assert 'class="callback-row overdue waiting"' in row_html(page, first)
    assert response.context["counts"]["waiting"] == 1
    first.refresh_from_db()
    assert first.status == S.REPLIED

    with clock.frozen_at(NOW + timedelta(hours=2, minutes=1)):
        page = desk(client)
        assert numbers(page) == [first.number, second.number]  # its turn again
        assert "1 次未接通，可再次回访" in row_html(page, first)
        form = form_of(page, first, "callback_attempt")
        assert client.post(form["action"], form["fields"]).status_code == 302
        response = client.get("/callbacks/")
        page = response.content.decode()
    assert numbers(page) == [second.number, first.number]
    assert "2 次未接通，下次 14:01" in row_html(page, first)
    attempts = [e.details["attempt"] for e in first.events.filter(action="callback_attempt").order_by("pk")]
    assert attempts == [1, 2]

    # The callback still gets recorded once the citizen answers.
    with clock.frozen_at(NOW + timedelta(hours=5)):
        form = form_of(desk(client), first, "callback")
        client.post(form["action"], {**form["fields"], "resolution": "partly", "satisfaction": "basically"})
        page = desk(client)
    assert offered(page, first) == {"close"} and "已回访：部分解决，基本满意" in page
    assert "次未接通" not in row_html(page, first)  # reached in the end: the attempts are history


def test_a_retry_on_another_day_shows_its_date(client, flow, settings) -> None:
    settings.HOTLINE = {**settings.HOTLINE, "CALLBACK_RETRY_HOURS": 24}
    ticket = replied(flow, NOW - timedelta(hours=1))
    feedback_actions.do_record_callback_attempt(ticket, flow.user("operator"))
    client.force_login(flow.user("operator"))
    page = desk(client)
    assert "1 次未接通，下次 06-12 10:00" in row_html(page, ticket)
    assert "1 天后再次回访" in page


def test_filters_counters_and_pages(client, flow, monkeypatch) -> None:
    late = replied(flow, NOW - timedelta(days=5), title="超期")
    later = replied(flow, NOW - timedelta(days=6), title="更早超期")
    today = replied(flow, datetime(2025, 6, 9, 15, 0, tzinfo=SHANGHAI), title="今天")
    fresh = replied(flow, NOW - timedelta(hours=1), title="新")
    called = replied(flow, NOW - timedelta(days=7), title="已回访")
    flow.callback(called)
    client.force_login(flow.user("operator"))

    assert numbers(desk(client, "?filter=overdue")) == [later.number, late.number]
    assert numbers(desk(client, "?filter=due_today")) == [today.number]
    everything = [called.number, later.number, late.number, today.number, fresh.number]
    assert numbers(desk(client, "?filter=junk")) == everything
    response = client.get("/callbacks/")
    assert response.context["counts"] == {
        "all": 5,  # what the unfiltered list holds: the called-back one too
        "to_call": 4,
        "due_today": 1,
        "overdue": 2,
        "waiting": 0,
        "to_close": 1,
        "no_contact": 0,
    }
    assert 'href="?filter=overdue"><strong>2</strong>' in response.content.decode()
    # Each counter that links to a list counts what that list holds.
    assert 'href="?"><strong>5</strong>' in response.content.decode()

    monkeypatch.setattr("hotline.web.dispatch.PAGE_SIZE", 1)
    page = desk(client, "?filter=overdue")
    assert numbers(page) == [later.number]
    assert 'href="?filter=overdue&amp;offset=1"' in page
    page = desk(client, "?filter=overdue&offset=1")
    assert numbers(page) == [late.number]
    assert 'name="next" value="/callbacks/?filter=overdue&amp;offset=1"' in page


def test_a_forged_post_by_a_handler_is_refused_and_changes_nothing(client, flow) -> None:
    ticket = replied(flow, NOW - timedelta(hours=1))
    events = ticket.events.count()
    client.force_login(flow.user("housing"))  # the lead's own handler: sees the ticket, may not call back
    for action, data, says in (
        ("callback", {"resolution": "resolved", "satisfaction": "satisfied"}, "角色“承办人”不能回访"),
        ("callback_attempt", {"note": "x"}, "角色“承办人”不能记录回访未接通"),
    ):
        response = client.post(f"/tickets/{ticket.number}/do/{action}/", {**data, "next": "/callbacks/"})
        assert response.status_code == 403, action
        assert says in response.content.decode()
    client.force_login(flow.user("water"))  # another department: the ticket is not there at all
    response = client.post(f"/tickets/{ticket.number}/do/callback_attempt/", {"next": "/callbacks/"})
    assert response.status_code == 404
    ticket.refresh_from_db()
    assert ticket.status == S.REPLIED and ticket.events.count() == events
    assert not ticket.callbacks.exists()


def test_with_htmx_an_attempt_redirects_and_a_refusal_is_a_fragment(client, flow) -> None:
    ticket = replied(flow, NOW - timedelta(hours=1))
    client.force_login(flow.user("operator"))
    form = form_of(desk(client), ticket, "callback_attempt")
    assert f'hx-target="#ticket-{ticket.pk}-result"' in row_html(desk(client), ticket)
    response = client.post(form["action"], form["fields"], HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"] == "/callbacks/"
    callback = form_of(desk(client), ticket, "callback")
    response = client.post(
        callback["action"], {**callback["fields"], "resolution": "resolved"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422 and "满意度：必须填写" in response.content.decode()
    assert "<html" not in response.content.decode()
    assert not ticket.callbacks.exists()


def _build(flow: Flow, n: int, start: int) -> None:
    """`n` rows of every kind: replied with and without a co-handler, answered on the spot, one
    attempt, two attempts, called back and waiting to be closed; and a ticket still in hand."""
    for i in range(start, start + n):
        at = NOW - timedelta(hours=i + 1)
        kind = i % 6
        if kind == 5:
            ticket = answered(flow, at, title=f"咨询{i}")
        else:
            ticket = replied(flow, at, title=f"工单{i}", co=("water",) if kind == 1 else ())
        if kind in (2, 3):
            feedback_actions.do_record_callback_attempt(ticket, flow.user("operator"))
        if kind == 3:
            feedback_actions.do_record_callback_attempt(ticket, flow.user("operator"))
        if kind == 4:
            flow.callback(ticket, Satisfaction.BASICALLY)
    flow.accept(flow.dispatch(flow.new(title="办理中"), co=()))


def test_the_desk_costs_the_same_queries_for_3_rows_or_30(client, flow, monkeypatch) -> None:
    monkeypatch.setattr("hotline.web.dispatch.PAGE_SIZE", 100)
    client.force_login(flow.user("operator"))

    def measure() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            page = desk(client)
        return len(numbers(page)), len(queries.captured_queries)

    _build(flow, 3, 0)
    few, few_queries = measure()
    _build(flow, 27, 3)
    many, many_queries = measure()
    assert few == 3 and many == 30
    assert many_queries == few_queries, (few_queries, many_queries)
    print(f"callback desk: {few_queries} queries for {few} rows, {many_queries} for {many}")


def test_the_desk_reads_where_its_tickets_stand_once_a_request(client, flow) -> None:
    # Where a ticket stands (called back, nobody to call, tried lately) takes a long statement of
    # subqueries; the list, each filter and each counter repeated it, so that PostgreSQL worked it
    # out for every waiting ticket two or three times a request (1.5 s a desk at 100,000 tickets).
    _build(flow, 12, 0)
    client.force_login(flow.user("operator"))
    for query in ("", "?filter=overdue", "?filter=no_contact"):
        with CaptureQueriesContext(connection) as queries:
            desk(client, query)
        long = [
            q["sql"]
            for q in queries.captured_queries
            if "callback_attempt" in q["sql"] and "EXISTS" in q["sql"]
        ]
        assert len(long) == 1, [len(q) for q in long]


def test_the_desk_state_built_once_reads_what_the_orm_reads(flow) -> None:
    from hotline.feedback.selectors import _desk_rows, callback_desk
    from hotline.tickets.selectors import visible_tickets

    _build(flow, 12, 0)
    operator = flow.user("operator")
    compiled = sorted(callback_desk(operator), key=lambda t: t.pk)
    read = sorted(_desk_rows(visible_tickets(operator)), key=lambda row: row[0])
    assert len(compiled) == 12  # the one in hand not among them
    assert [
        (
            t.pk,
            t.due_at,
            bool(t.called_back),
            bool(t.no_number),
            t.attempts,
            t.last_attempt_at,
            t.answered_event,
        )
        for t in compiled
    ] == [(pk, due, bool(c), bool(n), a, last, e) for pk, due, c, n, a, last, e in read]
    assert {t.attempts for t in compiled} == {0, 1, 2} and any(t.called_back for t in compiled)


def test_the_ticket_page_records_an_attempt_and_its_timeline_says_so(client, flow) -> None:
    ticket = replied(flow, NOW - timedelta(hours=1))
    client.force_login(flow.user("operator"))
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert f'action="/tickets/{ticket.number}/do/callback_attempt/"' in page
    response = client.post(
        f"/tickets/{ticket.number}/do/callback_attempt/",
        {"note": "关机", "next": f"/tickets/{ticket.number}/"},
        follow=True,
    )
    assert response.redirect_chain == [(f"/tickets/{ticket.number}/", 302)]
    [line] = [r for r in response.context["timeline"] if r.label == "回访未接通"]
    assert dict(line.facts) == {
        "诉求人": "张先生 138****1234",  # the one not reached, as the page names callers
        "说明": "关机",
        "未接通次数": "1",
        "下次回访": "2025-06-11 12:00",
    }
    assert line.from_status == line.to_status == "已答复"


def test_with_htmx_the_row_changes_in_place(client, flow) -> None:
    """An attempt keeps the row (the next call later), closing takes it off: neither loads the page
    again (HX-Redirect), which would send the keyboard and the scroll back to the top."""
    ticket = replied(flow, NOW - timedelta(hours=1))
    client.force_login(flow.user("operator"))
    row_id = f"ticket-{ticket.pk}"
    form = form_of(desk(client), ticket, "callback_attempt")
    response = client.post(
        form["action"],
        {**form["fields"], "note": "无人接听"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET=f"{row_id}-result",
    )
    assert response.status_code == 200 and "HX-Redirect" not in response
    assert response["HX-Retarget"] == f"#{row_id}" and response["HX-Reswap"] == "outerHTML"
    body = response.content.decode()
    assert "<html" not in body
    said = f"工单 {ticket.number}：已记录回访未接通，稍后再次回访"
    assert f'<p class="ok" role="status">{said}</p>' in row_html(body, ticket)
    assert "1 次未接通" in row_html(body, ticket)
    assert '<ul class="counters" id="callback-counters" hx-swap-oob="true">' in body
    assert re.search(r'class="waiting"><span><strong>1</strong>', body)
    assert "已记录回访未接通，稍后再次回访" not in desk(client)

    feedback_actions.do_record_callback(
        ticket, flow.user("operator"), resolution="resolved", satisfaction="satisfied"
    )
    close = form_of(desk(client), ticket, "close")
    response = client.post(
        close["action"], close["fields"], HTTP_HX_REQUEST="true", HTTP_HX_TARGET=f"{row_id}-result"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert f'<li class="callback-row done" id="{row_id}" data-number="{ticket.number}">' in body
    assert f"工单 {ticket.number}：已办结 · 小区门口路灯不亮" in body
    ticket.refresh_from_db()
    assert ticket.status == S.CLOSED


def test_a_ticket_nobody_can_be_called_about_is_shown_apart_and_closed_without_a_callback(
    client, flow
) -> None:
    """An anonymous appeal (no phone number, on the ticket or a duplicate merged into it) cannot be
    called back: it is not counted as to call nor as overdue, it is listed after the others under
    无法回访, and it is closed from there with no callback recorded (none reached the citizen, so
    满意率 and 解决率 do not count it; 回复率 counts it, as before, as an answer that did not reach
    them)."""
    late = replied(flow, NOW - timedelta(days=5), title="超期的")
    with clock.frozen_at(NOW - timedelta(days=11)):
        ticket = flow.dispatch(flow.new(title="匿名反映的", phone="", citizen_name=""), co=())
        anonymous = flow.reply(flow.accept(ticket), text="匿名反映的：已处理完毕。")
    client.force_login(flow.user("operator"))

    response = client.get("/callbacks/")
    counts = response.context["counts"]
    assert (counts["to_call"], counts["overdue"], counts["no_contact"]) == (1, 1, 1)
    page = response.content.decode()
    assert numbers(page) == [late.number, anonymous.number]  # apart, after the others
    row = row_html(page, anonymous)
    assert 'class="callback-row"' in row and "回访超期" not in row
    assert "无联系电话，无法回访" in row
    assert offered(page, anonymous) == {"close"}
    assert 'href="?filter=no_contact"><strong>1</strong> 无法回访' in page
    assert numbers(desk(client, "?filter=no_contact")) == [anonymous.number]
    # 待回访 lists what it counts (the home page's counter linked to the whole desk, one more: the
    # ticket nobody can be called about; audit of 2026-12-06).
    assert 'href="?filter=to_call"><strong>1</strong> 待回访' in page
    assert numbers(desk(client, "?filter=to_call")) == [late.number]
    home = client.get("/").content.decode()
    assert re.search(r'href="/callbacks/\?filter=to_call"[^>]*>\s*<strong>1</strong>', home), home
    assert anonymous.number not in numbers(desk(client, "?filter=overdue"))

    close = form_of(page, anonymous, "close")
    response = client.post(close["action"], close["fields"])
    assert response.status_code == 302
    anonymous.refresh_from_db()
    assert anonymous.status == S.CLOSED and not anonymous.callbacks.exists()
    assert anonymous.events.get(action="close").details["no_contact"] is True
    timeline = client.get(f"/tickets/{anonymous.number}/").content.decode()
    assert "无法回访：诉求人未留联系电话，办结未回访" in timeline

    # One that can be called is still closed only after its callback.
    with pytest.raises(Exception, match="尚未回访"):
        feedback_actions.do_close_ticket(late, flow.user("operator"))


def test_with_htmx_the_heading_follows_the_row(client, flow) -> None:
    """The line under the counters says how many tickets the desk lists: a ticket closed from its
    row leaves it, and the line says so with the counters, without the page loaded again."""
    ticket = replied(flow, NOW - timedelta(hours=2))
    other = replied(flow, NOW - timedelta(hours=1), title="楼道灯不亮")
    feedback_actions.do_record_callback(
        ticket, flow.user("operator"), resolution="resolved", satisfaction="satisfied"
    )
    client.force_login(flow.user("operator"))
    page = desk(client)
    summary = re.search(r'<p class="muted" id="callback-summary">\s*([^·]+)·', page)
    assert summary is not None and summary.group(1).strip() == "2 件工单"
    close = form_of(page, ticket, "close")
    response = client.post(
        close["action"],
        close["fields"],
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET=f"ticket-{ticket.pk}-result",
    )
    assert response.status_code == 200
    body = response.content.decode()
    summary = re.search(r'<p class="muted" id="callback-summary" hx-swap-oob="true">\s*([^·]+)·', body)
    assert summary is not None and summary.group(1).strip() == "1 件工单"
    assert re.search(r'class="all[^"]*"><a href="\?"><strong>1</strong>', body)
    # Under a filter, the line counts what the filter lists.
    Ticket.objects.filter(pk=other.pk).update(callback_due_at=NOW + timedelta(hours=3))
    attempt = form_of(desk(client, "?filter=due_today"), other, "callback_attempt")
    response = client.post(
        attempt["action"],
        attempt["fields"],
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET=f"ticket-{other.pk}-result",
    )
    listed = len(numbers(desk(client, "?filter=due_today")))
    summary = re.search(r'id="callback-summary" hx-swap-oob="true">\s*([^·]+)·', response.content.decode())
    assert summary is not None and summary.group(1).strip() == f"{listed} 件工单"
