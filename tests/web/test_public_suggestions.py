"""Answered suggestions on 百问百答 (`feedback.publication`, `web.qa`, `web.publication`): an editor
publishes one in their own words; the public page, its search and its feeds show it with nothing of
the citizen (name, number, address below the district, words, the ticket's number)."""

import json

import pytest

from hotline.core.enums import Kind, TicketStatus
from hotline.core.errors import ActionNotAllowed, Forbidden, InvalidInput
from hotline.feedback.models import PublishedSuggestion
from hotline.feedback.publication import SuggestionText, do_publish_suggestion, draft_answer
from tests.tickets.conftest import Flow

pytestmark = pytest.mark.django_db
S = TicketStatus

CONTENT = (
    "我住在和平街道翠湖花园8栋，小区门口的幸福路早晚高峰很堵，建议在路口增设红绿灯。我的电话13912345678。"
)
REPLY = (
    "李建国先生您好！您提出的“幸福路路口增设红绿灯”的建议已收悉。经市交警支队现场勘查，该路口早晚高峰车流量"
    "约每小时1200辆，已达到设置信号灯的条件。我局已将该路口纳入2027年第一季度信号灯建设计划，预计3月底前完成安装。"
    "如有疑问，请致电交通科（咨询电话：0571-88880000）。感谢您的建议！"
)
GOOD = SuggestionText(
    title="关于在拥堵路口增设红绿灯的建议",
    question="有市民建议在早晚高峰拥堵的路口增设交通信号灯。",
    answer=(
        "经现场勘查，该路口早晚高峰车流量约每小时1200辆，已达到设置信号灯的条件，已纳入2027年第一季度"
        "信号灯建设计划，预计3月底前完成安装。咨询电话：0571-88880000。"
    ),
)
# Whatever of the citizen must appear nowhere in public.
PRIVATE = ("李建国", "13912345678", "翠湖花园", "8栋", "和平街道", "我住在")


@pytest.fixture
def answered(staff, departments):
    flow = Flow(staff, departments)
    ticket = flow.new(
        kind=Kind.SUGGESTION,
        title="建议幸福路路口增设红绿灯",
        content=CONTENT,
        citizen_name="李建国",
        phone="13912345678",
        address="东城区和平街道翠湖花园8栋",
    )
    ticket.area = departments["street"]
    ticket.save()
    flow.dispatch(ticket, co=())
    flow.accept(ticket)
    return flow.reply(ticket, text=REPLY)


def _public_pages(client, published) -> list[str]:
    return [
        client.get("/qa/").content.decode(),
        client.get("/qa/", {"q": "路口红绿灯"}).content.decode(),
        client.get(f"/qa/suggestions/{published.pk}/").content.decode(),
        client.get("/qa/feed.json").content.decode(),
        client.get("/qa/feed.xml").content.decode(),
    ]


def test_an_editor_publishes_an_answered_suggestion_with_nothing_of_the_citizen(
    client, staff, answered
) -> None:
    draft = draft_answer(answered)
    assert "李建国" not in draft and "13912345678" not in draft and draft.startswith("经市交警支队现场勘查")

    client.force_login(staff["supervisor"])
    page = client.get(f"/tickets/{answered.number}/").content.decode()
    assert f'href="/tickets/{answered.number}/publish/"' in page
    form = client.get(f"/tickets/{answered.number}/publish/").content.decode()
    assert "诉求原文（仅供参考，不公开）" in form and "东城区" in form
    response = client.post(
        f"/tickets/{answered.number}/publish/",
        {"title": GOOD.title, "question": GOOD.question, "answer": GOOD.answer},
    )
    assert response.status_code == 302
    published = PublishedSuggestion.objects.get()
    assert (published.district.name, published.department.name) == ("东城区", "住建局")

    client.logout()
    pages = _public_pages(client, published)
    for html in pages:
        assert GOOD.title in html
        for private in (*PRIVATE, answered.number):
            assert private not in html, private
    assert "东城区" in pages[2] and "咨询电话：0571-88880000" in pages[2] and "住建局的答复" in pages[2]
    items = json.loads(pages[3])["items"]
    assert items[0]["id"] == f"suggestion-{published.pk}" and items[0]["url"].endswith(
        f"/qa/suggestions/{published.pk}/"
    )
    assert 'id="qa-suggestions"' in pages[1]  # found by the search

    # Taken down: gone from the public pages.
    client.force_login(staff["supervisor"])
    assert client.post(f"/tickets/{answered.number}/publish/withdraw/").status_code == 302
    client.logout()
    assert client.get(f"/qa/suggestions/{published.pk}/").status_code == 404
    assert GOOD.title not in client.get("/qa/feed.json").content.decode()


@pytest.mark.parametrize(
    ("change", "found"),
    [
        ({"question": "李建国建议增设红绿灯。"}, "诉求人姓名“李建国”"),
        ({"answer": GOOD.answer + "已电话告知13912345678。"}, "电话或证件号码"),
        ({"question": "翠湖花园门口的路口建议增设红绿灯。"}, "具体地址"),
        ({"answer": GOOD.answer + "（工单 {number}）"}, "工单编号"),
        ({"question": "小区门口的幸福路早晚高峰很堵，建议在路口增设红绿灯。"}, "诉求原文"),
        ({"title": "建议幸福路路口增设红绿灯"}, "不能照抄诉求标题"),
    ],
)
def test_personal_data_is_refused_and_nothing_is_published(staff, answered, change, found) -> None:
    fields = {**GOOD.__dict__, **{k: v.format(number=answered.number) for k, v in change.items()}}
    with pytest.raises(InvalidInput, match=found):
        do_publish_suggestion(answered, staff["supervisor"], SuggestionText(**fields))
    assert not PublishedSuggestion.objects.exists()


def test_only_answered_suggestions_by_editors(client, staff, departments, answered) -> None:
    with pytest.raises(Forbidden):
        do_publish_suggestion(answered, staff["housing"], GOOD)
    flow = Flow(staff, departments)
    with pytest.raises(ActionNotAllowed):
        do_publish_suggestion(flow.to(S.REPLIED), staff["supervisor"], GOOD)  # a complaint
    with pytest.raises(ActionNotAllowed):
        do_publish_suggestion(flow.new(kind=Kind.SUGGESTION), staff["supervisor"], GOOD)  # not answered
    client.force_login(staff["housing"])
    assert client.get(f"/tickets/{answered.number}/publish/").status_code == 403
    assert client.get("/suggestions/").status_code == 403
    client.force_login(staff["dispatcher"])
    listed = client.get("/suggestions/").content.decode()
    assert answered.number in listed and "公开到百问百答" in listed
    refused = client.post(
        f"/tickets/{answered.number}/publish/",
        {"title": GOOD.title, "question": CONTENT, "answer": GOOD.answer},
    )
    assert refused.status_code == 422 and "诉求原文" in refused.content.decode()
    assert CONTENT in refused.content.decode()  # what was typed comes back to be corrected
    assert not PublishedSuggestion.objects.exists()
