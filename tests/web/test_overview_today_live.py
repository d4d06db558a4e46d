"""The overview counts today live (README: "today is always counted live"): a tile that counts
today, or this month with today in it, always equals the drill-down list it links to, however long
ago the worker last kept the days."""

import re
from datetime import date
from html import unescape

from hotline.analytics.figures import recount
from hotline.core import clock
from hotline.core.enums import Channel
from hotline.feedback import actions as feedback
from hotline.intake.actions import AppealData, do_receive_appeal
from hotline.tickets import actions
from tests.analytics.conftest import at, june  # noqa: F401  (the hand-built June)

NOW = at(6, 20, 14, 40)


def receive(staff, minute: int):
    with clock.frozen_at(at(6, 20, 14, minute)):
        ticket, _created = do_receive_appeal(
            AppealData(channel=Channel.WEB, title=f"噪音{minute}", content="夜间施工噪音。"),
            staff["operator"],
        )
    return ticket


def figure_link(html: str, element_id: str) -> tuple[str, int]:
    start = html.index(f'id="{element_id}"')
    href, figure = re.findall(
        r'<a [^>]*href="([^"]+)"[^>]*>([^<]*)</a>', html[start : html.index("</div>", start)]
    )[0]
    return unescape(href), int(figure)


def test_today_and_this_month_are_counted_live_after_a_recount(client, staff, departments, june) -> None:  # noqa: F811
    for minute in range(4):
        receive(staff, minute)
    with clock.frozen_at(at(6, 20, 14, 31)):  # the worker keeps June so far, today's four included
        recount(date(2025, 6, 1), date(2025, 6, 20))
    receive(staff, 35)
    ticket = receive(staff, 36)
    # Its lead answers at once: this month's 及时率 counts the answer now, not at the next recount.
    with clock.frozen_at(at(6, 20, 14, 37)):
        ticket = actions.do_dispatch_ticket(
            ticket, staff["dispatcher"], lead_department_id=departments["housing"].pk
        )
        ticket = actions.do_accept_assignment(ticket, staff["housing"])
        feedback.do_reply_ticket(ticket, staff["housing"], text="已处理。")
    client.force_login(staff["leader"])
    with clock.frozen_at(NOW):
        response = client.get("/overview/")
    html = response.content.decode()
    assert (response.context["today_volume"], response.context["month_volume"]) == (6, 8 + 6)
    assert response.context["trend"][-1] == (date(2025, 6, 20), 6)
    on_time = next(r.rate for r in response.context["rates"] if r.key == "on_time")
    assert on_time.denominator == 3  # t1, t2 and today's answered this month
    for element in ("today-volume", "month-volume"):
        href, figure = figure_link(html, element)
        with clock.frozen_at(NOW):
            listed = client.get(href)
        assert listed.status_code == 200 and listed.context["total"] == figure, (element, href)
    # The note says what the time of the recount applies to: the days before today.
    assert "今日数据为实时统计" in html and "2025-06-20 14:31" in html
