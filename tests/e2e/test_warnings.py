"""Early warnings and hot spots in Chromium: a supervisor goes from the board to a warning, reads its
evidence and dismisses it as a false alarm with a reason; a leader sees the hot spots in the
overview's list and as points on the district map."""

from datetime import timedelta

import pytest

from hotline.analytics.models import Hotspot, HotspotSet, WarningDecision, WarningThreshold
from hotline.core import clock
from hotline.core.enums import WarningStatus
from hotline.directory.models import Place
from tests.e2e.conftest import sign_in
from tests.factories import CategoryFactory, EarlyWarningFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "s3cret-pass"


def test_a_supervisor_reads_a_warning_and_dismisses_it_as_a_false_alarm(
    page, live_server, staff, departments, screenshot
) -> None:
    supervisor = staff["supervisor"]
    supervisor.set_password(PASSWORD)
    supervisor.save()
    building = CategoryFactory(code="01", name="城乡建设", level=1)
    district = departments["district"]
    now = clock.now()
    warning = EarlyWarningFactory(
        subject=f"spike:{building.pk}:{district.pk}",
        cell=f"{building.pk}:{district.pk}",
        category=building,
        area=district,
        title="城乡建设 · 东城区：1 日内 9 件诉求，基线 1.5 件",
        raised_at=now,
        evidence={"days": [[clock.localtime(now).date().isoformat(), 9, 1.5]], "tickets": []},
    )

    sign_in(page, live_server, supervisor.username, PASSWORD, "/supervision/")
    counter = page.locator("#board-counters .warnings a")
    assert counter.locator("strong").inner_text() == "1"
    counter.click()
    page.wait_for_url(f"{live_server.url}/supervision/warnings/")
    row = page.locator(f"#warning-{warning.pk}")
    assert "城乡建设 · 东城区：1 日内 9 件诉求" in row.inner_text()
    row.locator("details.evidence summary").click()
    assert "9" in row.locator("table.evidence-days").inner_text()
    screenshot("warnings-open")
    form = row.locator("form.dismiss")
    form.locator("input[name=note]").fill("同一工地同一晚的重复来电，已由城管处理")
    form.locator("button[type=submit]").click()
    page.locator(".messages li.success", has_text="已研判为误报").wait_for()
    assert page.locator("#warnings-empty").is_visible()
    warning.refresh_from_db()
    assert (warning.status, warning.decided_by) == (WarningStatus.DISMISSED, supervisor)
    assert WarningDecision.objects.get().note == "同一工地同一晚的重复来电，已由城管处理"
    assert WarningThreshold.objects.get(cell=warning.cell).factor == 1.5
    page.locator("#warning-tabs .decided a").click()
    assert "阈值倍数 1.00 → 1.50" in page.locator(f"#warning-{warning.pk}").inner_text()
    screenshot("warnings-decided")


def test_a_leader_sees_the_hot_spots_listed_and_on_the_map(
    page, live_server, staff, departments, screenshot
) -> None:
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
    for rank, (place, description, heat) in enumerate(
        (("东城区幸福小区", "幸福小区垃圾站臭味严重", 9.02), ("和平街道", "夜间施工噪音扰民", 5.5)), 1
    ):
        Hotspot.objects.create(
            set=kept,
            rank=rank,
            heat=heat,
            first_time=now - timedelta(days=10),
            last_time=now - timedelta(days=1),
            place=place,
            people=4,
            description=description,
            n_appeals=5,
            area=departments["street"],
        )

    sign_in(page, live_server, leader.username, PASSWORD, "/overview/")
    rows = page.locator("#table-hotspots tbody tr").all_inner_texts()
    assert len(rows) == 2 and "幸福小区垃圾站臭味严重" in rows[0]
    page.locator("#chart-districts[data-rendered=true] canvas").first.wait_for()
    points = page.evaluate(
        """() => {
          const map = document.getElementById("chart-districts");
          const option = window.echarts.getInstanceByDom(map).getOption();
          return option.series.filter(s => s.name === "hotspots").map(s => s.data.map(d => d.name));
        }"""
    )
    assert points == [["东城区幸福小区", "和平街道"]]
    assert "当前没有待研判的预警" in page.locator("#warnings").inner_text()
    screenshot("overview-hotspots")
