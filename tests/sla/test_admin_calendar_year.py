"""A holiday entered in the admin for a year that the installed chinesecalendar does not carry yet:
the administrator is told to register the year (已录入年度) once all its days off and make-up days
are in. Without it every deadline in that year stays "assumed" (推定) and `hotline calendar`
refuses the year, while the page had only said the override was saved."""

import pytest

from hotline.sla.calendar import STATUTORY_YEARS
from hotline.sla.models import CalendarYear

pytestmark = pytest.mark.django_db

NEW_YEAR = max(STATUTORY_YEARS) + 1


def said(root, day: str) -> str:
    page = root.post(
        "/admin/sla/calendaroverride/add/", {"day": day, "is_workday": "", "reason": "春节"}, follow=True
    )
    assert page.status_code == 200
    return " ".join(str(m) for m in page.context["messages"])


def test_a_holiday_in_a_year_not_yet_known_says_to_register_the_year(root) -> None:
    message = said(root, f"{NEW_YEAR}-02-15")
    assert "已录入年度" in message and str(NEW_YEAR) in message


def test_a_holiday_in_a_known_or_registered_year_says_nothing_more(root) -> None:
    assert "已录入年度" not in said(root, f"{max(STATUTORY_YEARS)}-05-06")
    CalendarYear.objects.create(year=NEW_YEAR)
    assert "已录入年度" not in said(root, f"{NEW_YEAR}-02-16")
