"""Review by a second person and edits that wait: a published article stays in use (search, console,
public page) while an edit of it waits for review; the approval brings the edit in. Nobody approves
what they wrote but the admin, who publishes directly by rule; a reviewer's comment is kept apart
from the author's note; sending back and retiring say why; a version whose validity has ended is not
published; a proposal (one caller's answer) is rewritten before it may go to review."""

from datetime import date, timedelta

import pytest

from hotline.core import clock
from hotline.core.enums import ArticleAction, ArticleStatus
from hotline.core.errors import ActionNotAllowed, Forbidden, InvalidInput
from hotline.knowledge import actions
from hotline.knowledge.models import Article
from hotline.knowledge.search import search, usable
from tests.knowledge.articles import article_data

pytestmark = pytest.mark.django_db
A = ArticleStatus


def _published(staff, **kwargs) -> Article:
    """Written by 住建局's handler, approved by the dispatcher."""
    article = actions.do_create_article(staff["housing"], article_data(**kwargs), note="初稿")
    actions.do_submit_article(article, staff["housing"])
    return actions.do_review_article(article, staff["dispatcher"], approve=True, note="口径准确")


def test_a_published_article_stays_in_use_while_its_edit_waits(staff) -> None:
    article = _published(staff)
    edited = actions.do_edit_article(
        article,
        staff["housing"],
        article_data(body="犬只须植入电子芯片后到辖区派出所办理。"),
        note="加上芯片",
    )
    # Still published, with the approved text: the search, the operators' list and the version used.
    assert (edited.status, edited.version, edited.pending_version, edited.pending_status) == (
        A.PUBLISHED,
        1,
        2,
        A.REVIEW,
    )
    assert edited.body == "携带身份证和犬只免疫证明到辖区派出所办理养犬登记。"
    assert [h.article.pk for h in search("养犬登记")] == [article.pk]
    assert not search("电子芯片")  # the edit's words are not searched before it is approved
    assert usable().filter(pk=article.pk).exists()
    assert actions.pending(edited).body == "犬只须植入电子芯片后到辖区派出所办理。"
    # Sent back: still in use, the edit waits as a draft; the author submits it again.
    back = actions.do_review_article(edited, staff["supervisor"], approve=False, note="请写明缴费方式")
    assert (back.status, back.pending_status, back.version) == (A.PUBLISHED, A.DRAFT, 1)
    assert usable().filter(pk=article.pk).exists()
    again = actions.do_submit_article(back, staff["housing"])
    assert again.pending_status == A.REVIEW
    # Approved: the edit takes the approved text's place, and the search follows.
    done = actions.do_review_article(again, staff["supervisor"], approve=True, note="可以")
    assert (done.status, done.version, done.pending_version, done.pending_status) == (
        A.PUBLISHED,
        2,
        None,
        "",
    )
    assert done.body == "犬只须植入电子芯片后到辖区派出所办理。"
    assert [h.article.pk for h in search("电子芯片")] == [article.pk]


def test_a_supervisors_edit_of_a_published_article_is_reviewed_too(staff) -> None:
    article = _published(staff)
    edited = actions.do_edit_article(article, staff["supervisor"], article_data(body="改过的口径。"))
    assert (edited.status, edited.version, edited.pending_status) == (A.PUBLISHED, 1, A.REVIEW)
    with pytest.raises(Forbidden, match="另一位审核人"):
        actions.do_review_article(edited, staff["supervisor"], approve=True)
    done = actions.do_review_article(edited, staff["dispatcher"], approve=True)
    assert done.body == "改过的口径。"


def test_no_one_approves_what_they_wrote_but_the_admin(staff) -> None:
    article = actions.do_create_article(staff["dispatcher"], article_data(), note="调度员自己写的")
    actions.do_submit_article(article, staff["dispatcher"])
    for outcome in (True, False):
        with pytest.raises(Forbidden):
            actions.do_review_article(article, staff["dispatcher"], approve=outcome, note="自审")
    article.refresh_from_db()
    assert article.status == A.REVIEW and not article.events.filter(action=ArticleAction.APPROVE).exists()
    # A second editor's changes make them an author too.
    actions.do_edit_article(article, staff["supervisor"], article_data(body="督办员补充。"))
    with pytest.raises(Forbidden):
        actions.do_review_article(article, staff["supervisor"], approve=True)
    actions.do_review_article(article, staff["admin"], approve=True)
    # The admin publishes directly, by rule: created published, and approving their own edit.
    direct = actions.do_create_article(staff["admin"], article_data(title="直接发布"), status=A.PUBLISHED)
    assert direct.status == A.PUBLISHED and direct.versions.get().reviewed_by == staff["admin"]
    actions.do_edit_article(direct, staff["admin"], article_data(title="直接发布", body="新口径。"))
    assert actions.do_review_article(direct, staff["admin"], approve=True).version == 2
    with pytest.raises(Forbidden, match="管理员"):
        actions.do_create_article(staff["supervisor"], article_data(title="督办员"), status=A.PUBLISHED)


def test_only_what_is_in_review_is_reviewed(staff) -> None:
    draft = actions.do_create_article(staff["housing"], article_data())
    with pytest.raises(ActionNotAllowed, match="送审"):
        actions.do_review_article(draft, staff["dispatcher"], approve=True)
    published = _published(staff, title="已发布的")
    with pytest.raises(ActionNotAllowed):
        actions.do_review_article(published, staff["dispatcher"], approve=True)


def test_the_review_is_kept_apart_from_the_authors_note(staff) -> None:
    article = _published(staff)
    version = article.versions.get()
    assert (version.note, version.review, version.review_note) == ("初稿", ArticleAction.APPROVE, "口径准确")
    assert version.reviewed_by == staff["dispatcher"] and version.reviewed_at is not None
    actions.do_edit_article(article, staff["housing"], article_data(body="新口径。"), note="按新规修改")
    actions.do_review_article(article, staff["supervisor"], approve=False, note="缺少依据")
    second = article.versions.get(number=2)
    assert (second.note, second.review, second.review_note, second.reviewed_by) == (
        "按新规修改",
        ArticleAction.RETURN,
        "缺少依据",
        staff["supervisor"],
    )
    actions.do_retire_article(article, staff["supervisor"], note="政策废止")
    assert article.versions.get(number=1).note == "初稿"  # retiring leaves the notes too
    assert article.events.get(action=ArticleAction.RETIRE).note == "政策废止"


@pytest.mark.parametrize("note", ["", "   "])
def test_sending_back_and_retiring_say_why(staff, note) -> None:
    article = actions.do_create_article(staff["housing"], article_data())
    actions.do_submit_article(article, staff["housing"])
    with pytest.raises(InvalidInput, match="退回修改须写明原因"):
        actions.do_review_article(article, staff["dispatcher"], approve=False, note=note)
    with pytest.raises(InvalidInput, match="停用须写明原因"):
        actions.do_retire_article(article, staff["dispatcher"], note=note)
    article.refresh_from_db()
    assert article.status == A.REVIEW and article.events.count() == 2


def test_an_expired_version_is_not_published(staff, frozen_clock) -> None:
    today = clock.localtime().date()
    article = actions.do_create_article(
        staff["housing"], article_data(valid_from=date(2024, 1, 1), valid_until=today - timedelta(days=1))
    )
    actions.do_submit_article(article, staff["housing"])
    with pytest.raises(ActionNotAllowed, match="有效期已于"):
        actions.do_review_article(article, staff["dispatcher"], approve=True)
    article.refresh_from_db()
    assert article.status == A.REVIEW
    offer = actions.offered(article, staff["dispatcher"])
    assert offer.review and "有效期已于" in offer.publish_refused
    # Ending today is still valid today.
    actions.do_edit_article(article, staff["housing"], article_data(valid_until=today))
    assert actions.do_review_article(article, staff["dispatcher"], approve=True).status == A.PUBLISHED


def test_a_proposal_is_rewritten_before_review(staff, departments) -> None:
    proposal = actions.do_create_article(
        None,
        article_data(
            body="您在天利电子科技有限公司工作已6个月，可先要求公司补签书面劳动合同。",
            owner_id=departments["housing"].pk,
        ),
        status=A.PROPOSED,
    )
    with pytest.raises(ActionNotAllowed, match="改写"):
        actions.do_submit_article(proposal, staff["housing"])
    with pytest.raises(ActionNotAllowed, match="改写"):
        actions.do_review_article(proposal, staff["dispatcher"], approve=True, public=True)
    assert not actions.offered(proposal, staff["dispatcher"]).submit
    edited = actions.do_edit_article(
        proposal,
        staff["dispatcher"],
        article_data(body="入职满一个月未签书面劳动合同的，可要求用人单位补签。"),
    )
    assert edited.status == A.DRAFT
    actions.do_submit_article(edited, staff["dispatcher"])
    with pytest.raises(Forbidden):  # the editor is its author now
        actions.do_review_article(edited, staff["dispatcher"], approve=True)
    assert actions.do_review_article(edited, staff["supervisor"], approve=True).status == A.PUBLISHED


def test_the_actions_offered_follow_the_state_and_the_person(staff) -> None:
    article = actions.do_create_article(staff["housing"], article_data())
    offer = actions.offered(article, staff["housing"])
    assert (offer.edit, offer.submit, offer.review, offer.retire) == (True, True, False, True)
    assert not actions.offered(article, staff["water"]).edit  # another department's
    assert actions.offered(article, staff["operator"]) == actions.Offer()
    article = actions.do_submit_article(article, staff["housing"])
    offer = actions.offered(article, staff["dispatcher"])
    assert (offer.submit, offer.review) == (False, True)
    assert not actions.offered(article, staff["housing"]).review
    article = actions.do_edit_article(article, staff["dispatcher"], article_data(body="调度员改过。"))
    offer = actions.offered(article, staff["dispatcher"])
    assert not offer.review and "另一位审核人" in offer.review_refused
    article = actions.do_review_article(article, staff["supervisor"], approve=True)
    offer = actions.offered(article, staff["supervisor"])
    assert (offer.edit, offer.submit, offer.review, offer.retire) == (True, False, False, True)
    article = actions.do_edit_article(article, staff["housing"], article_data(body="住建局改过。"))
    offer = actions.offered(article, staff["supervisor"])
    assert (offer.edit, offer.submit, offer.review, offer.retire) == (True, False, True, True)
    article = actions.do_retire_article(article, staff["supervisor"], note="废止")
    assert actions.offered(article, staff["admin"]) == actions.Offer()
