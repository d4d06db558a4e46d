"""采用 on the console's category suggestion sets the most specific category routing read."""

import re

import pytest

from hotline.directory.models import Responsibility
from tests.routing.conftest import (  # noqa: F401  (fixtures: a trained category model and its rules)
    active_model,
    bureaus,
    corpus_tree,
    rules_by_category,
    small_model,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def adopted(page: str) -> str:
    found = re.search(r'data-set-field="id_category" data-value="(\d+)"', page)
    assert found, page
    return found.group(1)


@pytest.mark.usefixtures("active_model", "rules_by_category")
def test_adopting_takes_the_subcategory_a_keyword_rule_stood_in_for(
    client,
    staff,
    corpus_tree,  # noqa: F811  (the fixture imported above)
    bureaus,  # noqa: F811
) -> None:
    sub = corpus_tree["城乡建设/其他"]
    Responsibility.objects.create(
        name="井盖（关键词）", category=sub, lead_department=bureaus["环境保护"], keywords="井盖"
    )
    client.force_login(staff["operator"])
    query = {"title": "湖滨路88号井盖丢了", "content": "湖滨路88号井盖缺失很危险，请尽快处理。"}

    page = client.get("/console/suggest/", query, **HTMX).content.decode()

    assert 'id="suggest-category">城乡建设 / 其他（由关键词推定）' in page
    assert adopted(page) == str(sub.pk)

    # Without a keyword rule below it, the first level is all routing read.
    page = client.get(
        "/console/suggest/", {**query, "title": "路灯不亮", "content": "幸福路路灯不亮"}
    ).content.decode()
    assert adopted(page) == str(corpus_tree["城乡建设"].pk)

    # The operator's first level, refined by the keyword rule: offered too.
    page = client.get("/console/suggest/", {**query, "category": corpus_tree["城乡建设"].pk}).content.decode()
    assert "（话务员选定）" in page and adopted(page) == str(sub.pk)
