"""Proposals from consultations: a question the base answers already (a published article, or a
proposal still open) is counted as one more ask of that article, not proposed again; a proposal is
one caller's answer, so what speaks of that caller is flagged for the editor and the reviewer, and it
never reaches the public page unedited."""

import pytest

from hotline.core.enums import ArticleStatus, Kind, Satisfaction
from hotline.core.errors import ActionNotAllowed
from hotline.feedback import actions as feedback_actions
from hotline.knowledge import actions
from hotline.knowledge.actions import ArticleData
from hotline.knowledge.models import Article, ArticleAsk
from hotline.knowledge.personal import flags, without
from hotline.knowledge.search import same_question
from tests.tickets.conftest import Flow

pytestmark = pytest.mark.django_db
A = ArticleStatus

GAS = "咨询智能燃气表查询缴费"
GAS_ANSWER = "您好！智能燃气表的用气量和缴费记录可在燃气公司服务号查询，也可到营业厅办理缴费。"


def _answered(flow: Flow, title: str, content: str, reply: str, *, close: bool = True, **fields):
    ticket = flow.new(kind=Kind.CONSULTATION, title=title, content=content, **fields)
    ticket = flow.accept(flow.dispatch(ticket, co=()))
    ticket = flow.reply(ticket, text=reply)
    ticket = feedback_actions.do_record_callback(
        ticket, flow.user("operator"), resolution="resolved", satisfaction=Satisfaction.SATISFIED
    )
    if close:
        return actions.close_ticket(ticket, flow.user("operator"))
    return feedback_actions.do_close_ticket(ticket, flow.user("operator"))


def test_the_same_question_asked_again_is_one_more_ask_of_its_proposal(flow: Flow) -> None:
    first = _answered(flow, GAS, "家里燃气表换成智能表了，在哪里查用气量和缴费？", GAS_ANSWER)
    second = _answered(flow, GAS, "智能燃气表怎么查用气量，在哪里缴费？", GAS_ANSWER)
    third = _answered(flow, GAS, "我家刚装了智能燃气表，缴费记录去哪里查？", GAS_ANSWER)
    [proposal] = Article.objects.all()
    assert proposal.source_ticket == first and proposal.status == A.PROPOSED
    asks = ArticleAsk.objects.filter(article=proposal).order_by("pk")
    assert [a.ticket for a in asks] == [second, third]
    assert all(0.5 <= a.similarity <= 1 for a in asks)
    # Asked once each: the catch-up finds nothing more to propose or count.
    assert actions.propose_from_consultations(first.closed_at) == []
    assert ArticleAsk.objects.count() == 2


def test_a_published_article_on_the_same_question_takes_the_ask(flow: Flow) -> None:
    published = actions.do_create_article(
        flow.user("admin"),
        ArticleData(
            title="智能燃气表查询缴费",
            question="燃气表 智能表 用气量 缴费记录",
            body="在燃气公司服务号查询。",
        ),
        status=A.PUBLISHED,
    )
    ticket = _answered(flow, GAS, "家里燃气表换成智能表了，在哪里查用气量和缴费？", GAS_ANSWER)
    assert Article.objects.count() == 1
    assert ArticleAsk.objects.get().article == published and ArticleAsk.objects.get().ticket == ticket


def test_another_question_is_proposed_and_a_retired_article_answers_nothing(flow: Flow) -> None:
    retired = actions.do_create_article(
        flow.user("admin"),
        ArticleData(title=GAS, question="燃气表 缴费", body="旧口径。"),
        status=A.PUBLISHED,
    )
    actions.do_retire_article(retired, flow.user("admin"), note="燃气公司换了服务号")
    _answered(flow, GAS, "家里燃气表换成智能表了，在哪里查用气量和缴费？", GAS_ANSWER)
    _answered(flow, "咨询养犬登记办理", "养狗要去哪里办证？", "养犬登记请到辖区派出所办理。")
    assert sorted(Article.objects.filter(status=A.PROPOSED).values_list("title", flat=True)) == sorted(
        [GAS, "咨询养犬登记办理"]
    )
    assert not ArticleAsk.objects.exists()


def test_the_catch_up_counts_repeats_among_the_tickets_it_proposes(flow: Flow, frozen_clock) -> None:
    _answered(flow, GAS, "家里燃气表换成智能表了，在哪里查用气量和缴费？", GAS_ANSWER, close=False)
    _answered(flow, GAS, "智能燃气表怎么查用气量，在哪里缴费？", GAS_ANSWER, close=False)
    proposed = actions.propose_from_consultations(frozen_clock.value.replace(hour=0))
    assert len(proposed) == 1 and ArticleAsk.objects.get().article == proposed[0]


def test_same_question_wants_both_the_title_and_the_question_alike(flow: Flow) -> None:
    actions.do_create_article(
        None,
        ArticleData(title=GAS, question="家里燃气表换成智能表了，在哪里查用气量和缴费？", body="答复。"),
        status=A.PROPOSED,
    )
    assert same_question(GAS, "智能燃气表怎么查用气量，在哪里缴费？") is not None
    assert same_question("咨询燃气灶维修", "燃气灶打不着火，谁来修？") is None
    assert same_question(GAS, "") is not None
    assert same_question("", "") is None


def test_what_speaks_of_one_caller_is_flagged() -> None:
    text = (
        "针对您再次反映的情况，我单位重新进行了办理。"
        "您在天利电子科技有限公司工作已6个月，可先要求公司补签书面劳动合同。"
        "张先生家住幸福路12号3栋，电话13812345678。"
        "老旧小区加装电梯可申请补贴，您可携带身份证到所在街道办理，咨询电话0571-88886666。"
    )
    found = {f.clause: f.reasons for f in flags(text)}
    assert found["针对您再次反映的情况，"] == ("caller",)
    assert found["您在天利电子科技有限公司工作已6个月，"] == ("caller", "company")
    assert set(found["张先生家住幸福路12号3栋，"]) == {"name", "address"}
    assert found["电话13812345678。"] == ("number",)
    # The general advice is not flagged (a department's own line is, as a number: the editor decides).
    assert "老旧小区加装电梯可申请补贴，" not in found
    assert "您可携带身份证到所在街道办理，" not in found
    assert without(text).startswith("我单位重新进行了办理。可先要求公司补签书面劳动合同。老旧小区")


def test_a_proposal_never_reaches_the_public_page_unedited(client, flow: Flow) -> None:
    ticket = _answered(
        flow,
        "咨询未签劳动合同",
        "我入职半年了公司还没跟我签合同怎么办？",
        "您好！您在天利电子科技有限公司工作已6个月，可先要求公司补签书面劳动合同。",
    )
    proposal = Article.objects.get(source_ticket=ticket)
    with pytest.raises(ActionNotAllowed):
        actions.do_review_article(proposal, flow.user("supervisor"), approve=True, public=True)
    assert client.get(f"/qa/{proposal.pk}/").status_code == 404
    client.force_login(flow.user("supervisor"))
    page = client.get(f"/knowledge/{proposal.pk}/").content.decode()
    flagged = page[page.index('id="article-flags"') :]
    assert "您在天利电子科技有限公司工作已6个月" in flagged and "单位名称" in flagged
    assert 'id="article-rewrite"' in page
    assert 'id="article-approve"' not in page and 'id="article-submit"' not in page
    assert "改写为通用口径" in page


def test_no_number_of_the_caller_is_kept_with_a_proposal(client, flow: Flow) -> None:
    # The caller's words are the proposal's other phrasings: every number in them masked, however
    # written, and the caller's own number too where nothing says it is one.
    ticket = _answered(
        flow,
        "咨询未签劳动合同",
        "我入职半年了公司还没签合同，打+86 138-0013-8000或tel13700137000找我，"
        "身份证110105199003071234，座机 6666 7777，家里88881234也行。",
        "您好！可先要求公司补签书面劳动合同，咨询电话0571-12333000。",
        phone="88881234",
    )
    proposal = Article.objects.get(source_ticket=ticket)
    assert proposal.question == (
        "我入职半年了公司还没签合同，打***或tel***找我，身份证***，座机 ***，家里***也行。"
    )
    client.force_login(flow.user("supervisor"))
    page = client.get(f"/knowledge/{proposal.pk}/").content.decode()
    for number in ("138-0013-8000", "13700137000", "110105199003071234", "6666 7777", "88881234"):
        assert number not in page, number
