"""The language switch: a button per language, named in its own language, that acts only when
pressed (no select that sends its form on the first arrow key and loses what was typed, WCAG 3.2.2),
on every page a person reads: the staff pages, the portal, the grid worker's report page and the
public statistics (whose switch is a link: that page is cached for everyone and has no form)."""

import re

import pytest

from hotline.core.enums import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BUTTONS = re.compile(
    r'<button type="submit" name="language" value="([\w-]+)" lang="([\w-]+)"[^>]*>([^<]+)</button>'
)


def switch(html: str) -> str:
    start = html.index('<form class="language"')
    return html[start : html.index("</form>", start)]


def test_the_staff_pages_and_the_portal_switch_by_a_button(client, staff) -> None:
    client.force_login(staff["operator"])
    for path in ("/", "/console/", "/portal/", "/portal/track/", "/qa/"):
        html = client.get(path).content.decode()
        assert "data-autosubmit" not in html and '<select name="language"' not in html, path
        form = switch(html)
        assert 'action="/i18n/setlang/"' in form and 'method="post"' in form and "csrfmiddlewaretoken" in form
        # The language in use is said, not offered; the other one is a button in its own language.
        assert BUTTONS.findall(form) == [("en", "en", "English")], path
        assert '<span lang="zh-hans" aria-current="true">简体中文</span>' in form, path
    assert '<input name="next" type="hidden" value="/console/">' in switch(
        client.get("/console/").content.decode()
    )


def test_the_grid_workers_page_has_the_switch(client, departments) -> None:
    worker = UserFactory(username="grid1", role=Role.GRID, department=departments["street"])
    client.force_login(worker)
    html = client.get("/grid/report/").content.decode()
    assert BUTTONS.findall(switch(html)) == [("en", "en", "English")]
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/grid/report/"})
    assert response.status_code == 302 and response["Location"] == "/grid/report/"
    html = client.get("/grid/report/").content.decode()
    assert '<html lang="en">' in html
    assert BUTTONS.findall(switch(html)) == [("zh-hans", "zh-hans", "简体中文")]


def test_the_statistics_switch_by_link_and_lead_back_to_the_portal(client) -> None:
    html = client.get("/stats/").content.decode()
    assert '<html lang="zh-hans">' in html and 'href="/portal/"' in html
    assert '<a href="?lang=en" lang="en" hreflang="en">English</a>' in html
    response = client.get("/stats/?lang=en")
    html = response.content.decode()
    assert '<html lang="en">' in html and "Open data" in html and response["Content-Language"] == "en"
    assert '<a href="?lang=zh-hans" lang="zh-hans" hreflang="zh-hans">简体中文</a>' in html
    # Still one page for everyone, kept by caches: its address says the language, not a cookie.
    assert "public" in response["Cache-Control"] and "Cookie" not in response.get("Vary", "")
    assert not response.cookies
    assert '<html lang="zh-hans">' in client.get("/stats/?lang=xx").content.decode()
