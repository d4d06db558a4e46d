"""A report asked for with a date or a kind the page cannot read shows what nothing asked for shows,
the last whole period (or, for a kind only, the month of the date asked), and says so; the file of
such a request is refused rather than another period's sent under its name."""

import pytest

from hotline.core import clock
from tests.analytics.conftest import at

pytestmark = pytest.mark.django_db

NOW = at(6, 20, 12)
# The last whole month on 06-20, and June as it runs (the date of a kind not understood is kept).
MAY = "示范市 12345 热线月报（2025-05-01 — 2025-05-31）"
JUNE = "示范市 12345 热线月报（2025-06-01 — 2025-06-30，截至 2025-06-20 12:00）"


def get(client, user, path: str, **params):
    client.force_login(user)
    with clock.frozen_at(NOW):
        return client.get(path, params)


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"kind": "monthly", "date": "abc"}, "无法识别日期“abc”"),
        ({"kind": "monthly", "date": "0001-01-01"}, "日期 0001-01-01 不在 2000-01-01 至 2100-12-31"),
        ({"kind": "monthly", "date": "9999-12-31"}, "日期 9999-12-31 不在 2000-01-01 至 2100-12-31"),
        ({"kind": "monthly", "date": "2025-13-40"}, "无法识别日期“2025-13-40”"),
        ({"kind": "bogus", "date": "2025-06-18"}, "无法识别报告类型“bogus”"),
    ],
)
def test_a_date_or_kind_not_understood_shows_the_last_whole_period_and_says_so(
    client, staff, params, says
) -> None:
    response = get(client, staff["leader"], "/reports/", **params)
    assert response.status_code == 200
    html = response.content.decode()
    kept = params["kind"] == "bogus"  # a date read is kept: the month holding it
    assert (JUNE if kept else MAY) in html
    assert says in html and 'id="report-asked"' in html
    # The form and the download links name what is shown, so they work as they are: a date read
    # stays in the form, one not read leaves it empty (the last whole period); the files are of
    # the period shown.
    shown = params["date"] if kept else ""
    assert '<option value="monthly" selected>' in html and f'name="date" value="{shown}"' in html
    linked = params["date"] if kept else "2025-05-01"
    assert f'href="/reports/download?kind=monthly&amp;date={linked}&amp;format=xlsx"' in html


def test_both_wrong_says_both(client, staff) -> None:
    html = get(client, staff["leader"], "/reports/", kind="bogus", date="abc").content.decode()
    assert "无法识别报告类型“bogus”" in html and "无法识别日期“abc”" in html and MAY in html


@pytest.mark.parametrize("params", [{}, {"kind": "weekly"}, {"kind": "monthly", "date": ""}])
def test_nothing_asked_is_the_last_whole_period_without_a_word(client, staff, params) -> None:
    html = get(client, staff["leader"], "/reports/", **params).content.decode()
    assert 'id="report-asked"' not in html and "12345 热线" in html


def test_a_file_of_a_date_or_kind_not_understood_is_refused(client, staff) -> None:
    for params, says in (
        ({"kind": "monthly", "date": "9999-12-31", "format": "xlsx"}, "日期 9999-12-31 不在"),
        ({"kind": "bogus", "date": "2025-06-18", "format": "pdf"}, "无法识别报告类型“bogus”"),
    ):
        response = get(client, staff["leader"], "/reports/download", **params)
        assert response.status_code == 400, params
        assert says in response.content.decode() and "Content-Disposition" not in response
