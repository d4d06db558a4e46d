"""The masking of citizens' numbers written in titles (docs/adr/0017) beyond the lists: paths where a
number still reached a role that sees numbers masked, and the cost of filling the masked text."""

import pytest
from django.core import mail

from hotline.core.enums import Channel, SupervisionKind
from hotline.intake.actions import AppealData, do_receive_appeal
from hotline.notifications.backends import webhook_payload
from hotline.notifications.models import Notification
from hotline.supervision.actions import do_open_supervision
from hotline.tickets.models import Ticket

pytestmark = pytest.mark.django_db

TITLE = "回电13912345678 路灯不亮"
# The number, and pieces of it long enough to say it.
DIGITS = ["13912345678", "1391234", "12345678"]


def _received(title: str = TITLE, content: str = "西山路路灯不亮，晚上很黑。") -> Ticket:
    ticket, _created = do_receive_appeal(
        AppealData(
            channel=Channel.WEB,
            title=title,
            content=content,
            citizen_name="王女士",
            citizen_phone="13800000001",
            address="西山路",
        ),
        None,
    )
    return ticket


def test_a_leaders_email_of_a_listing_masks_the_title(staff, settings, django_capture_on_commit_callbacks):
    """A 挂牌督办 is told to the city's leaders; by e-mail too when the city sends them. The inbox
    and the API mask the title's numbers in that sentence: the e-mail must not say them."""
    settings.HOTLINE_NOTIFICATION_BACKENDS = [
        "hotline.notifications.backends.InboxBackend",
        "hotline.notifications.backends.EmailBackend",
    ]
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    leader = staff["leader"]
    leader.email = "leader@city.example"
    leader.save()
    ticket = _received()
    with django_capture_on_commit_callbacks(execute=True):
        do_open_supervision(ticket, staff["supervisor"], reason="群众反映强烈", kind=SupervisionKind.LISTING)
    to_leader = [m for m in mail.outbox if "leader@city.example" in m.to]
    assert to_leader, [m.to for m in mail.outbox]
    for message in to_leader:
        assert "被挂牌督办：群众反映强烈" in message.body
        for digits in DIGITS:
            assert digits not in message.body, message.body


def test_a_leaders_webhook_notice_of_a_listing_masks_the_title(staff):
    """The same notice through the webhook (a city's messaging system, read by people): its
    sentence as the API gives it, the title's numbers masked."""
    ticket = _received()
    do_open_supervision(ticket, staff["supervisor"], reason="群众反映强烈", kind=SupervisionKind.LISTING)
    notices = Notification.objects.filter(ticket=ticket, role="leader")
    assert notices
    for notice in notices:
        message = str(webhook_payload(notice)["message"])
        assert "被挂牌督办：群众反映强烈" in message
        for digits in DIGITS:
            assert digits not in message, message


def test_the_masked_text_migration_writes_only_the_tickets_with_a_number(staff):
    """Migration tickets.0018 fills the column for the tickets stored before it, in the transaction
    that added it (the table locked): the column's default ("") is already right for most tickets,
    which hold no number. Rewriting every row took 170 s for 300,000 tickets (all but a few without
    a number), 12 s when only those with a number were written."""
    import importlib

    from django.apps import apps
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fill = importlib.import_module("hotline.tickets.migrations.0018_ticket_masked_text").fill
    for i in range(3):
        _received(title=f"路灯不亮 {i}")
    with_number = _received()
    Ticket.objects.update(masked_text="")  # as the column was added
    with CaptureQueriesContext(connection) as queries:
        fill(apps, None)
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    # One ticket written (bulk_update says each as a WHEN of its CASE), the one with a number.
    assert sum(u.count(" WHEN ") for u in updates) == 1, updates
    with_number.refresh_from_db()
    assert "回电***" in with_number.masked_text


def test_a_local_line_to_call_back_in_a_title_is_masked_in_the_list(client, staff):
    """ "请回电139…", the ADR's own example, with the caller's home line instead ("请回电88880000"):
    given as a number to call back, as "电话 88880000" is, it is masked in the list a leader reads,
    as the search already masks it for them."""
    ticket = _received(title="请回电88880000 路灯不亮")
    client.force_login(staff["leader"])
    html = client.get("/tickets/", {"q": "路灯不亮"}).content.decode()
    assert f'href="/tickets/{ticket.number}/"' in html
    assert "请回电*** 路灯不亮" in html
    assert "88880000" not in html


def test_a_leaders_inbox_masks_the_callers_number_as_the_list_does(client, staff):
    """The caller's own number in a form no pattern knows ("(139)1234-5678") is masked in the list,
    which knows the ticket's callers (`presenter.listed_title`); the inbox's notice of a 挂牌 names
    the same title."""
    ticket, _created = do_receive_appeal(
        AppealData(
            channel=Channel.WEB,
            title="请回电(139)1234-5678 路灯不亮",
            content="西山路路灯不亮。",
            citizen_name="王女士",
            citizen_phone="13912345678",
            address="西山路",
        ),
        None,
    )
    do_open_supervision(ticket, staff["supervisor"], reason="群众反映强烈", kind=SupervisionKind.LISTING)
    client.force_login(staff["leader"])
    listed = client.get("/tickets/", {"q": "路灯不亮"}).content.decode()
    assert "1234-5678" not in listed
    inbox = client.get("/notifications/").content.decode()
    assert "被挂牌督办：群众反映强烈" in inbox
    assert "1234-5678" not in inbox
    listed_by_api = client.get("/api/v1/notifications").json()["items"]
    assert listed_by_api and all("1234-5678" not in n["message"] for n in listed_by_api)
    # The e-mail and the webhook say the stored sentence as the API does.
    for notice in Notification.objects.filter(ticket=ticket, role="leader"):
        sent = str(webhook_payload(notice)["message"])
        assert "被挂牌督办：群众反映强烈" in sent
        assert "1234-5678" not in sent
