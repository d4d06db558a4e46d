"""The admin speaks Chinese where Django's own words showed through: its header, the blank choice
new in Django 6.1, the field labels its history stores, and the names of the timeline's lines."""

import json

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import translation

from hotline.accounts.models import User
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, staff):
    superuser = User.objects.create_superuser("root", password="pass-1234")
    client.force_login(superuser)
    return client


def test_the_header_names_the_hotline(admin_client) -> None:
    page = admin_client.get("/admin/").content.decode()
    assert "12345 热线管理后台" in page and "Django" not in page


def test_a_blank_choice_is_asked_for_in_chinese(admin_client) -> None:
    page = admin_client.get("/admin/directory/department/add/").content.decode()  # its level
    assert "Select an option" not in page and "- 请选择 -" in page


def test_the_history_of_a_deactivation_reads_in_chinese(staff) -> None:
    user = staff["operator"]
    entry = LogEntry.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(user.pk),
        object_repr=str(user),
        action_flag=CHANGE,
        change_message=json.dumps([{"changed": {"fields": ["Active", "Staff status"]}}]),
    )
    with translation.override("zh-hans"):
        assert entry.get_change_message() == "已修改有效 和 工作人员状态。"


def test_a_timeline_line_is_named_by_its_ticket_and_action(staff) -> None:
    ticket = make_ticket(actor=staff["operator"])
    event = ticket.events.get()
    with translation.override("zh-hans"):
        assert str(event) == f"{ticket.number} 受理 →新工单" or str(event).startswith(f"{ticket.number} 受理")
