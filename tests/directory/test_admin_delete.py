"""Deleting a department or a category that tickets point to is refused, and the admin says why: the
tickets are protected (it said the account lacked the permission to delete tickets, as if a
stronger account could take them away with it)."""

import html

import pytest

from hotline.directory.models import Department
from hotline.taxonomy.models import Category
from hotline.tickets.models import Ticket
from tests.factories import CategoryFactory, make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(staff, departments):
    ticket = make_ticket(actor=staff["operator"])
    Ticket.objects.filter(pk=ticket.pk).update(
        area=departments["street"], category=CategoryFactory(code="01", name="城乡建设", level=1)
    )
    ticket.refresh_from_db()
    return ticket


@pytest.mark.parametrize("model", ["department", "category"])
def test_what_tickets_point_to_is_not_deleted_and_the_page_says_why(root, ticket, model) -> None:
    target, url = {
        "department": (ticket.area, "/admin/directory/department/"),
        "category": (ticket.category, "/admin/taxonomy/category/"),
    }[model]

    one = html.unescape(root.get(f"{url}{target.pk}/delete/").content.decode())
    bulk = root.post(url, {"action": "delete_selected", "_selected_action": [target.pk]})
    root.post(f"{url}{target.pk}/delete/", {"post": "yes"})
    root.post(url, {"action": "delete_selected", "_selected_action": [target.pk], "post": "yes"})

    for page in (one, html.unescape(bulk.content.decode())):
        assert "受保护的相关对象" in page and ticket.number in page
        assert "没有权限" not in page
    assert Department.objects.filter(pk=ticket.area_id).exists()
    assert Category.objects.filter(pk=ticket.category_id).exists()
