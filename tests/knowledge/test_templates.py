"""Reply templates (答复模板): the ones that fit a ticket's category and the handler's department,
most specific first, filled from the ticket; offered on the ticket page's reply form."""

import re

import pytest

from hotline.citizen_messages.models import CitizenMessage
from hotline.core.enums import TicketStatus
from hotline.core.errors import InvalidInput
from hotline.feedback.actions import do_answer_on_spot, do_reply_ticket
from hotline.feedback.models import Reply
from hotline.feedback.quality import unfilled
from hotline.knowledge.models import ReplyTemplate
from hotline.knowledge.templates import fill, templates_for
from tests.factories import CategoryFactory
from tests.tickets.conftest import Flow

pytestmark = pytest.mark.django_db
S = TicketStatus


@pytest.fixture
def setup(flow: Flow):
    root = CategoryFactory(name="城乡建设")
    lights = CategoryFactory(name="路灯", level=2, parent=root)
    other = CategoryFactory(name="教育")
    ticket = flow.to(S.ACCEPTED)
    ticket.category = lights
    ticket.save()
    housing = flow.dept("housing")
    made = {
        "general": ReplyTemplate.objects.create(
            name="通用", text="{诉求人}您好！您反映的“{诉求标题}”已办理。"
        ),
        "root": ReplyTemplate.objects.create(name="城建通用", category=root, text="经查，{地址}……"),
        "exact": ReplyTemplate.objects.create(
            name="路灯维修",
            category=lights,
            department=housing,
            text="{诉求人}您好！{地址}的路灯已于{今天}修复。{承办单位}",
        ),
        "other_category": ReplyTemplate.objects.create(name="教育", category=other, text="x"),
        "other_department": ReplyTemplate.objects.create(
            name="水务", department=flow.dept("water"), text="x"
        ),
        "inactive": ReplyTemplate.objects.create(name="停用", text="x", is_active=False),
    }
    return ticket, housing, made


def test_the_templates_that_fit_most_specific_first(setup) -> None:
    ticket, housing, made = setup
    assert templates_for(ticket, housing) == [made["exact"], made["root"], made["general"]]


def test_placeholders_are_filled_from_the_ticket(setup, frozen_clock) -> None:
    ticket, housing, made = setup
    text = fill(made["exact"], ticket, housing)
    assert text.startswith("张先生您好！幸福路12号的路灯已于")
    assert "{" not in text and housing.name in text
    assert fill(ReplyTemplate(text="{未知}与{工单编号}"), ticket, housing) == f"{{未知}}与{ticket.number}"


def test_the_reply_form_offers_them(client, setup, flow: Flow) -> None:
    ticket, _housing, _made = setup
    # The reply form is offered once the co-handler has answered (before, the page says it waits).
    flow.accept(ticket, "water")
    flow.co_answer(ticket)
    client.force_login(flow.user("housing"))
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert "选用答复模板" in page
    fragment = client.get(f"/tickets/{ticket.number}/reply-templates/").content.decode()
    assert fragment.index("路灯维修") < fragment.index("城建通用") < fragment.index("通用</strong>")
    assert "教育" not in fragment and "水务" not in fragment and "停用" not in fragment
    assert 'data-set-field="reply-text"' in fragment and "张先生您好" in fragment
    # Each 套用 button is told apart by its template's name (a screen reader reads it with the button).
    for described in re.findall(r'aria-describedby="([^"]+)"', fragment):
        assert re.search(f'<strong id="{described}">[^<]+</strong>', fragment), described
    assert len(re.findall(r'aria-describedby="reply-text-template-\d+"', fragment)) == fragment.count(
        "套用</button>"
    )
    # The inbox asks for a row's box; anything else than a reply box's id is the page's own.
    fragment = client.get(f"/tickets/{ticket.number}/reply-templates/?field=reply-text-12").content.decode()
    assert 'data-set-field="reply-text-12"' in fragment
    fragment = client.get(
        f'/tickets/{ticket.number}/reply-templates/?field="><script>alert(1)</script>'
    ).content.decode()
    assert 'data-set-field="reply-text"' in fragment and "<script>" not in fragment
    client.force_login(flow.user("operator"))
    assert client.get(f"/tickets/{ticket.number}/reply-templates/").status_code == 403


@pytest.mark.parametrize("blank", ["【办理经过】", "____", "＿＿＿"])
def test_a_reply_that_keeps_a_templates_blank_is_refused_and_nothing_is_sent(flow: Flow, blank) -> None:
    """A template's blank left unwritten would reach the citizen: the reply (and the answer on the
    spot) is refused, naming the blank."""
    ticket = flow.to(S.ACCEPTED)
    with pytest.raises(InvalidInput, match="text: 答复中还有模板的空白未填写") as refused:
        do_reply_ticket(ticket, flow.user("housing"), text=f"您好，经核查，{blank}。感谢您的支持。")
    assert blank in refused.value.message
    assert (
        not Reply.objects.filter(ticket=ticket).exists()
        and not CitizenMessage.objects.filter(ticket=ticket, kind="replied").exists()
    )
    consultation = flow.new(kind="consultation")
    with pytest.raises(InvalidInput, match=re.escape(blank)):
        do_answer_on_spot(consultation, flow.user("operator"), text=f"您好，{blank}")
    assert unfilled("请于【日期】前到【地点】办理，【日期】") == ["【日期】", "【地点】"]
    assert unfilled("依据《办法》第【八】条") == ["【八】"] and unfilled("已修复。") == []
