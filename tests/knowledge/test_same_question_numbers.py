"""Numbers tell questions apart: a consultation about 第3小学 is not one more ask of the article about
第1小学, nor line 2's last train of line 1's, nor April's social-security charge of March's. The
words the knowledge base indexes leave out lone digits (a lone digit matches too much in a search),
so `same_question` compares the numbers of the two questions by themselves, by what each numbers
(`knowledge.text.numbers`): where both number the same kind of thing, all of one's numbers of it
are the other's. A question that numbers nothing may be a specific one's, and a caller may add a
number of their own."""

import pytest

from hotline.core.enums import ArticleStatus, Kind, Satisfaction
from hotline.feedback import actions as feedback_actions
from hotline.knowledge import actions
from hotline.knowledge.actions import ArticleData
from hotline.knowledge.models import Article, ArticleAsk
from hotline.knowledge.search import same_question
from tests.tickets.conftest import Flow

pytestmark = pytest.mark.django_db

# (title, the caller's words) of an article proposed from a consultation.
SCHOOL = ("咨询第1小学一年级报名时间", "第1小学今年一年级什么时候开始报名，需要带哪些材料？")
METRO = ("咨询地铁1号线末班车时间", "地铁1号线晚上最后一班车是几点？")
CHARGE = ("咨询3月份社保扣款时间", "3月份的社保什么时候从银行卡里扣款？")
MIDDLE = ("咨询第10中学初一招生范围", "第10中学今年初一招生范围包括哪些小区？")


def propose(title: str, question: str) -> Article:
    return actions.do_create_article(
        None, ArticleData(title=title, question=question, body="答复。"), status=ArticleStatus.PROPOSED
    )


@pytest.mark.parametrize(
    ("article", "asked"),
    [
        (SCHOOL, ("咨询第3小学一年级报名时间", "第3小学今年一年级什么时候开始报名，需要带哪些材料？")),
        (SCHOOL, ("咨询第3小学一年级报名时间", "今年一年级什么时候开始报名，需要带哪些材料？")),
        (SCHOOL, ("咨询小学一年级报名时间", "第3小学今年一年级什么时候开始报名，需要带哪些材料？")),
        (METRO, ("咨询地铁2号线末班车时间", "地铁2号线晚上最后一班车是几点？")),
        (METRO, ("咨询地铁２号线末班车时间", "地铁２号线晚上最后一班车是几点？")),  # full-width
        (CHARGE, ("咨询4月份社保扣款时间", "4月份的社保什么时候从银行卡里扣款？")),
        (MIDDLE, ("咨询第12中学初一招生范围", "第12中学今年初一招生范围包括哪些小区？")),
        # Written in Chinese.
        (SCHOOL, ("咨询第三小学一年级报名时间", "第三小学今年一年级什么时候开始报名，需要带哪些材料？")),
        (METRO, ("咨询地铁二号线末班车时间", "地铁二号线晚上最后一班车是几点？")),
        (CHARGE, ("咨询四月份社保扣款时间", "四月份的社保什么时候从银行卡里扣款？")),
        # The same school, another grade.
        (SCHOOL, ("咨询第1小学二年级报名时间", "第1小学今年二年级什么时候开始报名，需要带哪些材料？")),
    ],
)
def test_another_number_is_another_question(article, asked) -> None:
    propose(*article)
    assert same_question(*asked) is None


@pytest.mark.parametrize(
    ("article", "asked"),
    [
        (SCHOOL, ("咨询第1小学一年级报名时间", "第1小学一年级哪天开始报名？要准备什么材料？")),
        (SCHOOL, ("咨询第１小学一年级报名时间", "第１小学一年级什么时候报名？")),  # full-width
        # The caller adds a detail: all of the article's numbers are in the question.
        (SCHOOL, ("咨询第1小学一年级报名时间", "孩子今年6岁，第1小学一年级什么时候开始报名？")),
        # A general question and a specific one.
        (METRO, ("咨询地铁末班车时间", "地铁晚上最后一班车是几点？")),
        (MIDDLE, ("咨询第10中学初一招生范围", "第10中学初一招生包括哪些小区？")),
        # The same numbers written in Chinese; how often the caller asked is no number of the question.
        (METRO, ("咨询地铁一号线末班车时间", "这是我第二次问了，地铁一号线晚上最后一班车是几点？")),
        (CHARGE, ("咨询三月份社保扣款时间", "三月份社保什么时候扣款？")),
        # One more month: the caller asks about March and April.
        (CHARGE, ("咨询3月份社保扣款时间", "3月和4月的社保什么时候从银行卡里扣款？")),
    ],
)
def test_the_same_numbers_or_none_is_still_the_same_question(article, asked) -> None:
    proposed = propose(*article)
    same = same_question(*asked)
    assert same is not None and same.article == proposed


def test_a_consultation_about_another_school_is_proposed_not_counted(flow: Flow) -> None:
    def answered(title: str, content: str):
        ticket = flow.new(kind=Kind.CONSULTATION, title=title, content=content)
        ticket = flow.reply(
            flow.accept(flow.dispatch(ticket, co=())), text="您好！报名时间为7月1日至7月5日。"
        )
        ticket = feedback_actions.do_record_callback(
            ticket, flow.user("operator"), resolution="resolved", satisfaction=Satisfaction.SATISFIED
        )
        return actions.close_ticket(ticket, flow.user("operator"))

    first = answered(*SCHOOL)
    other = answered("咨询第3小学一年级报名时间", "第3小学今年一年级什么时候开始报名，需要带哪些材料？")
    again = answered("咨询第1小学一年级报名时间", "第1小学一年级哪天开始报名？要准备什么材料？")
    proposals = Article.objects.order_by("pk")
    assert [a.source_ticket for a in proposals] == [first, other]
    assert [(a.article, a.ticket) for a in ArticleAsk.objects.all()] == [(proposals[0], again)]
