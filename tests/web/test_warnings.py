"""The early warnings on the supervision board (预警: read, confirm, dismiss) and the hot spots and
warnings on the leader overview and in the reports."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from hotline.analytics.models import EarlyWarning, WarningDecision, WarningThreshold
from hotline.analytics.reports import period_of
from hotline.core import clock
from hotline.core.enums import WarningKind, WarningStatus
from hotline.directory.models import Place
from tests.analytics.conftest import at, kept_hotspots
from tests.factories import CategoryFactory, EarlyWarningFactory

NOW = at(6, 20, 12)


@pytest.fixture
def warning(db, departments) -> EarlyWarning:
    building = CategoryFactory(code="01", name="城乡建设", level=1)
    district = departments["district"]
    return EarlyWarningFactory(
        subject=f"spike:{building.pk}:{district.pk}",
        cell=f"{building.pk}:{district.pk}",
        category=building,
        area=district,
        title="城乡建设 · 东城区：1 日内 9 件诉求，基线 1.5 件",
        raised_at=at(6, 20, 11),
        evidence={
            "window": ["2025-06-20", "2025-06-20"],
            "days": [["2025-06-19", 1, 1.5], ["2025-06-20", 9, 1.5]],
            "tickets": [
                {"ticket": "20250620-000001", "title": "工地夜间施工噪音", "at": "2025-06-20T09:00+08:00"}
            ],
        },
    )


def get(client, user, path, **params):
    client.force_login(user)
    with clock.frozen_at(NOW):
        return client.get(path, params)


def post(client, user, path, data):
    client.force_login(user)
    with clock.frozen_at(NOW):
        return client.post(path, data)


def test_the_board_counts_the_open_warnings_and_links_to_them(client, staff, warning) -> None:
    page = get(client, staff["supervisor"], "/supervision/").content.decode()
    assert 'href="/supervision/warnings/"><strong>1</strong> 预警待研判' in page


def test_a_supervisor_reads_a_warning_with_its_evidence_and_may_decide(client, staff, warning) -> None:
    page = get(client, staff["supervisor"], "/supervision/warnings/").content.decode()
    assert "城乡建设 · 东城区：1 日内 9 件诉求，基线 1.5 件" in page
    assert '<td>2025-06-20</td><td class="n">9</td>' in page
    assert 'href="/tickets/20250620-000001/"' in page
    assert f'action="/supervision/warnings/{warning.pk}/decide/"' in page
    # A leader reads it too, without the forms; a handler may not.
    page = get(client, staff["leader"], "/supervision/warnings/").content.decode()
    assert "城乡建设 · 东城区" in page and "/decide/" not in page
    assert get(client, staff["housing"], "/supervision/warnings/").status_code == 403


def test_a_supervisor_dismisses_a_false_alarm_and_the_cells_threshold_rises(client, staff, warning) -> None:
    response = post(
        client,
        staff["supervisor"],
        f"/supervision/warnings/{warning.pk}/decide/",
        {"status": "dismissed", "note": "同一工地的重复来电"},
    )
    assert response.status_code == 302 and response["Location"] == "/supervision/warnings/"
    warning.refresh_from_db()
    assert (warning.status, warning.decided_by, warning.note) == (
        WarningStatus.DISMISSED,
        staff["supervisor"],
        "同一工地的重复来电",
    )
    assert WarningThreshold.objects.get(cell=warning.cell).factor == 1.5
    page = get(client, staff["supervisor"], "/supervision/warnings/", view="decided").content.decode()
    assert "误报 · sup" in page and "阈值倍数 1.00 → 1.50" in page
    assert "没有待研判的预警" in get(client, staff["supervisor"], "/supervision/warnings/").content.decode()


def test_a_decision_that_cannot_be_made_changes_nothing(client, staff, warning) -> None:
    url = f"/supervision/warnings/{warning.pk}/decide/"
    assert post(client, staff["leader"], url, {"status": "dismissed", "note": "x"}).status_code == 403
    refused = post(client, staff["supervisor"], url, {"status": "dismissed", "note": ""})
    assert refused.status_code == 422 and "误报须说明理由" in refused.content.decode()
    assert post(client, staff["supervisor"], url, {"status": "maybe", "note": "x"}).status_code == 422
    assert (
        post(
            client, staff["supervisor"], "/supervision/warnings/999999/decide/", {"status": "confirmed"}
        ).status_code
        == 404
    )
    assert not WarningDecision.objects.exists()
    assert post(client, staff["supervisor"], url, {"status": "confirmed"}).status_code == 302
    # Decided once: a second decision is refused.
    assert post(client, staff["admin"], url, {"status": "dismissed", "note": "x"}).status_code == 409
    assert WarningDecision.objects.count() == 1


def test_the_overview_shows_the_open_warnings_and_the_recent_hot_spots(
    client, staff, warning, departments
) -> None:
    Place.objects.create(
        department=departments["district"], boundary=[[[120, 30], [120.2, 30], [120.2, 30.2], [120, 30.2]]]
    )
    kept_hotspots("recent", at(5, 21, 12), NOW, departments["street"])
    page = get(client, staff["leader"], "/overview/").content.decode()
    assert "城乡建设 · 东城区：1 日内 9 件诉求" in page
    assert (
        '<td>东城区幸福小区</td><td>幸福小区垃圾站臭味严重</td><td>居民 4 人</td><td class="n">5</td>' in page
    )
    # On the map: the middle of the street's district (the street has no boundary of its own).
    data = page.split('id="overview-data"')[1] if 'id="overview-data"' in page else ""
    if data:  # ECharts installed
        assert '"value": [120.1, 30.1, 9.02]' in data


def test_the_overview_says_when_nothing_was_found_yet(client, staff) -> None:
    page = get(client, staff["leader"], "/overview/").content.decode()
    assert "当前没有待研判的预警" in page and "后台任务尚未计算热点" in page


def test_the_report_shows_the_hot_spots_kept_for_its_period(client, staff, departments) -> None:
    june = period_of("monthly", date(2025, 6, 18))
    kept_hotspots("monthly", june.start, june.end, departments["street"])
    page = get(client, staff["leader"], "/reports/", kind="monthly", date="2025-06-18").content.decode()
    assert '<table id="report-hotspots">' in page
    assert "<td>东城区幸福小区</td><td>幸福小区垃圾站臭味严重</td><td>居民</td>" in page
    weekly = get(client, staff["leader"], "/reports/", kind="weekly", date="2025-06-18").content.decode()
    assert "本期暂无热点" in weekly
    client.force_login(staff["leader"])
    with clock.frozen_at(NOW):
        sheet = client.get("/reports/download", {"kind": "monthly", "date": "2025-06-18", "format": "xlsx"})
    book = load_workbook(io.BytesIO(sheet.content))
    rows = list(book["热点"].values)
    assert rows[0][:4] == ("排名", "热度", "地点", "问题描述")
    assert rows[1][:7] == (1, 9.0, "东城区幸福小区", "幸福小区垃圾站臭味严重", "居民", 4, 5)


def test_the_admin_edits_thresholds_and_only_shows_warnings(client, warning, staff) -> None:
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    decided = post(
        client, staff["supervisor"], f"/supervision/warnings/{warning.pk}/decide/", {"status": "confirmed"}
    )
    assert decided.status_code == 302
    client.force_login(type(staff["admin"]).objects.get(username="root"))
    page = client.get(f"/admin/analytics/earlywarning/{warning.pk}/change/").content.decode()
    assert "城乡建设 · 东城区" in page and "sup" in page and 'name="_save"' not in page
    threshold = WarningThreshold.objects.get()
    assert client.get(f"/admin/analytics/warningthreshold/{threshold.pk}/change/").status_code == 200
    assert (
        client.post(f"/admin/analytics/earlywarning/{warning.pk}/delete/", {"post": "yes"}).status_code == 403
    )


def test_a_burst_of_one_hot_spot_shows_its_appeals_and_the_hot_spots_own_baseline(
    client, staff, departments
) -> None:
    district = departments["district"]
    EarlyWarningFactory(
        kind=WarningKind.HOTSPOT,
        subject="hotspot:1",
        cell=f"0:{district.pk}",
        area=district,
        title="东城区幸福小区：幸福小区垃圾站臭味严重（24 小时内 3 件，2 人）",
        started_on=date(2025, 6, 2),
        raised_at=at(6, 20, 11),
        observed=3,
        expected=0.04,
        evidence={
            "rule": "day",
            "place": "东城区幸福小区",
            "description": "幸福小区垃圾站臭味严重",
            "n_appeals": 4,
            "recent": 3,
            "people": 3,
            "appeals": [1, 2, 3, 4],
            "external_ids": ["W-1", "W-2", "W-3", "W-4"],
            "burst": {
                "hours": 24,
                "appeals": 3,
                "people": 2,
                "before": 1,
                "before_days": 28,
                "list": [
                    {"appeal": 2, "external_id": "W-2", "at": "2025-06-20T09:00+08:00"},
                    {"appeal": 3, "external_id": "W-3", "at": "2025-06-20T10:30+08:00"},
                    {"appeal": 4, "external_id": "", "at": "2025-06-20T11:00+08:00"},
                ],
            },
        },
    )
    page = get(client, staff["supervisor"], "/supervision/warnings/").content.decode()
    assert "依据：24 小时内同一地点同一问题 3 件（2 人），此前 28 日 1 件" in page
    assert '2025-06-20 10:30 <span class="muted">W-3</span>' in page  # no such appeal: its channel's id
    assert "依据：近 7 日" not in page


def test_a_warning_found_by_two_rules_shows_both_and_a_dismissal_moves_both_cells(
    client, staff, warning, departments
) -> None:
    # The spike's warning, joined by a hot spot's burst about the same appeals, in the city's cell.
    building = warning.category
    city_cell = f"{building.pk}:0"
    warning.evidence = {
        **warning.evidence,
        "unit": "people",
        "raised_by": [1, 2, 3],
        "joined": [
            {
                "kind": "hotspot",
                "subject": "hotspot:1",
                "cell": city_cell,
                "title": "幸福小区：垃圾站臭味严重（24 小时内 3 件，3 人）",
                "observed": 3,
                "expected": 0.04,
                "factor": 1.0,
                "started_on": "2025-06-20",
                "joined_at": at(6, 20, 11, 30).isoformat(),
                "last_seen_at": at(6, 20, 11, 30).isoformat(),
                "evidence": {
                    "rule": "day",
                    "place": "幸福小区",
                    "description": "垃圾站臭味严重",
                    "appeals": [1, 2, 3],
                    "raised_by": [1, 2, 3],
                    "burst": {
                        "hours": 24,
                        "appeals": 3,
                        "people": 3,
                        "before": 0,
                        "before_days": 28,
                        "list": [],
                    },
                },
            }
        ],
    }
    warning.save()
    page = get(client, staff["supervisor"], "/supervision/warnings/").content.decode()
    assert page.count(f'id="warning-{warning.pk}"') == 1
    assert "同一批诉求又触发：幸福小区：垃圾站臭味严重（24 小时内 3 件，3 人）" in page
    assert "依据：实际 9 人（3 件诉求），基线 1.5 人" in page
    assert "依据：24 小时内同一地点同一问题 3 件（3 人），此前 28 日 0 件" in page
    overview = get(client, staff["leader"], "/overview/").content.decode()
    assert (
        '<span class="kind">诉求突增</span> <span class="kind">热点快速增长</span> 城乡建设 · 东城区'
        in overview
    )
    post(
        client,
        staff["supervisor"],
        f"/supervision/warnings/{warning.pk}/decide/",
        {"status": "dismissed", "note": "同一垃圾站"},
    )
    factors = dict(WarningThreshold.objects.values_list("cell", "factor"))
    assert factors == {warning.cell: 1.5, city_cell: 1.5}
    page = get(client, staff["supervisor"], "/supervision/warnings/", view="decided").content.decode()
    assert "阈值倍数 1.00 → 1.50" in page and "城乡建设 · 全市 阈值倍数 1.00 → 1.50" in page


def test_a_warnings_title_reads_in_the_readers_language(client, staff, warning) -> None:
    """Stored in the city's words, a warning's title was read in Chinese by an English-reading
    leader or supervisor (the overview, the warnings page, the notice): its figures' sentence is
    said in the reader's language, the category's and the area's names as they are."""
    english = "城乡建设 · 东城区: 9 appeals in 1 days, baseline 1.5"
    client.force_login(staff["leader"])
    with clock.frozen_at(NOW):
        overview = client.get("/overview/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        page = client.get("/supervision/warnings/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        chinese = client.get("/supervision/warnings/").content.decode()
    assert english in overview and "日内" not in overview
    assert english in page and "日内" not in page
    assert "城乡建设 · 东城区：1 日内 9 件诉求，基线 1.5 件" in chinese
