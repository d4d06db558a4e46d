"""Searching the knowledge base: the article that answers a question comes first, only published
articles valid today are found, a category narrows the search, and the index follows every edit."""

from datetime import date, timedelta

import pytest

from hotline.core.enums import ArticleStatus
from hotline.knowledge.actions import (
    ArticleData,
    do_create_article,
    do_edit_article,
    do_retire_article,
    do_review_article,
)
from hotline.knowledge.models import Term
from hotline.knowledge.search import search
from tests.factories import CategoryFactory
from tests.knowledge.articles import ARTICLES

pytestmark = pytest.mark.django_db


@pytest.fixture
def base(staff):
    return [
        do_create_article(
            staff["admin"], ArticleData(title=t, question=q, body=b), status=ArticleStatus.PUBLISHED
        )
        for t, q, b in ARTICLES
    ]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("我想问一下外地缴的公积金能不能在这里贷款买房", 0),
        ("家里养了条狗，要去哪里办证", 1),
        ("孩子刚出生怎么给他办医保", 2),
        ("外地人在这边住了半年能办居住证吗", 3),
        ("明年孩子上一年级，报名要带什么材料", 4),
        ("新买的电动车怎么上牌", 5),
        ("公司裁员了，失业金怎么领", 6),
        ("天然气费可以在手机上交吗", 7),
    ],
)
def test_the_answer_comes_first(base, question, expected) -> None:
    hits = search(question)
    assert hits and hits[0].article == base[expected], [h.article.title for h in hits]
    assert 0 < hits[0].score <= 1 and hits[0].matched


def test_nothing_for_nothing(base) -> None:
    assert search("") == [] and search("？？？") == []
    assert search("火星移民签证") == []


def test_only_published_articles_valid_today(staff, base) -> None:
    draft = do_create_article(
        staff["admin"], ArticleData(title="犬只免疫证明补办", body="到动物防疫站补办犬只免疫证明。")
    )
    assert draft.status == ArticleStatus.DRAFT
    assert draft not in [h.article for h in search("犬只免疫证明补办")]
    today = date(2026, 12, 1)
    later = do_create_article(
        staff["admin"],
        ArticleData(
            title="冬季供暖缴费", body="供暖费在每年 11 月前缴纳。", valid_from=today + timedelta(days=10)
        ),
        status=ArticleStatus.PUBLISHED,
    )
    assert later not in [h.article for h in search("供暖缴费", today=today)]
    assert later in [h.article for h in search("供暖缴费", today=today + timedelta(days=10))]
    assert later not in [h.article for h in search("供暖缴费", today=today + timedelta(days=10))][1:]
    do_retire_article(base[1], staff["admin"], note="政策调整")
    assert base[1] not in [h.article for h in search("养狗办证")]


def test_a_category_narrows_the_search(staff) -> None:
    health = CategoryFactory(name="卫生计生")
    insurance = CategoryFactory(name="医疗保险", level=2, parent=health)
    labour = CategoryFactory(name="劳动和社会保障")
    in_health = do_create_article(
        staff["admin"],
        ArticleData(title="医保报销比例", body="住院医保报销比例为 70%。", category_id=insurance.pk),
        status=ArticleStatus.PUBLISHED,
    )
    in_labour = do_create_article(
        staff["admin"],
        ArticleData(title="医保断缴补缴", body="医保断缴可在三个月内补缴。", category_id=labour.pk),
        status=ArticleStatus.PUBLISHED,
    )
    assert {h.article for h in search("医保")} == {in_health, in_labour}
    assert [h.article for h in search("医保", category=health)] == [in_health]  # a category under it counts
    assert [h.article for h in search("医保", category=labour)] == [in_labour]


def test_the_index_follows_an_edit_and_the_counts_follow_the_words(staff, base) -> None:
    article = base[7]
    assert Term.objects.get(word="").articles == len(ARTICLES)
    before = Term.objects.get(word="燃气").articles
    do_edit_article(
        article,
        staff["dispatcher"],
        ArticleData(
            title="自来水网上缴费", question="水费 缴费", body="自来水用户可在供水公司公众号缴纳水费。"
        ),
        note="改为水费",
    )
    # A published article's edit waits for review: the search still reads the approved text.
    assert Term.objects.get(word="燃气").articles == before
    assert search("燃气费 IC 卡写卡")[0].article == article
    do_review_article(article, staff["supervisor"], approve=True)
    assert Term.objects.get(word="燃气").articles == before - 1
    assert search("水费怎么在网上交")[0].article == article
    assert article not in [h.article for h in search("燃气费 IC 卡写卡")]
