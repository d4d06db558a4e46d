"""The staff pages in English hold no Chinese of their own: what is left in Chinese is the city's and
the citizens' words (names, titles, places), never the brackets, separators or labels the page puts
around them."""

import re
from datetime import timedelta
from typing import Any

import pytest

from hotline.core import clock
from hotline.core.enums import Kind, RepetitionKind, TicketStatus
from hotline.feedback import actions as feedback_actions
from hotline.supervision.models import Repetition
from hotline.supervision.repetition import refresh_repetitions
from hotline.tickets.actions import do_merge_ticket
from tests.analytics.conftest import at, kept_hotspots
from tests.factories import make_ticket
from tests.tickets.conftest import Flow
from tests.web.conftest import NOW

pytestmark = pytest.mark.django_db

# Chinese characters and the full-width punctuation around them.
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


# One caller's four calls about different things, one of them a question.
CALLS = [
    (3, Kind.COMPLAINT, "滨江花园电梯又坏了", "20栋电梯今天又出故障，老人被困。"),
    (2, Kind.COMPLAINT, "滨江花园楼道灯坏了", "3楼到8楼楼道灯都不亮。"),
    (1, Kind.CONSULTATION, "咨询公租房申请条件", "想问一下公租房怎么申请，需要什么材料。"),
    (0, Kind.HELP, "滨江花园垃圾堆放", "楼下垃圾桶满了好几天没人清运。"),
]


def in_english(client: Any, user: Any) -> Any:
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def element(page: str, css_class: str) -> str:
    """The text of the first <span> of `css_class` on the page."""
    found = re.search(rf'<span class="{css_class}">(.*?)</span>', page, re.S)
    assert found, css_class
    return found[1]


def test_a_callers_repetition_is_counted_in_english_brackets(client, staff) -> None:
    for days, kind, title, content in CALLS:
        with clock.frozen_at(NOW - timedelta(days=days, hours=1)):
            make_ticket(
                actor=staff["operator"],
                kind=kind,
                title=title,
                content=content,
                phone="13900001111",
                address=f"滨江花园{20 + days}栋",
            )
    with clock.frozen_at(NOW):
        refresh_repetitions()
    [flag] = Repetition.objects.filter(kind=RepetitionKind.CITIZEN)
    assert (flag.problems, flag.consultations) == (3, 1)

    with clock.frozen_at(NOW):
        english = in_english(client, staff["supervisor"]).get("/supervision/repetitions/")
        client.cookies["django_language"] = "zh-hans"
        chinese = client.get("/supervision/repetitions/")

    assert element(english.content.decode(), "problems") == (
        " (3 problem reports, counted towards an order; of which 1 consultation)"
    )
    assert not CJK.search(element(english.content.decode(), "problems"))
    # Chinese keeps its full-width brackets and semicolon.
    assert element(chinese.content.decode(), "problems") == "（反映问题 3 次，计入督办；其中咨询 1 次）"


def test_a_callback_rows_appellants_are_listed_without_a_space_before_the_comma(
    client, staff, departments
) -> None:
    flow = Flow(staff, departments)
    with clock.frozen_at(NOW - timedelta(days=2)):
        ticket = flow.new(title="小区门口路灯不亮", phone="13800001111", citizen_name="王女士")
        duplicate = flow.new(title="幸福路路灯坏了", phone="13900002222", citizen_name="李先生")
        do_merge_ticket(duplicate, flow.user("dispatcher"), into_ticket_id=ticket.pk)
        ticket = flow.reply(flow.accept(flow.dispatch(ticket, co=())), text="路灯已修复。")
    with clock.frozen_at(NOW - timedelta(days=1)):
        # The first appellant did not answer; the second is still to call.
        first = ticket.appeals.order_by("pk").first()
        assert first is not None
        feedback_actions.do_record_callback_attempt(ticket, staff["operator"], appeal_id=first.pk)

    with clock.frozen_at(NOW):
        page = in_english(client, staff["operator"]).get("/callbacks/").content.decode()

    callers = re.search(r'<div class="line callers">(.*?)</div>', page, re.S)
    assert callers
    text = " ".join(re.sub(r"<[^>]+>", "", callers[1]).split())
    assert "王女士" in text and "李先生" in text
    # The separator follows the first appellant's state at once, as an English list is written.
    assert re.search(r"not reached 1 time, .*李先生", text), text
    assert " ," not in text


@pytest.mark.parametrize(
    ("path", "table_id"),
    [
        ("/overview/", "table-hotspots"),
        ("/reports/kept/", "kept"),
        ("/reports/?kind=monthly&date=2025-06-01", "report-categories"),
        ("/reports/?kind=monthly&date=2025-06-01", "report-areas"),
    ],
)
def test_a_leaders_wide_table_scrolls_in_its_own_box(client, staff, departments, path, table_id) -> None:
    # On a phone (375px) the English headings (Problem description, Made at, Last period...) made
    # these tables, and so the whole page, wider than the screen.
    kept_hotspots("recent", at(5, 21, 12), at(6, 20, 12), departments["street"])
    with clock.frozen_at(at(6, 20, 12)):
        page = in_english(client, staff["leader"]).get(path).content.decode()

    assert re.search(rf'<div class="table-scroll"[^>]*>\s*<table id="{table_id}">', page), table_id


def test_a_refused_report_file_is_told_in_english_punctuation(client, staff) -> None:
    in_english(client, staff["leader"])
    response = client.get("/reports/download", {"kind": "bogus", "format": "doc"})
    assert response.status_code == 400
    said = re.search(r"<main[^>]*>(.*)</main>", response.content.decode(), re.S)
    assert said and "Daily report" in said[1], said
    assert not re.search("[、；（）]", said[1]), said[1]


def test_the_send_back_button_says_the_action_not_the_event(client, staff, departments) -> None:
    # The timeline's line says what happened ("Returned for a new reply"); the button what it does.
    flow = Flow(staff, departments)
    ticket = flow.reply(flow.co_answer(flow.accept(flow.to(TicketStatus.ACCEPTED), "water")))
    page = in_english(client, staff["supervisor"]).get(f"/tickets/{ticket.number}/").content.decode()
    assert "Send back for a new reply" in page
