"""A grid worker (网格员) follows what they reported: each report's own page (/tickets/<number>/,
read-only: their words, the public progress and the reply), the list of all their reports (我的上报,
/grid/reports/, a page at a time), and the ticket search finds their reports. Nobody else's ticket
opens for them, and the pages name no citizen's phone number."""

import re
import uuid

import pytest

from hotline.core.enums import Channel, Resolution, Role, Satisfaction
from hotline.feedback.actions import do_record_callback, do_reply_ticket
from hotline.intake import attachments
from hotline.intake.actions import AppealData, do_receive_grid_report
from hotline.tickets.actions import do_accept_assignment, do_dispatch_ticket, do_merge_ticket
from hotline.tickets.models import Ticket
from hotline.web.grid import REPORTS_PAGE
from tests.factories import UserFactory, make_ticket
from tests.web.grid_setup import JPEG
from tests.web.test_search import numbers

pytestmark = pytest.mark.django_db

REPLY = "经现场核查，井盖已于今日更换，感谢您的反映。"
CITIZEN_PHONE = "13912345678"


def reported(worker, title: str = "人行道井盖破损") -> Ticket:
    ticket, _created = do_receive_grid_report(
        AppealData(
            channel=Channel.GRID,
            external_id=f"grid-{uuid.uuid4().hex}",
            citizen_name=worker.display_name,
            title=title,
            content="幸福路 12 号门前人行道井盖破损，已有行人绊倒。",
            address="幸福路12号",
        ),
        worker,
    )
    return ticket


def answered(ticket: Ticket, staff, departments) -> None:
    """Dispatched to the street, signed for and answered by its handler."""
    do_dispatch_ticket(ticket, staff["dispatcher"], lead_department_id=departments["street"].pk)
    do_accept_assignment(ticket, staff["street"])
    do_reply_ticket(ticket, staff["street"], text=REPLY)


def test_a_grid_worker_opens_their_report_and_reads_its_reply(
    signed_in, grid_worker, staff, departments
) -> None:
    ticket = reported(grid_worker)
    answered(ticket, staff, departments)
    response = signed_in.get(f"/tickets/{ticket.number}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert ticket.number in html and "人行道井盖破损" in html and "幸福路12号" in html
    assert "已答复" in html  # the status, as the public reads it
    assert "和平街道 已答复" in html  # a step of the public progress
    assert REPLY in html
    # Read-only: no actions, no form posting one, and no staff's name is given.
    assert 'id="actions"' not in html and f"/tickets/{ticket.number}/actions/" not in html
    assert staff["street"].display_name not in html


def test_the_page_of_a_report_merged_into_another_ticket_shows_that_tickets_progress_and_reply(
    signed_in, grid_worker, staff, departments
) -> None:
    """The citizen who called about the same place first is not named, nor is their number."""
    first = make_ticket(actor=staff["operator"], title="井盖坏了", phone=CITIZEN_PHONE, citizen_name="李女士")
    ticket = reported(grid_worker)
    do_merge_ticket(ticket, staff["dispatcher"], into_ticket_id=first.pk)
    answered(first, staff, departments)
    html = signed_in.get(f"/tickets/{ticket.number}/").content.decode()
    assert ticket.number in html and REPLY in html
    assert "合并" in html
    assert CITIZEN_PHONE not in html and CITIZEN_PHONE[-4:] not in html and "李女士" not in html
    # The ticket they joined is not theirs to open.
    assert signed_in.get(f"/tickets/{first.number}/").status_code == 404


def test_a_grid_worker_reads_no_citizens_callback(signed_in, grid_worker, staff, departments) -> None:
    """The citizen merged into the report was called back and rated the answer: their rating is
    not the worker's to read (as on a citizen's progress page, audit of 2026-12-06)."""
    ticket = reported(grid_worker)
    citizens = make_ticket(actor=staff["operator"], phone=CITIZEN_PHONE)
    do_merge_ticket(citizens, staff["dispatcher"], into_ticket_id=ticket.pk)
    answered(ticket, staff, departments)
    do_record_callback(
        ticket,
        staff["operator"],
        resolution=Resolution.RESOLVED,
        satisfaction=Satisfaction.SATISFIED,
        appeal_id=citizens.appeals.get().pk,
    )
    html = signed_in.get(f"/tickets/{ticket.number}/").content.decode()
    assert REPLY in html and "回访" not in html


def test_a_grid_worker_sees_their_own_photos_not_a_citizens_merged_in(signed_in, grid_worker, staff) -> None:
    """A citizen's call about the same place, merged into the report, brings its photo along: the
    staff see it on the ticket, the worker only their own."""
    ticket = reported(grid_worker)
    citizens = make_ticket(actor=staff["operator"], phone=CITIZEN_PHONE)
    mine = attachments.store_bytes(ticket.appeals.get(), JPEG, "image/jpeg")
    theirs = attachments.store_bytes(citizens.appeals.get(), JPEG, "image/jpeg")
    do_merge_ticket(citizens, staff["dispatcher"], into_ticket_id=ticket.pk)
    page = signed_in.get(f"/tickets/{ticket.number}/").content.decode()
    assert f"/tickets/{ticket.number}/attachments/{mine.pk}" in page
    assert f"/attachments/{theirs.pk}" not in page
    assert photo(signed_in, ticket, mine) == JPEG
    assert signed_in.get(f"/tickets/{ticket.number}/attachments/{theirs.pk}").status_code == 404
    signed_in.force_login(staff["dispatcher"])
    assert photo(signed_in, ticket, theirs) == JPEG


def photo(client, ticket: Ticket, attachment) -> bytes:
    response = client.get(f"/tickets/{ticket.number}/attachments/{attachment.pk}")
    assert response.status_code == 200
    # Read to the end, as a server would: the test client then closes the response and its file.
    return b"".join(response.streaming_content)


def test_a_grid_worker_opens_no_one_elses_ticket(signed_in, grid_worker, staff, community) -> None:
    citizens = make_ticket(actor=staff["operator"], phone=CITIZEN_PHONE)
    colleague = UserFactory(username="grid2", role=Role.GRID, department=community)
    theirs = reported(colleague, title="路灯不亮")
    for ticket in (citizens, theirs):
        response = signed_in.get(f"/tickets/{ticket.number}/")
        assert response.status_code == 404
        assert "不存在" in response.content.decode()


def test_other_roles_still_get_the_staff_page(client, grid_worker, staff) -> None:
    ticket = reported(grid_worker)
    client.force_login(staff["dispatcher"])
    html = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert 'id="actions"' in html  # the staff page, with the actions the user may take


def test_my_reports_lists_every_report_a_page_at_a_time(signed_in, grid_worker, community) -> None:
    made = [reported(grid_worker, title=f"巡查发现 {n}") for n in range(REPORTS_PAGE + 3)]
    colleague = UserFactory(username="grid2", role=Role.GRID, department=community)
    other = reported(colleague, title="别人的上报")
    newest_first = [t.number for t in reversed(made)]

    first = signed_in.get("/grid/reports/")
    assert first.status_code == 200
    listed = re.findall(r'href="/tickets/(\d{8}-\d{6})/"', first.content.decode())
    assert listed == newest_first[:REPORTS_PAGE]
    assert f"共 {len(made)} 件" in first.content.decode()
    following = re.search(r'href="\?(offset=\d+)"', first.content.decode())
    assert following is not None
    second = signed_in.get(f"/grid/reports/?{following.group(1)}")
    assert (
        re.findall(r'href="/tickets/(\d{8}-\d{6})/"', second.content.decode()) == newest_first[REPORTS_PAGE:]
    )
    assert other.number not in first.content.decode() + second.content.decode()
    # Found by number.
    wanted = made[0].number
    found = signed_in.get("/grid/reports/", {"q": wanted})
    assert re.findall(r'href="/tickets/(\d{8}-\d{6})/"', found.content.decode()) == [wanted]


def test_my_reports_is_for_grid_workers(client, staff) -> None:
    client.force_login(staff["operator"])
    assert client.get("/grid/reports/").status_code == 403


def test_the_report_page_links_each_recent_report_and_the_whole_list(signed_in, grid_worker) -> None:
    ticket = reported(grid_worker)
    html = signed_in.get("/grid/report/").content.decode()
    assert f'href="/tickets/{ticket.number}/"' in html
    assert 'href="/grid/reports/"' in html


def test_the_ticket_search_finds_a_grid_workers_own_reports(signed_in, grid_worker, staff) -> None:
    mine = reported(grid_worker)
    make_ticket(actor=staff["operator"], phone=CITIZEN_PHONE)
    assert numbers(signed_in.get("/tickets/", {"q": mine.number})) == [mine.number]
    assert numbers(signed_in.get("/tickets/", {"q": ""})) == [mine.number]


def test_the_staff_nav_offers_a_grid_worker_their_reports(signed_in) -> None:
    html = signed_in.get("/knowledge/").content.decode()
    nav = html[html.index('<nav class="site">') :]
    nav = nav[: nav.index("</nav>")]
    assert 'href="/grid/reports/"' in nav and "我的上报" in nav
    assert 'href="/tickets/"' not in nav


def test_an_empty_search_offers_no_export(client, staff) -> None:
    client.force_login(staff["operator"])
    html = client.get("/tickets/", {"q": "没有这样的工单"}).content.decode()
    assert "没有符合条件的工单" in html and 'id="export"' not in html
