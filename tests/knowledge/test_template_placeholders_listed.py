"""Every placeholder a reply template may hold is listed where a template is written, from the one
list that defines them (`knowledge.templates.PLACEHOLDER_LIST`): the admin's form had a list of its
own, which missed the unit's phone ({联系电话}) added after it."""

import html

import pytest
from django.utils.translation import gettext as _

from hotline.knowledge.templates import PLACEHOLDER_LIST
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_admins_template_form_lists_every_placeholder(client) -> None:
    client.force_login(UserFactory(username="root", role="admin", is_staff=True, is_superuser=True))

    page = html.unescape(client.get("/admin/knowledge/replytemplate/add/").content.decode())

    start = page.index('id="id_text_helptext"')
    help_ = page[start : page.index("</div>", start)]
    assert [p.tag for p in PLACEHOLDER_LIST if p.tag not in help_] == []
    assert [p.meaning for p in PLACEHOLDER_LIST if _(p.meaning) not in help_] == []
    assert "{联系电话}" in help_


def test_the_staff_pages_form_lists_every_placeholder(client, staff) -> None:
    client.force_login(staff["supervisor"])

    page = html.unescape(client.get("/reply-templates/new/").content.decode())

    listed = page[page.index('id="placeholders"') :]
    assert [p.tag for p in PLACEHOLDER_LIST if p.tag not in listed] == []
