"""A reply template saved in the admin is checked as the staff pages check it
(`knowledge.templates.placeholders_refusal`): braces that name no placeholder are refused, with the
same words, and nothing is saved."""

import html

import pytest

from hotline.knowledge.models import ReplyTemplate
from hotline.knowledge.templates import placeholders_refusal
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ADD = "/admin/knowledge/replytemplate/add/"


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", role="admin", is_staff=True, is_superuser=True))
    return client


def test_the_admin_refuses_a_placeholder_that_does_not_exist(admin_client) -> None:
    text = "{诉求人}您好！请联系{联系人}。"

    page = admin_client.post(ADD, {"name": "通用", "text": text, "is_active": "on"})

    assert page.status_code == 200  # the form again, with its error
    assert placeholders_refusal(text) in html.unescape(page.content.decode())
    assert "{联系人}" in placeholders_refusal(text)
    assert not ReplyTemplate.objects.exists()


def test_the_admin_saves_a_template_whose_placeholders_all_exist(admin_client) -> None:
    page = admin_client.post(
        ADD, {"name": "通用", "text": "{诉求人}您好！请致电{联系电话}。", "is_active": "on"}
    )

    assert page.status_code == 302
    assert ReplyTemplate.objects.get().text == "{诉求人}您好！请致电{联系电话}。"
