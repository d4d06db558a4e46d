"""A report of a period the leader chooses (自选期间报告): the same parts as the scheduled reports,
for the days from `first` to `last`, against as many days just before; on the page, with its
figures leading to their tickets, and as a file. A range that cannot be read, is reversed, ends
after today or is longer than a year is refused with what is wrong, never another period's report.
On the hand-built June of tests/analytics (t1 06-10, t2 06-11, t3 06-12, t4 06-13, t5 06-14, t11
06-15; t6 merged and t7 invalid do not count)."""

import io
import re
from html import unescape

import pytest
from openpyxl import load_workbook

from hotline.core import clock
from tests.analytics.conftest import at, june  # noqa: F401  (the hand-built June)

NOW = at(6, 20, 12)
TITLE = "示范市 12345 热线自选期间报告（2025-06-10 — 2025-06-15）"


def get(client, user, path: str, **params):
    client.force_login(user)
    with clock.frozen_at(NOW):
        return client.get(path, params)


def test_a_leader_has_the_report_of_the_days_they_choose(client, staff, june) -> None:  # noqa: F811
    response = get(client, staff["leader"], "/reports/", kind="custom", first="2025-06-10", last="2025-06-15")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<h1 id="report-title">{TITLE}</h1>' in html
    report = response.context["report"]
    # Six days against the six before them (nothing was received from 06-04 to 06-09).
    assert (report.city.received, report.city_before.received) == (6, 0)
    assert "2025-06-04 至 2025-06-09" in html[html.index('id="report-compared"') :].split("</p>")[0]
    assert report.until is None and 'id="report-running"' not in html
    assert 'id="report-no-hotspots"' in html and 'id="report-hotspots"' not in html
    # The form keeps the days asked for; the files are of the same days.
    form = html[html.index('id="custom-form"') : html.index("</form>", html.index('id="custom-form"'))]
    assert 'name="first" value="2025-06-10"' in form and 'name="last" value="2025-06-15"' in form
    for fmt in ("xlsx", "pdf", "html"):
        assert (
            f'href="/reports/download?kind=custom&amp;first=2025-06-10&amp;last=2025-06-15&amp;format={fmt}"'
            in html
        )
    # The volume and every rate lead to the tickets they count, over the same days.
    href = unescape(re.search(r'<a href="([^"]+)" id="report-volume-tickets"', html).group(1))
    assert "first=2025-06-10" in href and "last=2025-06-15" in href
    listed = get(client, staff["leader"], href)
    assert listed.status_code == 200 and listed.context["total"] == 6
    assert {t.number for t, _c in listed.context["entries"]} == {
        june.tickets[name].number for name in ("t1", "t2", "t3", "t4", "t5", "t11")
    }
    assert "2025-06-10 至 2025-06-15" in listed.content.decode()
    rates = re.findall(r'href="(/rankings/tickets/\?rate=(\w+)&amp;[^"]+)"[^>]*>(\d+)/(\d+)</a>', html)
    assert rates
    for link, _rate, _numerator, denominator in rates:
        listed = get(client, staff["leader"], unescape(link))
        assert listed.context["total"] == int(denominator), link


def test_the_report_of_chosen_days_as_files(client, staff, june) -> None:  # noqa: F811
    params = {"kind": "custom", "first": "2025-06-10", "last": "2025-06-15"}
    xlsx = get(client, staff["leader"], "/reports/download", format="xlsx", **params)
    assert xlsx.status_code == 200
    assert xlsx["Content-Disposition"] == 'attachment; filename="report-custom-20250610-20250615.xlsx"'
    summary = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    cells = [[c for c in row if c is not None] for row in summary.iter_rows(values_only=True)]
    assert cells[0] == [TITLE] and cells[1][:2] == ["受理量", 6]
    assert any("2025-06-04 至 2025-06-09" in str(row[0]) for row in cells[2:] if row)
    # No hot spots are kept for chosen days: the sheet says so.
    spots = [row[0] for row in load_workbook(io.BytesIO(xlsx.content))["热点"].iter_rows(values_only=True)]
    assert spots[0] == "排名" and spots[-1].startswith("自选期间不计算热点")
    pdf = get(client, staff["leader"], "/reports/download", format="pdf", **params)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    page = get(client, staff["leader"], "/reports/download", format="html", **params).content.decode()
    assert TITLE in page


def test_days_up_to_today_are_counted_up_to_now(client, staff, june) -> None:  # noqa: F811
    response = get(client, staff["leader"], "/reports/", kind="custom", first="2025-06-15", last="2025-06-20")
    assert response.status_code == 200
    html = response.content.decode()
    assert "示范市 12345 热线自选期间报告（2025-06-15 — 2025-06-20，截至 2025-06-20 12:00）" in html
    assert 'id="report-running"' in html
    report = response.context["report"]
    # The days before are cut to the same length: 06-09 00:00 to 06-14 12:00.
    assert clock.localtime(report.previous.start) == at(6, 9, 0, 0)
    assert clock.localtime(report.previous.end).replace(microsecond=0) == at(6, 14, 12, 0)
    download = get(
        client, staff["leader"], "/reports/download", kind="custom", first="2025-06-15", last="2025-06-20"
    )
    assert download["Content-Disposition"].endswith('-until-202506201200.xlsx"')


@pytest.mark.parametrize(
    ("first", "last", "says"),
    [
        ("2025-06-15", "2025-06-10", "结束日期 2025-06-10 早于开始日期 2025-06-15"),
        ("abc", "2025-06-10", "无法识别日期“abc”"),
        ("2025-06-01", "0001-01-01", "日期 0001-01-01 不在 2000-01-01 至 2100-12-31"),
        ("2025-06-10", "", "请填写开始日期和结束日期"),
        ("", "", "请填写开始日期和结束日期"),
        ("2025-06-10", "2025-06-21", "结束日期 2025-06-21 晚于今天（2025-06-20）"),
        ("2024-06-01", "2025-06-15", "所选期间共 380 天，超过上限 366 天"),
    ],
)
def test_a_range_that_cannot_be_reported_is_refused_with_why(client, staff, first, last, says) -> None:
    response = get(client, staff["leader"], "/reports/", kind="custom", first=first, last=last)
    assert response.status_code == 400
    html = response.content.decode()
    assert says in html and 'id="report-asked"' in html
    # No other period's report passes for the one asked: the form to ask again, filled as it was.
    assert 'id="report-title"' not in html and "report" not in response.context
    assert f'name="first" value="{first}"' in html and f'name="last" value="{last}"' in html
    download = get(client, staff["leader"], "/reports/download", kind="custom", first=first, last=last)
    assert download.status_code == 400 and says in download.content.decode()
    if first and last:  # the drill-down reads the same days, and refuses them alike
        drill = get(client, staff["leader"], "/rankings/tickets/", rate="received", first=first, last=last)
        assert drill.status_code == 404 and says in drill.content.decode()


def test_a_year_is_the_longest(client, staff, june) -> None:  # noqa: F811
    response = get(client, staff["leader"], "/reports/", kind="custom", first="2024-06-20", last="2025-06-20")
    assert response.status_code == 200  # 366 days, 2024 a leap year
    # t8 of May, and June's counted tickets up to today (t10, t1, t2, t3, t4, t5, t11).
    assert response.context["report"].city.received == 8


def test_a_district_head_has_their_districts_report_of_chosen_days(
    client,
    staff,
    june,  # noqa: F811
    departments,
) -> None:
    response = get(
        client, staff["district_head"], "/reports/", kind="custom", first="2025-06-10", last="2025-06-15"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "示范市东城区 12345 热线自选期间报告（2025-06-10 — 2025-06-15）" in html
    assert response.context["report"].city.received == 3  # t1, t2 in 和平街道, t3 in 东城区
    href = unescape(re.search(r'<a href="([^"]+)" id="report-volume-tickets"', html).group(1))
    assert f"dimension=district&key={departments['district'].pk}" in href
    assert get(client, staff["district_head"], href).context["total"] == 3
    # Never another district's days: the drill-down refuses another slice.
    other = href.replace(f"key={departments['district'].pk}", f"key={june.west.pk}")
    assert get(client, staff["district_head"], other).status_code == 403


def test_the_form_for_chosen_days_is_on_the_reports_page(client, staff) -> None:
    html = get(client, staff["leader"], "/reports/").content.decode()
    form = html[html.index('id="custom-form"') : html.index("</form>", html.index('id="custom-form"'))]
    assert '<input type="hidden" name="kind" value="custom">' in form
    for name in ("first", "last"):
        assert re.search(rf'<label[^>]*>[^<]+<input type="date" name="{name}"', form), name
    assert "366" in form


def report_form(html: str) -> str:
    return html[html.index('id="report-form"') : html.index("</form>", html.index('id="report-form"'))]


@pytest.mark.parametrize(
    ("first", "last", "status"), [("2025-06-10", "2025-06-15", 200), ("2025-06-15", "2025-06-10", 400)]
)
def test_the_kind_shown_is_the_chosen_days(client, staff, june, first, last, status) -> None:  # noqa: F811
    """The report form's kind says what the page shows (or was asked for), not 日报, the first kind:
    its <select> has the chosen days selected, described by where they are chosen; sent as it is, it
    asks for the same days again."""
    response = get(client, staff["leader"], "/reports/", kind="custom", first=first, last=last)
    assert response.status_code == status
    html = response.content.decode()
    form = report_form(html)
    select = re.search(r'<select name="kind"([^>]*)>(.*?)</select>', form, re.S)
    assert select is not None
    selected = re.findall(r'<option value="(\w+)" selected>([^<]+)</option>', select.group(2))
    assert selected == [("custom", "自选期间报告")]
    described = re.search(r'aria-describedby="([^"]+)"', select.group(1))
    assert described is not None
    for hint in described.group(1).split():
        assert f'id="{hint}"' in html, hint
    # The form sent as it is (its select and the days' fields; its date is disabled): the same days.
    sent = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
    again = get(client, staff["leader"], "/reports/", kind="custom", **sent)
    assert again.status_code == status and sent == {"first": first, "last": last}
    if status == 200:
        assert again.context["report"].period == response.context["report"].period


def test_a_kept_kinds_form_has_no_chosen_days(client, staff, june) -> None:  # noqa: F811
    """The chosen days are asked for in their own form: the kinds' form offers the kinds alone."""
    html = get(client, staff["leader"], "/reports/", kind="weekly", date="2025-06-11").content.decode()
    form = report_form(html)
    assert re.findall(r'<option value="(\w+)" selected>', form) == ["weekly"]
    assert 'value="custom"' not in form and 'name="first"' not in form
