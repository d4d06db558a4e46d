"""The articles' life: written by their department, reviewed and published by the call centre,
versioned on every edit, retired; proposed from consultations whose answer satisfied the caller;
and used to answer a consultation on the spot, which records the article."""

import pytest

from hotline.core.enums import ArticleStatus, Kind, Satisfaction, TicketStatus
from hotline.core.errors import ActionNotAllowed, Forbidden, InvalidInput
from hotline.feedback import actions as feedback_actions
from hotline.knowledge import actions
from hotline.knowledge.actions import ArticleData
from hotline.knowledge.models import Article, ArticleUse
from hotline.knowledge.search import search
from tests.knowledge.articles import article_data
from tests.tickets.conftest import Flow

pytestmark = pytest.mark.django_db
A = ArticleStatus


def test_a_department_writes_a_dispatcher_publishes(staff, departments) -> None:
    article = actions.do_create_article(staff["housing"], article_data())
    assert (article.status, article.owner, article.version) == (A.DRAFT, departments["housing"], 1)
    assert not search("养犬登记")
    with pytest.raises(Forbidden):
        actions.do_review_article(article, staff["housing"], approve=True)
    actions.do_submit_article(article, staff["housing"])
    published = actions.do_review_article(article, staff["dispatcher"], approve=True, note="口径准确")
    assert published.status == A.PUBLISHED and published.reviewed_by == staff["dispatcher"]
    assert published.review_due is not None
    assert [h.article for h in search("养犬登记")] == [published]
    # The review is the version's own, beside the author's note.
    version = published.versions.get()
    assert (version.note, version.review_note, version.reviewed_by) == (
        "新建",
        "口径准确",
        staff["dispatcher"],
    )


def test_a_department_edits_only_its_own(staff) -> None:
    article = actions.do_create_article(staff["housing"], article_data())
    with pytest.raises(Forbidden):
        actions.do_edit_article(article, staff["water"], article_data(body="改口径"))
    with pytest.raises(Forbidden):
        actions.do_create_article(
            staff["water"], article_data(title="别人的", owner_id=staff["housing"].department_id)
        )


def test_an_edit_is_a_version_and_an_edit_of_a_published_one_waits_for_review(staff) -> None:
    article = actions.do_create_article(staff["housing"], article_data())
    article = actions.do_submit_article(article, staff["housing"])
    article = actions.do_review_article(article, staff["supervisor"], approve=True)
    edited = actions.do_edit_article(
        article, staff["housing"], article_data(body="登记费每年 200 元。"), note="加上收费"
    )
    # The approved version stays in the operators' search until the edit is approved.
    assert (edited.version, edited.status, edited.pending_version) == (1, A.PUBLISHED, 2)
    assert [h.article for h in search("养犬登记")] == [article]
    approved = actions.do_review_article(edited, staff["supervisor"], approve=True)
    assert (approved.version, approved.status, approved.body) == (2, A.PUBLISHED, "登记费每年 200 元。")
    # A reviewer's edit too: reviewed by someone else.
    by_reviewer = actions.do_edit_article(
        approved, staff["supervisor"], article_data(body="登记费每年 100 元。")
    )
    assert (by_reviewer.version, by_reviewer.pending_version) == (2, 3)
    by_reviewer = actions.do_review_article(by_reviewer, staff["dispatcher"], approve=True)
    assert (by_reviewer.version, by_reviewer.status) == (3, A.PUBLISHED)
    assert [v.body for v in article.versions.order_by("number")] == [
        "携带身份证和犬只免疫证明到辖区派出所办理养犬登记。",
        "登记费每年 200 元。",
        "登记费每年 100 元。",
    ]


def test_sent_back_and_retired(staff) -> None:
    article = actions.do_create_article(staff["admin"], article_data())
    actions.do_submit_article(article, staff["admin"])
    back = actions.do_review_article(article, staff["admin"], approve=False, note="缺少收费标准")
    assert back.status == A.DRAFT
    retired = actions.do_retire_article(back, staff["admin"], note="政策废止")
    assert retired.status == A.RETIRED
    with pytest.raises(ActionNotAllowed):
        actions.do_edit_article(retired, staff["admin"], article_data())
    with pytest.raises(ActionNotAllowed):
        actions.do_submit_article(retired, staff["admin"])


def test_bad_data_is_refused_naming_the_fields(staff) -> None:
    with pytest.raises(InvalidInput, match=r"title.*body"):
        actions.do_create_article(staff["admin"], ArticleData(title=" ", body=""))
    with pytest.raises(InvalidInput, match="category_id"):
        actions.do_create_article(staff["admin"], article_data(category_id=999999))
    assert not Article.objects.exists()


def _consultation_closed(
    flow: Flow, satisfaction: str, content: str = "请问养狗要去哪里办证？我的电话13812345678"
):
    ticket = flow.new(kind=Kind.CONSULTATION, title="养狗办证咨询", content=content)
    ticket = flow.dispatch(ticket, co=())
    ticket = flow.accept(ticket)
    ticket = flow.reply(
        ticket,
        text="张先生您好！您反映的“养狗办证咨询”问题已收悉。养犬登记请携带身份证、犬只免疫证明到辖区"
        "派出所办理。如有疑问，请致电住建局（0591-80000000）。感谢您对我们工作的理解与支持！\n住建局\n2025年6月10日",
    )
    ticket = feedback_actions.do_record_callback(
        ticket, flow.user("operator"), resolution="resolved", satisfaction=satisfaction
    )
    if satisfaction != Satisfaction.UNSATISFIED:
        ticket = feedback_actions.do_close_ticket(ticket, flow.user("operator"))
    return ticket


def test_satisfied_consultations_propose_articles_once(flow: Flow, frozen_clock) -> None:
    satisfied = _consultation_closed(flow, Satisfaction.SATISFIED)
    _consultation_closed(flow, Satisfaction.UNSATISFIED)
    since = frozen_clock.value.replace(hour=0)
    [proposed] = actions.propose_from_consultations(since)
    assert proposed.status == A.PROPOSED and proposed.source_ticket == satisfied
    assert proposed.title == "养狗办证咨询"
    # The answer without the letter it came in: no greeting, acknowledgement, contact or signature.
    assert proposed.body == "养犬登记请携带身份证、犬只免疫证明到辖区派出所办理。"
    assert "13812345678" not in proposed.question and "***" in proposed.question
    assert proposed.owner == flow.dept("housing")
    assert actions.propose_from_consultations(since) == []  # once


def test_answer_on_the_spot_from_an_article_records_it(flow: Flow) -> None:
    article = actions.do_create_article(flow.user("admin"), article_data(), status=A.PUBLISHED)
    ticket = flow.new(kind=Kind.CONSULTATION, title="养狗要办证吗", content="养狗要办证吗")
    done = actions.answer_on_spot(ticket, flow.user("operator"), text=article.body, article_id=article.pk)
    assert done.status == TicketStatus.ANSWERED
    use = ArticleUse.objects.get()
    assert (use.article, use.version, use.ticket, use.used_by) == (article, 1, ticket, flow.user("operator"))
    assert use.reply == ticket.replies.get()


def test_an_unusable_article_answers_nothing(flow: Flow) -> None:
    draft = actions.do_create_article(flow.user("admin"), article_data())
    ticket = flow.new(kind=Kind.CONSULTATION)
    with pytest.raises(InvalidInput, match="article_id"):
        actions.answer_on_spot(ticket, flow.user("operator"), text="答复", article_id=draft.pk)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.NEW and not ticket.replies.exists()
    assert not ArticleUse.objects.exists()
