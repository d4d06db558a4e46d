"""The office lines an answer gives reach the public and the case library; the citizens' numbers
do not (`feedback.disclosure`, `core.phone.mask_numbers`)."""

import json

import pytest

from hotline.core.enums import ArticleStatus, TicketStatus
from hotline.feedback.actions import do_close_ticket as close
from hotline.knowledge.actions import ArticleData, do_create_article
from hotline.knowledge.cases import do_mark_case, story_of
from tests.tickets.conftest import Flow

pytestmark = pytest.mark.django_db
S = TicketStatus

ANSWER = "携带身份证到辖区派出所办理。咨询电话：0571-88880000（工作日9:00-17:00）。经办人手机13912345678。"


@pytest.fixture
def article(staff):
    return do_create_article(
        staff["admin"],
        ArticleData(title="养犬登记办理流程", body=ANSWER, public=True),
        status=ArticleStatus.PUBLISHED,
    )


def test_the_public_answer_keeps_the_office_line_and_masks_a_mobile(client, article) -> None:
    page = client.get(f"/qa/{article.pk}/").content.decode()
    listed = client.get("/qa/").content.decode()
    found = client.get("/qa/", {"q": "养犬登记"}).content.decode()
    feed = json.loads(client.get("/qa/feed.json").content)["items"][0]["content_text"]
    rss = client.get("/qa/feed.xml").content.decode()
    for shown in (page, listed, found, feed, rss):
        assert "咨询电话：0571-88880000（工作日9:00-17:00）" in shown
        assert "13912345678" not in shown and "***" in shown


def test_an_answer_from_a_consultation_masks_its_callers_line(client, staff) -> None:
    ticket = Flow(staff, {}).new(kind="consultation", content="我家电话0571-66667777，想问养狗办证", phone="")
    proposed = do_create_article(
        staff["admin"],
        ArticleData(title="养犬办证", body="请致电0571-66667777或咨询电话：0571-88880000。", public=True),
        status=ArticleStatus.PUBLISHED,
        source_ticket=ticket,
    )
    page = client.get(f"/qa/{proposed.pk}/").content.decode()
    assert "0571-66667777" not in page and "咨询电话：0571-88880000" in page


def test_the_case_story_keeps_the_departments_line(staff, departments) -> None:
    flow = Flow(staff, departments)
    departments["housing"].phone = "0591-86125747"
    departments["housing"].save()
    ticket = flow.new(content="路灯坏了，我的座机0591-88881234，手机见登记。")
    flow.dispatch(ticket)
    flow.accept(ticket)
    flow.accept(ticket, "water")
    flow.co_answer(ticket, text="已配合排查，经办人手机13700001111。")
    text = (
        "张先生（13812341234）您好，路灯已修复。"
        "如有疑问，请致电住建局（0591-86125747），或回拨0591-88881234。"
    )
    flow.reply(ticket, text=text)
    flow.callback(ticket)
    ticket.refresh_from_db()
    story = story_of(ticket)
    assert "请致电住建局（0591-86125747）" in story
    for number in ("13812341234", "0591-88881234", "13700001111"):
        assert number not in story
    ticket = close(ticket, flow.user("operator"))
    case = do_mark_case(ticket, flow.user("supervisor"), title="路灯", story=story)
    assert "0591-86125747" in case.story


def test_the_case_story_masks_the_callers_own_number_however_written(staff, departments) -> None:
    """A caller's number written as no pattern knows it (no label, no area code) is masked in the
    story's copy of their words, as it is in the answers quoted below it."""
    flow = Flow(staff, departments)
    ticket = flow.new(content="楼道灯坏了，家里88881234也行。", phone="88881234")
    flow.dispatch(ticket)
    flow.accept(ticket)
    flow.accept(ticket, "water")
    flow.co_answer(ticket, text="已配合排查。")
    flow.reply(ticket, text="您好，楼道灯已修复。")
    flow.callback(ticket)
    ticket.refresh_from_db()
    story = story_of(ticket)
    assert "88881234" not in story and "家里***也行" in story


def test_the_case_story_names_no_citizen(staff, departments) -> None:
    """A case is read by people the citizen never wrote to (the library, the reports): the story's
    draft calls every appellant 市民, in their own words and in the answers quoted."""
    flow = Flow(staff, departments)
    ticket = flow.call("王建国", "13812340000", title="滨江花园20栋楼道灯坏了")
    words = "我是王建国，滨江花园20栋楼道灯坏了，晚上很黑。"
    ticket.appeals.update(content=words)
    type(ticket).objects.filter(pk=ticket.pk).update(content=words)
    ticket.refresh_from_db()
    flow.dispatch(ticket)
    flow.accept(ticket)
    flow.accept(ticket, "water")
    flow.co_answer(ticket, text="已联系王建国现场查看。")
    flow.reply(ticket, text="王建国您好，楼道灯已修复。")
    flow.callback(ticket)
    ticket.refresh_from_db()
    story = story_of(ticket)
    assert "王建国" not in story
    assert "我是市民" in story and "市民您好，楼道灯已修复" in story and "已联系市民现场查看" in story
