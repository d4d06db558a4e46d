"""An operator answers a consultation on the spot from the knowledge base, in Chromium: the
answers appear as the caller's question is typed, "用此答复" fills the answer and makes the call a
consultation, and the answer is recorded with the article it came from (its use and its log)."""

import re

import pytest

from hotline.core.enums import ArticleAction, ArticleStatus, Kind, TicketStatus
from hotline.knowledge.actions import ArticleData, do_create_article
from hotline.knowledge.models import ArticleEvent, ArticleUse
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
