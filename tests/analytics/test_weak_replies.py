"""Each department's share of weak replies (答复质量存疑率): counted from the quality checks of the
replies it sent in the period, and shown beside the rankings of departments."""

from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hotline.analytics.figures import read, recount
from hotline.analytics.periods import Period
from hotline.analytics.replies import weak_reply_shares
from hotline.core import clock
from hotline.core.enums import TicketStatus
from tests.feedback.test_quality import FORMULA, FULL
from tests.tickets.conftest import Flow

pytestmark = pytest.mark.django_db

S = TicketStatus
NOW = datetime(2025, 6, 10, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def flow(staff, departments) -> Iterator[Flow]:
    with clock.frozen_at(NOW):
        yield Flow(staff, departments)


def _replied(flow: Flow, text: str, lead: str = "housing"):
    ticket = flow.dispatch(flow.new(), lead=lead, co=())
    ticket = flow.accept(ticket, lead)
    return flow.reply(ticket, lead, text=text)


def test_the_share_of_weak_replies_per_department(flow: Flow) -> None:
    _replied(flow, FORMULA)
    _replied(flow, FULL)
    _replied(flow, FULL)
    _replied(flow, FORMULA, lead="water")
    day = NOW.date()
    housing, water = flow.dept("housing").pk, flow.dept("water").pk
    for kept in (False, True):  # counted live, then kept by the recount
        if kept:
            recount(day - timedelta(days=1), day)
        shares = weak_reply_shares(read(Period.day(day)))
        assert (shares[housing].numerator, shares[housing].denominator) == (1, 3), kept
        assert (shares[water].numerator, shares[water].denominator) == (1, 1), kept
        assert weak_reply_shares(read(Period.day(day - timedelta(days=1)))) == {}


def test_the_rankings_show_the_share_for_departments(client, flow: Flow) -> None:
    _replied(flow, FORMULA)
    client.force_login(flow.user("leader"))
    page = client.get("/rankings/?dimension=department").content.decode()
    assert "答复质量存疑率" in page and "100.0%" in page
    assert "答复质量存疑率" not in client.get("/rankings/?dimension=area").content.decode()
