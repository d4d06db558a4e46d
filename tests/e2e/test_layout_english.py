"""The staff pages and the portal in English, in Chromium, at a desktop's widths (1280, 1024) and a phone's
(390): English words are about twice as wide as the Chinese ones, and the layouts made for Chinese
squeezed what matters. Measured: the ticket's answers read as lines, the districts' table and the
rankings fit their boxes, a unit's name and a portal tab's name stay on one line, a stacked cell's
label does not run into the next one; the Chinese layouts are checked unchanged where it matters."""

from datetime import timedelta

import pytest

from hotline.analytics.models import FigureSettings
from hotline.core import clock
from hotline.core.enums import Channel
from hotline.directory.models import Place
from hotline.feedback.actions import do_reply_ticket
from hotline.intake.actions import AppealData, do_receive_appeal
from hotline.tickets.actions import do_accept_assignment, do_answer_assignment, do_dispatch_ticket
from tests.e2e.conftest import sign_in
from tests.factories import DepartmentFactory, make_ticket

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "s3cret-pass"
DESKTOPS = [{"width": 1280, "height": 800}, {"width": 1024, "height": 768}]
PHONE = {"width": 390, "height": 844}
ANSWER = (
    "您好！您于11月8日反映的“广场舞噪音扰民”问题已收悉。接诉后，街道会同社区工作人员到现场了解，"
    "广场舞活动音响音量较大、活动时间延续到晚间，影响周边居民休息属实。社区已组织广场舞团队负责人和"
    "居民代表协商，约定活动时间为19时至20时30分，改用定向音箱，音量控制在60分贝以下。"
)

# The lines that the text of `selector`'s elements takes, each as [its text, its number of lines].
LINES = """(selector) => Array.from(document.querySelectorAll(selector)).map(e => {
  const range = document.createRange();
  range.selectNodeContents(e);
  const rects = Array.from(range.getClientRects()).filter(r => r.width > 0);
  const tops = new Set(rects.map(r => Math.round(r.top)));
  return [e.textContent.trim(), tops.size];
})"""
# How far the content of `selector`'s scrolling box reaches past its right edge (0: nothing to scroll).
OVERFLOW_IN_BOX = """(selector) => {
  const box = document.querySelector(selector).closest(".table-scroll");
  return box.scrollWidth - box.clientWidth;
}"""
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


def in_english(page, live_server) -> None:
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])


def signed_in(page, live_server, user, path: str) -> None:
    user.set_password(PASSWORD)
    user.save()
    sign_in(page, live_server, user.username, PASSWORD, path)


@pytest.fixture
def answered(staff, departments):
    """A ticket that its lead bureau answered at length and a co-handling bureau answered briefly."""
    ticket = do_dispatch_ticket(
        make_ticket(actor=staff["operator"]),
        staff["dispatcher"],
        lead_department_id=departments["housing"].pk,
        co_department_ids=[departments["water"].pk],
    )
    do_accept_assignment(ticket, staff["housing"])
    do_accept_assignment(ticket, staff["water"])
    do_answer_assignment(ticket, staff["water"], text="我单位已派员到场配合处置，职责范围内事项已处理完毕。")
    return do_reply_ticket(ticket, staff["housing"], text=ANSWER)


@pytest.mark.parametrize("viewport", DESKTOPS, ids=["1280", "1024"])
def test_the_answers_of_the_assignments_read_as_lines_in_english(
    page, live_server, staff, answered, viewport, screenshot
) -> None:
    page.set_viewport_size(viewport)
    in_english(page, live_server)
    signed_in(page, live_server, staff["dispatcher"], f"/tickets/{answered.number}/")
    assert page.locator("#assignments-title").inner_text() == "Assignments"
    # Each answer at least 30 characters a line (about 480px), and nothing of the table out of sight.
    widths = page.locator("#assignments tbody td:last-child").evaluate_all(
        "cells => cells.map(c => Math.round(c.getBoundingClientRect().width))"
    )
    assert len(widths) == 2 and min(widths) >= 480, widths
    assert page.evaluate(OVERFLOW_IN_BOX, "#assignments") <= 0
    assert page.evaluate(OVERFLOW) <= 0
    screenshot(f"layout-en-ticket-{viewport['width']}")


@pytest.mark.parametrize("viewport", [*DESKTOPS, PHONE], ids=["1280", "1024", "390"])
def test_the_labels_of_an_assignment_keep_to_their_line_in_english(
    page, live_server, staff, answered, viewport
) -> None:
    page.set_viewport_size(viewport)
    in_english(page, live_server)
    signed_in(page, live_server, staff["dispatcher"], f"/tickets/{answered.number}/")
    # Where a cell shows its label (Sign-off due at) beside its value, a label over two lines ran into the
    # label of the next cell, on a phone: each label one line high.
    labels = page.locator("#assignments tbody td").evaluate_all(
        """cells => cells.map(c => [c, getComputedStyle(c, '::before')])
          .filter(([c, label]) => label.content !== 'none')
          .map(([c, label]) => [c.dataset.label, parseFloat(label.height),
                                parseFloat(label.lineHeight) || 1.2 * parseFloat(label.fontSize)])"""
    )
    tall = [label for label, height, line in labels if height > 1.5 * line]
    assert tall == [], labels


def test_the_chinese_ticket_page_keeps_its_table(page, live_server, staff, answered) -> None:
    """The English layout is English's only: the Chinese page is still the table of seven columns."""
    page.set_viewport_size(DESKTOPS[0])
    signed_in(page, live_server, staff["dispatcher"], f"/tickets/{answered.number}/")
    assert page.locator("#assignments thead").is_visible()
    tops = (
        page.locator("#assignments tbody tr")
        .first.locator("td")
        .evaluate_all("cells => cells.map(c => Math.round(c.getBoundingClientRect().top))")
    )
    assert len(set(tops)) == 1  # the row's seven cells side by side


@pytest.mark.parametrize("viewport", DESKTOPS, ids=["1280", "1024"])
def test_the_districts_table_fits_its_place_in_english(
    page, live_server, staff, departments, viewport, screenshot
) -> None:
    Place.objects.create(
        department=departments["district"], boundary=[[[120, 30], [120.2, 30], [120.2, 30.1], [120, 30.1]]]
    )
    do_receive_appeal(
        AppealData(
            channel=Channel.PHONE, title="路灯不亮", content="路灯坏了。", area_id=departments["street"].pk
        ),
        staff["operator"],
    )
    page.set_viewport_size(viewport)
    in_english(page, live_server)
    signed_in(page, live_server, staff["leader"], "/overview/")
    page.locator("#table-districts").wait_for()
    # Its seven columns in sight: no scrolling within a half of the page.
    assert page.evaluate(OVERFLOW_IN_BOX, "#table-districts") <= 0
    assert page.evaluate(OVERFLOW) <= 0
    assert all(n == 1 for _name, n in page.evaluate(LINES, "#table-districts tbody td:first-child"))
    # Below the map, which keeps its size (it was squeezed to a sliver beside the table once).
    chart = page.locator("#chart-districts").bounding_box()
    table = page.locator("#table-districts").locator("xpath=..").bounding_box()
    assert chart and table and chart["width"] >= 320 and table["y"] >= chart["y"] + chart["height"]
    screenshot(f"layout-en-overview-{viewport['width']}")


def test_the_districts_table_stays_beside_the_map_in_chinese(page, live_server, staff, departments) -> None:
    Place.objects.create(
        department=departments["district"], boundary=[[[120, 30], [120.2, 30], [120.2, 30.1], [120, 30.1]]]
    )
    page.set_viewport_size(DESKTOPS[0])
    signed_in(page, live_server, staff["leader"], "/overview/")
    chart = page.locator("#chart-districts").bounding_box()
    table = page.locator("#table-districts").locator("xpath=..").bounding_box()
    assert chart and table and abs(chart["y"] - table["y"]) < 2 and table["x"] > chart["x"] + chart["width"]
    # Two fifths and three fifths of the 960px of the page, less the gap.
    assert round(chart["width"]) == 378 and round(table["width"]) == 566


def test_the_districts_table_is_below_the_map_on_a_phone(page, live_server, staff, departments) -> None:
    Place.objects.create(
        department=departments["district"], boundary=[[[120, 30], [120.2, 30], [120.2, 30.1], [120, 30.1]]]
    )
    page.set_viewport_size(PHONE)
    signed_in(page, live_server, staff["leader"], "/overview/")
    chart = page.locator("#chart-districts").bounding_box()
    table = page.locator("#table-districts").locator("xpath=..").bounding_box()
    assert chart and table and round(chart["width"]) == round(table["width"]) == 358
    assert table["y"] >= chart["y"] + chart["height"]
    assert page.evaluate(OVERFLOW) <= 0


@pytest.mark.parametrize("viewport", DESKTOPS, ids=["1280", "1024"])
def test_the_units_names_stay_on_one_line_in_the_rankings(
    page, live_server, staff, departments, viewport, screenshot
) -> None:
    FigureSettings.objects.update_or_create(pk=1, defaults={"min_received": 1})
    now = clock.now()
    for code, name in (("B11", "市市场监督管理局"), ("B12", "市生态环境局"), ("B13", "市城管局")):
        bureau = DepartmentFactory(code=code, name=name, level="city")
        with clock.frozen_at(now - timedelta(hours=2)):
            do_dispatch_ticket(
                make_ticket(actor=staff["operator"]), staff["dispatcher"], lead_department_id=bureau.pk
            )
    page.set_viewport_size(viewport)
    in_english(page, live_server)
    signed_in(page, live_server, staff["leader"], "/rankings/")
    names = page.evaluate(LINES, "#ranking tbody th[scope=row]")
    assert len(names) == 3 and all(n == 1 for _name, n in names), names
    assert page.evaluate(OVERFLOW_IN_BOX, "#ranking") <= 0
    screenshot(f"layout-en-rankings-{viewport['width']}")


@pytest.mark.parametrize("viewport", [*DESKTOPS, PHONE], ids=["1280", "1024", "390"])
def test_the_portals_tabs_keep_their_names_on_one_line(page, live_server, viewport, screenshot) -> None:
    page.set_viewport_size(viewport)
    in_english(page, live_server)
    page.goto(f"{live_server.url}/portal/")
    tabs = page.evaluate(LINES, "nav.portal a")
    assert [name for name, _n in tabs] == ["Report a problem", "Track progress", "Public Q&A", "Open data"]
    assert all(n == 1 for _name, n in tabs), tabs
    heights = page.locator("nav.portal a").evaluate_all(
        "tabs => tabs.map(a => a.getBoundingClientRect().height)"
    )
    assert min(heights) >= 44
    assert page.evaluate(OVERFLOW) <= 0
    screenshot(f"layout-en-portal-{viewport['width']}")


@pytest.mark.parametrize("width", [360, 390, 1280])
def test_the_portals_tabs_are_one_row_in_chinese(page, live_server, width) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{live_server.url}/portal/")
    tabs = page.locator("nav.portal a").evaluate_all(
        "tabs => tabs.map(a => a.getBoundingClientRect()).map(r => [Math.round(r.top), Math.round(r.width)])"
    )
    widths = [width for _top, width in tabs]
    assert len({top for top, _w in tabs}) == 1 and max(widths) - min(widths) <= 1
    assert all(n == 1 for _name, n in page.evaluate(LINES, "nav.portal a"))
