"""Migration knowledge.0007: each review in the log goes on its version (the note it overwrote taken
off), and an article that a department's edit had taken away from the operators comes back
published with its last approved text, the edit waiting beside it; the search finds it again."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from hotline.knowledge.search import search
from hotline.knowledge.text import tokens
from tests.migrations import migrate_to

BEFORE = [("knowledge", "0006_article_dates_in_range")]
AFTER = [("knowledge", "0008_article_review_data")]


@pytest.mark.django_db(transaction=True)
def test_reviews_move_to_their_versions_and_a_hidden_article_comes_back() -> None:
    apps = migrate_to(BEFORE)
    Article = apps.get_model("knowledge", "Article")
    ArticleVersion = apps.get_model("knowledge", "ArticleVersion")
    ArticleEvent = apps.get_model("knowledge", "ArticleEvent")
    now = timezone.now()
    old, new = (
        "老旧小区加装电梯可申请补贴（工作日9:00-17:00）。",
        "老旧小区加装电梯可申请补贴（工作日9:00-17:30）。",
    )
    article = Article.objects.create(
        title="加装电梯补贴",
        body=new,
        status="review",
        version=2,
        public=True,
        created_at=now,
        updated_at=now,
        title_tokens=tokens("加装电梯补贴"),
        body_tokens=tokens(new),
    )
    for number, body, note in ((1, old, "审核通过：口径准确"), (2, new, "调整咨询时间")):
        ArticleVersion.objects.create(
            article=article, number=number, title="加装电梯补贴", body=body, note=note, edited_at=now
        )
    for action, version, frm, to, note in (
        ("create", 1, "", "draft", ""),
        ("approve", 1, "draft", "published", "口径准确"),
        ("edit", 2, "published", "review", "调整咨询时间"),
    ):
        ArticleEvent.objects.create(
            article=article, action=action, version=version, from_status=frm, to_status=to, at=now, note=note
        )
    try:
        apps = migrate_to(AFTER)
        Article = apps.get_model("knowledge", "Article")
        ArticleVersion = apps.get_model("knowledge", "ArticleVersion")
        restored = Article.objects.get(pk=article.pk)
        assert (restored.status, restored.version, restored.body) == ("published", 1, old)
        assert (restored.pending_version, restored.pending_status) == (2, "review")
        assert restored.body_tokens == tokens(old)
        first = ArticleVersion.objects.get(article_id=article.pk, number=1)
        assert (first.note, first.review, first.review_note, first.public) == (
            "",
            "approve",
            "口径准确",
            True,
        )
        assert ArticleVersion.objects.get(article_id=article.pk, number=2).note == "调整咨询时间"
        # The operators' search finds it again (the index kept in step, the words counted anew).
        assert [h.article.pk for h in search("加装电梯补贴")] == [article.pk]
    finally:
        executor = MigrationExecutor(connection)
        migrate_to(executor.loader.graph.leaf_nodes())
