"""The reports made on schedule and kept as files (web.kept_reports), on the hand-built June of
tests/analytics: when each kind is due, what is made for the city, the districts and the
departments, that each is made once, the leaders told once, the page that lists them and the files."""

import io
from datetime import date, datetime
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from hotline.analytics import scopes
from hotline.analytics.models import FigureSettings, Hotspot, HotspotSet
from hotline.analytics.periods import Period
from hotline.core import clock
from hotline.core.enums import NotificationReason, ReportScope
from hotline.notifications.selectors import inbox
from hotline.web import kept_reports
from hotline.web.kept_reports import due, make_due
from hotline.web.models import KeptReport, KeptReportRemake, ReportsState
from tests.analytics.conftest import june  # noqa: F401  (the hand-built June)
from tests.factories import make_ticket

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Tuesday 1 July 2025, 08:00 in the city: June, its last week, its last day and Q2 are over.
JULY_1 = datetime(2025, 7, 1, 8, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _home(db, settings, tmp_path):
    settings.HOTLINE_HOME = tmp_path
    settings.HOTLINE_REPORTS_HOUR = 7
    FigureSettings.objects.update_or_create(pk=1, defaults={"min_received": 1})


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)  # type: ignore[misc]


def test_what_is_due_when() -> None:
    def spans(now: datetime) -> dict[str, tuple[date, date]]:
        return {kind: (p.first_day, p.last_day) for kind, p in due(now)}

    # Monday 16 June before seven: the day and the week have just begun, so only last month and
    # last quarter are due.
    assert spans(local(2025, 6, 16, 6, 59)) == {
        "monthly": (date(2025, 5, 1), date(2025, 5, 31)),
        "quarterly": (date(2025, 1, 1), date(2025, 3, 31)),
    }
    # From seven: yesterday and last week too.
    assert spans(local(2025, 6, 16, 7)) == {
        "daily": (date(2025, 6, 15), date(2025, 6, 15)),
        "weekly": (date(2025, 6, 9), date(2025, 6, 15)),
        "monthly": (date(2025, 5, 1), date(2025, 5, 31)),
        "quarterly": (date(2025, 1, 1), date(2025, 3, 31)),
    }
    # Tuesday 1 July at eight: June's day, week, month and quarter.
    assert spans(JULY_1) == {
        "daily": (date(2025, 6, 30), date(2025, 6, 30)),
        "weekly": (date(2025, 6, 23), date(2025, 6, 29)),
        "monthly": (date(2025, 6, 1), date(2025, 6, 30)),
        "quarterly": (date(2025, 4, 1), date(2025, 6, 30)),
    }


def test_the_scopes_of_each_kind(departments, june) -> None:  # noqa: F811
    assert scopes.scopes_for("daily") == [scopes.CITY]
    assert [(s.type, s.name) for s in scopes.scopes_for("weekly")] == [
        ("city", ""),
        ("district", "东城区"),
        ("district", "西城区"),
        ("department", "住建局"),
        ("department", "水务局"),
    ]


def test_the_reports_due_are_made_once_per_scope_and_the_leaders_told(
    staff,
    departments,
    june,  # noqa: F811
    tmp_path,
) -> None:
    with clock.frozen_at(JULY_1):
        result = make_due()
    # The daily list for the city; the others for the city, two districts and two departments.
    assert {key: value["made"] for key, value in result.items() if key != "seconds"} == {
        "daily 2025-06-30": 1,
        "weekly 2025-06-23": 5,
        "monthly 2025-06-01": 5,
        "quarterly 2025-04-01": 5,
    }
    assert KeptReport.objects.count() == 16
    monthly = KeptReport.objects.get(kind="monthly", scope=ReportScope.CITY)
    assert (monthly.first_day, monthly.last_day, monthly.scope_name) == (
        date(2025, 6, 1),
        date(2025, 6, 30),
        "全市",
    )
    assert monthly.generated_at == JULY_1
    assert set(monthly.files) == {"xlsx", "pdf", "html"}
    for fmt, kept in monthly.files.items():
        path = tmp_path / "reports" / kept["path"]
        assert path == tmp_path / "reports" / "monthly" / "20250601" / f"city.{fmt}"
        assert path.stat().st_size == kept["bytes"] > 0
    assert (tmp_path / "reports" / "monthly" / "20250601" / "city.pdf").read_bytes().startswith(b"%PDF")
    assert not list((tmp_path / "reports").rglob("*.part"))

    # 东城区 with 和平街道 under it: t1, t2 (the street) and t3 (the district itself); t6 merged and
    # t7 invalid are not counted.
    east = KeptReport.objects.get(
        kind="monthly", scope=ReportScope.DISTRICT, scope_key=departments["district"].pk
    )
    book = load_workbook(tmp_path / "reports" / east.files["xlsx"]["path"])
    summary = [[c.value for c in row] for row in book["概况"].iter_rows()]
    assert summary[0] == ["示范市东城区 12345 热线月报（2025-06-01 — 2025-06-30）", None, None, None]
    assert summary[1] == ["受理量", 3, "上期", 0]
    # The districts ranked by the sums of their areas: 东城区 (50 + 66.7 + 100 + 100) / 4 first.
    assert summary[3][0] == "综合得分 79.2，在 2 个参与排名的单位中排第 1 名（上期：—）。"
    ranked = [[c.value for c in row][:3] for row in book["单位排名"].iter_rows()]
    assert ranked == [["名次", "区县", "受理量"], [1, "东城区", 3], [2, "西城区", 2]]
    assert [[c.value for c in row] for row in book["分类"].iter_rows()][1:] == [["城乡建设", 3, 0, 3]]
    assert [[c.value for c in row][:2] for row in book["属地"].iter_rows()][1:] == [
        ["和平街道", 2],
        ["东城区", 1],
    ]
    items = [[c.value for c in row] for row in book["重点事项"].iter_rows()][1:]
    assert items == [["市政设施", "和平街道", 2, 2, 0, 1], ["城乡建设", "东城区", 1, 1, 0, 0]]

    # 住建局 led t1, t2, t3 and t11; its page (the HTML file) says where it stands.
    housing = KeptReport.objects.get(
        kind="monthly", scope=ReportScope.DEPARTMENT, scope_key=departments["housing"].pk
    )
    html = (tmp_path / "reports" / housing.files["html"]["path"]).read_text()
    assert "示范市住建局 12345 热线月报（2025-06-01 — 2025-06-30）" in html
    assert "受理量 4 件，上期 0 件" in html and 'id="report-standing"' in html
    # 水务局 only co-handled: its report is there, with nothing to count.
    water = KeptReport.objects.get(
        kind="monthly", scope=ReportScope.DEPARTMENT, scope_key=departments["water"].pk
    )
    assert "受理量 0 件" in (tmp_path / "reports" / water.files["html"]["path"]).read_text()

    # One notification per kind and period, to the leaders.
    told = inbox(staff["leader"]).filter(reason=NotificationReason.REPORT)
    assert told.count() == 4
    assert told.filter(message__startswith="全市月报（2025-06-01 — 2025-06-30）已生成（共 5 份").exists()
    assert not inbox(staff["housing"]).filter(reason=NotificationReason.REPORT).exists()

    # Made once: a later run makes nothing, tells nobody again, and leaves the files as they were.
    before = {row.pk: (row.generated_at, row.files) for row in KeptReport.objects.all()}
    with clock.frozen_at(local(2025, 7, 1, 9)):
        again = make_due()
    assert set(again) == {"seconds"}
    assert {row.pk: (row.generated_at, row.files) for row in KeptReport.objects.all()} == before
    assert told.count() == 4
    assert ReportsState.objects.get().running_since is None


def test_a_failed_scope_is_made_on_the_next_run(staff, departments, june, monkeypatch) -> None:  # noqa: F811
    real = scopes.build

    def failing(kind, day, scope, shared=None):
        if scope.name == "西城区":
            raise RuntimeError("disk full")
        return real(kind, day, scope, shared)

    monkeypatch.setattr(scopes, "build", failing)
    with clock.frozen_at(JULY_1):
        done = kept_reports.make_period("weekly", Period.days(date(2025, 6, 23), date(2025, 6, 29)))
    assert done == {"made": 4, "failed": 1}
    assert not inbox(staff["leader"]).filter(reason=NotificationReason.REPORT).exists()

    monkeypatch.setattr(scopes, "build", real)
    with clock.frozen_at(JULY_1):
        done = kept_reports.make_period("weekly", Period.days(date(2025, 6, 23), date(2025, 6, 29)))
    assert done == {"made": 1, "failed": 0}
    assert KeptReport.objects.filter(kind="weekly").count() == 5
    assert inbox(staff["leader"]).filter(reason=NotificationReason.REPORT).count() == 1


def test_a_run_under_way_is_not_joined(june) -> None:  # noqa: F811
    ReportsState.objects.create(pk=1, running_since=local(2025, 7, 1, 7, 30))
    with clock.frozen_at(JULY_1):
        assert make_due() == {"skipped": "running"}
    assert not KeptReport.objects.exists()
    # A lease older than two hours belonged to a run that died: taken over.
    with clock.frozen_at(local(2025, 7, 1, 9, 31)):
        assert make_due()["monthly 2025-06-01"] == {"made": 5, "failed": 0}


def test_the_worker_makes_them(june, settings, django_capture_on_commit_callbacks) -> None:  # noqa: F811
    settings.HOTLINE_REPORTS_INTERVAL = 600
    out = StringIO()
    with clock.frozen_at(JULY_1), django_capture_on_commit_callbacks(execute=True):
        call_command("worker", "--once", "--no-sweep", stdout=out)
    assert "reports enqueued" in out.getvalue()
    assert KeptReport.objects.count() == 16
    with clock.frozen_at(local(2025, 7, 1, 8, 5)), django_capture_on_commit_callbacks(execute=True):
        call_command("worker", "--once", "--no-sweep", stdout=(out := StringIO()))
    assert "reports enqueued" not in out.getvalue()


@pytest.fixture
def kept(june, tmp_path) -> Path:  # noqa: F811
    with clock.frozen_at(JULY_1):
        make_due()
    return tmp_path / "reports"


def get(client, user, path: str, **params):
    client.force_login(user)
    with clock.frozen_at(JULY_1):
        return client.get(path, params)


def test_the_page_lists_them_and_serves_the_files(client, staff, departments, kept) -> None:
    response = get(client, staff["leader"], "/reports/kept/")
    assert response.status_code == 200
    assert response.context["total"] == 16
    html = response.content.decode()
    assert "已生成报告" in html and 'href="/reports/kept/' in html

    monthly = get(client, staff["leader"], "/reports/kept/", kind="monthly")
    assert [row.scope_name for row, _title, _scope, _files in monthly.context["entries"]] == [
        "全市",
        "东城区",
        "西城区",
        "住建局",
        "水务局",
    ]
    east = f"district-{departments['district'].pk}"
    assert (east, "东城区") in monthly.context["scopes"]
    only = get(client, staff["supervisor"], "/reports/kept/", scope=east)
    assert {(row.kind, row.scope_name) for row, _t, _s, _f in only.context["entries"]} == {
        ("weekly", "东城区"),
        ("monthly", "东城区"),
        ("quarterly", "东城区"),
    }
    # Unknown filters show everything rather than fail.
    assert (
        get(client, staff["leader"], "/reports/kept/", kind="yearly", scope="district-x").context["total"]
        == 16
    )

    row = KeptReport.objects.get(
        kind="monthly", scope=ReportScope.DISTRICT, scope_key=departments["district"].pk
    )
    sheet = get(client, staff["leader"], f"/reports/kept/{row.pk}/xlsx")
    assert sheet.status_code == 200
    assert sheet["Content-Disposition"] == f'attachment; filename="report-monthly-20250601-{east}.xlsx"'
    book = load_workbook(io.BytesIO(b"".join(sheet.streaming_content)))
    assert book["概况"]["B2"].value == 3
    page = get(client, staff["admin"], f"/reports/kept/{row.pk}/html")
    assert page["Content-Type"] == "text/html; charset=utf-8"
    assert page["Content-Disposition"].startswith("inline")
    assert "示范市东城区 12345 热线月报" in b"".join(page.streaming_content).decode()
    pdf = get(client, staff["leader"], f"/reports/kept/{row.pk}/pdf")
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")

    assert get(client, staff["leader"], f"/reports/kept/{row.pk}/docx").status_code == 404
    missing = get(client, staff["leader"], "/reports/kept/999999/pdf")
    assert missing.status_code == 404 and "没有这份报告" in missing.content.decode()  # the site's page
    (kept / row.files["pdf"]["path"]).unlink()
    assert get(client, staff["leader"], f"/reports/kept/{row.pk}/pdf").status_code == 404


def test_the_city_is_named_in_the_readers_language(client, staff, kept) -> None:
    client.force_login(staff["leader"])
    client.cookies["django_language"] = "en"
    with clock.frozen_at(JULY_1):
        response = client.get("/reports/kept/")
    assert ("city", "Whole city") in response.context["scopes"]
    html = response.content.decode()
    assert '<option value="city">Whole city</option>' in html and ">全市<" not in html


def test_a_unit_head_sees_their_own_units_reports_only(client, staff, departments, kept) -> None:
    east = departments["district"]
    response = get(client, staff["district_head"], "/reports/kept/")
    assert response.status_code == 200
    rows = [row for row, _t, _s, _f in response.context["entries"]]
    assert {(row.scope, row.scope_key) for row in rows} == {(ReportScope.DISTRICT, east.pk)}
    assert {row.kind for row in rows} == {"weekly", "monthly", "quarterly"}
    assert response.context["scopes"] == [(f"district-{east.pk}", "东城区")]
    mine = rows[0]
    own = get(client, staff["district_head"], f"/reports/kept/{mine.pk}/xlsx")
    assert own.status_code == 200 and b"".join(own.streaming_content).startswith(b"PK")
    # The city's and another unit's are not there for them: the same page as a report that never was.
    for other in KeptReport.objects.exclude(scope=ReportScope.DISTRICT, scope_key=east.pk)[:3]:
        refused = get(client, staff["district_head"], f"/reports/kept/{other.pk}/xlsx")
        assert refused.status_code == 404 and "没有这份报告" in refused.content.decode()
    # Asking for another scope by the filter shows their own, nothing else.
    other = get(client, staff["district_head"], "/reports/kept/", scope="city")
    assert {(r.scope, r.scope_key) for r, _t, _s, _f in other.context["entries"]} == {
        (ReportScope.DISTRICT, east.pk)
    }


@pytest.mark.parametrize("role", ["operator", "dispatcher", "housing"])
def test_other_roles_are_refused(client, staff, kept, role) -> None:
    row = KeptReport.objects.first()
    assert get(client, staff[role], "/reports/kept/").status_code == 403
    assert get(client, staff[role], f"/reports/kept/{row.pk}/xlsx").status_code == 403


def test_a_districts_report_has_the_hot_spots_placed_in_it(staff, departments, june, tmp_path) -> None:  # noqa: F811
    week = Period.days(date(2025, 6, 23), date(2025, 6, 29))
    found = HotspotSet.objects.create(
        scope="weekly", since=week.start, until=week.end, made_at=local(2025, 6, 30, 0, 10), model="ngram"
    )
    for rank, (place, area) in enumerate((("幸福路12号", departments["street"]), ("西城公园", june.west)), 1):
        Hotspot.objects.create(
            set=found,
            rank=rank,
            heat=10.0 / rank,
            first_time=local(2025, 6, 23, 9),
            last_time=local(2025, 6, 27, 9),
            place=place,
            people=3,
            description=f"{place}路灯不亮",
            n_appeals=3,
            area=area,
        )
    with clock.frozen_at(JULY_1):
        kept_reports.make_period("weekly", week)

    def html(scope: str, key: int) -> str:
        row = KeptReport.objects.get(kind="weekly", scope=scope, scope_key=key)
        return (tmp_path / "reports" / row.files["html"]["path"]).read_text()

    east = html(ReportScope.DISTRICT, departments["district"].pk)
    assert "幸福路12号路灯不亮" in east and "西城公园路灯不亮" not in east
    west = html(ReportScope.DISTRICT, june.west.pk)
    assert "西城公园路灯不亮" in west and "幸福路12号路灯不亮" not in west
    city = html(ReportScope.CITY, 0)
    assert "幸福路12号路灯不亮" in city and "西城公园路灯不亮" in city
    assert "路灯不亮</td>" not in html(ReportScope.DEPARTMENT, departments["housing"].pk)


def test_the_command_writes_a_districts_or_departments_report(june, tmp_path) -> None:  # noqa: F811
    out = StringIO()
    with clock.frozen_at(JULY_1):
        call_command(
            "report", "monthly", "--date", "2025-06-18", "--format", "html", "--scope", "D01", stdout=out
        )
        call_command(
            "report",
            "monthly",
            "--date",
            "2025-06-18",
            "--scope",
            "B01",
            "--output",
            str(tmp_path / "b.xlsx"),
        )
    path = Path(out.getvalue().strip())
    try:
        assert path.name == "report-monthly-20250601-D01.html"
        html = path.read_text()
    finally:
        path.unlink()
    assert "示范市东城区 12345 热线月报（2025-06-01 — 2025-06-30）" in html and "受理量 3 件" in html
    assert load_workbook(tmp_path / "b.xlsx")["概况"]["A1"].value.startswith("示范市住建局 12345 热线月报")
    for code, message in (("X99", "没有编码为 X99 的单位"), ("D0101", "和平街道 是街道或社区")):
        with pytest.raises(CommandError, match=message):
            call_command("report", "monthly", "--scope", code)


def test_a_kept_report_is_remade_by_hand_logged_and_keeps_its_old_files(client, staff, kept) -> None:
    """The audit's November report kept from figures later found incomplete: a kept report never
    changes silently; a supervisor makes it again from the figures as they are now, with a reason,
    and the old files stay beside the new ones."""
    row = KeptReport.objects.get(kind="monthly", scope=ReportScope.CITY)
    before_files, before_at = row.files, row.generated_at
    # A ticket of June found after the report was kept (as if June's figures had been incomplete).
    with clock.frozen_at(local(2025, 6, 18, 9)):
        make_ticket(actor=staff["operator"])
    assert get(client, staff["leader"], "/reports/kept/").context["can_remake"] is False
    client.force_login(staff["leader"])
    with clock.frozen_at(JULY_1):
        refused = client.post(f"/reports/kept/{row.pk}/remake", {"reason": "数据不完整"})
    assert refused.status_code == 403
    client.force_login(staff["supervisor"])
    with clock.frozen_at(JULY_1):
        empty = client.post(f"/reports/kept/{row.pk}/remake", {"reason": " "})
        assert empty.status_code == 422 and "请填写重新生成的原因" in empty.content.decode()
        done = client.post(f"/reports/kept/{row.pk}/remake", {"reason": "生成时数据不完整"})
    assert done.status_code == 302 and done["Location"] == f"/reports/kept/#kept-{row.pk}"
    row.refresh_from_db()
    [remade] = KeptReportRemake.objects.filter(report=row)
    assert (remade.by, remade.reason, remade.files_before, remade.generated_before) == (
        staff["supervisor"],
        "生成时数据不完整",
        before_files,
        before_at,
    )
    assert row.files["xlsx"]["path"] != before_files["xlsx"]["path"]
    for fmt in ("xlsx", "pdf", "html"):
        assert (kept / before_files[fmt]["path"]).is_file() and (kept / row.files[fmt]["path"]).is_file()
    sheet = get(client, staff["leader"], f"/reports/kept/{row.pk}/xlsx")
    book = load_workbook(io.BytesIO(b"".join(sheet.streaming_content)))
    assert book["概况"]["B2"].value == 9  # June's 8 and the one found later
    html = get(client, staff["leader"], "/reports/kept/").content.decode()
    assert "重新生成（原版本生成于 2025-07-01 08:00）：生成时数据不完整" in html
