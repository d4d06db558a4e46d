"""The case library (案例库): a closed ticket marked as a typical case with its story drafted from
the record, found again by the words of a question; only closed tickets, once, by those who may."""

import pytest

from hotline.core.enums import TicketStatus
from hotline.core.errors import ActionNotAllowed, Forbidden, InvalidInput
from hotline.knowledge.cases import do_mark_case, find_cases, story_of
from hotline.knowledge.models import Case
from tests.tickets.conftest import Flow

pytestmark = pytest.mark.django_db
S = TicketStatus


def test_a_closed_ticket_becomes_a_case_with_its_story(flow: Flow) -> None:
    ticket = flow.to(S.CLOSED)
    story = story_of(ticket)
    assert ticket.title in story and "住建局" in story and "路灯已修复" in story and "满意" in story
    assert "13812341234" not in story
    case = do_mark_case(
        ticket, flow.user("supervisor"), title="路灯维修典型案例", story=story, lesson="当天修复"
    )
    assert (case.ticket, case.marked_by) == (ticket, flow.user("supervisor"))
    with pytest.raises(ActionNotAllowed, match="已是典型案例"):
        do_mark_case(ticket, flow.user("admin"), title="again", story="again")
    assert Case.objects.count() == 1


def test_only_closed_tickets_by_those_who_may(flow: Flow) -> None:
    with pytest.raises(ActionNotAllowed):
        do_mark_case(flow.to(S.REPLIED), flow.user("supervisor"), title="t", story="s")
    with pytest.raises(Forbidden):
        do_mark_case(flow.to(S.CLOSED), flow.user("housing"), title="t", story="s")
    with pytest.raises(InvalidInput, match="title"):
        do_mark_case(flow.to(S.CLOSED), flow.user("supervisor"), title=" ", story="s")
    assert not Case.objects.exists()


def test_cases_are_found_by_the_words_of_a_question(flow: Flow) -> None:
    lights = do_mark_case(
        flow.to(S.CLOSED), flow.user("admin"), title="路灯不亮当天修复", story="路灯线路老化，当天更换。"
    )
    noise = do_mark_case(
        flow.to(S.CLOSED), flow.user("admin"), title="噪音扰民", story="夜间施工噪音，责令停工。"
    )
    assert find_cases("小区路灯坏了怎么处理")[0] == lights
    assert find_cases("施工噪音") == [noise]
    assert set(find_cases("")) == {lights, noise}


def test_the_pages(client, flow: Flow) -> None:
    ticket = flow.to(S.CLOSED)
    client.force_login(flow.user("supervisor"))
    assert "标记为典型案例" in client.get(f"/tickets/{ticket.number}/").content.decode()
    form = client.get(f"/tickets/{ticket.number}/case/").content.decode()
    assert "路灯已修复" in form  # the story drafted from the record
    response = client.post(
        f"/tickets/{ticket.number}/case/", {"title": "路灯案例", "story": "经过", "lesson": ""}
    )
    assert response.status_code == 302
    case = Case.objects.get()
    client.force_login(flow.user("housing"))
    assert "路灯案例" in client.get("/cases/", {"q": "路灯"}).content.decode()
    assert "经过" in client.get(f"/cases/{case.pk}/").content.decode()
    assert client.get(f"/tickets/{ticket.number}/case/").status_code == 403
    assert client.post(f"/cases/{case.pk}/unmark/").status_code == 403
    client.force_login(flow.user("admin"))
    assert client.post(f"/cases/{case.pk}/unmark/").status_code == 302
    assert not Case.objects.exists()
