"""The report form shows the fields of its kind alone, as the server renders it: a kept kind (日报…季报)
is asked for by its date, the chosen days (自选期间) by their first and last days, chosen in the form
below. A field of the other kind is hidden (neither seen, focused nor read out) and disabled (not
sent), so that the page reads the same without JavaScript; web/static/web/reports.js shows the
fields of the kind chosen in the select (tests/e2e/test_reports_custom.py)."""

import re

import pytest

from tests.analytics.conftest import june  # noqa: F401  (the hand-built June)
from tests.web.test_reports_custom import get, report_form


def group(form: str, name: str) -> str:
    """From the opening tag of the group of fields ([data-kind-fields]) that holds the field `name`
    to the next group's (or the form's end)."""
    for part in re.split(r"(?=<span data-kind-fields=)", form)[1:]:
        if f'name="{name}"' in part:
            return part
    raise AssertionError(f"no group holds {name}: {form}")


def opening(part: str) -> str:
    return part[: part.index(">") + 1]


def field(form: str, name: str) -> str:
    found = re.search(rf'<input [^>]*name="{name}"[^>]*>', form)
    assert found is not None, name
    return found.group(0)


@pytest.mark.parametrize(
    ("first", "last", "status"), [("2025-06-10", "2025-06-15", 200), ("2025-06-15", "2025-06-10", 400)]
)
def test_the_chosen_days_form_has_no_date_field(client, staff, june, first, last, status) -> None:  # noqa: F811
    response = get(client, staff["leader"], "/reports/", kind="custom", first=first, last=last)
    assert response.status_code == status
    form = report_form(response.content.decode())
    # The date and its hint: hidden, and the date not sent.
    assert " disabled" in field(form, "date")
    assert " hidden" in opening(group(form, "date")) and "不填日期" in group(form, "date")
    # The days are: not hidden, sent.
    assert " hidden" not in opening(group(form, "first"))
    for name in ("first", "last"):
        assert " disabled" not in field(form, name)


def test_a_kept_kinds_form_has_its_date_field(client, staff, june) -> None:  # noqa: F811
    html = get(client, staff["leader"], "/reports/", kind="weekly", date="2025-06-11").content.decode()
    form = report_form(html)
    assert " hidden" not in opening(group(form, "date")) and " disabled" not in field(form, "date")
    assert 'value="2025-06-11"' in field(form, "date")
