"""The citizen portal and the public statistics (/stats/) lead to each other, in the language the
reader is reading."""

import re
from html import unescape

from hotline.core import clock
from tests.analytics.conftest import at, june  # noqa: F401  (the hand-built June)


def links(html: str) -> list[str]:
    return [unescape(href) for href in re.findall(r'<a [^>]*href="([^"]+)"', html)]


def test_the_portal_links_to_the_statistics_and_back(client, june) -> None:  # noqa: F811
    with clock.frozen_at(at(6, 20, 12)):
        portal = client.get("/portal/")
        stats_link = next(href for href in links(portal.content.decode()) if href.startswith("/stats/"))
        stats = client.get(stats_link)
    assert stats.status_code == 200
    assert stats["Content-Language"] == "zh-hans"
    assert "数据公开" in portal.content.decode()
    back = [href for href in links(stats.content.decode()) if href.startswith("/portal/")]
    assert back and client.get(back[0]).status_code == 200


def test_the_link_keeps_the_language_of_the_portal(client, june) -> None:  # noqa: F811
    client.cookies["django_language"] = "en"
    with clock.frozen_at(at(6, 20, 12)):
        portal = client.get("/portal/track/")
        stats_link = next(href for href in links(portal.content.decode()) if href.startswith("/stats/"))
        stats = client.get(stats_link)
    assert stats["Content-Language"] == "en"
    assert ">Open data<" in portal.content.decode()
