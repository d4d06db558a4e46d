"""A grid worker's report sent back to be corrected, as a phone shows it: the page opens on what to
correct (an error summary at its top, focused as it opens, each error a link to its field), since
the field's own error is a screen or two below, under the location, where nobody looking at the top
of the page would see it."""

import re

import pytest

from tests.web.grid_setup import community, grid_report, grid_worker, signed_in  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def summary_of(page: str) -> str:
    found = re.search(r'<div class="error-summary"[^>]*>.*?</div>\s*</div>', page, re.S)
    assert found, "an error summary"
    return found.group(0)


def test_a_refused_report_opens_on_what_to_correct(signed_in) -> None:  # noqa: F811
    response = grid_report(signed_in, title="", address="")
    assert response.status_code == 422
    page = response.content.decode()
    summary = summary_of(page)
    assert page.index(summary) < page.index('id="grid-report"')
    assert "autofocus" in summary.split(">", 1)[0]
    assert '<a href="#id_title">发现了什么：请简要写明发现的问题</a>' in summary
    assert '<a href="#id_address">地点（无法定位时必填）：没有取得手机定位：请填写地点</a>' in summary
    # Said once as the page opens (the summary is the alert), not again by each field.
    assert page.count('role="alert"') == 1


def test_a_report_taken_has_no_error_summary(signed_in) -> None:  # noqa: F811
    assert "error-summary" not in signed_in.get("/grid/report/").content.decode()
    response = grid_report(signed_in, address="幸福路 12 号")
    assert response.status_code == 200
    assert "error-summary" not in response.content.decode()
