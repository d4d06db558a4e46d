"""Search and a large export in Chromium: an operator finds tickets, exports them, watches the
progress bar move while the worker writes the sheet, and downloads it without reloading the page."""

from io import StringIO

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from hotline.core.enums import ExportStatus
from hotline.web import exports
from hotline.web.models import Export
from tests.e2e.conftest import sign_in
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "s3cret-pass"


def test_an_operator_exports_a_large_search_and_follows_its_progress(
    database_tasks, page, live_server, staff, settings, tmp_path, monkeypatch, screenshot
) -> None:
    settings.HOTLINE_HOME = tmp_path
    monkeypatch.setattr(exports, "DIRECT_ROWS", 2)  # more than two: the worker builds it
    monkeypatch.setattr(exports, "CHUNK", 2)
    operator = staff["operator"]
    operator.set_password(PASSWORD)
    operator.save()
    made = [make_ticket(actor=operator, title=f"路灯不亮{i}", phone=f"1380000000{i}") for i in range(5)]

    sign_in(page, live_server, operator.username, PASSWORD, "/tickets/")
    page.fill("#id_q", "路灯")
    page.keyboard.press("Enter")
    page.locator("#results tbody tr").first.wait_for()
    assert page.locator("#results tbody tr").count() == 5
    screenshot("search")

    page.click("#export")
    page.wait_for_url(f"{live_server.url}/tickets/exports/**")
    assert page.locator("#export-status").inner_text() == "排队中"
    assert page.locator("#export-bar").get_attribute("value") == "0"
    assert page.locator("#export-download").count() == 0
    screenshot("export-queued")

    call_command("worker", "--once", "--no-sweep", stdout=StringIO())  # the worker takes the task
    assert Export.objects.get().status == ExportStatus.DONE
    # The page asks again every second: the bar fills and the link appears without a reload.
    page.locator("#export-download").wait_for()
    assert page.locator("#export-status").inner_text() == "已完成"
    assert page.locator("#export-bar").get_attribute("value") == "100"
    assert "5 / 5" in page.locator("#export-count").inner_text()
    screenshot("export-done")

    with page.expect_download() as download:
        page.click("#export-download")
    path = tmp_path / "download.xlsx"
    download.value.save_as(path)
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [t.number for t in reversed(made)]
    assert not any(f"1380000000{i}" in str(v) for i in range(5) for row in rows for v in row)
