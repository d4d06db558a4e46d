"""The portal's tabs (web/portal_base.html) mark where the citizen is, as a phone's reader of the screen says
it ("current page"): an answered suggestion of 百问百答 is under 百问百答, as its articles are."""

import re

import pytest

from hotline.core.enums import Kind
from hotline.feedback.publication import SuggestionText, do_publish_suggestion
from tests.tickets.conftest import Flow

pytestmark = pytest.mark.django_db


def current_tabs(html: str) -> list[str]:
    nav = re.search(r'<nav class="portal">(.*?)</nav>', html, re.S)
    assert nav
    return re.findall(r'<a [^>]*aria-current="page"[^>]*>([^<]*)</a>', nav.group(1))


def test_an_answered_suggestion_is_under_its_tab(client, staff, departments) -> None:
    flow = Flow(staff, departments)
    ticket = flow.new(kind=Kind.SUGGESTION, title="建议路口增设红绿灯", content="建议在路口增设红绿灯。")
    flow.dispatch(ticket, co=())
    flow.accept(ticket)
    ticket = flow.reply(ticket, text="已纳入明年的信号灯建设计划。")
    published = do_publish_suggestion(
        ticket,
        staff["supervisor"],
        SuggestionText(
            title="关于增设红绿灯的建议", question="有市民建议增设信号灯。", answer="已纳入明年的建设计划。"
        ),
    )
    assert current_tabs(client.get("/qa/").content.decode()) == ["百问百答"]
    assert current_tabs(client.get(f"/qa/suggestions/{published.pk}/").content.decode()) == ["百问百答"]
