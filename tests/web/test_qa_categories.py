"""百问百答 by category: a first-level category chosen alone lists what is filed anywhere under it
(its second and third levels), on the page and in its feeds, answers and answered suggestions."""

import json
import xml.etree.ElementTree as ET

import pytest

from hotline.core.enums import ArticleStatus, Kind
from hotline.feedback.publication import SuggestionText, do_publish_suggestion
from hotline.knowledge.actions import ArticleData, do_create_article
from tests.factories import CategoryFactory
from tests.tickets.conftest import Flow

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(staff):
    """城乡建设 / 住房保障 / 公租房 with an answer on the third level, and 教育 beside it."""
    root = CategoryFactory(code="01", name="城乡建设", level=1)
    housing = CategoryFactory(code="0101", name="住房保障", level=2, parent=root)
    rental = CategoryFactory(code="010101", name="公租房", level=3, parent=housing)
    education = CategoryFactory(code="02", name="教育", level=1)
    for title, category in (("公租房申请条件", rental), ("学位申请流程", education)):
        do_create_article(
            staff["admin"],
            ArticleData(
                title=title, body=f"{title}：请到政务服务中心办理。", category_id=category.pk, public=True
            ),
            status=ArticleStatus.PUBLISHED,
        )
    return {"root": root, "rental": rental, "education": education}


def test_a_first_level_category_alone_lists_the_answers_on_its_third_level(client, tree) -> None:
    page = client.get("/qa/", {"q": "", "category": tree["root"].pk}).content.decode()
    assert "公租房申请条件" in page and "学位申请流程" not in page
    assert "没有找到相关问答" not in page
    other = client.get("/qa/", {"q": "", "category": tree["education"].pk}).content.decode()
    assert "学位申请流程" in other and "公租房申请条件" not in other


def test_the_feeds_follow_the_chosen_category(client, tree) -> None:
    root = tree["root"].pk
    page = client.get("/qa/", {"category": root}).content.decode()
    assert f'href="/qa/feed.json?category={root}"' in page and f'href="/qa/feed.xml?category={root}"' in page
    feed = json.loads(client.get("/qa/feed.json", {"category": root}).content)
    assert [item["title"] for item in feed["items"]] == ["公租房申请条件"]
    assert feed["feed_url"].endswith(f"/qa/feed.json?category={root}")
    channel = ET.fromstring(client.get("/qa/feed.xml", {"category": root}).content).find("channel")
    assert channel is not None
    assert [item.findtext("title") for item in channel.findall("item")] == ["公租房申请条件"]
    everything = json.loads(client.get("/qa/feed.json").content)
    assert {item["title"] for item in everything["items"]} == {"公租房申请条件", "学位申请流程"}


def test_answered_suggestions_on_the_third_level_are_listed_under_the_first(
    client, staff, departments, tree
) -> None:
    flow = Flow(staff, departments)
    ticket = flow.new(kind=Kind.SUGGESTION, title="建议增加公租房房源")
    ticket.category = tree["rental"]
    ticket.save()
    flow.dispatch(ticket, co=())
    flow.accept(ticket)
    ticket = flow.reply(ticket, text="已将增加公租房房源纳入明年计划。")
    text = SuggestionText(
        title="关于增加公租房房源的建议", question="有市民建议增加公租房房源。", answer="已纳入明年计划。"
    )
    do_publish_suggestion(ticket, staff["supervisor"], text)
    root = tree["root"].pk
    assert "关于增加公租房房源的建议" in client.get("/qa/", {"category": root}).content.decode()
    found = client.get("/qa/", {"q": "公租房房源", "category": root}).content.decode()
    assert "关于增加公租房房源的建议" in found
    assert (
        "关于增加公租房房源的建议"
        not in client.get("/qa/", {"category": tree["education"].pk}).content.decode()
    )
    feed = json.loads(client.get("/qa/feed.json", {"category": root}).content)
    assert "关于增加公租房房源的建议" in [item["title"] for item in feed["items"]]
