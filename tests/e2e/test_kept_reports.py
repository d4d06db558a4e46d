"""The kept reports in Chromium: after the worker has made the month's reports, a leader goes from
报告 to 已生成报告 with the keyboard, narrows the list to one district, reads its report in the browser
and downloads its sheet."""

import pytest
from openpyxl import load_workbook

from hotline.analytics import reports
from hotline.core import clock
from hotline.core.enums import Channel
from hotline.intake.actions import AppealData, do_receive_appeal
from hotline.tickets.actions import do_dispatch_ticket
from hotline.web.kept_reports import make_period
from hotline.web.models import KeptReport
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "s3cret-pass"


def test_a_leader_finds_a_districts_report_and_downloads_it(
    page, live_server, staff, departments, settings, tmp_path, screenshot
) -> None:
    settings.HOTLINE_HOME = tmp_path / "home"
    leader = staff["leader"]
    leader.set_password(PASSWORD)
    leader.save()
    for title in ("路灯不亮", "路灯又坏了"):
        ticket, _created = do_receive_appeal(
            AppealData(
                channel=Channel.PHONE,
                title=title,
                content="幸福路12号路灯不亮。",
                citizen_phone="13812341234",
                area_id=departments["street"].pk,
            ),
            staff["operator"],
        )
        do_dispatch_ticket(ticket, staff["dispatcher"], lead_department_id=departments["housing"].pk)
    month = reports.period_of("monthly", clock.localtime().date())
    assert make_period("monthly", month) == {"made": 4, "failed": 0}  # the city, 东城区, 住建局, 水务局

    sign_in(page, live_server, leader.username, PASSWORD, "/")
    page.click("nav.site a[href='/reports/']")
    page.wait_for_url(f"{live_server.url}/reports/")
    page.locator("#kept-link").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/reports/kept/")
    assert page.locator("#kept tbody tr").count() == 4
    screenshot("kept-reports")

    # Only 东城区's, with the keyboard: the select, then Enter on the button.
    district = KeptReport.objects.get(scope="district")
    page.select_option("select[name=scope]", f"district-{departments['district'].pk}")
    page.locator("#kept-form button").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**scope=district-**")
    rows = page.locator("#kept tbody tr")
    assert rows.count() == 1
    assert rows.first.locator("td").nth(1).inner_text() == "东城区"

    # Its report in the browser (the HTML file), then back and its sheet.
    rows.first.locator("a.file-html").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/reports/kept/{district.pk}/html")
    assert "东城区 12345 热线月报" in page.locator("#report-title").inner_text()
    assert "受理量 2 件" in page.locator("#report-volume").inner_text()
    page.go_back()
    with page.expect_download() as download:
        page.locator("#kept tbody tr").first.locator("a.file-xlsx").click()
    assert download.value.suggested_filename.endswith(f"-district-{departments['district'].pk}.xlsx")
    path = tmp_path / "east.xlsx"
    download.value.save_as(path)
    assert load_workbook(path)["概况"]["B2"].value == 2
