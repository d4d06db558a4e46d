"""The inbox (消息) and the API's notifications mask a title said in a notice with its ticket's
callers (d7c7bb3): the callers are read for a page of notices at once, not once per notice."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hotline.core.enums import NotificationReason, Role
from hotline.notifications.actions import do_notify
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def _told(n: int) -> None:
    ticket = make_ticket(title=f"回电1391234567{n} 楼道灯不亮", phone=f"1381234123{n}")
    do_notify(
        key=f"t-{n}",
        reason=NotificationReason.SUPERVISION,
        message=f"工单 {ticket.number}「{ticket.title}」已超期，挂牌督办。",
        role=Role.LEADER,
        ticket=ticket,
    )


@pytest.mark.parametrize("path", ["/notifications/", "/api/v1/notifications"])
def test_a_page_of_notices_costs_the_same_queries_whatever_its_length(client, staff, path) -> None:
    client.force_login(staff["leader"])

    def counted() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200
        return len(queries), response.content.decode()

    _told(0)
    one, _page = counted()
    for n in range(1, 5):
        _told(n)
    many, page = counted()
    assert many == one
    assert "1391234567" not in page
