"""The configuration's own audit trail: what was changed in the admin (a unit, a rule, a user
deactivated, a password reset), by whom and when, as one list the administrator searches and
filters. Each record's 历史 showed it, but nothing listed them: who switched off a rule last week
could only be found by opening every rule."""

import html

import pytest
from django.contrib.admin.models import LogEntry

from tests.directory.test_admin_tree import posted

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged(root, departments) -> LogEntry:
    housing = departments["housing"]
    page = root.post(f"/admin/directory/department/{housing.pk}/change/", posted(housing, name="市住建局"))
    assert page.status_code == 302
    return LogEntry.objects.get()


def test_the_changes_made_in_the_admin_are_listed_with_who_and_what(root, logged) -> None:
    page = html.unescape(root.get("/admin/admin/logentry/").content.decode())
    assert "市住建局" in page and "root" in page and "名称" in page
    # Filtered by the kinds of record changed here, not by every table of the platform.
    assert "承办单位" in page and "会话" not in page
    found = html.unescape(root.get("/admin/admin/logentry/", {"q": "住建"}).content.decode())
    assert "市住建局" in found
    missed = html.unescape(root.get("/admin/admin/logentry/", {"q": "水务"}).content.decode())
    assert "市住建局" not in missed


def test_the_log_is_neither_added_to_changed_nor_deleted(root, logged) -> None:
    assert root.get("/admin/admin/logentry/add/").status_code == 403
    assert root.post(f"/admin/admin/logentry/{logged.pk}/change/", {}).status_code == 403
    assert root.post(f"/admin/admin/logentry/{logged.pk}/delete/", {"post": "yes"}).status_code == 403
    root.post(
        "/admin/admin/logentry/",
        {"action": "delete_selected", "_selected_action": [logged.pk], "post": "yes"},
    )
    assert LogEntry.objects.filter(pk=logged.pk).exists()
    page = root.get(f"/admin/admin/logentry/{logged.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
