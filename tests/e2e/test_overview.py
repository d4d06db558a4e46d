"""The leader overview in Chromium: a leader signs in, ECharts draws the trend, the bars and the
district map (canvases), and the trend's table says what the chart draws."""

from datetime import timedelta

import pytest

from hotline.analytics.models import ForecastSet, Hotspot, HotspotSet
from hotline.core import clock
from hotline.core.enums import Channel, Kind
from hotline.directory.models import Place
from hotline.feedback.actions import do_answer_on_spot
from hotline.intake.actions import AppealData, do_receive_appeal
from tests.e2e.conftest import sign_in
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "s3cret-pass"


def test_a_leader_sees_the_charts_and_their_tables(page, live_server, staff, departments, screenshot) -> None:
    leader = staff["leader"]
    leader.set_password(PASSWORD)
    leader.save()
    Place.objects.create(
        department=departments["district"], boundary=[[[120, 30], [120.2, 30], [120.2, 30.1], [120, 30.1]]]
    )
    category = CategoryFactory(code="01", name="城乡建设", level=1)
    now = clock.now()
    # Today 3 tickets, 2 days ago 1, 5 days ago 2 (the live server reads the real clock).
    for days_ago, n in ((0, 3), (2, 1), (5, 2)):
        for i in range(n):
            with clock.frozen_at(now - timedelta(days=days_ago, seconds=i)):
                do_receive_appeal(
                    AppealData(
                        channel=Channel.PHONE,
                        title="路灯不亮",
                        content="路灯坏了。",
                        category_id=category.pk,
                        area_id=departments["street"].pk,
                    ),
                    staff["operator"],
                )

    sign_in(page, live_server, leader.username, PASSWORD, "/overview/")
    assert page.locator("nav.site a[href='/overview/']").count() == 1
    for chart in ("#chart-trend", "#chart-categories", "#chart-areas", "#chart-districts"):
        page.locator(f"{chart}[data-rendered=true] canvas").first.wait_for()
    assert page.locator("#today-volume strong").inner_text() == "3"
    # The four rates by their names (no ticket was answered yet: no figure, a dash), then 解决率.
    labels = page.locator("#figures .rate").evaluate_all("els => els.map(e => e.id)")
    assert labels == ["rate-on_time", "rate-handled", "rate-replied", "rate-satisfied", "rate-resolved"]
    assert "及时率" in page.locator("#rate-on_time").inner_text()
    assert "—" in page.locator("#rate-handled").inner_text()

    rows = [r.split("\t") for r in page.locator("#table-trend tbody tr").all_inner_texts()]
    cells = page.locator("#table-trend tbody tr").evaluate_all(
        "rows => rows.map(r => [r.cells[0].textContent.slice(0, 10), Number(r.cells[1].textContent)])"
    )
    assert len(rows) == 30 and len(cells) == 30
    today = clock.localtime(now).date()
    expected = {(today - timedelta(days=d)).isoformat(): n for d, n in ((0, 3), (2, 1), (5, 2))}
    assert {day: n for day, n in cells if n} == expected
    # Today is not over: its row and the chart say it is counted up to now.
    so_far = page.locator("#table-trend tbody tr.partial-day").text_content() or ""
    assert so_far.startswith(today.isoformat()) and "今日截至" in so_far
    assert "今日截至" in page.locator("#trend-today-note").inner_text()
    # The chart draws the same series as the table: the whole days as one line, today apart (a
    # dotted segment from yesterday to a hollow point), named as the table names it.
    drawn = page.evaluate(
        "() => { const c = echarts.getInstanceByDom(document.getElementById('chart-trend')).getOption();"
        " const value = d => d !== null && typeof d === 'object' ? d.value : d;"
        " return [c.xAxis[0].data, c.series[0].data, c.series[1].data.map(value), c.series[1].name,"
        " c.series[1].symbol, c.series[1].lineStyle.type]; }"
    )
    counts = [n for _day, n in cells]
    assert drawn[0] == [day for day, _n in cells]
    assert drawn[1] == [*counts[:-1], None]
    assert drawn[2] == [None] * 28 + counts[-2:]
    assert drawn[3] in so_far and drawn[3].startswith("今日截至") and drawn[4:] == ["emptyCircle", "dotted"]
    # The map colours this month's volume, as its table says.
    this_month = sum(n for day, n in expected.items() if day[:7] == today.isoformat()[:7])
    districts = page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('chart-districts'))"
        ".getOption().series[0].data"
    )
    assert [(d["name"], d["value"]) for d in districts] == [("东城区", this_month)]
    # With its four rates (nothing answered yet).
    assert page.locator("#table-districts tbody tr").all_inner_texts() == [
        f"东城区\t{this_month}\t—\t—\t—\t—\t—"
    ]
    screenshot("overview")


def test_the_trend_shows_the_forecast_band(page, live_server, staff, screenshot) -> None:
    leader = staff["leader"]
    leader.set_password(PASSWORD)
    leader.save()
    today = clock.localtime().date()
    # The worker's forecast of this morning: 14 days from today, 10 a day within 6..15.
    days = [
        {
            "start": (today + timedelta(days=i)).isoformat(),
            "days": 1,
            "expected": 10.0 + i,
            "low": 6.0,
            "high": 15.0 + i,
        }
        for i in range(14)
    ]
    total = {"start": today.isoformat(), "days": 7, "expected": 70.0, "low": 60.0, "high": 80.0}
    ForecastSet.objects.create(
        made_at=clock.now(),
        starts_on=today,
        data={"city": {"name": "全市", "week": total, "month": {**total, "days": 28}, "days": days}},
    )

    sign_in(page, live_server, leader.username, PASSWORD, "/overview/")
    page.locator("#chart-trend[data-rendered=true] canvas").first.wait_for()
    option = page.evaluate(
        "() => { const o = echarts.getInstanceByDom(document.getElementById('chart-trend')).getOption();"
        " return {x: o.xAxis[0].data, series: o.series.map(s => ({name: s.name, data: s.data,"
        " dashed: (s.lineStyle || {}).type === 'dashed', area: !!s.areaStyle, stack: s.stack || null}))}; }"
    )
    # The 30 days up to today, then the 13 days after it; today has its count and its forecast.
    assert len(option["x"]) == 43 and option["x"][29] == today.isoformat() == days[0]["start"]
    actual, so_far, expected, low, width = option["series"]
    assert [s["name"] for s in option["series"]] == ["受理量", so_far["name"], "预测", "80% 区间", "80% 区间"]
    assert so_far["name"].startswith("今日截至")
    # Today's count so far is drawn apart from the whole days before it.
    assert actual["data"][:29] == [0] * 29 and actual["data"][29:] == [None] * 14
    assert [d["value"] if isinstance(d, dict) else d for d in so_far["data"]] == [None] * 28 + [0, 0] + [
        None
    ] * 13
    assert expected["dashed"] and expected["data"] == [None] * 29 + [d["expected"] for d in days]
    assert low["data"][29:] == [6.0] * 14 and width["data"][29:] == [d["high"] - 6.0 for d in days]
    assert low["stack"] == width["stack"] == "band" and width["area"] and not low["area"]
    # The table beside it says the same.
    rows = page.locator("#table-forecast-days tbody tr").evaluate_all(
        "rows => rows.map(r => [r.cells[0].textContent, r.cells[1].textContent, r.cells[2].textContent])"
    )
    assert rows[0] == [today.isoformat(), "10.0", "6.0–15.0"] and len(rows) == 14
    screenshot("overview-forecast")


def test_the_map_is_coloured_by_the_volume_or_a_rate(page, live_server, staff, departments) -> None:
    leader = staff["leader"]
    leader.set_password(PASSWORD)
    leader.save()
    Place.objects.create(
        department=departments["district"], boundary=[[[120, 30], [120.2, 30], [120.2, 30.1], [120, 30.1]]]
    )
    # Two tickets in the district's street this month: a consultation answered on the spot (handled
    # and replied) and one still waiting for dispatch (not counted by 处置率).
    for kind in (Kind.CONSULTATION, Kind.COMPLAINT):
        ticket, _created = do_receive_appeal(
            AppealData(
                channel=Channel.PHONE,
                title="办事时间",
                content="几点上班？",
                kind=kind,
                area_id=departments["street"].pk,
            ),
            staff["operator"],
        )
        if kind == Kind.CONSULTATION:
            do_answer_on_spot(ticket, staff["operator"], text="工作日9点至17点。")

    sign_in(page, live_server, leader.username, PASSWORD, "/overview/")
    page.locator("#chart-districts[data-rendered=true] canvas").first.wait_for()
    assert page.locator("#table-districts thead th").all_inner_texts() == [
        "区县",
        "受理量",
        "及时率",
        "处置率",
        "回复率",
        "满意率",
        "解决率",
    ]
    assert page.locator("#table-districts tbody tr").all_inner_texts() == [
        "东城区\t2\t—\t100.0%\t100.0%\t—\t—"
    ]

    def coloured() -> list:
        return page.evaluate(
            "() => { const c = echarts.getInstanceByDom(document.getElementById('chart-districts'));"
            " const o = c.getOption();"
            " return [o.visualMap[0].max, o.series[0].data.map(d => [d.name, d.value])]; }"
        )

    assert coloured() == [2, [["东城区", 2]]]
    page.select_option("#district-measure", "handled")
    page.locator("#chart-districts[data-measure=handled]").wait_for()
    assert coloured() == [100, [["东城区", 100]]]
    page.select_option("#district-measure", "on_time")  # nothing answered by a department yet
    page.locator("#chart-districts[data-measure=on_time]").wait_for()
    assert coloured() == [100, [["东城区", "-"]]]


# The hot spots' dots as the district map paints them (web/static/web/charts.js).
HOTSPOT_BLUE = "#1d4ed8"


def test_the_district_names_are_not_under_the_hot_spots(
    page, live_server, staff, departments, screenshot
) -> None:
    """A hot spot without a point of its own is drawn in the middle of its district, where a map
    writes the district's name: the name moves clear of the dot and is drawn over the dots."""
    leader = staff["leader"]
    leader.set_password(PASSWORD)
    leader.save()
    Place.objects.create(
        department=departments["district"], boundary=[[[120, 30], [120.2, 30], [120.2, 30.1], [120, 30.1]]]
    )
    now = clock.now()
    kept = HotspotSet.objects.create(
        scope="recent", since=now - timedelta(days=30), until=now, made_at=now, model="ngram1024"
    )
    # The first in the middle of the district (its street has no outline), the second just beside it.
    for rank, (latitude, longitude) in enumerate(((None, None), (30.05, 120.115)), 1):
        Hotspot.objects.create(
            set=kept,
            rank=rank,
            heat=10.0 - rank,
            first_time=now - timedelta(days=10),
            last_time=now - timedelta(days=1),
            place="东城区幸福小区",
            people=4,
            description="垃圾站臭味严重",
            n_appeals=5,
            area=departments["street"],
            latitude=latitude,
            longitude=longitude,
        )

    sign_in(page, live_server, leader.username, PASSWORD, "/overview/")
    page.locator("#chart-districts[data-rendered=true] canvas").first.wait_for()
    # What the canvas draws, in the order it draws it: the names' texts and the dots, with their boxes.
    drawing = """(blue) => {
      const chart = echarts.getInstanceByDom(document.getElementById("chart-districts"));
      const box = el => {
        const r = el.getBoundingRect().clone();
        if (el.transform) r.applyTransform(el.transform);
        return [r.x, r.y, r.x + r.width, r.y + r.height];
      };
      return chart.getZr().storage.getDisplayList().map((el, order) => ({
        order: order,
        text: el.style && typeof el.style.text === "string" ? el.style.text : null,
        dot: !!(el.style && el.style.fill === blue),
        box: box(el),
      })).filter(e => e.text === "东城区" || e.dot);
    }"""
    # The dots grow from nothing as the chart opens: measured once they have their size (8 px at least).
    page.wait_for_function(
        f"(blue) => {{ const dots = ({drawing})(blue).filter(e => e.dot);"
        " return dots.length === 2 && dots.every(e => e.box[2] - e.box[0] >= 8); }",
        arg=HOTSPOT_BLUE,
    )
    drawn = page.evaluate(drawing, HOTSPOT_BLUE)
    names = [e for e in drawn if e["text"] == "东城区"]
    dots = [e for e in drawn if e["dot"]]
    assert len(names) == 1 and len(dots) == 2

    def overlap(a: list[float], b: list[float]) -> bool:
        return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]

    name = names[0]
    assert [d["box"] for d in dots if overlap(name["box"], d["box"])] == []
    assert all(name["order"] > d["order"] for d in dots)
    screenshot("overview-map-names")
