"""百问百答: the public answers and their feeds, without signing in; only what is published for
everyone, and no caller's words or numbers."""

import json
import xml.etree.ElementTree as ET

import pytest

from hotline.core.enums import ArticleStatus
from hotline.knowledge.actions import ArticleData, do_create_article
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(staff):
    category = CategoryFactory(name="公安")
    public = do_create_article(
        staff["admin"],
        ArticleData(
            title="养犬登记办理流程",
            question="张三 13812345678 问养狗办证",
            body="携带身份证到辖区派出所办理。咨询电话 13912345678。",
            category_id=category.pk,
            public=True,
        ),
        status=ArticleStatus.PUBLISHED,
    )
    internal = do_create_article(
        staff["admin"],
        ArticleData(title="养犬内部口径", body="仅供话务员参考"),
        status=ArticleStatus.PUBLISHED,
    )
    draft = do_create_article(staff["admin"], ArticleData(title="养犬新规草稿", body="草稿", public=True))
    return {"public": public, "internal": internal, "draft": draft}


def test_the_public_page_shows_only_public_published_answers(client, articles) -> None:
    page = client.get("/qa/").content.decode()
    assert "养犬登记办理流程" in page
    assert "养犬内部口径" not in page and "养犬新规草稿" not in page
    found = client.get("/qa/", {"q": "养狗去哪里办证"}).content.decode()
    assert "养犬登记办理流程" in found and "养犬内部口径" not in found
    one = client.get(f"/qa/{articles['public'].pk}/")
    assert one.status_code == 200 and one["Cache-Control"].startswith("public")
    body = one.content.decode()
    assert "13912345678" not in body and "***" in body  # numbers masked
    assert "张三" not in body and "13812345678" not in body  # the caller's words are never shown
    assert client.get(f"/qa/{articles['internal'].pk}/").status_code == 404
    assert client.get(f"/qa/{articles['draft'].pk}/").status_code == 404


def test_the_json_feed(client, articles) -> None:
    response = client.get("/qa/feed.json")
    assert response["Content-Type"].startswith("application/feed+json")
    feed = json.loads(response.content)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert [item["title"] for item in feed["items"]] == ["养犬登记办理流程"]
    assert feed["items"][0]["url"].endswith(f"/qa/{articles['public'].pk}/")
    assert "13912345678" not in response.content.decode()


def test_the_rss_feed(client, articles) -> None:
    response = client.get("/qa/feed.xml")
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    assert channel is not None
    assert [item.findtext("title") for item in channel.findall("item")] == ["养犬登记办理流程"]
