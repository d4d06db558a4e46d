"""The channels' webhook refuses a latitude without its longitude (or the reverse), as the appeals'
API does (6d830af, `core.api.WholePoint`): the point was dropped without a word before."""

import pytest

from hotline.tickets.models import Ticket
from tests.intake.test_webhooks import APPEAL, post, wechat  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("dropped", ["latitude", "longitude"])
def test_half_a_point_is_refused(wechat, frozen_clock, dropped) -> None:  # noqa: F811
    body = {k: v for k, v in APPEAL.items() if k != dropped}
    response = post(body)
    assert response.status_code == 422, response.content
    assert "latitude 和 longitude 须同时给出" in response.json()["detail"]
    assert not Ticket.objects.exists()
