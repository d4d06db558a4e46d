"""Search the knowledge base: the articles that answer a question, best first.

1. The question's words (`knowledge.text.query_words`); words found in more than
   `COMMON_SHARE` of the articles are dropped (they would match half the base and say nothing),
   unless nothing else is left.
2. Candidates from the database's own full-text index (knowledge/migrations/0002): PostgreSQL's
   GIN index over a weighted tsvector, ranked by ts_rank; SQLite's FTS5 table, ranked by bm25.
   Only articles operators may use: published, valid today, in the category asked for (or one
   under it), and general or for the area asked for (or one above it).
3. The candidates ranked again here, the same way on both databases: BM25 over the three fields
   (title x3, other phrasings x2, body x1), each word weighed by how few articles contain it
   (`Term`). A hit's `score` is relative: the best possible for that question is 1.

Two queries (the words' counts, the candidates) and the candidates' rows, whatever the size of
the base.
"""

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from hotline.core import clock
from hotline.core.enums import ArticleStatus
from hotline.directory.models import Department
from hotline.knowledge.models import Article, Term
from hotline.knowledge.text import query_words
from hotline.taxonomy.models import Category

CANDIDATES = 100
# A word in more than this share of the articles is left out of the question.
COMMON_SHARE = 0.2
FIELD_WEIGHTS = (("title_tokens", 3.0), ("question_tokens", 2.0), ("body_tokens", 1.0))
K1, B = 1.2, 0.75


@dataclass(frozen=True)
class Hit:
    article: Article
    score: float  # 0-1, relative to the best a hit could score for this question
    matched: tuple[str, ...]  # the question's words found in the article


def category_ids(category: Category) -> list[int]:
    """The category and those under it (the tree has three levels)."""
    children = list(Category.objects.filter(parent=category).values_list("pk", flat=True))
    grandchildren = list(Category.objects.filter(parent_id__in=children).values_list("pk", flat=True))
    return [category.pk, *children, *grandchildren]


def area_ids(area: Department) -> list[int]:
    """The area and those above it: an article for a district answers in its streets."""
    ids: list[int] = []
    node: Department | None = area
    while node is not None and len(ids) < 10:
        ids.append(node.pk)
        node = node.parent
    return ids


def usable(today: date | None = None) -> QuerySet[Article]:
    """The articles operators may answer with today: published and valid."""
    today = today or clock.localtime().date()
    return (
        Article.objects.filter(status=ArticleStatus.PUBLISHED)
        .exclude(valid_from__gt=today)
        .exclude(valid_until__lt=today)
    )


def _weights(words: Sequence[str]) -> tuple[dict[str, float], set[str]]:
    """Each word's inverse document frequency over the articles, and the words too common to
    search for. One query: the total is kept as the count of the empty word."""
    counts = dict(Term.objects.filter(word__in=[*words, ""]).values_list("word", "articles"))
    total = counts.pop("", 0)
    idf = {w: math.log(1 + (total - counts.get(w, 0) + 0.5) / (counts.get(w, 0) + 0.5)) for w in words}
    common = {w for w in words if total and counts.get(w, 0) / total > COMMON_SHARE}
    return idf, common


def _candidates(words: Sequence[str], where: str, params: list[Any], limit: int) -> list[int]:
    if connection.vendor == "postgresql":
        query = " | ".join("'" + w.replace("'", "''").replace("\\", "") + "'" for w in words)
        sql = (
            "SELECT a.id FROM knowledge_article a, to_tsquery('simple', %s) q "
            f"WHERE a.search_vector @@ q AND {where} "
            "ORDER BY ts_rank(a.search_vector, q, 1) DESC, a.id LIMIT %s"
        )
        args: list[Any] = [query, *params, limit]
    else:
        match = " OR ".join('"' + w.replace('"', '""') + '"' for w in words)
        sql = (
            "SELECT a.id FROM knowledge_article_fts f JOIN knowledge_article a ON a.id = f.rowid "
            f"WHERE knowledge_article_fts MATCH %s AND {where} "
            "ORDER BY bm25(knowledge_article_fts, 3.0, 2.0, 1.0), a.id LIMIT %s"
        )
        args = [match, *params, limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        return [row[0] for row in cursor.fetchall()]


def search(
    text: str,
    *,
    category: Category | None = None,
    area: Department | None = None,
    limit: int = 5,
    today: date | None = None,
) -> list[Hit]:
    """The usable articles that best answer `text`, at most `limit`, best first."""
    words = query_words(text)
    if not words:
        return []
    idf, common = _weights(words)
    asked = [w for w in words if w not in common] or words
    today = today or clock.localtime().date()
    where = ["a.status = %s", "(a.valid_from IS NULL OR a.valid_from <= %s)"]
    where.append("(a.valid_until IS NULL OR a.valid_until >= %s)")
    params: list[Any] = [ArticleStatus.PUBLISHED.value, today, today]
    if category is not None:
        ids = category_ids(category)
        where.append(f"a.category_id IN ({', '.join(['%s'] * len(ids))})")
        params += ids
    if area is not None:
        ids = area_ids(area)
        where.append(f"(a.area_id IS NULL OR a.area_id IN ({', '.join(['%s'] * len(ids))}))")
        params += ids
    found = _candidates(asked, " AND ".join(where), params, CANDIDATES)
    if not found:
        return []
    articles = Article.objects.in_bulk(found)
    return _rank([articles[pk] for pk in found if pk in articles], asked, idf)[:limit]


def _rank(articles: list[Article], words: Sequence[str], idf: dict[str, float]) -> list[Hit]:
    """BM25F over the candidates: a field's term counts weighted, one length normalisation."""
    fields = [[(a_tokens.split(), weight) for a_tokens, weight in _field_tokens(a)] for a in articles]
    lengths = [sum(len(tokens) * weight for tokens, weight in f) for f in fields]
    average = (sum(lengths) / len(lengths)) or 1.0
    best = sum(idf[w] for w in words) * (K1 + 1) or 1.0
    hits = []
    for article, article_fields, length in zip(articles, fields, lengths, strict=True):
        counts: dict[str, float] = {}
        for tokens, weight in article_fields:
            for word, n in Counter(t for t in tokens if t in idf).items():
                counts[word] = counts.get(word, 0.0) + n * weight
        score = 0.0
        for word in words:
            tf = counts.get(word, 0.0)
            if tf:
                score += idf[word] * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / average))
        matched = tuple(w for w in words if counts.get(w))
        hits.append(Hit(article, round(min(1.0, score / best), 4), matched))
    hits.sort(key=lambda h: (-h.score, h.article.pk))
    return hits


def _field_tokens(article: Article) -> list[tuple[str, float]]:
    return [(getattr(article, name) or "", weight) for name, weight in FIELD_WEIGHTS]
