"""The forms of the deadline policies and calendar overrides: a blank match of a policy reads
不限 (it matches anything), not Django's "- Select an option -" (English, and it read as a choice
still to be made); the category and the jurisdiction are picked by name, not typed as a
database id."""

import html
import re

import pytest

pytestmark = pytest.mark.django_db


def blank_option(page: str, field: str) -> str:
    select = re.search(rf'<select name="{field}"[^>]*>(.*?)</select>', page, re.S)
    assert select, field
    option = re.search(r'<option value=""[^>]*>([^<]*)</option>', select.group(1))
    assert option, field
    return option.group(1).strip()


def test_a_blank_match_of_a_policy_reads_any(root) -> None:
    page = html.unescape(root.get("/admin/sla/deadlinepolicy/add/").content.decode())
    for field in ["kind", "urgency", "department_level"]:
        assert blank_option(page, field) == "不限"


@pytest.mark.parametrize(
    ("url", "field"),
    [("/admin/sla/deadlinepolicy/add/", "category"), ("/admin/sla/calendaroverride/add/", "department")],
)
def test_the_category_and_jurisdiction_are_picked_by_name(root, url, field) -> None:
    page = root.get(url).content.decode()
    widget = re.search(rf'<select name="{field}"[^>]*>', page)
    assert widget and "admin-autocomplete" in widget.group(0)
