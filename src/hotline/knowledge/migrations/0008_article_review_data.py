"""The data of 0007 (see its docstring): the versions take their article's area, owner and public
flag; the reviews in the log go on their versions, and the notes they overwrote come off; an
article that an edit had taken from the operators gets its last approved version back, the edit
waiting beside it. Apart from 0007's schema: PostgreSQL cannot index a table whose rows the same
transaction has just updated."""

from django.db import migrations

OVERWRITTEN = {"approve": "审核通过：", "return": "退回修改：", "retire": "停用："}


def backfill(apps, schema_editor):
    from collections import Counter

    from hotline.knowledge.text import tokens

    Article = apps.get_model("knowledge", "Article")
    ArticleVersion = apps.get_model("knowledge", "ArticleVersion")
    ArticleEvent = apps.get_model("knowledge", "ArticleEvent")
    Term = apps.get_model("knowledge", "Term")
    for article in Article.objects.all().iterator():
        ArticleVersion.objects.filter(article=article).update(
            area_id=article.area_id, owner_id=article.owner_id, public=article.public
        )
    events = ArticleEvent.objects.filter(action__in=list(OVERWRITTEN)).order_by("at", "pk")
    for event in events.iterator():
        version = ArticleVersion.objects.filter(article_id=event.article_id, number=event.version).first()
        if version is None:
            continue
        if event.note and version.note == OVERWRITTEN[event.action] + event.note[:400]:
            version.note = ""
        if event.action != "retire":
            version.review = event.action
            version.review_note = event.note
            version.reviewed_by_id = event.actor_id
            version.reviewed_at = event.at
        version.save()
    restored = False
    for article in Article.objects.filter(status__in=["review", "draft"]).iterator():
        approved = (
            ArticleEvent.objects.filter(article=article, action="approve", version__lt=article.version)
            .order_by("-version")
            .first()
        )
        live = approved and ArticleVersion.objects.filter(article=article, number=approved.version).first()
        if not live:
            continue
        article.pending_version, article.pending_status = article.version, article.status
        article.status, article.version = "published", live.number
        for name in ("title", "question", "body", "category_id", "valid_from", "valid_until"):
            setattr(article, name, getattr(live, name))
        article.title_tokens = tokens(article.title)
        article.question_tokens = tokens(article.question)
        article.body_tokens = tokens(article.body)
        article.save()
        restored = True
    if restored:  # the words of the restored texts counted anew (knowledge.actions.recount_terms)
        counts: Counter[str] = Counter()
        rows = Article.objects.values_list("title_tokens", "question_tokens", "body_tokens")
        for title, question, body in rows.iterator():
            counts.update(set(f"{title} {question} {body}".split()))
            counts[""] += 1
        Term.objects.all().delete()
        Term.objects.bulk_create([Term(word=w, articles=n) for w, n in counts.items() if len(w) <= 64])


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0007_article_review")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
