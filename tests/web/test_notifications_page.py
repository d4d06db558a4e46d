"""The in-app inbox on the web (消息, /notifications/): what the sweep and the actions tell a unit, a
person or a role, newest first, with its ticket; read one by one (htmx or not) or all at once; the
header counts the unread. Nobody reads or marks another unit's messages."""

import re

import pytest

from hotline.core.enums import NotificationReason, Role
from hotline.notifications.actions import do_notify
from hotline.notifications.models import Notification
from hotline.tickets.actions import do_dispatch_ticket
from tests.factories import UserFactory, make_ticket

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def told(staff, departments):
    """A 督办 to the housing bureau about its ticket, the daily reminder to the water bureau, and a
    report made for the leaders."""
    ticket = make_ticket(actor=staff["operator"], title="楼道灯不亮")
    do_dispatch_ticket(ticket, staff["dispatcher"], lead_department_id=departments["housing"].pk)
    housing = do_notify(
        key="t-supervision",
        reason=NotificationReason.SUPERVISION,
        message=f"工单 {ticket.number}「楼道灯不亮」已超期，督办。",
        department=departments["housing"],
        ticket=ticket,
    )[0]
    water = do_notify(
        key="t-daily",
        reason=NotificationReason.DAILY,
        message="12月06日待办提醒：您单位有 3 件工单尚未办结。",
        department=departments["water"],
    )[0]
    report = do_notify(
        key="t-report", reason=NotificationReason.REPORT, message="11月月报已生成。", role=Role.LEADER
    )[0]
    return ticket, housing, water, report


def badge(html: str) -> str:
    found = re.search(
        r'id="nav-notifications"[^>]*>消息(?: <span class="badge"[^>]*>([^<]+)</span>)?</a>', html
    )
    assert found, html[:2000]
    return found.group(1) or ""


def test_a_unit_reads_its_messages_with_their_tickets_and_no_one_elses(client, staff, told) -> None:
    ticket, _housing, water, _report = told
    client.force_login(staff["housing"])
    page = client.get("/notifications/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "已超期，督办。" in html and "督办通知" in html
    assert f'href="/tickets/{ticket.number}/"' in html
    assert "件工单尚未办结" not in html and "11月月报已生成" not in html
    assert badge(html) == "1"
    # Another unit's message is not theirs to mark.
    assert client.post(f"/notifications/{water.pk}/read/", {"next": "/notifications/"}).status_code == 404
    water.refresh_from_db()
    assert water.read_at is None
    # A leader reads what is sent to the role.
    client.force_login(staff["leader"])
    html = client.get("/notifications/").content.decode()
    assert "11月月报已生成" in html and "已超期" not in html


def test_a_message_marked_read_with_htmx_comes_back_read_and_leaves_the_count(client, staff, told) -> None:
    _ticket, housing, _water, _report = told
    client.force_login(staff["housing"])
    row = client.post(f"/notifications/{housing.pk}/read/", {"next": "/notifications/"}, **HTMX)
    assert row.status_code == 200
    fragment = row.content.decode()
    assert 'id="notification-' in fragment and "<html" not in fragment
    assert "已标为已读" in fragment and "标为已读</button>" not in fragment
    # The header's count goes with it (out of band), now nothing.
    assert 'id="nav-notifications" hx-swap-oob="true"' in fragment and badge(fragment) == ""
    housing.refresh_from_db()
    assert housing.read_at is not None
    html = client.get("/notifications/").content.decode()
    assert badge(html) == ""
    assert "已超期，督办。" not in client.get("/notifications/", {"unread": "1"}).content.decode()
    # Read for everyone of the unit: its other handler sees it read.
    other = UserFactory(username="h_housing2", role=Role.HANDLER, department=housing.department)
    client.force_login(other)
    assert badge(client.get("/").content.decode()) == ""


def test_all_marked_read_at_once(client, staff, departments, told) -> None:
    client.force_login(staff["water"])
    for i in range(3):
        do_notify(
            key=f"t-due-{i}",
            reason=NotificationReason.DUE_SOON,
            message=f"工单 {i} 临近办理时限。",
            department=departments["water"],
        )
    assert badge(client.get("/notifications/").content.decode()) == "4"
    response = client.post("/notifications/read/", {"next": "/notifications/?unread=1"})
    assert response.status_code == 302 and response["Location"] == "/notifications/?unread=1"
    assert not Notification.objects.filter(department=departments["water"], read_at__isnull=True).exists()
    html = client.get(response["Location"]).content.decode()
    assert "已将 4 条消息标为已读" in html and "没有未读消息。" in html
    # Nothing of another unit's was touched.
    assert Notification.objects.filter(department=departments["housing"], read_at__isnull=True).exists()


def test_the_header_counts_at_most_99(client, staff, departments) -> None:
    for i in range(101):
        do_notify(
            key=f"t-many-{i}",
            reason=NotificationReason.DUE_SOON,
            message=f"工单 {i} 临近办理时限。",
            department=departments["water"],
        )
    client.force_login(staff["water"])
    html = client.get("/").content.decode()
    assert badge(html) == "99+"
    assert 'aria-label="消息 99 条以上未读"' in html


def test_signed_out_the_inbox_asks_to_sign_in(client) -> None:
    response = client.get("/notifications/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert client.post("/notifications/read/").status_code == 302


def test_the_sweeps_notices_are_read_in_the_readers_language(client, staff, departments) -> None:
    """Stored in the city's language (the record), said again in the reader's on the page."""
    from hotline.supervision import wording

    stored = wording.stored("due_soon", number="20261206-000001", title="楼道灯不亮", percent="80")
    do_notify(key="t-en", reason=NotificationReason.DUE_SOON, message=stored, department=departments["water"])
    client.force_login(staff["water"])
    client.cookies["django_language"] = "en"
    html = client.get("/notifications/").content.decode()
    assert "20261206-000001" in html and "80%" in html and "已用去" not in html
    assert Notification.objects.get(dedupe_key__startswith="t-en").message == stored


def test_one_kind_of_notice_at_a_time(client, staff, departments) -> None:
    """The day's to-do reminders come every working day; a unit looks for its 督办 among them."""
    for i in range(3):
        do_notify(
            key=f"t-day-{i}",
            reason=NotificationReason.DAILY,
            message=f"待办 {i}",
            department=departments["water"],
        )
    do_notify(
        key="t-order",
        reason=NotificationReason.SUPERVISION,
        message="督办：请加快办理",
        department=departments["water"],
    )
    client.force_login(staff["water"])
    html = client.get("/notifications/", {"reason": "supervision"}).content.decode()
    assert "督办：请加快办理" in html and "待办 0" not in html
    assert '<option value="supervision" selected>' in html
    # A kind that does not exist is no filter.
    html = client.get("/notifications/", {"reason": "nonsense"}).content.decode()
    assert "督办：请加快办理" in html and "待办 2" in html


def test_a_page_past_the_last_shows_the_last(client, staff) -> None:
    """After the last row of a later page is read or reviewed away (the unread inbox, the
    repetitions to review), its address pointed past the end and the page said there was nothing,
    under a count that was not 0 (audit of 2026-12-06): a list shows its last page instead."""
    for i in range(23):
        do_notify(
            key=f"t-many-{i}",
            reason=NotificationReason.REPORT,
            message=f"报告 {i} 已生成。",
            role=Role.LEADER,
        )
    client.force_login(staff["leader"])
    html = client.get("/notifications/", {"offset": 40}).content.decode()
    assert html.count('class="message"') == 3
    assert "报告 0 已生成。" in html
