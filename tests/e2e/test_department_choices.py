"""The dispatch form in Chromium: a dispatcher picks a unit by what they read (a community under its
street, in its level's group), not by a code, and the ticket goes there."""

import pytest

from hotline.tickets.models import Ticket
from tests.e2e.conftest import sign_in
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_dispatcher_picks_a_community_by_its_streets_name(
    page, live_server, staff, departments, waiting, screenshot
) -> None:
    other = DepartmentFactory(
        code="D0102", name="湖滨街道", level="street", parent=departments["district"], is_area=True
    )
    DepartmentFactory(
        code="D010101", name="湖滨社区", level="community", parent=departments["street"], is_area=True
    )
    wanted = DepartmentFactory(code="D010201", name="湖滨社区", level="community", parent=other, is_area=True)
    dispatcher = staff["dispatcher"]
    dispatcher.set_password("s3cret-pass")
    dispatcher.save()
    ticket = waiting[0]

    sign_in(page, live_server, dispatcher.username, "s3cret-pass", f"/tickets/{ticket.number}/")
    lead = page.locator("select[name=lead_department_id]")
    groups = lead.locator("optgroup")
    assert [groups.nth(i).get_attribute("label") for i in range(groups.count())] == [
        "市级部门、公共企业",
        "区县",
        "街道、乡镇",
        "社区、村",
    ]
    assert lead.locator("optgroup[label='社区、村'] option").all_inner_texts() == [
        "和平街道 · 湖滨社区",
        "湖滨街道 · 湖滨社区",
    ]
    lead.select_option(label="湖滨街道 · 湖滨社区")
    screenshot("dispatch-grouped-departments")
    page.locator("#actions form[action$='/do/dispatch/'] button[type=submit]").click()
    page.locator(".messages", has_text="已派单").wait_for()
    assert Ticket.objects.get(pk=ticket.pk).lead_assignment.department == wanted
