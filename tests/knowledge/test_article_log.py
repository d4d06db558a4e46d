"""The knowledge base's own log (`ArticleEvent`): every action on an article, its reviews (approved or
sent back) and each answer given from it leave who, when, which version and why; and closing a
consultation whose answer satisfied the caller proposes an article at once, logged as the system's,
listed for review on /knowledge/."""

import pytest

from hotline.core.enums import ArticleAction, ArticleStatus, EventType, Kind, Satisfaction
from hotline.core.errors import Forbidden
from hotline.feedback import actions as feedback_actions
from hotline.knowledge import actions
from hotline.knowledge.actions import ArticleData
from hotline.knowledge.models import Article, ArticleEvent
from hotline.tickets.models import TicketEvent
from tests.tickets.conftest import Flow

pytestmark = pytest.mark.django_db
A = ArticleStatus
E = ArticleAction


def _data(**kwargs) -> ArticleData:
    return ArticleData(
        **({"title": "养犬登记办理流程", "body": "携带身份证和犬只免疫证明到派出所办理。"} | kwargs)
    )


def _log(article: Article) -> list[tuple[str, int, str, str, str | None, str]]:
    return [
        (e.action, e.version, e.from_status, e.to_status, e.actor.username if e.actor else None, e.note)
        for e in article.events.order_by("at", "pk")
    ]


def test_every_action_on_an_article_is_logged_with_who_and_why(staff) -> None:
    housing, dispatcher, supervisor = staff["housing"], staff["dispatcher"], staff["supervisor"]
    article = actions.do_create_article(housing, _data(), note="初稿")
    actions.do_submit_article(article, housing)
    actions.do_review_article(article, dispatcher, approve=False, note="缺少收费标准")
    actions.do_edit_article(article, housing, _data(body="登记费每年 200 元。"), note="加上收费")
    actions.do_submit_article(article, housing)
    actions.do_review_article(article, supervisor, approve=True, note="口径准确")
    actions.do_retire_article(article, supervisor, note="政策废止")
    assert _log(article) == [
        (E.CREATE, 1, "", A.DRAFT, housing.username, "初稿"),
        (E.SUBMIT, 1, A.DRAFT, A.REVIEW, housing.username, ""),
        (E.RETURN, 1, A.REVIEW, A.DRAFT, dispatcher.username, "缺少收费标准"),
        (E.EDIT, 2, A.DRAFT, A.DRAFT, housing.username, "加上收费"),
        (E.SUBMIT, 2, A.DRAFT, A.REVIEW, housing.username, ""),
        (E.APPROVE, 2, A.REVIEW, A.PUBLISHED, supervisor.username, "口径准确"),
        (E.RETIRE, 2, A.PUBLISHED, A.RETIRED, supervisor.username, "政策废止"),
    ]


def test_a_refused_action_logs_nothing(staff) -> None:
    article = actions.do_create_article(staff["housing"], _data())
    with pytest.raises(Forbidden):
        actions.do_review_article(article, staff["housing"], approve=True)
    assert [e.action for e in article.events.all()] == [E.CREATE]


def test_an_answer_on_the_spot_from_an_article_is_logged(flow: Flow) -> None:
    article = actions.do_create_article(flow.user("admin"), _data(), status=A.PUBLISHED)
    ticket = flow.new(kind=Kind.CONSULTATION, title="养狗要办证吗", content="养狗要办证吗")
    actions.answer_on_spot(ticket, flow.user("operator"), text=article.body, article_id=article.pk)
    used = article.events.get(action=E.USE)
    assert (used.actor, used.ticket, used.version) == (flow.user("operator"), ticket, 1)
    # The ticket's timeline names the article too, as it was when it answered.
    event = TicketEvent.objects.get(ticket=ticket, action=EventType.ANSWER_ON_SPOT)
    assert event.details == {
        "reply": ticket.replies.get().pk,
        "article": article.pk,
        "article_version": 1,
        "article_title": article.title,
    }


def test_the_ticket_page_says_which_article_answered(client, flow: Flow) -> None:
    article = actions.do_create_article(flow.user("admin"), _data(), status=A.PUBLISHED)
    ticket = flow.new(kind=Kind.CONSULTATION, title="养狗要办证吗", content="养狗要办证吗")
    actions.answer_on_spot(ticket, flow.user("operator"), text=article.body, article_id=article.pk)
    client.force_login(flow.user("dispatcher"))
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    timeline = page[page.index('id="timeline"') :]
    assert "依据知识" in timeline and article.title in timeline


def _satisfied_consultation(flow: Flow, satisfaction: str = Satisfaction.SATISFIED):
    ticket = flow.new(
        kind=Kind.CONSULTATION, title="养狗办证咨询", content="请问养狗去哪里办证？电话13812345678"
    )
    ticket = flow.dispatch(ticket, co=())
    ticket = flow.accept(ticket)
    ticket = flow.reply(ticket, text="您好！养犬登记请携带身份证、犬只免疫证明到辖区派出所办理。")
    return feedback_actions.do_record_callback(
        ticket, flow.user("operator"), resolution="resolved", satisfaction=satisfaction
    )


def test_closing_a_satisfied_consultation_proposes_an_article_logged_as_the_systems(flow: Flow) -> None:
    ticket = actions.close_ticket(_satisfied_consultation(flow), flow.user("operator"))
    proposed = Article.objects.get(source_ticket=ticket)
    assert proposed.status == A.PROPOSED and "13812345678" not in proposed.question
    event = proposed.events.get()
    assert (event.action, event.actor, event.ticket) == (E.PROPOSE, None, ticket)
    # Once: the catch-up of `hotline knowledge propose` finds nothing more to do.
    assert actions.propose_from_consultations(ticket.closed_at) == []


def test_closing_through_the_api_proposes_and_a_basically_satisfied_one_too(flow: Flow, api_as) -> None:
    ticket = _satisfied_consultation(flow, Satisfaction.BASICALLY)
    response = api_as(flow.user("operator")).post(f"/tickets/{ticket.pk}/actions/close")
    assert response.status_code == 200, response.content
    assert Article.objects.filter(source_ticket=ticket, status=A.PROPOSED).exists()


def test_an_unsatisfied_or_other_kind_proposes_nothing(flow: Flow) -> None:
    complaint = flow.new(kind=Kind.COMPLAINT, title="噪音扰民", content="楼下装修噪音太大")
    complaint = flow.dispatch(complaint, co=())
    complaint = flow.accept(complaint)
    complaint = flow.reply(complaint, text="您好！已责令施工方整改。")
    complaint = feedback_actions.do_record_callback(
        complaint, flow.user("operator"), resolution="resolved", satisfaction=Satisfaction.SATISFIED
    )
    actions.close_ticket(complaint, flow.user("operator"))
    assert not Article.objects.exists() and not ArticleEvent.objects.exists()


def test_the_proposals_wait_on_the_knowledge_page_with_their_log(client, flow: Flow, staff) -> None:
    ticket = actions.close_ticket(_satisfied_consultation(flow), flow.user("operator"))
    proposed = Article.objects.get(source_ticket=ticket)
    client.force_login(staff["dispatcher"])
    listing = client.get("/knowledge/").content.decode()
    assert "由咨询生成的候选 1 条" in listing and "?status=proposed" in listing
    queue = client.get("/knowledge/", {"status": "proposed"}).content.decode()
    assert proposed.title in queue and ticket.number in queue
    # Rewritten for everyone, submitted, then approved by a second person.
    client.post(
        f"/knowledge/{proposed.pk}/edit/",
        {
            "title": proposed.title,
            "body": "养犬登记请携带身份证、犬只免疫证明到辖区派出所办理。",
            "note": "改写",
        },
    )
    client.post(f"/knowledge/{proposed.pk}/do/submit/")
    client.force_login(staff["supervisor"])
    client.post(f"/knowledge/{proposed.pk}/do/approve/", {"note": "可作口径"})
    page = client.get(f"/knowledge/{proposed.pk}/").content.decode()
    log = page[page.index('id="article-log"') :]
    assert "审核通过" in log and staff["supervisor"].username in log and "可作口径" in log
    assert "由咨询生成候选" in log and ticket.number in log
