"""The knowledge base in the API: search, write, review, and answer a consultation on the spot from
an article through the ticket's action; bad input is a 4xx with a message and changes nothing."""

import json

import pytest

from hotline.core.enums import ArticleStatus, Kind
from hotline.knowledge.actions import ArticleData, do_create_article
from hotline.knowledge.models import Article, ArticleUse
from tests.factories import make_ticket
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


def test_search(api_as, staff, base) -> None:
    hits = (
        api_as(staff["operator"]).get("/knowledge/search", {"q": "新买的电动车怎么上牌", "limit": 2}).json()
    )
    assert hits[0]["article"]["id"] == base[5].pk and 0 < hits[0]["score"] <= 1
    assert len(hits) <= 2
    assert (
        api_as(staff["operator"]).get("/knowledge/search", {"q": "电动车", "category": 999}).status_code
        == 404
    )
    assert api_as(staff["operator"]).get("/knowledge/search", {"limit": 99}).status_code == 422


def test_write_submit_review(api_as, staff, departments) -> None:
    handler = api_as(staff["housing"])
    created = handler.post("/knowledge/articles", {"title": "维修资金使用", "body": "须经业主大会表决。"})
    assert created.status_code == 201
    body = created.json()
    assert body["status"] == "draft" and body["owner"]["code"] == departments["housing"].code
    article_id = body["id"]
    assert handler.post(f"/knowledge/articles/{article_id}/submit").json()["status"] == "review"
    assert handler.post(f"/knowledge/articles/{article_id}/review", {"approve": True}).status_code == 403
    published = api_as(staff["dispatcher"]).post(
        f"/knowledge/articles/{article_id}/review", {"approve": True}
    )
    assert published.json()["status"] == "published" and published.json()["reviewed_by"] == "disp"


def test_bad_input_changes_nothing(api_as, staff) -> None:
    admin = api_as(staff["admin"])
    assert admin.post("/knowledge/articles", {"title": "", "body": "x"}).status_code == 422
    bad_dates = {"title": "t", "body": "b", "valid_from": "2026-02-01", "valid_until": "2026-01-01"}
    response = admin.post("/knowledge/articles", bad_dates)
    assert response.status_code == 422 and "失效日期" in response.json()["detail"]
    assert admin.get("/knowledge/articles/999").status_code == 404
    assert (
        api_as(staff["operator"]).post("/knowledge/articles", {"title": "t", "body": "b"}).status_code == 403
    )
    assert not Article.objects.exists()


def test_operators_see_only_usable_articles(api_as, staff, base) -> None:
    draft = do_create_article(staff["admin"], ArticleData(title="草稿", body="未发布"))
    operator = api_as(staff["operator"])
    assert operator.get(f"/knowledge/articles/{draft.pk}").status_code == 404
    assert operator.get("/knowledge/articles").json()["count"] == len(base)
    assert api_as(staff["dispatcher"]).get("/knowledge/articles").json()["count"] == len(base) + 1


def test_answer_on_the_spot_from_an_article(api_as, staff, base) -> None:
    ticket = make_ticket(
        actor=staff["operator"], kind=Kind.CONSULTATION, title="养狗办证", content="养狗要办证吗"
    )
    operator = api_as(staff["operator"])
    refused = operator.action(ticket, "answer_on_spot", {"text": "x", "article_id": 999999})
    assert refused.status_code == 422 and "article_id" in refused.json()["detail"]
    done = operator.action(ticket, "answer_on_spot", {"text": base[1].body, "article_id": base[1].pk})
    assert done.status_code == 200 and done.json()["status"] == "answered"
    assert ArticleUse.objects.get().article == base[1]


def test_an_edit_of_a_published_article_waits_and_another_reviews_it(api_as, staff, base) -> None:
    dispatcher = api_as(staff["dispatcher"])
    article = base[1]
    edited = dispatcher.client.put(
        f"/api/v1/knowledge/articles/{article.pk}",
        json.dumps({"title": article.title, "body": "新的口径。", "note": "更新"}),
        content_type="application/json",
        headers=dispatcher.headers,
    ).json()
    assert (edited["status"], edited["version"], edited["pending_version"], edited["pending_status"]) == (
        "published",
        1,
        2,
        "review",
    )
    assert edited["body"] == article.body  # the approved text, still in use
    mine = dispatcher.post(f"/knowledge/articles/{article.pk}/review", {"approve": True})
    assert mine.status_code == 403
    supervisor = api_as(staff["supervisor"])
    no_reason = supervisor.post(f"/knowledge/articles/{article.pk}/review", {"approve": False})
    assert no_reason.status_code == 422 and "原因" in no_reason.json()["detail"]
    done = supervisor.post(
        f"/knowledge/articles/{article.pk}/review", {"approve": True, "note": "同意"}
    ).json()
    assert (done["version"], done["body"], done["pending_version"]) == (2, "新的口径。", None)
    assert supervisor.post(f"/knowledge/articles/{article.pk}/retire", {}).status_code == 422
