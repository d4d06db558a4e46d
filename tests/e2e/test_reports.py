"""The reports in Chromium: a leader opens 报告 from the navigation (last month's, the last whole
one), switches to this week's report with the keyboard, reads it as a week still running and
downloads the sheet."""

import pytest
from openpyxl import load_workbook

from hotline.core import clock
from hotline.tickets.actions import do_dispatch_ticket
from tests.e2e.conftest import sign_in
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "s3cret-pass"


def test_a_leader_reads_the_weekly_report_and_downloads_it(
    page, live_server, staff, departments, tmp_path, screenshot
) -> None:
    leader = staff["leader"]
    leader.set_password(PASSWORD)
    leader.save()
    for title in ("路灯不亮", "路灯又坏了"):
        do_dispatch_ticket(
            make_ticket(actor=staff["operator"], title=title),
            staff["dispatcher"],
            lead_department_id=departments["housing"].pk,
        )

    sign_in(page, live_server, leader.username, PASSWORD, "/")
    page.click("nav.site a[href='/reports/']")
    page.wait_for_url(f"{live_server.url}/reports/")
    assert "月报" in page.locator("#report-title").inner_text()
    page.select_option("select[name=kind]", "weekly")
    # The tickets are this week's: the week holding today, which is not over yet.
    page.fill("input[name=date]", f"{clock.localtime():%Y-%m-%d}")
    page.locator("#report-form button").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**kind=weekly**")
    assert "周报" in page.locator("#report-title").inner_text()
    assert "截至" in page.locator("#report-title").inner_text()
    assert "受理量 2 件，上期同期 0 件" in page.locator("#report-volume").inner_text()
    assert page.locator("#report-running").is_visible()
    assert page.locator("#report-departments tbody tr").first.inner_text().split("\t")[1] == "住建局"
    screenshot("report-weekly")

    with page.expect_download() as download:
        page.click("#download-xlsx")
    path = tmp_path / "weekly.xlsx"
    download.value.save_as(path)
    assert load_workbook(path).sheetnames[0] == "概况"
