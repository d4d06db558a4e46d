"""The leader overview (/overview/): who may see it, the figures it shows (those of
analytics.facts on the hand-built June of tests/analytics, live and kept), the district GeoJSON and
its queries."""

import json
import re
from datetime import date
from html import unescape
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hotline.analytics.figures import recount
from hotline.analytics.outlooks import make_forecasts
from hotline.core import clock
from hotline.core.enums import Channel
from hotline.intake.actions import AppealData, do_receive_appeal
from tests.analytics.conftest import at, june  # noqa: F401  (the hand-built June)

NOW = at(6, 20, 12)


def get(client, user, path: str = "/overview/"):
    client.force_login(user)
    with clock.frozen_at(NOW):
        return client.get(path)


@pytest.mark.parametrize("role", ["leader", "supervisor", "admin"])
def test_leaders_supervisors_and_admins_see_it_with_its_nav_link(client, staff, role) -> None:
    response = get(client, staff[role])
    assert response.status_code == 200
    assert 'href="/overview/"' in response.content.decode()


@pytest.mark.parametrize("role", ["operator", "dispatcher", "housing"])
def test_other_roles_are_refused(client, staff, role) -> None:
    response = get(client, staff[role])
    assert response.status_code == 403
    assert "不能查看领导驾驶舱" in response.content.decode()
    # The outlines themselves are public geography: the ticket page draws a ticket's place on them.
    assert get(client, staff[role], "/overview/districts.geojson").status_code == 200
    home = client.get("/").content.decode()
    assert 'href="/overview/"' not in home


def test_signed_out_goes_to_the_login(client) -> None:
    assert client.get("/overview/")["Location"].startswith("/login/")


def part(html: str, element_id: str, end: str = "</div>") -> str:
    """The markup from the element with `element_id` to the first `end` after it."""
    start = html.index(f'id="{element_id}"')
    return html[start : html.index(end, start)]


def test_the_figures_of_june(client, staff, june) -> None:  # noqa: F811
    response = get(client, staff["leader"])
    ctx = response.context
    assert (ctx["today_volume"], ctx["month_volume"], ctx["overdue"]) == (0, 8, 2)
    html = response.content.decode()
    assert ">8</a></strong>" in part(html, "month-volume")
    assert ">2</a></strong>" in part(html, "overdue-now")
    for key, percent, counts in [
        ("on_time", "50.0%", "1 / 2"),
        ("handled", "60.0%", "3 / 5"),
        ("replied", "100.0%", "3 / 3"),
        ("satisfied", "66.7%", "2 / 3"),
        ("resolved", "33.3%", "1 / 3"),
    ]:
        shown = part(html, f"rate-{key}", "</a>")
        assert f"<strong>{percent}</strong>" in shown and counts in shown, shown
    categories = part(html, "table-categories", "</table>")
    assert categories.index("城乡建设") < categories.index("教育")
    assert re.search(r'<td>城乡建设</td><td class="n"><a [^>]*>3</a></td>', categories)
    districts = part(html, "table-districts", "</table>")
    assert re.search(r'<td>东城区</td><td class="n"><a [^>]*>3</a></td>', districts)
    assert re.search(r'<td>西城区</td><td class="n"><a [^>]*>2</a></td>', districts)
    labels = [r.label for r in ctx["rates"]]
    assert labels == ["及时率", "处置率", "回复率", "满意率", "解决率"]  # the four rates, then 解决率
    assert 'id="counted-at"' not in html  # nothing kept yet: every figure counted live
    trend = ctx["trend"]
    assert len(trend) == 30 and trend[-1][0].isoformat() == "2025-06-20"
    assert sum(n for _day, n in trend) == 8  # 22 May to 20 June: t8 and all of June but t9
    assert '<td>2025-06-12</td><td class="n">1</td>' in part(html, "table-trend", "</table>")
    assert 'id="chart-districts"' in html and 'data-geojson="/overview/districts.geojson"' in html


def links(html: str, element_id: str, end: str = "</div>") -> list[tuple[str, str]]:
    """The (href, text) of every link in the element with `element_id`."""
    return [
        (unescape(href), text)
        for href, text in re.findall(r'<a [^>]*href="([^"]+)"[^>]*>([^<]*)</a>', part(html, element_id, end))
    ]


def test_every_figure_links_to_the_tickets_it_counts(client, staff, june, departments) -> None:  # noqa: F811
    """今日受理, 本月受理, 超期未办结, the categories, areas and districts: each number is a link to a
    list of exactly as many tickets (the drill-down of the rates) or assignments (the board's 超期)."""
    with clock.frozen_at(NOW):
        do_receive_appeal(
            AppealData(channel=Channel.WEB, title="路灯", content="路灯不亮。", citizen_phone="13900002222"),
            staff["operator"],
        )
    html = get(client, staff["leader"]).content.decode()
    shown = [
        *links(html, "today-volume"),
        *links(html, "month-volume"),
        *links(html, "table-categories", "</table>"),
        *links(html, "table-areas", "</table>"),
        *links(html, "table-districts", "</table>"),
    ]
    assert (
        len(shown) >= 10 and ("/rankings/tickets/?rate=received&dimension=city&day=2025-06-20", "1") in shown
    )
    for href, figure in shown:
        listed = get(client, staff["leader"], href)
        assert listed.status_code == 200, href
        if "rate=received" in href or "%" not in figure:
            assert listed.context["total"] == int(figure), href
        else:  # a district's rate: the list holds its denominator
            rate = re.search(r"rate=(\w+)", href)
            assert rate is not None and listed.context["total"] >= 1, href
    # 东城区 sums its streets: 和平街道's t1 and t2 and its own t3.
    east = next(
        h
        for h, _t in links(html, "table-districts", "</table>")
        if f"key={departments['district'].pk}&" in h and "received" in h
    )
    numbers = {t.number for t, _c in get(client, staff["leader"], east).context["entries"]}
    assert numbers == {june.tickets[name].number for name in ("t1", "t2", "t3")}
    [(overdue, figure)] = links(html, "overdue-now")
    assert overdue == "/supervision/?view=overdue" and figure == "2"
    board = get(client, staff["leader"], overdue)
    assert board.status_code == 200 and board.context["total"] == 2


def test_a_unit_head_is_sent_to_their_units_report(client, staff) -> None:
    for path in ("/overview/", "/rankings/"):
        response = get(client, staff["district_head"], path)
        assert response.status_code == 302 and response["Location"] == "/reports/"
    home = get(client, staff["district_head"], "/").content.decode()
    assert 'href="/overview/"' not in home and 'href="/reports/"' in home and "本单位报告" in home


def test_without_boundaries_the_districts_are_a_table_only(client, staff, departments) -> None:
    html = get(client, staff["leader"]).content.decode()
    assert 'id="chart-districts"' not in html and 'id="table-districts"' in html and "东城区" in html


def test_charts_only_when_echarts_is_installed(client, staff, monkeypatch) -> None:
    from hotline.web import overview

    html = get(client, staff["leader"]).content.decode()
    assert ("vendor/echarts/echarts.min.js" in html) == overview.echarts_installed()
    monkeypatch.setattr(overview, "echarts_installed", lambda: False)
    html = get(client, staff["leader"]).content.decode()
    assert "echarts" not in html and 'id="table-trend"' in html


def test_the_pages_load_echarts_with_only_the_charts_they_draw() -> None:
    # `make install` bundles it (web/assets/echarts.js); the browser tests draw every chart with it.
    from django.conf import settings
    from django.contrib.staticfiles import finders

    served = Path(finders.find("vendor/echarts/echarts.min.js"))
    assert served == settings.NODE_MODULES / ".hotline" / "echarts.min.js"
    full = settings.NODE_MODULES / "echarts" / "dist" / "echarts.min.js"
    assert served.stat().st_size < 0.7 * full.stat().st_size


def test_the_district_geojson(client, staff, june) -> None:  # noqa: F811
    response = get(client, staff["supervisor"], "/overview/districts.geojson")
    assert response.status_code == 200 and response["Content-Type"] == "application/geo+json"
    geo = json.loads(response.content)
    assert geo["type"] == "FeatureCollection"
    assert [f["properties"]["name"] for f in geo["features"]] == ["东城区", "西城区"]
    for feature in geo["features"]:
        assert feature["type"] == "Feature" and feature["geometry"]["type"] == "Polygon"
        for ring in feature["geometry"]["coordinates"]:
            assert len(ring) >= 4 and ring[0] == ring[-1]


def test_a_fixed_number_of_queries(client, staff, june) -> None:  # noqa: F811
    client.force_login(staff["leader"])

    def count() -> int:
        with clock.frozen_at(NOW), CaptureQueriesContext(connection) as ctx:
            assert client.get("/overview/").status_code == 200
        return len(ctx.captured_queries)

    first = count()
    for i in range(5):  # more tickets, the same queries
        with clock.frozen_at(at(6, 18, 9, i)):
            do_receive_appeal(
                AppealData(channel=Channel.WEB, title=f"噪音{i}", content="夜间施工噪音。"), staff["operator"]
            )
    assert count() == first


def test_the_same_figures_once_the_worker_keeps_the_days(client, staff, june) -> None:  # noqa: F811
    live = get(client, staff["leader"]).context
    with clock.frozen_at(at(6, 20, 3)):
        recount(date(2025, 5, 1), date(2025, 6, 20))
    response = get(client, staff["leader"])
    kept = response.context
    for name in ("today_volume", "month_volume", "overdue", "trend", "categories", "areas", "districts"):
        assert kept[name] == live[name], name
    assert [r.rate for r in kept["rates"]] == [r.rate for r in live["rates"]]
    assert "2025-06-20 03:00" in part(response.content.decode(), "counted-at", "</span>")


def test_the_forecasts_the_worker_made(client, staff, june) -> None:  # noqa: F811
    html = get(client, staff["leader"]).content.decode()
    assert "历史数据不足四周" in html and 'id="table-forecast"' not in html
    with clock.frozen_at(at(7, 1, 3)):  # four weeks of history at least: 31 May to 30 June
        made = make_forecasts()
    assert made is not None
    html = get(client, staff["leader"]).content.decode()
    table = part(html, "table-forecast", "</table>")
    week = made.data["city"]["week"]
    assert "<td>全市</td>" in table and f"{week['expected']:.0f} <span" in table
    assert "城乡建设" in table and "和平街道" in table


def test_every_rate_leads_to_the_tickets_behind_it(client, staff, june) -> None:  # noqa: F811
    html = get(client, staff["leader"]).content.decode()
    for key in ("on_time", "handled", "replied", "satisfied", "resolved"):
        link = f'href="/rankings/tickets/?rate={key}&amp;dimension=city&amp;period=2025-06"'
        assert link in part(html, f"rate-{key}"), key
    client.force_login(staff["leader"])
    with clock.frozen_at(NOW):
        behind = client.get(
            "/rankings/tickets/", {"rate": "on_time", "dimension": "city", "period": "2025-06"}
        )
    # 及时率 50% = 1 / 2: t1 answered on time, t2 late.
    assert behind.status_code == 200 and len(behind.context["entries"]) == 2


def test_the_trend_carries_the_coming_days_forecast(client, staff, june) -> None:  # noqa: F811
    with clock.frozen_at(at(7, 1, 3)):
        made = make_forecasts()
    assert made is not None
    client.force_login(staff["leader"])
    with clock.frozen_at(at(7, 3, 9)):  # two days later: the forecast's days from today on
        response = client.get("/overview/")
    html = response.content.decode()
    days = [d for d in made.data["city"]["days"] if d["start"] >= "2025-07-03"]
    assert len(days) == 12
    table = part(html, "table-forecast-days", "</table>")
    assert table.count("<tr>") == 13 and "<td>2025-07-03</td>" in table and "2025-07-02" not in table
    assert (
        f"{days[0]['expected']:.1f}</td>" in table and f"{days[0]['low']:.1f}–{days[0]['high']:.1f}" in table
    )
    assert "未来 12 日的预测受理量" in html
    charts = response.context["charts"]  # what the chart draws (json_script, when ECharts is there)
    assert charts["forecast"] == [[d["start"], d["expected"], d["low"], d["high"]] for d in days]
    assert charts["labels"] == {"volume": "受理量", "expected": "预测", "band": "80% 区间"}
    # A forecast kept before the days were (or none): the trend alone.
    made.data["city"].pop("days")
    made.save()
    with clock.frozen_at(at(7, 3, 9)):
        html = client.get("/overview/").content.decode()
    assert 'id="table-forecast-days"' not in html and "trend-forecast-note" not in html
