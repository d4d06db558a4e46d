"""The public pages and the grid worker's list on a phone's screen (390x844, touch) in Chromium: each
link and button of the top bar (the way home, the language switch) and of the paging (上一页, 下一页)
is a target a finger hits, about 44px high, as the portal's own buttons are, in either language."""

import pytest

from hotline.core.enums import ArticleStatus
from hotline.knowledge.actions import ArticleData, do_create_article
from hotline.web.dispatch import PAGE_SIZE
from tests.e2e.conftest import sign_in
from tests.e2e.test_grid import grid_worker, phone  # noqa: F401  (the grid worker, the phone's screen)

pytestmark = pytest.mark.django_db(transaction=True)

# The links and buttons of the page's top bar lower than `min` pixels (shown ones).
LOW_TARGETS = """(min) => Array.from(document.querySelectorAll("body > header a, body > header button"))
  .filter(e => e.getClientRects().length > 0)
  .filter(e => e.getBoundingClientRect().height < min)
  .map(e => e.textContent.trim() + " " + Math.round(e.getBoundingClientRect().height))"""


@pytest.mark.parametrize("path", ["/portal/", "/portal/track/", "/qa/", "/stats/", "/stats/?lang=en"])
def test_the_top_bars_targets_fit_a_finger(browser, live_server, path) -> None:
    context, page = phone(browser)
    try:
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate(LOW_TARGETS, 44) == []
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    finally:
        context.close()


# The paging's links lower or narrower than `min` pixels, and those closer than 8px to the next.
SMALL_PAGES = """(min) => {
  const links = Array.from(document.querySelectorAll("main nav.pages a"))
    .filter(e => e.getClientRects().length);
  const boxes = links.map(e => e.getBoundingClientRect());
  return links.map((e, i) => {
    const box = boxes[i];
    const close = i + 1 < boxes.length && boxes[i + 1].left - box.right < 8 && boxes[i + 1].top < box.bottom;
    return (box.height < min || box.width < min || close) ? e.textContent.trim() + " " + Math.round(box.width)
      + "x" + Math.round(box.height) : null;
  }).filter(Boolean);
}"""


def test_the_answers_pages_fit_a_finger(browser, live_server, staff) -> None:
    for n in range(2 * PAGE_SIZE + 1):
        do_create_article(
            staff["admin"],
            ArticleData(title=f"常见问题 {n}", body="携带身份证到辖区派出所办理。", public=True),
            status=ArticleStatus.PUBLISHED,
        )
    context, page = phone(browser)
    try:
        page.goto(f"{live_server.url}/qa/?offset={PAGE_SIZE}")
        assert page.locator("main nav.pages a").count() == 2
        assert page.evaluate(SMALL_PAGES, 44) == []
    finally:
        context.close()


def test_the_grid_workers_reports_pages_fit_a_finger(browser, live_server, grid_worker) -> None:  # noqa: F811
    context, page = phone(browser)
    try:
        sign_in(page, live_server, "grid1", "pass-1234", "/grid/report/")
        for n in range(2 * PAGE_SIZE + 1):
            status = page.evaluate(
                """([n]) => fetch("/grid/report/", {method: "POST", body: (() => {
                  const form = new FormData(document.getElementById("grid-report"));
                  form.set("title", "占道经营 " + n);
                  form.set("content", "菜市场东门外流动摊贩占用盲道。");
                  form.set("address", "菜市场东门");
                  form.set("token", crypto.randomUUID().replaceAll("-", ""));
                  return form;
                })()}).then((response) => response.status)""",
                [n],
            )
            assert status == 200
        page.goto(f"{live_server.url}/grid/reports/?offset={PAGE_SIZE}")
        assert page.locator("main nav.pages a").count() == 2
        assert page.evaluate(SMALL_PAGES, 44) == []
    finally:
        context.close()


# The portal's tabs whose name is broken over lines (查询进/度).
BROKEN_TABS = """Array.from(document.querySelectorAll("nav.portal a"))
  .filter(a => {
    const range = document.createRange();
    range.selectNodeContents(a);
    return new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top))).size > 1;
  })
  .map(a => a.textContent.trim())"""


@pytest.mark.parametrize("width", [360, 375, 412])
def test_the_portals_tabs_keep_each_name_whole(browser, live_server, width) -> None:
    """An ordinary Android phone's screen is 360-412px wide: each tab's four characters on one line."""
    context = browser.new_context(
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": width, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/portal/")
        assert page.evaluate(BROKEN_TABS) == []
    finally:
        context.close()
