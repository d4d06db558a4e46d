"""Lists the administrator searches in a city of thousands of staff: what one person did on the
tickets (the timeline searched by who did it, e.g. someone who left), a person's API tokens, and the
responsibility rules of one area. Each could be searched only by other things (the ticket's number,
nothing, the rule's name or lead)."""

import html

import pytest

from hotline.accounts.models import ApiToken
from hotline.directory.models import Responsibility
from tests.factories import CategoryFactory, UserFactory, make_ticket

pytestmark = pytest.mark.django_db


def listed(client, url: str, query: str) -> str:
    page = client.get(url, {"q": query})
    assert page.status_code == 200
    return html.unescape(page.content.decode())


def test_the_timeline_is_searched_by_who_did_it(root, staff) -> None:
    mine = make_ticket(actor=staff["operator"], title="路灯不亮")
    theirs = make_ticket(actor=staff["operator2"], title="井盖缺失")
    page = listed(root, "/admin/tickets/ticketevent/", "op2")
    assert theirs.number in page and mine.number not in page


def test_the_api_tokens_are_searched_by_user(root) -> None:
    ApiToken.issue(UserFactory(username="wechat-bot"), "微信渠道")
    ApiToken.issue(UserFactory(username="app-bot"), "移动应用")
    page = listed(root, "/admin/accounts/apitoken/", "wechat")
    assert "微信渠道" in page and "移动应用" not in page


def test_the_rules_are_searched_by_area(root, departments) -> None:
    lamps = CategoryFactory(code="01", name="路灯", level=1)
    Responsibility.objects.create(
        name="和平路灯", category=lamps, area=departments["street"], lead_department=departments["housing"]
    )
    Responsibility.objects.create(name="全市路灯", category=lamps, lead_department=departments["housing"])
    page = listed(root, "/admin/directory/responsibility/", "和平街道")
    assert "和平路灯" in page and "全市路灯" not in page
