"""The rankings (红黑榜) by quarter and by year, each against the period of the same length before
it, on a small hand-built history of two departments:

    住建局  h1 2024-12-02, h2 2024-12-09: answered the next day (on time)
            h3 2025-02-10: the next day; h4 2025-03-03: on 03-20 (late)
            h5 2025-04-07: the next day
    水务局  w1 2024-12-02: answered on 12-20 (late)
            w2 2025-02-10, w3 2025-03-03: the next day

No ticket is called back: 回复率 is 0 for all, 满意率 has nothing to count (left out of the score),
and every ticket is handled. So a score is (及时率 + 100 + 0) / 3.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from hotline.analytics.figures import recount
from hotline.analytics.models import FigureSettings
from hotline.analytics.periods import Period
from hotline.analytics.rankings import RankingPeriod, find_offered, offered
from hotline.core import clock
from hotline.core.enums import Channel
from hotline.feedback import actions as feedback
from hotline.intake.actions import AppealData, do_receive_appeal
from hotline.tickets import actions

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 4, 10, 12, tzinfo=SHANGHAI)


def at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def history(staff, departments) -> dict[str, int]:
    FigureSettings.objects.update_or_create(pk=1, defaults={"min_received": 1})
    made = {}

    def handled(name: str, department: str, received: datetime, answered: datetime) -> None:
        with clock.frozen_at(received):
            ticket, _created = do_receive_appeal(
                AppealData(
                    channel=Channel.PHONE,
                    title=f"工单 {name}",
                    content="幸福路12号路灯不亮。",
                    citizen_name="张先生",
                    citizen_phone="13812341234",
                ),
                staff["operator"],
            )
            ticket = actions.do_dispatch_ticket(
                ticket, staff["dispatcher"], lead_department_id=departments[department].pk
            )
            ticket = actions.do_accept_assignment(ticket, staff[department])
        with clock.frozen_at(answered):
            feedback.do_reply_ticket(ticket, staff[department], text="已修复。")
        made[name] = ticket.pk

    handled("h1", "housing", at(2024, 12, 2), at(2024, 12, 3))
    handled("h2", "housing", at(2024, 12, 9), at(2024, 12, 10))
    handled("w1", "water", at(2024, 12, 2), at(2024, 12, 20))
    handled("h3", "housing", at(2025, 2, 10), at(2025, 2, 11))
    handled("h4", "housing", at(2025, 3, 3), at(2025, 3, 20))
    handled("w2", "water", at(2025, 2, 10), at(2025, 2, 11))
    handled("w3", "water", at(2025, 3, 3), at(2025, 3, 4))
    handled("h5", "housing", at(2025, 4, 7), at(2025, 4, 8))
    return made


def get(client, user, **params):
    client.force_login(user)
    with clock.frozen_at(NOW):
        return client.get("/rankings/", params)


def table(response) -> list[tuple]:
    return [
        (r.name, r.score, r.rank, r.previous_score, r.previous_rank, r.score_change, r.rank_change)
        for r in response.context["rows"]
    ]


def test_the_periods_of_each_span() -> None:
    today = date(2025, 4, 10)
    quarter = RankingPeriod.holding("quarter", today)
    assert quarter.period == Period.quarter(2025, 2) == Period.days(date(2025, 4, 1), date(2025, 6, 30))
    assert (quarter.token, quarter.label) == ("2025-Q2", "2025年第2季度")
    assert quarter.previous.period == Period.days(date(2025, 1, 1), date(2025, 3, 31))
    assert RankingPeriod.holding("quarter", date(2025, 1, 5)).previous.token == "2024-Q4"
    year = RankingPeriod.holding("year", today)
    assert (year.token, year.label, year.previous.token) == ("2025", "2025年", "2024")
    assert year.period == Period.days(date(2025, 1, 1), date(2025, 12, 31))
    month = RankingPeriod.holding("month", date(2025, 3, 31))
    assert (month.token, month.previous.token) == ("2025-03", "2025-02")
    assert [p.token for p in offered("quarter", today)] == [
        "2025-Q2",
        "2025-Q1",
        "2024-Q4",
        "2024-Q3",
        "2024-Q2",
        "2024-Q1",
        "2023-Q4",
        "2023-Q3",
    ]
    assert [p.token for p in offered("year", today)] == ["2025", "2024", "2023"]
    assert len(offered("month", today)) == 12
    assert find_offered("2024-Q4", today) == RankingPeriod.holding("quarter", date(2024, 11, 1))
    for unknown in ("2025-13", "2025-Q5", "1999", "2022", "2024-04-01", ""):
        assert find_offered(unknown, today) is None


def test_the_quarter_against_the_quarter_before(client, staff, history) -> None:
    response = get(client, staff["leader"], period="2025-Q1", dimension="department")
    assert response.status_code == 200
    # Q1 2025: 水务局 all on time (100 + 100 + 0) / 3; 住建局 one of two (50 + 100 + 0) / 3.
    # Q4 2024: 住建局 all on time, 水务局 late: the places swap.
    assert table(response) == [
        ("水务局", 66.7, 1, 33.3, 2, 33.4, 1),
        ("住建局", 50.0, 2, 66.7, 1, -16.7, -1),
    ]
    html = response.content.decode()
    assert "2025年第1季度" in html and "与上期（2024年第4季度）比较" in html
    assert '<option value="2025-Q1" selected>2025年第1季度</option>' in html
    # The figures link to the tickets behind them for the same quarter.
    assert "&amp;period=2025-Q1" in html


def test_the_year_against_the_year_before(client, staff, history) -> None:
    # 2025 so far: 住建局 two of three on time (h3, h5; h4 late); 2024: both on time.
    expected = [
        ("水务局", 66.7, 1, 33.3, 2, 33.4, 1),
        ("住建局", 55.6, 2, 66.7, 1, -11.1, -1),
    ]
    assert table(get(client, staff["leader"], span="year", dimension="department")) == expected
    assert table(get(client, staff["leader"], period="2025", dimension="department")) == expected
    # The same from the figures the worker keeps as from the live count.
    with clock.frozen_at(NOW):
        recount(date(2024, 12, 1), date(2025, 4, 10))
    assert table(get(client, staff["leader"], period="2025", dimension="department")) == expected


def test_the_month_stays_the_default_and_old_links_work(client, staff, history) -> None:
    response = get(client, staff["leader"], dimension="department")
    assert response.context["chosen"].token == "2025-04"
    # April: only 住建局 (h5); March (the month before) had h4 late and w3 on time.
    assert table(response) == [("住建局", 66.7, 1, 33.3, 2, 33.4, 1)]
    old = get(client, staff["leader"], month="2025-03", dimension="department")
    assert old.context["chosen"].token == "2025-03"
    # Nonsense falls back to the running month of the span asked for.
    assert get(client, staff["leader"], period="2030-Q1", span="quarter").context["chosen"].token == "2025-Q2"
    assert get(client, staff["leader"], span="decade").context["chosen"].token == "2025-04"


def test_the_tickets_behind_a_quarterly_figure(client, staff, departments, history) -> None:
    client.force_login(staff["leader"])
    params = {
        "rate": "on_time",
        "dimension": "department",
        "key": departments["housing"].pk,
        "period": "2025-Q1",
    }
    with clock.frozen_at(NOW):
        response = client.get("/rankings/tickets/", params)
        missed = client.get("/rankings/tickets/", {**params, "missed": "1"})
    assert {t.pk for t, _counted in response.context["entries"]} == {history["h3"], history["h4"]}
    assert [t.pk for t, _counted in missed.context["entries"]] == [history["h4"]]
    assert "2025年第1季度" in response.content.decode()
