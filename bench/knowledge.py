"""The knowledge base's search (knowledge/search.py): does the right answer come up, and how fast
with 100,000 articles.

    .venv/bin/python bench/knowledge.py                     # SQLite (a fresh test database)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hl_bench .venv/bin/python bench/knowledge.py
    .venv/bin/python bench/knowledge.py --articles 0        # the 50 questions only

Data: `../shared/data/raw/tipdm2020c_syucryingstar/fujian4_messages_with_replies.csv` (2,816 real
messages with the official reply; read there, never copied) and `bench/data/knowledge_questions.csv`:
50 questions written by hand, as a caller would ask them on the phone, each answered by the reply
to one of those messages (`message_id`). The questions were written from the replies and do not
repeat the messages' titles.

1. Right answer in the top 3. Every message becomes a published article, as a consultation whose
   answer satisfied the caller is proposed (`knowledge.actions.propose_from_consultations`):
   title = the message's title, other phrasings = the citizen's message, body = the official
   reply. For each question: the rank of its article among the 2,816. Also with the articles'
   title and body alone (no caller's words), the harder case of an article written by hand.
2. Speed. The base grown to `--articles` (100,000) with synthetic articles: each a real title and
   three to six sentences drawn from different real replies (their words segmented once and put
   together, as the index would hold them), then the word counts recounted. 400 searches (the 50
   questions, the 2,816 titles' first 200 and 150 messages of 60-300 characters as an operator
   types them), timed one by one on a warm process: p50, p95, p99 of the wall clock and of this
   process's CPU time (with SQLite the database works in the process; on a shared machine the
   wall clock includes waiting for a CPU, so the load average is printed), and the top-3 of the
   50 again, now among 100,000.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
DATA = (
    ROOT.parent / "shared" / "data" / "raw" / "tipdm2020c_syucryingstar" / "fujian4_messages_with_replies.csv"
)
QUESTIONS = ROOT / "bench" / "data" / "knowledge_questions.csv"
SEED = 19
BATCH = 2000


def setup_django() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")
    os.environ.setdefault("HOTLINE_HOME", tempfile.mkdtemp(prefix="hotline-bench-"))
    import django

    django.setup()


def read_messages() -> list[dict[str, str]]:
    if not DATA.is_file():
        sys.exit(f"skipped: {DATA} is absent (the shared data folder is not next to the repository)")
    with DATA.open(encoding="utf-8-sig", newline="") as f:
        return [r for r in csv.DictReader(f) if r["答复意见"].strip()]


def read_questions() -> list[dict[str, str]]:
    with QUESTIONS.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def clean(text: str) -> str:
    return " ".join(text.split())


def load(messages: list[dict[str, str]], *, with_question: bool) -> dict[str, int]:
    """Every message as a published article; message id -> article id."""
    from hotline.core.enums import ArticleStatus
    from hotline.knowledge.actions import recount_terms
    from hotline.knowledge.models import Article
    from hotline.knowledge.text import tokens

    now = datetime(2026, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
    Article.objects.all().delete()
    rows = []
    for m in messages:
        title, question, body = (
            clean(m["留言主题"])[:200],
            clean(m["留言详情"]) if with_question else "",
            clean(m["答复意见"]),
        )
        rows.append(
            Article(
                title=title,
                question=question,
                body=body,
                status=ArticleStatus.PUBLISHED,
                created_at=now,
                updated_at=now,
                title_tokens=tokens(title),
                question_tokens=tokens(question),
                body_tokens=tokens(body),
            )
        )
    made = Article.objects.bulk_create(rows, batch_size=BATCH)
    recount_terms()
    return {m["留言编号"]: a.pk for m, a in zip(messages, made, strict=True)}


def ranks(questions: list[dict[str, str]], ids: dict[str, int], top: int = 10) -> list[int | None]:
    from hotline.knowledge.search import search

    found = []
    for q in questions:
        hits = [h.article.pk for h in search(q["question"], limit=top)]
        wanted = ids[q["message_id"]]
        found.append(hits.index(wanted) + 1 if wanted in hits else None)
    return found


def report_ranks(label: str, found: list[int | None]) -> None:
    n = len(found)
    top1 = sum(r == 1 for r in found)
    top3 = sum(r is not None and r <= 3 for r in found)
    top10 = sum(r is not None for r in found)
    print(f"   {label:<44} top-1 {top1:>2}/{n}  top-3 {top3:>2}/{n}  top-10 {top10:>2}/{n}")


_SENTENCE = re.compile(r"(?<=[。；！？])")


def grow(messages: list[dict[str, str]], target: int) -> int:
    """Synthetic published articles until the base holds `target`; returns how many were added."""
    from hotline.core.enums import ArticleStatus
    from hotline.knowledge.models import Article
    from hotline.knowledge.text import tokens

    rng = random.Random(SEED)
    sentences: list[tuple[str, str]] = []
    for m in messages:
        for s in _SENTENCE.split(clean(m["答复意见"])):
            if 8 <= len(s) <= 200:
                sentences.append((s, tokens(s)))
    titles = [(clean(m["留言主题"])[:200], tokens(clean(m["留言主题"])[:200])) for m in messages]
    now = datetime(2026, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
    added = 0
    missing = target - Article.objects.count()
    while added < missing:
        rows = []
        for _ in range(min(BATCH, missing - added)):
            title, title_tokens = rng.choice(titles)
            picked = rng.sample(sentences, rng.randint(3, 6))
            rows.append(
                Article(
                    title=title,
                    body="".join(s for s, _t in picked),
                    status=ArticleStatus.PUBLISHED,
                    created_at=now,
                    updated_at=now,
                    title_tokens=title_tokens,
                    body_tokens=" ".join(t for _s, t in picked),
                )
            )
        Article.objects.bulk_create(rows, batch_size=BATCH)
        added += len(rows)
        print(f"\r   {Article.objects.count():,} articles", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return added


def timed(queries: list[str]) -> tuple[list[float], list[float]]:
    """Each search's wall-clock and CPU time (this process's: with SQLite, the database's too), ms."""
    from hotline.knowledge.search import search

    for q in queries[:20]:  # warm up: jieba's dictionary, the connection, the statements
        search(q)
    wall, cpu = [], []
    for q in queries:
        started, used = time.perf_counter(), time.process_time()
        search(q)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
    return wall, cpu


def quantiles(label: str, took: list[float]) -> str:
    q = statistics.quantiles(took, n=100)
    return (
        f"   {label}: p50 {statistics.median(took):.1f} ms  p95 {q[94]:.1f} ms  p99 {q[98]:.1f} ms  "
        f"max {max(took):.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=100_000, help="grow the base to this many (0: skip)")
    args = parser.parse_args()
    setup_django()
    from django.db import connection
    from django.test.utils import setup_test_environment

    messages = read_messages()
    questions = read_questions()
    known = {m["留言编号"] for m in messages}
    assert all(q["message_id"] in known for q in questions), (
        "a question names a message that is not in the file"
    )
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        print(
            f"Knowledge search on {connection.vendor}, {len(messages):,} real articles, "
            f"{len(questions)} questions"
        )
        print("1. The right article's rank")
        started = time.perf_counter()
        ids = load(messages, with_question=False)
        report_ranks("title and body", ranks(questions, ids))
        ids = load(messages, with_question=True)
        print(
            f"   (loaded and indexed 2x{len(messages):,} articles in {time.perf_counter() - started:.0f} s)"
        )
        found = ranks(questions, ids)
        report_ranks("title, the caller's words and body", found)
        missed = [q["question_id"] for q, r in zip(questions, found, strict=True) if r is None or r > 3]
        print(f"   not in the top 3: {', '.join(missed) or 'none'}")
        if args.articles:
            print(f"2. Speed with {args.articles:,} articles")
            started = time.perf_counter()
            grow(messages, args.articles)
            from hotline.knowledge.actions import recount_terms

            recount_terms()
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE knowledge_article")
            print(f"   grown and recounted in {time.perf_counter() - started:.0f} s")
            rng = random.Random(SEED)
            typed = [clean(m["留言详情"])[: rng.randint(60, 300)] for m in rng.sample(messages, 150)]
            queries = (
                [q["question"] for q in questions] + [clean(m["留言主题"]) for m in messages[:200]] + typed
            )
            busy = os.getloadavg()[0]
            wall, cpu = timed(queries)
            print(f"   {len(wall)} searches, load average {busy:.1f} on {os.cpu_count()} CPUs")
            print(quantiles("wall clock", wall))
            print(quantiles("CPU of this process", cpu))
            report_ranks(f"the 50 questions among {args.articles:,}", ranks(questions, ids))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
