"""A long call in the operator's console: the side's lookups are GET requests carrying what was
typed, and a server refuses an address over 8,000 characters (gunicorn's 414, `core.http`), which
the panel then showed as raw JSON in place of the candidates. A Chinese character takes nine
characters once encoded, so a content of about 880 characters was enough (audit of 2026-12-06)."""

import pytest

from hotline.core.http import MAX_URL_LENGTH
from hotline.dedup.indexing import embed_missing
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

# A caller who tells the whole story: 1,500 characters, the problem said in its first lines.
LONG = "幸福路12号门口的小区门口路灯不亮，晚上很黑，老人孩子出门很不方便。" + (
    "上周已经反映过一次，一直没有人来修。" * 80
)


def _kept(lookups: list[str]):
    def keep(request) -> None:
        if "/console/" in request.url and request.method == "GET":
            lookups.append(request.url)

    return keep


def test_a_long_content_keeps_the_lookups_under_the_address_limit(page, live_server, staff, waiting) -> None:
    operator = staff["operator"]
    operator.set_password("s3cret-pass")
    operator.save()
    embed_missing()
    lookups: list[str] = []
    page.on("request", _kept(lookups))

    sign_in(page, live_server, operator.username, "s3cret-pass", "/console/")
    page.fill("#id_title", "小区门口路灯不亮")
    page.fill("#id_content", LONG)
    page.locator("#id_content").dispatch_event("input")
    page.fill("#id_address", "幸福路12号")
    page.locator("#id_address").dispatch_event("input")

    similar = page.locator("#console-similar li.similar-ticket")
    similar.first.wait_for()
    lamp, _road = waiting
    assert similar.first.get_attribute("data-number") == lamp.number
    page.locator("#suggest-category").wait_for()
    sent = [url for url in lookups if "content=" in url]
    assert sent, lookups
    too_long = [len(url) for url in sent if len(url.split(live_server.url, 1)[1]) > MAX_URL_LENGTH]
    assert too_long == [], too_long
    assert '"detail"' not in page.inner_text("#console-similar")
