"""The staff forms that create something (a knowledge-base article, a reply template) are taken
once: each carries a one-time token, as the console's does, and the same form sent twice (a double
click, the browser sending it again) leads to what the first sending made instead of making a second."""

import re
import threading
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client

from hotline.core import clock
from hotline.core.enums import Role
from hotline.knowledge import actions
from hotline.knowledge.models import Article, ReplyTemplate
from hotline.web.models import SentForm
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ARTICLE = {"title": "物业维修资金使用", "body": "使用维修资金须经业主大会表决通过。", "note": "初稿"}
TEMPLATE = {"name": "路灯维修答复", "text": "{诉求人}您好！经核查，【核查情况】。"}


def token_of(page: str) -> str:
    found = re.search(r'<input type="hidden" name="token" value="([0-9a-f]{32})"', page)
    assert found, page
    return found.group(1)


def messages_after(client, response) -> str:
    return client.get(response["Location"]).content.decode()


def test_an_article_form_sent_twice_makes_one_article(client, staff) -> None:
    client.force_login(staff["housing"])
    token = token_of(client.get("/knowledge/new/").content.decode())
    first = client.post("/knowledge/new/", {**ARTICLE, "token": token})
    article = Article.objects.get()
    assert first.status_code == 302 and first["Location"] == f"/knowledge/{article.pk}/"
    again = client.post("/knowledge/new/", {**ARTICLE, "token": token})
    assert again.status_code == 302 and again["Location"] == f"/knowledge/{article.pk}/"
    assert Article.objects.count() == 1 and article.versions.count() == 1
    assert "此表单已提交过，未重复保存" in messages_after(client, again)
    # A new form is a new article.
    fresh = token_of(client.get("/knowledge/new/").content.decode())
    assert fresh != token
    assert client.post("/knowledge/new/", {**ARTICLE, "token": fresh}).status_code == 302
    assert Article.objects.count() == 2


def test_an_article_form_refused_keeps_its_token_and_is_taken_once_corrected(client, staff) -> None:
    client.force_login(staff["housing"])
    token = token_of(client.get("/knowledge/new/").content.decode())
    refused = client.post("/knowledge/new/", {**ARTICLE, "body": "", "token": token})
    assert refused.status_code == 422 and token_of(refused.content.decode()) == token
    assert not Article.objects.exists()
    assert client.post("/knowledge/new/", {**ARTICLE, "token": token}).status_code == 302
    assert client.post("/knowledge/new/", {**ARTICLE, "token": token}).status_code == 302
    assert Article.objects.count() == 1


def test_an_article_form_without_a_token_is_taken_as_before(client, staff) -> None:
    """A page loaded before the token existed, or a token mangled: never refused for a field nobody sees."""
    client.force_login(staff["housing"])
    assert client.post("/knowledge/new/", ARTICLE).status_code == 302
    assert client.post("/knowledge/new/", {**ARTICLE, "token": "not-a-token"}).status_code == 302
    assert Article.objects.count() == 2


def test_a_reply_template_form_sent_twice_makes_one_template(client, departments) -> None:
    head = UserFactory(username="head_housing", role=Role.HEAD, department=departments["housing"])
    client.force_login(head)
    form = client.get("/reply-templates/new/").content.decode()
    token = token_of(form)
    fields = {**TEMPLATE, "department_id": departments["housing"].pk, "token": token}
    # A preview stores nothing and keeps the token.
    preview = client.post("/reply-templates/new/", {**fields, "preview": "1"})
    assert token_of(preview.content.decode()) == token and not ReplyTemplate.objects.exists()
    first = client.post("/reply-templates/new/", fields)
    assert first.status_code == 302
    template = ReplyTemplate.objects.get()
    again = client.post("/reply-templates/new/", fields)
    assert again.status_code == 302 and again["Location"] == f"/reply-templates/{template.pk}/"
    assert ReplyTemplate.objects.count() == 1
    assert "此表单已提交过，未重复保存" in messages_after(client, again)
    assert token_of(client.get("/reply-templates/new/").content.decode()) != token


def test_a_token_is_not_shared_between_forms(client, staff, departments) -> None:
    """The same token on another kind of form (a page's token posted elsewhere by hand) makes nothing
    of that kind appear in its place: it is refused, not taken for the other form's row."""
    client.force_login(staff["admin"])
    token = token_of(client.get("/knowledge/new/").content.decode())
    assert client.post("/knowledge/new/", {**ARTICLE, "token": token}).status_code == 302
    response = client.post("/reply-templates/new/", {**TEMPLATE, "token": token})
    assert response.status_code == 409 and not ReplyTemplate.objects.exists()


@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="needs PostgreSQL: SQLite has one writer at a time, and its in-memory test database is not "
    "shared between threads",
)
def test_a_double_click_sends_the_form_twice_at_once_and_makes_one_article(
    transactional_db, staff, monkeypatch
) -> None:
    made = actions.do_create_article

    def slow(*args, **kwargs):  # slow enough for the second sending to arrive while the first works
        article = made(*args, **kwargs)
        time.sleep(0.3)
        return article

    monkeypatch.setattr(actions, "do_create_article", slow)
    first = Client()
    first.force_login(staff["housing"])
    token = token_of(first.get("/knowledge/new/").content.decode())
    start = threading.Barrier(2)
    answers: list[int] = []
    errors: list[BaseException] = []

    def send() -> None:
        try:
            client = Client()
            client.force_login(staff["housing"])
            start.wait()
            answers.append(client.post("/knowledge/new/", {**ARTICLE, "token": token}).status_code)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert answers == [302, 302] and Article.objects.count() == 1


def test_the_tokens_are_kept_as_long_as_a_page_could_be_sent_again(client, staff) -> None:
    """A token is kept while the page that carried it could be sent again within its sign-in
    (settings.SESSION_COOKIE_AGE): a form that makes something forgets the older ones, so that the
    table does not grow for ever, and the page sent again within that time still finds what it made."""
    client.force_login(staff["housing"])
    kept_for = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    start = clock.now()

    def send(title: str, at) -> tuple[str, int]:
        with clock.frozen_at(at):
            token = token_of(client.get("/knowledge/new/").content.decode())
            answer = client.post("/knowledge/new/", {**ARTICLE, "title": title, "token": token})
        assert answer.status_code == 302
        return token, Article.objects.get(title=title).pk

    old, old_article = send("最早的文章", start)
    recent, recent_article = send("较早的文章", start + kept_for - timedelta(hours=1))
    # Within the time kept, the first page sent again leads to its article.
    with clock.frozen_at(start + kept_for - timedelta(minutes=1)):
        again = client.post("/knowledge/new/", {**ARTICLE, "title": "最早的文章", "token": old})
    assert again["Location"] == f"/knowledge/{old_article}/"
    assert set(SentForm.objects.values_list("token", flat=True)) == {old, recent}
    # Past it, the next form made forgets the first token and keeps the recent one.
    latest, _ = send("最新的文章", start + kept_for + timedelta(minutes=1))
    assert set(SentForm.objects.values_list("token", flat=True)) == {recent, latest}
    with clock.frozen_at(start + kept_for + timedelta(minutes=2)):
        again = client.post("/knowledge/new/", {**ARTICLE, "title": "较早的文章", "token": recent})
    assert again["Location"] == f"/knowledge/{recent_article}/"
    assert Article.objects.count() == 3
