"""What the ticket's page says after an action and what it offers next: each message says what
happened (a request only submitted is not 已完成); a form whose work is done, or that would only be
refused, gives way to what was recorded; the page names people and who took a photo."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hotline.core.enums import Channel, Satisfaction, TicketStatus
from hotline.intake.attachments import store_photo
from hotline.sla.actions import do_request_extension
from hotline.tickets.models import Ticket
from tests.factories import make_ticket
from tests.tickets.conftest import Flow
from tests.web.conftest import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_now")]


@pytest.fixture
def flow(staff, departments) -> Flow:
    return Flow(staff, departments)


def act(client, ticket: Ticket, name: str, data: dict | None = None):
    return client.post(f"/tickets/{ticket.number}/do/{name}/", data or {}, follow=True)


def actions_of(page: str) -> str:
    """The page's section of the actions the user may take."""
    start = page.index('id="actions"')
    return page[start : page.index("</section>", start)]


# --- what the message says -----------------------------------------------------------------------


def test_an_extension_request_is_submitted_not_done_and_its_form_gives_way(client, flow, staff) -> None:
    ticket = flow.accept(flow.dispatch(flow.new(), co=()))
    client.force_login(staff["housing"])
    assert 'action="/tickets/' in actions_of(client.get(f"/tickets/{ticket.number}/").content.decode())

    response = act(
        client,
        ticket,
        "request_extension",
        {"reason": "需第三方检测", "requested_due_at": "2025-06-30T17:30"},
    )

    page = response.content.decode()
    assert f"工单 {ticket.number}：已提交延期申请，等待审批" in page
    assert "延期申请已完成" not in page
    # While it waits, no second request is offered (it would be refused): the page says it waits.
    offered = actions_of(page)
    assert "/do/request_extension/" not in offered
    assert "延期申请待审批（申请延至 2025-06-30 17:30）" in offered


def test_a_refused_extension_says_so_and_the_form_comes_back(client, flow, staff) -> None:
    ticket = flow.accept(flow.dispatch(flow.new(), co=()))
    do_request_extension(
        ticket, staff["housing"], reason="需第三方检测", requested_due_at=NOW + timedelta(days=10)
    )
    client.force_login(staff["dispatcher"])
    pending = ticket.assignments.get().extensions.get()
    page = act(
        client, ticket, "review_extension", {"extension_id": pending.pk, "approve": "false"}
    ).content.decode()
    assert f"工单 {ticket.number}：已驳回延期申请" in page

    client.force_login(staff["housing"])
    offered = actions_of(client.get(f"/tickets/{ticket.number}/").content.decode())
    assert "/do/request_extension/" in offered and "延期申请待审批" not in offered


@pytest.mark.parametrize(
    ("name", "data", "said"),
    [
        ("progress", {"text": "已到现场查看，等待施工队排期"}, "已记录办理进展"),
        ("suspend", {"reason": "awaiting_material"}, "已挂起，停止计时"),
        ("return", {"reason": "不属于本局职责"}, "已退单，等待派单员审核"),
    ],
)
def test_each_message_says_what_happened(client, flow, staff, name, data, said) -> None:
    ticket = flow.accept(flow.dispatch(flow.new(), co=()))
    client.force_login(staff["housing"])
    page = act(client, ticket, name, data).content.decode()
    assert f"工单 {ticket.number}：{said}" in page and "已完成" not in page


def test_signing_says_signed(client, flow, staff) -> None:
    ticket = flow.dispatch(flow.new(), co=())
    client.force_login(staff["housing"])
    page = act(client, ticket, "accept").content.decode()
    assert f"工单 {ticket.number}：已签收" in page and "签收已完成" not in page


def test_merging_names_the_ticket_it_went_into(client, flow, staff) -> None:
    duplicate, original = flow.new(), flow.new()
    client.force_login(staff["operator"])
    page = act(client, duplicate, "merge", {"into_number": original.number}).content.decode()
    assert f"工单 {duplicate.number}：已合并到工单 {original.number}" in page


# --- the callback ----------------------------------------------------------------------------------


def test_once_the_callback_is_recorded_the_page_shows_it_not_the_form(client, flow, staff) -> None:
    ticket = flow.to(TicketStatus.REPLIED)
    client.force_login(staff["operator"])
    offered = actions_of(client.get(f"/tickets/{ticket.number}/").content.decode())
    assert "/do/callback/" in offered and "/do/callback_attempt/" in offered

    page = act(
        client,
        ticket,
        "callback",
        {"resolution": "resolved", "satisfaction": "satisfied", "note": "居民满意"},
    ).content.decode()

    assert f"工单 {ticket.number}：已记录回访结果" in page and "回访已完成" not in page
    offered = actions_of(page)
    assert "已回访：已解决，满意" in offered  # what was recorded
    assert "/do/callback_attempt/" not in offered  # nobody is left to call
    # The form is there only to correct it, closed, and says so.
    assert '<details class="action"><summary>重新回访（更正回访结果）</summary>' in offered
    assert "/do/close/" in offered


def test_an_unsatisfied_callback_says_the_ticket_went_back(client, flow, staff) -> None:
    ticket = flow.to(TicketStatus.REPLIED)
    client.force_login(staff["operator"])
    page = act(
        client, ticket, "callback", {"resolution": "unresolved", "satisfaction": Satisfaction.UNSATISFIED}
    ).content.decode()
    assert f"工单 {ticket.number}：已记录回访结果，诉求人不满意，工单已退回重办" in page


def test_before_anyone_is_called_the_form_is_open(client, flow, staff) -> None:
    ticket = flow.to(TicketStatus.REPLIED)
    client.force_login(staff["operator"])
    offered = actions_of(client.get(f"/tickets/{ticket.number}/").content.decode())
    assert 'id="callback-recorded"' not in offered and "重新回访" not in offered
    assert '<details class="action" open><summary>回访</summary>' in offered


# --- who --------------------------------------------------------------------------------------------


def test_the_timeline_names_people_by_their_full_names(client, flow, staff) -> None:
    staff["dispatcher"].first_name = "李娜"
    staff["dispatcher"].save()
    ticket = flow.dispatch(flow.new(), co=())
    client.force_login(staff["housing"])
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    timeline = page[page.index('id="timeline"') :]
    assert "<strong>派单</strong> · 李娜" in timeline and "· disp" not in timeline
    assert "<strong>受理</strong> · op" in timeline  # the operator has no name: the username stands


def test_an_extension_request_names_who_asked(client, flow, staff) -> None:
    staff["housing"].first_name, staff["housing"].last_name = "王", "伟"
    staff["housing"].save()
    ticket = flow.accept(flow.dispatch(flow.new(), co=()))
    do_request_extension(
        ticket, staff["housing"], reason="需第三方检测", requested_due_at=NOW + timedelta(days=10)
    )
    client.force_login(staff["dispatcher"])
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert "h_housing" not in page
    assert staff["housing"].get_full_name() + " 申请将办理时限" in page


def test_a_grid_workers_photo_is_labelled_as_theirs(client, staff, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    reported = make_ticket(actor=staff["operator"], channel=Channel.GRID, phone="")
    called = make_ticket(actor=staff["operator"], title="另一处路灯不亮")
    for ticket in (reported, called):
        store_photo(
            ticket.appeals.get(), SimpleUploadedFile("现场.png", png, content_type="image/png"), "image/png"
        )

    client.force_login(staff["dispatcher"])
    page = client.get(f"/tickets/{reported.number}/").content.decode()
    assert 'alt="网格员上传的照片 1"' in page and "市民上传的照片" not in page
    page = client.get(f"/tickets/{called.number}/").content.decode()
    assert 'alt="市民上传的照片 1"' in page


# --- the case library -----------------------------------------------------------------------------


def test_an_empty_case_library_says_how_a_case_is_added(client, staff) -> None:
    client.force_login(staff["supervisor"])
    page = client.get("/cases/").content.decode()
    assert "案例库还没有案例。" in page
    assert "标记为典型案例" in page and 'href="/tickets/?status=closed"' in page

    # A search that finds nothing says so.
    assert "没有找到案例。" in client.get("/cases/?q=不存在的问题").content.decode()

    # A role that may not add one reads no instructions.
    client.force_login(staff["housing"])
    page = client.get("/cases/").content.decode()
    assert "案例库还没有案例。" in page and 'id="cases-how"' not in page
