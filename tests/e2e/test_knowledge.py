"""The knowledge base in Chromium. An operator answers a consultation on the spot from it: the
answers appear as the caller's question is typed, "用此答复" fills the answer and makes the call a
consultation, and the answer is recorded with the article it came from (its use and its log). An
editor's date boxes open with the article's dates and saving keeps them; a reviewer approves an
edit of a published article, which stayed in use until then."""

import re
from datetime import timedelta

import pytest

from hotline.core import clock
from hotline.core.enums import ArticleAction, ArticleStatus, Kind, TicketStatus
from hotline.knowledge.actions import ArticleData, do_create_article, do_edit_article, pending
from hotline.knowledge.models import Article, ArticleEvent, ArticleUse
from hotline.tickets.models import Ticket
from tests.e2e.conftest import sign_in
from tests.knowledge.articles import ARTICLES

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_operator_answers_a_consultation_from_the_knowledge_base(
    page, live_server, staff, screenshot
) -> None:
    articles = [
        do_create_article(
            staff["admin"], ArticleData(title=t, question=q, body=b), status=ArticleStatus.PUBLISHED
        )
        for t, q, b in ARTICLES
    ]
    dogs = articles[1]
    operator = staff["operator"]
    operator.set_password("s3cret-pass")
    operator.save()
    sign_in(page, live_server, operator.username, "s3cret-pass", "/console/")
    assert page.is_hidden("#console-answer")  # a complaint by default: no answer box

    keyboard = page.keyboard
    keyboard.type("13600001111")
    page.locator("#id_title").focus()
    keyboard.type("养狗办证")
    keyboard.press("Tab")
    keyboard.type("我家刚养了一条狗，听说要办证，去哪里办，要带什么？")
    keyboard.press("End")
    hits = page.locator("#console-answer-hits li.answer-hit")
    hits.first.wait_for()
    assert hits.first.get_attribute("data-article") == str(dogs.pk)
    assert dogs.title in hits.first.inner_text()
    screenshot("knowledge-answers")

    hits.first.locator("button[data-use-article]").click()
    assert page.input_value("#id_kind") == Kind.CONSULTATION
    assert page.is_visible("#console-answer") and page.is_visible("#answer-article")
    assert page.input_value("#id_answer") == dogs.body
    assert page.input_value("#id_article_id") == str(dogs.pk)
    assert page.evaluate("() => document.activeElement.id") == "id_answer"
    page.locator("#console-answer-submit").click()
    page.wait_for_url(re.compile(r".*/console/\?done=.*"))
    ticket = Ticket.objects.get()
    assert ticket.status == TicketStatus.ANSWERED and ticket.kind == Kind.CONSULTATION
    assert page.inner_text("#console-number") == ticket.number
    assert "已直接答复" in page.inner_text("#console-done")
    use = ArticleUse.objects.get()
    assert (use.article_id, use.ticket_id, use.used_by_id) == (dogs.pk, ticket.pk, operator.pk)
    assert ticket.replies.get().text == dogs.body
    # The knowledge base's own log names the operator and the consultation.
    used = ArticleEvent.objects.get(action=ArticleAction.USE)
    assert (used.article_id, used.actor_id, used.ticket_id) == (dogs.pk, operator.pk, ticket.pk)
    # The next call forgets the article.
    assert page.input_value("#id_article_id") == ""
    screenshot("knowledge-answered")


def test_editing_an_article_keeps_its_validity_dates(page, live_server, staff, screenshot) -> None:
    """The date boxes open with the article's dates (ISO, whatever the page's language writes
    dates as) and saving the form keeps them; the edit of a published article waits for review."""
    today = clock.localtime().date()
    start, end = today - timedelta(days=10), today + timedelta(days=200)
    article = do_create_article(
        staff["admin"],
        ArticleData(
            title="老旧小区加装电梯补贴", body="每台最高补贴 20 万元。", valid_from=start, valid_until=end
        ),
        status=ArticleStatus.PUBLISHED,
    )
    editor = staff["housing"]
    editor.set_password("s3cret-pass")
    editor.save()
    Article.objects.filter(pk=article.pk).update(owner=editor.department)
    sign_in(page, live_server, editor.username, "s3cret-pass", f"/knowledge/{article.pk}/edit/")
    assert page.input_value("#id_valid_from") == start.isoformat()
    assert page.input_value("#id_valid_until") == end.isoformat()
    screenshot("knowledge-edit-dates")
    page.fill("#id_body", "每台最高补贴 25 万元。")
    page.fill("#id_note", "补贴提高")
    page.locator("#article-form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/knowledge/{article.pk}/")
    article.refresh_from_db()
    waiting = pending(article)
    assert waiting is not None and waiting.body == "每台最高补贴 25 万元。"
    assert (waiting.valid_from, waiting.valid_until) == (start, end)
    assert (article.valid_from, article.valid_until, article.status) == (start, end, ArticleStatus.PUBLISHED)
    page.goto(f"{live_server.url}/knowledge/{article.pk}/edit/")  # the edit waiting, dates and all
    assert page.input_value("#id_valid_until") == end.isoformat()
    assert page.input_value("#id_body") == "每台最高补贴 25 万元。"


def test_a_reviewer_approves_an_edit_while_the_published_text_stays_in_use(
    page, live_server, staff, screenshot
) -> None:
    article = do_create_article(
        staff["admin"],
        ArticleData(title="老旧小区加装电梯补贴", body="咨询时间：工作日9:00-17:00。", public=True),
        status=ArticleStatus.PUBLISHED,
    )
    Article.objects.filter(pk=article.pk).update(owner=staff["housing"].department)
    do_edit_article(
        article,
        staff["housing"],
        ArticleData(title="老旧小区加装电梯补贴", body="咨询时间：工作日9:00-17:30。", public=True),
        note="调整咨询时间",
    )
    page.goto(f"{live_server.url}/qa/{article.pk}/")  # the citizens still read the approved text
    assert "17:00" in page.inner_text("#qa-body")
    reviewer = staff["dispatcher"]
    reviewer.set_password("s3cret-pass")
    reviewer.save()
    sign_in(page, live_server, reviewer.username, "s3cret-pass", f"/knowledge/{article.pk}/")
    assert "第 2 版修改待审核" in page.inner_text("#article-pending")
    assert page.locator("#article-pending-version del").first.inner_text().endswith("0")
    assert page.locator("#article-pending-version ins").first.inner_text().endswith("3")
    # The boxes are found by their labels; sending back without a reason is refused by the browser.
    page.get_by_label("退回原因").fill("")
    page.locator("#article-reject").click()
    assert page.url.endswith(f"/knowledge/{article.pk}/")
    assert page.evaluate("() => document.querySelector('#reject-note').validity.valueMissing")
    page.get_by_label("审核意见").fill("同意调整")
    screenshot("knowledge-review-edit")
    page.locator("#article-approve").click()
    page.wait_for_url(f"{live_server.url}/knowledge/{article.pk}/")
    assert page.locator("#article-pending").count() == 0
    assert "17:30" in page.inner_text("#article-body")
    page.goto(f"{live_server.url}/qa/{article.pk}/")
    assert "17:30" in page.inner_text("#qa-body")
