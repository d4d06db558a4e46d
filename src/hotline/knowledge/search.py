"""Search the knowledge base: the articles that answer a question, best first.

1. The question's words (`knowledge.text.query_words`); a word in more than `COMMON_SHARE` of a
   large base says nothing and is dropped, unless nothing else is left.
2. Candidates from the database's own full-text index (knowledge/migrations/0002): PostgreSQL's
   GIN index over a weighted tsvector, ranked by ts_rank; SQLite's FTS5 table, ranked by bm25.
   Asked with the question's rarest words found in the base: first the articles with two of
   them, then, when those are few, with one; a common word would make the database rank a large
   part of the base. Only articles operators may use: published, valid today (and public, for
   the public page), in the category asked for (or one under it), general or for the area asked
   for (or one above it).
3. The candidates ranked again here, the same way on both databases: BM25F over the three fields
   (title x3, other phrasings x2, body x1), each word weighed by how few articles contain it
   (`Term`). A hit's `score` says how much of the question it covers: the share of the
   question's words it contains, each weighed by its rarity (what "匹配度" shows).

Three or four queries (the words' counts, the candidates, their words, the hits), whatever the
size of the base. Figures: docs/benchmarks.md; why: docs/adr/0014-answers.md.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import combinations
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from hotline.core import clock
from hotline.core.enums import ArticleStatus
from hotline.directory.models import Department
from hotline.knowledge.models import Article, Term
from hotline.knowledge.text import numbers, query_words, words
from hotline.taxonomy.models import Category
from hotline.taxonomy.selectors import category_and_below

CANDIDATES = 100
# A word in more than this share of the articles (and more than COMMON_FLOOR of them: a small
# base has no common words) is left out of the question.
COMMON_SHARE = 0.2
COMMON_FLOOR = 50
# The candidates are the articles with any of the question's rarest words found in the base, at
# most CANDIDATE_WORDS, each in at most CANDIDATE_SHARE of the articles or CANDIDATE_FLOOR of them
# (else only the rarest word): a common word would make the database rank a large part of a large
# base. The ranking reads every word of the question.
CANDIDATE_WORDS = 6
CANDIDATE_SHARE = 0.03
CANDIDATE_FLOOR = 1000
# Articles with two of the rare words enough not to look at those with one.
ENOUGH = 20
FIELD_WEIGHTS = (("title_tokens", 3.0), ("question_tokens", 2.0), ("body_tokens", 1.0))
K1, B = 1.2, 0.75


@dataclass(frozen=True)
class Hit:
    article: Article
    score: float  # 0-1: the share of the question's words (weighed by rarity) the article contains
    matched: tuple[str, ...]  # the question's words found in the article


def category_ids(category: Category) -> list[int]:
    """The category and those under it."""
    return category_and_below(category.pk)


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


def _weights(words: Sequence[str]) -> tuple[dict[str, float], dict[str, int], int]:
    """Each word's inverse document frequency, the number of articles that contain it, and the
    number of articles. One query: the total is kept as the count of the empty word."""
    counts = dict(Term.objects.filter(word__in=[*words, ""]).values_list("word", "articles"))
    total = counts.pop("", 0)
    idf = {w: math.log(1 + (total - counts.get(w, 0) + 0.5) / (counts.get(w, 0) + 0.5)) for w in words}
    return idf, {w: counts.get(w, 0) for w in words}, total


def _candidates(clauses: Sequence[Sequence[str]], where: str, params: list[Any], limit: int) -> list[int]:
    """The usable articles that have all the words of any clause, best first by the database's
    own rank."""
    if connection.vendor == "postgresql":

        def lexeme(w: str) -> str:
            return "'" + w.replace("'", "''").replace("\\", "") + "'"

        query = " | ".join("(" + " & ".join(lexeme(w) for w in clause) + ")" for clause in clauses)
        sql = (
            "SELECT a.id FROM knowledge_article a, to_tsquery('simple', %s) q "
            f"WHERE a.search_vector @@ q AND {where} "
            "ORDER BY ts_rank(a.search_vector, q, 1) DESC, a.id LIMIT %s"
        )
        args: list[Any] = [query, *params, limit]
    else:

        def phrase(w: str) -> str:
            return '"' + w.replace('"', '""') + '"'

        match = " OR ".join("(" + " AND ".join(phrase(w) for w in clause) + ")" for clause in clauses)
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
    public: bool = False,
) -> list[Hit]:
    """The usable articles that best answer `text`, at most `limit`, best first; `public`: only
    those published for everyone (百问百答)."""
    words = query_words(text)
    if not words:
        return []
    idf, counts, total = _weights(words)
    asked = [w for w in words if counts[w] <= max(COMMON_SHARE * total, COMMON_FLOOR)] or words
    today = today or clock.localtime().date()
    where = ["a.status = %s", "(a.valid_from IS NULL OR a.valid_from <= %s)"]
    where.append("(a.valid_until IS NULL OR a.valid_until >= %s)")
    params: list[Any] = [ArticleStatus.PUBLISHED.value, today, today]
    if public:
        where.append("a.public = %s")
        params.append(True)
    if category is not None:
        ids = category_ids(category)
        where.append(f"a.category_id IN ({', '.join(['%s'] * len(ids))})")
        params += ids
    if area is not None:
        ids = area_ids(area)
        where.append(f"(a.area_id IS NULL OR a.area_id IN ({', '.join(['%s'] * len(ids))}))")
        params += ids
    found_in_base = sorted((w for w in asked if counts[w]), key=lambda w: counts[w])
    if not found_in_base:
        return []
    cheap = max(CANDIDATE_SHARE * total, CANDIDATE_FLOOR)
    rarest = [w for w in found_in_base[:CANDIDATE_WORDS] if counts[w] <= cheap] or found_in_base[:1]
    # First the articles with two of the rare words (few, and the likely answers), then, when
    # they are not enough, those with one.
    filters = " AND ".join(where)
    found = _candidates(list(combinations(rarest, 2)), filters, params, CANDIDATES) if len(rarest) > 1 else []
    if len(found) < ENOUGH:
        found += [
            pk for pk in _candidates([[w] for w in rarest], filters, params, CANDIDATES) if pk not in found
        ]
    if not found:
        return []
    rows = Article.objects.filter(pk__in=found).values_list(
        "pk", "title_tokens", "question_tokens", "body_tokens"
    )
    ranked = _rank(list(rows), asked, idf)[:limit]
    articles = Article.objects.in_bulk([pk for pk, _score, _matched in ranked])
    return [Hit(articles[pk], score, matched) for pk, score, matched in ranked if pk in articles]


# --- the same question asked again ---------------------------------------------------------------

# A consultation asks what an article answers when both their titles and their questions (title and
# the caller's words; an article's other phrasings) share at least SAME_QUESTION, or their titles
# SAME_TITLE and their questions SAME_TITLE_QUESTION, each word weighed by its rarity
# (`same_question`). On 600 of the 2,816 messages of the TipDM set, each against the others, 34 met
# it: 21 repeated the same title, 10 the same matter in other words, 3 were near (one of them a
# different question); the questions written for the bench from the replies, which share the
# answer but not the words, mostly do not. Missing a repeat costs a second proposal a person
# merges; a wrong match would take a question's only proposal away. Numbers are compared apart
# (`_same_numbers`): the words leave lone digits out, and two questions that differ only in a
# number (第1小学 and 第3小学) share every other word.
SAME_QUESTION = 0.5
SAME_TITLE = 0.8
SAME_TITLE_QUESTION = 0.3
# Rarity read as in a base of at least this many articles: in a small one every word is rare or
# common by chance (a word of the only article would weigh less than one of no article).
SMALL_BASE = 1000
# Where an answer may be: a proposal, a draft or an article in review not yet published, or a
# published article valid today (a retired or expired one is no answer any more).
OPEN = (ArticleStatus.PROPOSED, ArticleStatus.DRAFT, ArticleStatus.REVIEW)


@dataclass(frozen=True)
class Same:
    article: Article
    similarity: float  # 0-1: the mean of the titles' and the questions' likeness


def _rarity(words: Sequence[str]) -> dict[str, float]:
    """Each word's inverse document frequency in a base of at least SMALL_BASE articles, a word in
    none counted as in one (it would be, once this question is in)."""
    counts = dict(Term.objects.filter(word__in=[*words, ""]).values_list("word", "articles"))
    total = max(counts.pop("", 0), SMALL_BASE)
    return {
        w: math.log(1 + (total - max(counts.get(w, 0), 1) + 0.5) / (max(counts.get(w, 0), 1) + 0.5))
        for w in words
    }


def _alike(a: set[str], b: set[str], idf: dict[str, float]) -> float:
    """Dice's coefficient of two sets of words, each word weighed by its rarity."""
    whole = sum(idf.get(w, 0.0) for w in a) + sum(idf.get(w, 0.0) for w in b)
    return 2 * sum(idf.get(w, 0.0) for w in a & b) / whole if whole else 0.0


def _same_numbers(ours: dict[str, set[str]], theirs: dict[str, set[str]]) -> bool:
    """Whether two questions' numbers (`knowledge.text.numbers`) allow them to be one question:
    where both number the same kind of thing, all of one's numbers of it are the other's. 第1小学
    is not 第3小学, nor 1号线 2号线, nor 3月 4月; a question that numbers nothing (地铁末班车几点)
    may be a specific one's (1号线末班车几点), and a caller may add a number of their own (孩子今年
    6岁) or one more of a kind (the 10月 of a caller who wrote again, 7月 and 10月)."""
    return all(
        ours[what] <= theirs[what] or theirs[what] <= ours[what] for what in ours.keys() & theirs.keys()
    )


def _related(category: Category) -> list[int]:
    """The category, those under it and those above it: an answer filed one level up or down."""
    ids = category_ids(category)
    node = category.parent
    while node is not None and len(ids) < 200:
        ids.append(node.pk)
        node = node.parent
    return ids


def same_question(
    title: str, text: str, *, category: Category | None = None, today: date | None = None
) -> Same | None:
    """The article that already answers a consultation titled `title`, asking `text`: one
    published and valid today or one still open (proposed, draft, in review), in a related
    category (or none), whose title and question are alike enough (`SAME_QUESTION`, `SAME_TITLE`);
    the most alike, else None. Asked before a consultation proposes an article
    (`knowledge.actions.close_ticket`). Their numbers must agree (`_same_numbers`)."""
    title_words, asked = set(words(title)), set(words(f"{title} {text}"))
    if not title_words or not asked:
        return None
    chosen = list(dict.fromkeys([*words(title), *query_words(text)]))
    _idf, counts, _total = _weights(chosen)
    found_in_base = sorted((w for w in chosen if counts.get(w)), key=lambda w: counts[w])
    if not found_in_base:
        return None
    today = today or clock.localtime().date()
    open_ = ", ".join(["%s"] * len(OPEN))
    where = [
        f"(a.status IN ({open_}) OR (a.status = %s AND (a.valid_from IS NULL OR a.valid_from <= %s)"
        " AND (a.valid_until IS NULL OR a.valid_until >= %s)))"
    ]
    params: list[Any] = [*(s.value for s in OPEN), ArticleStatus.PUBLISHED.value, today, today]
    if category is not None:
        ids = _related(category)
        where.append(f"(a.category_id IS NULL OR a.category_id IN ({', '.join(['%s'] * len(ids))}))")
        params += ids
    rarest = found_in_base[:CANDIDATE_WORDS]
    found = _candidates([[w] for w in rarest], " AND ".join(where), params, CANDIDATES)
    if not found:
        return None
    numbered = numbers(f"{title} {text}")
    rows = [
        (pk, set(t.split()), set(t.split()) | set(q.split()))
        for pk, t, q, article_title, article_question in Article.objects.filter(pk__in=found).values_list(
            "pk", "title_tokens", "question_tokens", "title", "question"
        )
        if _same_numbers(numbered, numbers(f"{article_title} {article_question}"))
    ]
    if not rows:
        return None
    idf = _rarity(sorted(asked.union(*(theirs for _pk, _t, theirs in rows))))
    best: tuple[float, int] | None = None
    for pk, their_title, theirs in rows:
        titles = _alike(title_words, their_title, idf)
        questions = _alike(asked, theirs, idf)
        if min(titles, questions) < SAME_QUESTION and (
            titles < SAME_TITLE or questions < SAME_TITLE_QUESTION
        ):
            continue
        score = round((titles + questions) / 2, 4)
        if best is None or (score, -pk) > (best[0], -best[1]):
            best = (score, pk)
    if best is None:
        return None
    return Same(Article.objects.get(pk=best[1]), best[0])


def _rank(
    rows: list[tuple[int, str, str, str]], words: Sequence[str], idf: dict[str, float]
) -> list[tuple[int, float, tuple[str, ...]]]:
    """BM25F over the candidates: each field's counts of the question's words weighted, one
    length normalisation, best first; each as (article id, coverage 0-1, the words found)."""
    wanted = set(words)
    counted = []
    for pk, *fields in rows:
        counts: dict[str, float] = {}
        length = 0.0
        for text, (_name, weight) in zip(fields, FIELD_WEIGHTS, strict=True):
            tokens = text.split()
            length += len(tokens) * weight
            for token in tokens:
                if token in wanted:
                    counts[token] = counts.get(token, 0.0) + weight
        counted.append((pk, counts, length))
    average = (sum(length for _pk, _c, length in counted) / len(counted)) or 1.0
    whole = sum(idf[w] for w in words) or 1.0
    scored = []
    for pk, counts, length in counted:
        norm = K1 * (1 - B + B * length / average)
        bm25 = sum(idf[w] * tf * (K1 + 1) / (tf + norm) for w, tf in counts.items())
        coverage = round(sum(idf[w] for w in counts) / whole, 4)
        scored.append((bm25, pk, coverage, tuple(w for w in words if w in counts)))
    scored.sort(key=lambda r: (-r[0], r[1]))
    ranked = [(pk, coverage, matched) for _bm25, pk, coverage, matched in scored]
    return ranked
