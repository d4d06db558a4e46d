"""The citizen's pages on a phone (390x844, touch), in Chinese and in English: every link and control a
citizen taps is a finger's size (44px high and wide, as the rest of the portal), including the links that
stand on their own in the text: a refused form's summary, the way to 查询进度 after submitting, 百问百答's
titles and feeds, an answer's ways back. Measured in Chromium; nothing wider than the screen."""

import pytest

from hotline.core.enums import ArticleStatus, Kind
from hotline.feedback.publication import SuggestionText, do_publish_suggestion
from hotline.knowledge.actions import ArticleData, do_create_article
from tests.factories import CategoryFactory
from tests.tickets.conftest import Flow

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"
# What is tapped on the page, lower or narrower than 44px (a radio or a checkbox: the label around it, which
# takes the tap), each as "its text: width x height".
SMALL = """() => Array.from(document.querySelectorAll(
    "body a, body button, body select, body textarea, body summary, body input:not([type=hidden])"))
  .map(e => (e.type === "radio" || e.type === "checkbox") && e.closest("label") ? e.closest("label") : e)
  .filter(e => e.getClientRects().length > 0)
  .filter(e => { const r = e.getBoundingClientRect(); return r.height < 44 || r.width < 44; })
  .map(e => (e.textContent.trim() || e.name) + ": " + Math.round(e.getBoundingClientRect().width)
    + "x" + Math.round(e.getBoundingClientRect().height))"""


@pytest.fixture
def page(browser):
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def answers(staff, departments) -> dict[str, int]:
    """A public answer of 百问百答 and a published answered suggestion."""
    article = do_create_article(
        staff["admin"],
        ArticleData(
            title="养犬登记办理流程",
            body="携带身份证到辖区派出所办理。",
            category_id=CategoryFactory(name="公安").pk,
            public=True,
        ),
        status=ArticleStatus.PUBLISHED,
    )
    flow = Flow(staff, departments)
    ticket = flow.new(kind=Kind.SUGGESTION, title="建议路口增设红绿灯", content="建议在路口增设红绿灯。")
    flow.dispatch(ticket, co=())
    flow.accept(ticket)
    ticket = flow.reply(ticket, text="已纳入明年的信号灯建设计划。")
    published = do_publish_suggestion(
        ticket,
        staff["supervisor"],
        SuggestionText(
            title="关于在拥堵路口增设红绿灯的建议",
            question="有市民建议在拥堵的路口增设交通信号灯。",
            answer="已纳入明年的信号灯建设计划。",
        ),
    )
    return {"article": article.pk, "suggestion": published.pk}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_target_on_the_citizens_pages_is_a_fingers_size(page, live_server, answers, language) -> None:
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    small: dict[str, list[str]] = {}

    def measure(name: str) -> None:
        assert page.evaluate(OVERFLOW) <= 0, name
        if found := page.evaluate(SMALL):
            small[name] = found

    # A refused appeal: the summary's links lead to the fields, screens below on a phone.
    page.goto(f"{live_server.url}/portal/")
    page.fill("#id_title", "路灯不亮")
    with page.expect_navigation():
        page.tap("main form button[type=submit]")
    assert page.locator("#error-summary a").count() >= 2
    measure("refused")
    page.fill("#id_content", "幸福路12号门口的路灯坏了一周。")
    page.fill("#id_phone", "13912345678")
    with page.expect_navigation():
        page.tap("main form button[type=submit]")
    page.locator("#ticket-number").wait_for()
    measure("submitted")
    for path in (
        "/portal/track/",
        "/qa/",
        f"/qa/{answers['article']}/",
        f"/qa/suggestions/{answers['suggestion']}/",
    ):
        page.goto(f"{live_server.url}{path}")
        measure(path)
    assert small == {}
