"""The knowledge base's pages as the audit used them: the edit form keeps the validity dates (ISO in
the date boxes, whatever the language), a published article stays on the public page and the
console while an edit of it waits for review, versions open as they were with what changed, only the
actions valid now are offered (by someone other than the author), a reason is asked for sending back
and retiring, the forms' boxes have labels and Chinese empty choices, and expired or not yet valid
articles are marked."""

import html
import re
from datetime import timedelta

import pytest

from hotline.core import clock
from hotline.core.enums import ArticleStatus
from hotline.knowledge import actions
from hotline.knowledge.actions import ArticleData
from hotline.knowledge.models import Article

pytestmark = pytest.mark.django_db
A = ArticleStatus
HTMX = {"HTTP_HX_REQUEST": "true"}

TITLE = "老旧小区加装电梯补贴"
BODY = "老旧小区加装电梯可申请财政补贴，每台最高 20 万元（工作日9:00-17:00）。"


def _published(staff, **kwargs) -> Article:
    data = ArticleData(title=TITLE, question="加装电梯 补贴", body=BODY, public=True, **kwargs)
    article = actions.do_create_article(staff["housing"], data, note="初稿")
    actions.do_submit_article(article, staff["housing"])
    return actions.do_review_article(article, staff["dispatcher"], approve=True, note="口径准确", public=True)


def _form(article: Article, **changes) -> dict[str, str]:
    """The edit form as the browser posts it back unchanged, but for `changes`."""
    values = {
        "title": article.title,
        "question": article.question,
        "body": article.body,
        "category": str(article.category_id or ""),
        "area": str(article.area_id or ""),
        "owner": str(article.owner_id or ""),
        "valid_from": article.valid_from.isoformat() if article.valid_from else "",
        "valid_until": article.valid_until.isoformat() if article.valid_until else "",
        "note": "",
    }
    if article.public:
        values["public"] = "on"
    return values | changes


def _box(page: str, name: str) -> str:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    assert found, name
    return found.group(0)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_edit_form_shows_the_dates_as_iso_and_keeps_them(client, staff, language) -> None:
    today = clock.localtime().date()
    start, end = today - timedelta(days=30), today + timedelta(days=300)
    article = _published(staff, valid_from=start, valid_until=end)
    client.force_login(staff["dispatcher"])
    client.cookies["django_language"] = language
    page = client.get(f"/knowledge/{article.pk}/edit/").content.decode()
    assert f'value="{start.isoformat()}"' in _box(page, "valid_from")
    assert f'value="{end.isoformat()}"' in _box(page, "valid_until")
    # What the browser posts back from those boxes keeps the dates.
    fields = {
        "valid_from": re.search(r'value="([^"]*)"', _box(page, "valid_from")).group(1),
        "valid_until": re.search(r'value="([^"]*)"', _box(page, "valid_until")).group(1),
    }
    assert (
        client.post(f"/knowledge/{article.pk}/edit/", _form(article, body="新口径。", **fields)).status_code
        == 302
    )
    waiting = actions.pending(Article.objects.get(pk=article.pk))
    assert (waiting.valid_from, waiting.valid_until) == (start, end)


def test_a_published_article_stays_live_while_a_handlers_edit_waits(client, staff) -> None:
    article = _published(staff)
    client.force_login(staff["housing"])
    new_body = BODY.replace("17:00", "17:30")
    response = client.post(
        f"/knowledge/{article.pk}/edit/", _form(article, body=new_body, note="调整咨询时间")
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.status, article.version, article.pending_version) == (A.PUBLISHED, 1, 2)
    # The public page and the console's answers still have the approved text.
    client.logout()
    public = client.get(f"/qa/{article.pk}/")
    assert public.status_code == 200 and "17:00" in public.content.decode()
    client.force_login(staff["operator"])
    answers = client.get(
        "/console/answers/", {"title": "加装电梯补贴", "content": "老小区加装电梯有补贴吗"}, **HTMX
    )
    assert f'data-use-article="{article.pk}"' in answers.content.decode()
    operator_page = client.get(f"/knowledge/{article.pk}/").content.decode()
    assert "17:00" in operator_page and "17:30" not in operator_page
    # Editors and reviewers see the edit waiting, with what it changes.
    client.force_login(staff["supervisor"])
    page = client.get(f"/knowledge/{article.pk}/").content.decode()
    waiting = page[page.index('id="article-pending-version"') :]
    assert "第 2 版修改待审核" in page and "调整咨询时间" in waiting
    assert re.search(r"17:<del>.*?0</del><ins>.*?3</ins>0", waiting)
    queue = client.get("/knowledge/", {"status": "review"}).content.decode()
    assert TITLE in queue and "修改待审核" in queue and "待审核 1 条" in queue
    # Approved by another reviewer: the new text is the one in use.
    client.post(f"/knowledge/{article.pk}/do/approve/", {"note": "同意", "public": "on"})
    client.logout()
    assert "17:30" in client.get(f"/qa/{article.pk}/").content.decode()


def test_an_earlier_version_opens_as_it_was_with_what_changed(client, staff) -> None:
    article = _published(staff)
    actions.do_edit_article(
        article,
        staff["housing"],
        ArticleData(title=TITLE, body=BODY + "\n<script>alert(1)</script>申请材料见附件。", public=True),
        note="补充材料",
    )
    actions.do_review_article(article, staff["supervisor"], approve=True, note="可以发布")
    client.force_login(staff["dispatcher"])
    page = client.get(f"/knowledge/{article.pk}/").content.decode()
    versions = page[page.index('id="article-versions"') :]
    assert 'href="?version=1"' in versions and 'href="?version=2"' in versions
    # The approval keeps the author's note; the reviewer and the comment are beside it.
    assert "补充材料" in versions and "sup 于" in versions and "审核通过：可以发布" in versions
    first = client.get(f"/knowledge/{article.pk}/", {"version": 1}).content.decode()
    assert BODY in first and "申请材料见附件" not in first.split('id="version-changes"')[0]
    assert "初稿" in first and "disp 于" in first and "口径准确" in first
    second = client.get(f"/knowledge/{article.pk}/", {"version": 2}).content.decode()
    changed = second[second.index('id="version-changes"') :]
    assert "与第 1 版相比" in changed and "<ins>" in changed and "申请材料见附件" in changed
    assert "<script>" not in second and html.escape("<script>") in changed
    assert client.get(f"/knowledge/{article.pk}/", {"version": 9}).status_code == 404
    client.force_login(staff["operator"])  # versions are for those who write or review
    assert "version-changes" not in client.get(f"/knowledge/{article.pk}/", {"version": 1}).content.decode()


def test_only_the_actions_valid_now_are_offered(client, staff) -> None:
    article = actions.do_create_article(staff["housing"], ArticleData(title=TITLE, body=BODY))
    client.force_login(staff["housing"])
    draft = client.get(f"/knowledge/{article.pk}/").content.decode()
    assert 'id="article-submit"' in draft and 'id="article-retire"' in draft
    assert 'id="article-approve"' not in draft and 'id="article-reject"' not in draft
    client.post(f"/knowledge/{article.pk}/do/submit/")
    review = client.get(f"/knowledge/{article.pk}/").content.decode()
    assert 'id="article-submit"' not in review and 'id="article-approve"' not in review
    client.force_login(staff["dispatcher"])
    reviewer = client.get(f"/knowledge/{article.pk}/").content.decode()
    assert 'id="article-approve"' in reviewer and 'id="article-reject"' in reviewer
    assert 'id="article-submit"' not in reviewer
    # A reviewer who edited it is told why they may not review it, and is refused if they try.
    client.post(f"/knowledge/{article.pk}/edit/", _form(article, body=BODY + "补充。"))
    mine = client.get(f"/knowledge/{article.pk}/").content.decode()
    assert 'id="article-approve"' not in mine and 'id="article-review-refused"' in mine
    refused = client.post(f"/knowledge/{article.pk}/do/approve/", {"note": "自审"})
    assert refused.status_code == 403 and "另一位审核人" in refused.content.decode()
    assert Article.objects.get(pk=article.pk).status == A.REVIEW


def test_sending_back_and_retiring_ask_for_a_reason(client, staff) -> None:
    article = actions.do_create_article(staff["housing"], ArticleData(title=TITLE, body=BODY))
    actions.do_submit_article(article, staff["housing"])
    client.force_login(staff["dispatcher"])
    for action, words in (("reject", "退回修改须写明原因"), ("retire", "停用须写明原因")):
        response = client.post(f"/knowledge/{article.pk}/do/{action}/", {"note": "  "})
        assert response.status_code == 422 and words in response.content.decode()
    assert Article.objects.get(pk=article.pk).status == A.REVIEW
    client.post(f"/knowledge/{article.pk}/do/reject/", {"note": "缺少申请条件"})
    assert Article.objects.get(pk=article.pk).status == A.DRAFT


def test_the_boxes_have_labels_and_the_selects_chinese_empty_choices(client, staff) -> None:
    article = actions.do_create_article(staff["housing"], ArticleData(title=TITLE, body=BODY))
    actions.do_submit_article(article, staff["housing"])
    client.force_login(staff["dispatcher"])
    page = client.get(f"/knowledge/{article.pk}/").content.decode()
    for box, label in (
        ("approve-note", "审核意见"),
        ("reject-note", "退回原因"),
        ("retire-note", "停用原因"),
    ):
        assert f'<label for="{box}">{label}</label>' in page and f'id="{box}"' in page
    form = client.get("/knowledge/new/").content.decode()
    assert "Select an option" not in form and "---------" not in form
    for name, empty in (("category", "不限分类"), ("area", "全市"), ("owner", "—— 请选择 ——")):
        select = form[form.index(f'name="{name}"') :]
        assert re.match(rf'[^>]*>\s*<option value=""( selected)?>{empty}</option>', select), name


def test_expired_and_not_yet_valid_articles_are_marked(client, staff) -> None:
    today = clock.localtime().date()
    expired = _published(staff)
    Article.objects.filter(pk=expired.pk).update(valid_until=today - timedelta(days=1))
    future = _published(staff, valid_from=today + timedelta(days=5))
    client.force_login(staff["dispatcher"])
    listing = client.get("/knowledge/").content.decode()
    for article, mark in ((expired, "已过期"), (future, "未生效")):
        row = listing[listing.index(f'data-article="{article.pk}"') :]
        assert mark in row[: row.index("</tr>")]
    page = client.get(f"/knowledge/{expired.pk}/").content.decode()
    assert 'id="article-validity"' in page and "已过期" in page and "有效期已于" in page
    assert "未生效" in client.get(f"/knowledge/{future.pk}/").content.decode()


def test_approving_an_expired_article_is_refused_with_why(client, staff) -> None:
    yesterday = clock.localtime().date() - timedelta(days=1)
    article = actions.do_create_article(
        staff["housing"], ArticleData(title=TITLE, body=BODY, valid_until=yesterday)
    )
    actions.do_submit_article(article, staff["housing"])
    client.force_login(staff["dispatcher"])
    page = client.get(f"/knowledge/{article.pk}/").content.decode()
    assert 'id="article-approve"' not in page and 'id="article-publish-refused"' in page
    assert 'id="article-reject"' in page
    refused = client.post(f"/knowledge/{article.pk}/do/approve/", {"note": "发布"})
    assert refused.status_code == 409 and "有效期已于" in refused.content.decode()
    assert Article.objects.get(pk=article.pk).status == A.REVIEW
