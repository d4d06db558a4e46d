"""The supervision board (督办台, /supervision/): who may open it, what each tab lists, the filters, the
work done from it (督办 and its kinds, 销号, extension approvals) through the real actions, refusals
that change nothing, and a fixed number of queries whatever the number of rows."""

import re
from datetime import datetime, timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hotline.core import clock
from hotline.core.enums import Channel, SupervisionKind, SupervisionReason, TicketStatus
from hotline.intake.actions import AppealData, do_receive_appeal
from hotline.notifications.models import Notification
from hotline.sla.actions import do_request_extension
from hotline.sla.models import Extension
from hotline.supervision.actions import do_open_supervision
from hotline.supervision.models import Supervision
from hotline.supervision.sweep import run_sweep
from hotline.tickets.actions import do_accept_assignment, do_dispatch_ticket
from hotline.tickets.models import Assignment, Ticket, TicketEvent
from tests.tickets.conftest import Flow, snapshot
from tests.web.conftest import NOW, SHANGHAI

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_now")]


def dispatched(
    staff: dict[str, Any],
    departments: dict[str, Any],
    *,
    at: datetime,
    lead: str = "housing",
    title: str = "小区门口路灯不亮",
    area: str | None = None,
) -> Ticket:
    """A ticket received and dispatched at `at` through the real actions, in `area` if given."""
    with clock.frozen_at(at):
        ticket, _created = do_receive_appeal(
            AppealData(
                channel=Channel.PHONE,
                title=title,
                content=f"{title}，请尽快处理。",
                citizen_phone="13812341234",
                address=f"{title}路1号",  # apart, so that the sweep's repetition rule stays quiet
                area_id=departments[area].pk if area else None,
            ),
            staff["operator"],
        )
        return do_dispatch_ticket(ticket, staff["dispatcher"], lead_department_id=departments[lead].pk)


def late(staff: dict[str, Any], departments: dict[str, Any], **kwargs: Any) -> Ticket:
    """Dispatched a week ago: its three working days are over."""
    return dispatched(staff, departments, at=NOW - timedelta(days=7), **kwargs)


def due_today(staff: dict[str, Any], departments: dict[str, Any], **kwargs: Any) -> Ticket:
    """Dispatched last Friday afternoon: three working days end this afternoon."""
    ticket = dispatched(staff, departments, at=datetime(2025, 6, 6, 15, 0, tzinfo=SHANGHAI), **kwargs)
    due = lead_of(ticket).due_at
    assert due > NOW and clock.localtime(due).date() == NOW.date(), due  # the calendar agrees
    return ticket


def fresh(staff: dict[str, Any], departments: dict[str, Any], **kwargs: Any) -> Ticket:
    return dispatched(staff, departments, at=NOW - timedelta(hours=1), **kwargs)


def lead_of(ticket: Ticket) -> Assignment:
    return ticket.assignments.get(role="lead")


def numbers(page: str) -> list[str]:
    """The ticket numbers of the board's rows, top to bottom."""
    return re.findall(r'<li class="board-row[^"]*" id="row-[ase]\d+" data-number="([^"]+)"', page)


def row_html(page: str, key: str) -> str:
    start = page.rindex("<li", 0, page.index(f'id="row-{key}"'))
    return page[start : page.index("</li>\n", start)]


class Forms(HTMLParser):
    """The forms of a page: their action and the fields they post (name -> value as rendered);
    select boxes post their selected option, submit buttons are listed apart."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action"), "fields": {}, "buttons": []})
        elif not self.forms:
            return
        elif tag == "button":
            self.forms[-1]["buttons"].append((a.get("name"), a.get("value")))
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.forms[-1]["fields"][self._select] = a.get("value") or ""
        elif tag in ("input", "textarea") and a.get("name"):
            self.forms[-1]["fields"][a["name"]] = a.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def form_of(page: str, key: str, ending: str) -> dict[str, Any]:
    parser = Forms()
    parser.feed(row_html(page, key))
    found = [f for f in parser.forms if f["action"].endswith(ending)]
    assert len(found) == 1, (ending, parser.forms)
    return found[0]


def board(client: Any, query: str = "") -> str:
    response = client.get(f"/supervision/{query}")
    assert response.status_code == 200, response.content.decode()
    return response.content.decode()


def test_the_board_is_for_supervisors_leaders_and_admins(client, staff) -> None:
    response = client.get("/supervision/")
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=/supervision/")
    for role in ("operator", "dispatcher", "housing", "district_head"):
        client.force_login(staff[role])
        response = client.get("/supervision/")
        assert response.status_code == 403, role
        assert "督办台供督办员、领导和管理员使用" in response.content.decode()
        assert 'href="/supervision/"' not in response.content.decode()  # no link to it either
    for role in ("supervisor", "leader", "admin"):
        client.force_login(staff[role])
        page = board(client)
        assert 'href="/supervision/"' in page, role  # the nav link
    assert client.post("/supervision/").status_code == 405


def test_each_tab_lists_its_rows(client, staff, departments) -> None:
    overdue = late(staff, departments, title="超期的")
    marked = late(staff, departments, title="巡检标记超期的", lead="water")
    today = due_today(staff, departments, title="今天到期的")
    new = fresh(staff, departments, title="刚派的")
    closed = Flow(staff, departments).to(TicketStatus.CLOSED)  # long done: on no tab
    # The sweep marks what is past its deadline and opens its 督办 by rule; one mark is enough.
    Assignment.objects.filter(pk=lead_of(overdue).pk).update(due_at=NOW - timedelta(hours=1))
    run_sweep(NOW)
    assert lead_of(marked).overdue_at is not None
    by_sweep = dict(Supervision.objects.filter(created_by=None).values_list("ticket__number", "kind"))
    # A day late is a 督办; an hour late a 催办.
    assert by_sweep == {marked.number: SupervisionKind.ORDER, overdue.number: SupervisionKind.REMINDER}
    listed = do_open_supervision(
        new, staff["supervisor"], kind=SupervisionKind.LISTING, reason="群众反映强烈"
    )
    with_extension = do_accept_assignment(fresh(staff, departments, title="要延期的"), staff["housing"])
    do_request_extension(
        with_extension, staff["housing"], reason="需第三方检测", requested_due_at=NOW + timedelta(days=10)
    )
    extension = Extension.objects.get()

    client.force_login(staff["supervisor"])
    page = board(client)  # the overdue tab by default
    assert numbers(page) == [marked.number, overdue.number]  # the most overdue on top
    assert new.number not in page and today.number not in page and closed.number not in page
    row = row_html(page, f"a{lead_of(marked).pk}")
    assert "超期 " in row and "水务局" in row and 'class="board-row overdue"' in row
    assert f'href="/tickets/{marked.number}/"' in row
    assert '<ul class="open-supervisions"><li class="' in row  # the sweep's order, shown on its row
    assert numbers(board(client, "?view=due_today")) == [today.number]
    assert "剩 " in board(client, "?view=due_today")

    page = board(client, "?view=supervised")
    assert numbers(page) == [new.number, marked.number, overdue.number]  # 挂牌, 督办, 催办
    row = row_html(page, f"s{listed.pk}")
    assert "挂牌督办" in row and "群众反映强烈" in row and 'class="badge public"' in row and "sup" in row
    assert "系统巡检" in page  # who opened the sweep's
    assert numbers(board(client, "?view=supervised&kind=public")) == [new.number]
    assert numbers(board(client, "?view=supervised&kind=listing")) == [new.number]
    assert numbers(board(client, "?view=supervised&kind=reminder")) == [overdue.number]
    assert numbers(board(client, "?view=supervised&kind=elevation")) == []

    page = board(client, "?view=extensions")
    assert numbers(page) == [with_extension.number]
    row = row_html(page, f"e{extension.pk}")
    assert "需第三方检测" in row and "申请延期至" in row and "批准延期" in row

    response = client.get("/supervision/?view=junk")
    assert response.context["view"] == "overdue"
    assert response.context["counts"] == {
        "overdue": 2,
        "due_today": 1,
        "supervised": 3,
        "supervisions": 3,
        "extensions": 1,
    }
    assert '<a href="?view=supervised" aria-current' not in response.content.decode()
    assert "<strong>3</strong> 督办中工单" in response.content.decode()


def test_filters_by_department_and_area(client, staff, departments) -> None:
    in_street = late(staff, departments, title="街道的", area="street", lead="housing")
    in_district = late(staff, departments, title="区里的", area="district", lead="water")
    nowhere = late(staff, departments, title="没有区域的", lead="housing")
    client.force_login(staff["leader"])
    everything = board(client)
    assert sorted(numbers(everything)) == sorted([in_street.number, in_district.number, nowhere.number])
    assert "区域：和平街道" in row_html(everything, f"a{lead_of(in_street).pk}")

    housing, water = departments["housing"].pk, departments["water"].pk
    district, street = departments["district"].pk, departments["street"].pk
    assert sorted(numbers(board(client, f"?department={housing}"))) == sorted(
        [in_street.number, nowhere.number]
    )
    assert numbers(board(client, f"?department={water}")) == [in_district.number]
    # An area takes the places under it: the district holds the street.
    assert sorted(numbers(board(client, f"?area={district}"))) == sorted(
        [in_street.number, in_district.number]
    )
    assert numbers(board(client, f"?area={street}")) == [in_street.number]
    assert numbers(board(client, f"?area={street}&department={water}")) == []
    response = client.get(f"/supervision/?area={street}")
    assert response.context["counts"]["overdue"] == 1
    assert f'href="?view=supervised&amp;area={street}"' in response.content.decode()  # tabs keep filters
    # Junk is no filter, nor is a bureau as an area.
    for junk in ("abc", "999999", "-1"):
        assert len(numbers(board(client, f"?area={junk}&department={junk}"))) == 3, junk
    assert len(numbers(board(client, f"?area={housing}"))) == 3


def test_a_supervisor_opens_an_order_from_the_board_and_resolves_it(client, staff, departments) -> None:
    ticket = late(staff, departments, lead="water")
    assignment = lead_of(ticket)
    client.force_login(staff["supervisor"])
    page = board(client, "?view=overdue")
    form = form_of(page, f"a{assignment.pk}", "/open/")
    assert form["action"] == f"/supervision/tickets/{ticket.number}/open/"
    assert form["fields"]["kind"] == "order" and form["fields"]["assignment_id"] == str(assignment.pk)
    assert form["fields"]["next"] == "/supervision/?view=overdue"
    fields = {**form["fields"], "reason": "超期两天仍未办理，请于周五前办结", "deadline": "2025-06-13T17:00"}

    response = client.post(form["action"], fields, follow=True)
    assert response.redirect_chain == [("/supervision/?view=overdue", 302)]
    assert f"工单 {ticket.number}：督办已发出，督办时限 2025-06-13 17:00" in response.content.decode()
    supervision = Supervision.objects.get()
    assert supervision.kind == SupervisionKind.ORDER and supervision.reason == SupervisionReason.MANUAL
    assert supervision.reason_text == "超期两天仍未办理，请于周五前办结"
    assert supervision.created_by == staff["supervisor"] and supervision.created_at == NOW
    assert supervision.deadline == datetime(2025, 6, 13, 17, 0, tzinfo=SHANGHAI)
    assert supervision.assignment == assignment and supervision.department == departments["water"]
    event = ticket.events.get(action="supervise")
    assert event.actor == staff["supervisor"]
    assert event.from_status == event.to_status == TicketStatus.DISPATCHED
    assert Notification.objects.filter(supervision=supervision).exists()  # the unit's head is told
    assert "督办中：" in row_html(response.content.decode(), f"a{assignment.pk}")

    page = board(client, "?view=supervised")
    assert numbers(page) == [ticket.number]
    row = row_html(page, f"s{supervision.pk}")
    assert "督办时限 2025-06-13 17:00" in row and "剩 2 天" in row
    form = form_of(page, f"s{supervision.pk}", "/resolve/")
    response = client.post(form["action"], {**form["fields"], "note": "已办结"}, follow=True)
    assert response.redirect_chain == [("/supervision/?view=supervised", 302)]
    assert f"工单 {ticket.number}：督办已销号" in response.content.decode()
    supervision.refresh_from_db()
    assert supervision.resolved_at == NOW and supervision.resolved_by == staff["supervisor"]
    assert supervision.resolution_note == "已办结"
    assert ticket.events.get(action="resolve_supervision").actor == staff["supervisor"]
    assert numbers(response.content.decode()) == []

    # Once resolved, again: refused, with the action's reason.
    response = client.post(form["action"], form["fields"])
    assert response.status_code == 409 and "已于" in response.content.decode()


@pytest.mark.parametrize("kind", ["reminder", "listing", "elevation"])
def test_the_other_kinds_from_the_board(client, staff, departments, kind) -> None:
    ticket = late(staff, departments, lead="street")
    client.force_login(staff["admin"])
    form = form_of(board(client), f"a{lead_of(ticket).pk}", "/open/")
    response = client.post(form["action"], {**form["fields"], "kind": kind, "reason": "请加快办理"})
    assert response.status_code == 302
    supervision = Supervision.objects.get()
    assert supervision.kind == kind and supervision.deadline is None
    assert supervision.is_public == (kind in ("listing", "elevation"))
    # An elevation goes to the level above the street: its district.
    expected = departments["district"] if kind == "elevation" else departments["street"]
    assert supervision.department == expected


@pytest.mark.parametrize("approve", [True, False])
def test_an_extension_decided_from_the_board(client, staff, departments, approve) -> None:
    ticket = do_accept_assignment(fresh(staff, departments), staff["housing"])
    wanted = (NOW + timedelta(days=10)).replace(second=0, microsecond=0)
    do_request_extension(ticket, staff["housing"], reason="需第三方检测", requested_due_at=wanted)
    extension = Extension.objects.get()
    before = lead_of(ticket).due_at

    client.force_login(staff["leader"])  # a leader sees it, but dispatch and supervisors decide
    page = board(client, "?view=extensions")
    assert numbers(page) == [ticket.number] and "/do/review_extension/" not in page
    assert "延期由派单员或督办员审批" in page

    client.force_login(staff["supervisor"])
    page = board(client, "?view=extensions")
    form = form_of(page, f"e{extension.pk}", "/do/review_extension/")
    assert form["buttons"] == [("approve", "true"), ("approve", "false")]
    assert form["fields"]["extension_id"] == str(extension.pk)
    response = client.post(
        form["action"], {**form["fields"], "approve": str(approve).lower(), "note": "同意"}, follow=True
    )
    assert response.redirect_chain == [("/supervision/?view=extensions", 302)]
    said = "已批准延期申请" if approve else "已驳回延期申请"
    assert f"工单 {ticket.number}：{said}" in response.content.decode()
    assert numbers(response.content.decode()) == []  # decided: off the tab
    extension.refresh_from_db()
    assert extension.approved is approve and extension.decided_by == staff["supervisor"]
    assert lead_of(ticket).due_at == (wanted if approve else before)
    assert ticket.events.get(action="review_extension").actor == staff["supervisor"]


def test_a_refused_action_changes_nothing_and_says_why(client, staff, departments) -> None:
    flow = Flow(staff, departments)
    closed = flow.to(TicketStatus.CLOSED)
    open_one = late(staff, departments)
    client.force_login(staff["supervisor"])
    form = form_of(board(client), f"a{lead_of(open_one).pk}", "/open/")
    before = snapshot(closed.pk)

    response = client.post(
        f"/supervision/tickets/{closed.number}/open/",
        {**form["fields"], "assignment_id": "", "reason": "为何办结"},
    )
    assert response.status_code == 409
    assert f"工单 {closed.number} 状态为“已办结”，不能督办" in response.content.decode()
    assert "工单没有任何改动" in response.content.decode()
    assert snapshot(closed.pk) == before and not Supervision.objects.exists()

    # Without a reason, with a deadline in the past or unreadable, with another ticket's assignment.
    for extra, status, says in (
        ({"reason": "  "}, 422, "理由：不能为空"),
        ({"reason": "快办", "deadline": "2025-06-10T09:00"}, 422, "督办时限须晚于当前时间"),
        ({"reason": "快办", "deadline": "明天"}, 422, "督办期限：时间格式不正确"),
        ({"reason": "快办", "kind": "scold"}, 422, "类型：应为"),
        ({"reason": "快办", "assignment_id": str(lead_of(closed).pk)}, 422, "不属于工单"),
        ({"reason": "快办", "assignment_id": "x1"}, 422, "承办任务：须为编号"),
        ({"reason": "快\x00办"}, 422, "理由：不能包含 NUL 字符"),
        ({"reason": "快" * 10_001}, 422, "理由：最多 10000 字"),
    ):
        response = client.post(form["action"], {**form["fields"], **extra}, HTTP_HX_REQUEST="true")
        assert response.status_code == status, (extra, response.content.decode())
        assert says in response.content.decode(), extra
        assert 'role="alert"' in response.content.decode()  # the fragment the form shows
    assert not Supervision.objects.exists()
    assert not TicketEvent.objects.filter(action="supervise").exists()

    response = client.post("/supervision/tickets/20990101-000001/open/", {"reason": "x", "kind": "order"})
    assert response.status_code == 404
    assert client.post("/supervision/999999/resolve/").status_code == 404


def test_a_forged_post_from_a_handler_is_refused(client, staff, departments) -> None:
    ticket = late(staff, departments)
    supervision = do_open_supervision(ticket, staff["supervisor"], reason="请尽快办理")
    events = TicketEvent.objects.count()
    for role in ("housing", "district_head", "operator"):
        client.force_login(staff[role])
        response = client.post(
            f"/supervision/tickets/{ticket.number}/open/", {"kind": "order", "reason": "自己督办自己"}
        )
        assert response.status_code == 403, role
        assert "不能督办" in response.content.decode()
        response = client.post(f"/supervision/{supervision.pk}/resolve/", {"note": "自己销号"})
        assert response.status_code == 403, role
    assert Supervision.objects.get() == supervision
    supervision.refresh_from_db()
    assert supervision.resolved_at is None and TicketEvent.objects.count() == events
    client.force_login(staff["housing"])
    assert client.get(f"/supervision/{supervision.pk}/resolve/").status_code == 405


def _build(staff: dict[str, Any], departments: dict[str, Any], n: int, start: int) -> None:
    """`n` more rows on every tab: overdue tickets in different areas and units, each supervised
    twice (one public), each with an extension request; and as many due today."""
    leads = ("housing", "water", "street")
    areas = ("street", "district", None)
    for i in range(start, start + n):
        ticket = late(staff, departments, lead=leads[i % 3], area=areas[i % 3], title=f"超期{i}")
        handler = {"housing": "housing", "water": "water", "street": "street"}[leads[i % 3]]
        ticket = do_accept_assignment(ticket, staff[handler])
        do_request_extension(
            ticket, staff[handler], reason="需检测", requested_due_at=NOW + timedelta(days=5)
        )
        # The 挂牌 first: opened after the 催办, it would take it over (close it).
        do_open_supervision(ticket, staff["leader"], reason="挂牌", kind=SupervisionKind.LISTING)
        do_open_supervision(ticket, staff["supervisor"], reason="催一下", kind=SupervisionKind.REMINDER)
        due_today(staff, departments, lead=leads[i % 3], area=areas[i % 3], title=f"今天{i}")


@pytest.mark.parametrize("view", ["overdue", "due_today", "supervised", "extensions"])
def test_the_page_costs_the_same_queries_for_3_rows_or_30(
    client, staff, departments, monkeypatch, view
) -> None:
    monkeypatch.setattr("hotline.web.dispatch.PAGE_SIZE", 100)
    client.force_login(staff["supervisor"])
    per_ticket = 2 if view == "supervised" else 1

    def measure() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/supervision/?view={view}")
        # The pager's total is what the tab lists (not counted twice); the tab's counter counts its
        # rows, or on 督办中 the tickets under supervision.
        context = response.context
        assert context["total"] == context["listed"] == len(context["rows"])
        assert context["counts"][view] * (per_ticket if view == "supervised" else 1) == context["total"]
        return len(numbers(response.content.decode())), len(queries.captured_queries)

    _build(staff, departments, 3, 0)
    few, few_queries = measure()
    _build(staff, departments, 27, 3)
    many, many_queries = measure()
    assert few == 3 * per_ticket and many == 30 * per_ticket
    assert many_queries == few_queries, (few_queries, many_queries)
    print(f"{view}: {few_queries} queries for {few} rows, {many_queries} for {many}")


def test_a_supervision_shows_on_its_own_assignments_row_only_naming_its_unit(
    client, staff, departments
) -> None:
    # Late, with a lead and a co-handler: each has its row on the overdue tab.
    with clock.frozen_at(NOW - timedelta(days=7)):
        ticket, _created = do_receive_appeal(
            AppealData(
                channel=Channel.PHONE,
                title="排水管堵塞",
                content="排水管堵塞，请尽快处理。",
                citizen_phone="13812341234",
                address="排水管堵塞路1号",
            ),
            staff["operator"],
        )
        ticket = do_dispatch_ticket(
            ticket,
            staff["dispatcher"],
            lead_department_id=departments["street"].pk,
            co_department_ids=[departments["water"].pk],
        )
    lead, co = lead_of(ticket), ticket.assignments.get(role="co")
    on_co = do_open_supervision(ticket, staff["supervisor"], reason="协办迟迟未反馈", assignment_id=co.pk)
    # One about the whole ticket (no assignment, as the sweep's repetition rule may open): on both rows.
    whole = do_open_supervision(ticket, staff["supervisor"], reason="重复诉求", kind=SupervisionKind.REMINDER)
    Supervision.objects.filter(pk=whole.pk).update(assignment=None, department=None)

    client.force_login(staff["supervisor"])
    page = board(client)
    lead_row, co_row = row_html(page, f"a{lead.pk}"), row_html(page, f"a{co.pk}")
    assert "承办单位：和平街道（主办）" in lead_row and "承办单位：水务局（协办）" in co_row
    listed = co_row[co_row.index('<ul class="open-supervisions">') :]
    assert listed.count("<li") == 2
    assert "督办 · 水务局" in listed and "催办 · 整单" in listed
    listed = lead_row[lead_row.index('<ul class="open-supervisions">') :]
    assert listed.count("<li") == 1 and "催办 · 整单" in listed and "水务局" not in listed

    # On the 督办中 tab each is its own row, with the others of its assignment and the ticket's.
    page = board(client, "?view=supervised")
    row = row_html(page, f"s{on_co.pk}")
    assert "承办单位：水务局（协办）" in row and "协办迟迟未反馈" in row
    assert "该工单其他督办：" in row and "催办 · 整单" in row and "督办 · 水务局" not in row
    assert "督办 · 水务局" in row_html(page, f"s{whole.pk}")  # the whole ticket's row: all of them


def test_with_htmx_the_row_changes_in_place(client, staff, departments) -> None:
    """A 督办 sent from the overdue tab keeps its row, naming it; 销号 and an extension decided take
    theirs off their tab. None loads the page again (HX-Redirect: the keyboard and the scroll back at
    the top)."""
    ticket = late(staff, departments, lead="water")
    assignment = lead_of(ticket)
    client.force_login(staff["supervisor"])

    def in_place(form: dict[str, Any], key: str, **fields: str) -> Any:
        response = client.post(
            form["action"],
            {**form["fields"], **fields},
            HTTP_HX_REQUEST="true",
            HTTP_HX_TARGET=f"row-{key}-result",
        )
        assert response.status_code == 200, response.content.decode()
        assert "HX-Redirect" not in response and response["HX-Retarget"] == f"#row-{key}"
        assert response["HX-Reswap"] == "outerHTML" and "<html" not in response.content.decode()
        assert '<ul id="board-counters" hx-swap-oob="true">' in response.content.decode()
        return response.content.decode()

    key = f"a{assignment.pk}"
    body = in_place(form_of(board(client, "?view=overdue"), key, "/open/"), key, reason="请尽快办理")
    row = row_html(body, key)
    assert f'<p class="ok" role="status">工单 {ticket.number}：督办已发出</p>' in row
    assert "督办中：" in row and 'name="next" value="/supervision/?view=overdue"' in row
    assert re.search(r'class="supervised"><a [^>]*>\s*<strong>1</strong>', body)
    assert "督办已发出" not in board(client, "?view=overdue")

    supervision = Supervision.objects.get()
    key = f"s{supervision.pk}"
    body = in_place(form_of(board(client, "?view=supervised"), key, "/resolve/"), key)
    assert f'<li class="board-row done" id="row-{key}" data-number="{ticket.number}">' in body
    assert f"工单 {ticket.number}：督办已销号" in body

    accepted = do_accept_assignment(fresh(staff, departments), staff["housing"])
    do_request_extension(
        accepted, staff["housing"], reason="需第三方检测", requested_due_at=NOW + timedelta(days=10)
    )
    key = f"e{Extension.objects.get().pk}"
    body = in_place(
        form_of(board(client, "?view=extensions"), key, "/do/review_extension/"), key, approve="true"
    )
    assert f'class="board-row done" id="row-{key}"' in body and "已批准延期申请" in body


def test_a_row_in_place_is_only_for_those_who_may_open_the_desk(client, staff, departments) -> None:
    """The action endpoint is every staff member's; the board's rows are not: a handler's action
    that names the board as its page gets no board row (the citywide board would show them other
    departments' tickets), only the redirect to a page that refuses them."""
    theirs = late(staff, departments, lead="water", title="别家的超期单")
    own = fresh(staff, departments)
    client.force_login(staff["housing"])
    response = client.post(
        f"/tickets/{own.number}/do/accept/",
        {"assignment_id": lead_of(own).pk, "next": "/supervision/?view=overdue"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET=f"row-a{lead_of(theirs).pk}-result",
    )
    assert response.status_code == 204 and response["HX-Redirect"] == "/supervision/?view=overdue"
    assert "别家的超期单" not in response.content.decode()
    assert lead_of(own).status == "accepted"


def test_the_filters_name_units_and_the_rows_name_people(client, staff, departments) -> None:
    """The filters offer units by name (a street with its district's), grouped by level, never by
    code; who gave an order is named as a person, not by login."""
    staff["supervisor"].first_name = "周督办"
    staff["supervisor"].save()
    ticket = late(staff, departments, lead="water")
    do_open_supervision(ticket, staff["supervisor"], kind=SupervisionKind.ORDER, reason="请尽快办理")
    client.force_login(staff["leader"])
    page = board(client, "?view=supervised")
    department_select = page[page.index('name="department"') : page.index('name="area"')]
    assert '<optgroup label="市级部门、公共企业">' in department_select
    assert ">水务局</option>" in department_select and ">东城区 · 和平街道</option>" in department_select
    assert "B02" not in department_select and "D0101" not in department_select
    area_select = page[page.index('name="area"') :]
    area_select = area_select[: area_select.index("</select>")]
    assert ">东城区 · 和平街道</option>" in area_select and "D01" not in area_select
    row = row_html(page, f"s{Supervision.objects.get().pk}")
    assert "周督办" in row and "sup " not in row
