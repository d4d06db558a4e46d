"""The weekly report (周报) links its figures to the tickets behind them like the daily, monthly and
quarterly ones: 受理量 to the week's tickets, each of the four rates to those it counts; for the
city and for a unit head's own unit. On the hand-built June of tests/analytics."""

import re
from html import unescape

from hotline.core import clock
from tests.analytics.conftest import at, june  # noqa: F401  (the hand-built June)

NOW = at(7, 1, 10)


def get(client, user, path: str, **params):
    client.force_login(user)
    with clock.frozen_at(NOW):
        return client.get(path, params)


def drill_links(html: str) -> list[str]:
    """The links of the report's own figures: not its ranking's, whose rows lead to each unit's
    tickets (test_report_ranking_links)."""
    start = html.index('id="report-departments"')
    html = html[:start] + html[html.index("</table>", start) :]
    return [unescape(h) for h in re.findall(r'href="(/rankings/tickets/\?[^"]+)"', html)]


def test_the_weekly_report_links_its_volume_and_rates(client, staff, june) -> None:  # noqa: F811
    # The week of 9 to 15 June: t1, t2, t3, t4, t5, t11 received (t6 merged, t7 invalid).
    response = get(client, staff["leader"], "/reports/", kind="weekly", date="2025-06-11")
    assert response.status_code == 200
    report = response.context["report"]
    assert report.city.received == 6
    html = response.content.decode()
    assert 'id="report-volume-tickets"' in html
    links = drill_links(html)
    rates = {re.search(r"rate=(\w+)", link).group(1) for link in links}  # type: ignore[union-attr]
    assert {"received", "on_time", "handled"} <= rates, links
    week = {june.tickets[n].number for n in ("t1", "t2", "t3", "t4", "t5", "t11")}
    for link in links:
        listed = get(client, staff["leader"], link)
        assert listed.status_code == 200, link
        assert "2025-06-09" in listed.content.decode() and "2025-06-15" in listed.content.decode()
        key = re.search(r"rate=(\w+)", link).group(1)  # type: ignore[union-attr]
        rate = dict((k, now) for k, now, _then in report.rates).get(key)
        if key == "received":
            assert {t.number for t, _c in listed.context["entries"]} == week
            assert listed.context["total"] == report.city.received
        else:
            assert rate is not None and listed.context["total"] >= 1, link


def test_a_unit_heads_weekly_report_links_to_their_own_tickets(client, staff, june) -> None:  # noqa: F811
    head = staff["district_head"]  # 东城区: t1, t2 (和平街道) and t3 in the week of 9 June
    html = get(client, head, "/reports/", kind="weekly", date="2025-06-11").content.decode()
    [volume] = [link for link in drill_links(html) if "rate=received" in link]
    listed = get(client, head, volume)
    assert listed.status_code == 200
    assert {t.number for t, _c in listed.context["entries"]} == {
        june.tickets[n].number for n in ("t1", "t2", "t3")
    }


def test_a_week_that_cannot_be_read_is_not_found(client, staff) -> None:
    response = get(client, staff["leader"], "/rankings/tickets/", rate="received", week="2025-13-01")
    assert response.status_code == 404 and "无法识别日期" in response.content.decode()
