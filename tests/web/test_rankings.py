"""The rankings (红黑榜) and the drill-down from a figure to its tickets, on the hand-built June of
tests/analytics: composite scores from the four rates and the admin's weights, ranks, and the
tickets behind every rate."""

import io
import re

import pytest
from openpyxl import load_workbook

from hotline.analytics.facts import Counts
from hotline.analytics.models import FigureSettings
from hotline.analytics.periods import Period
from hotline.analytics.rankings import Ranked, score
from hotline.analytics.reports import Report
from hotline.core import clock
from hotline.feedback.actions import do_reply_ticket
from hotline.tickets.actions import do_accept_assignment, do_dispatch_ticket
from hotline.web.reports import render_xlsx
from tests.analytics.conftest import at, june  # noqa: F401  (the hand-built June)
from tests.factories import DepartmentFactory, make_ticket

NOW = at(6, 20, 12)


def get(client, user, path: str, **params):
    client.force_login(user)
    with clock.frozen_at(NOW):
        return client.get(path, params)


@pytest.fixture
def rank_all(db):
    FigureSettings.objects.update_or_create(pk=1, defaults={"min_received": 1})


def test_the_score_is_the_weighted_mean_of_the_rates_that_count() -> None:
    weights = {"on_time": 25, "handled": 25, "replied": 25, "satisfied": 25}
    counts = Counts(
        leads_answered=2, leads_on_time=1, dispatched=2, handled=2, replied=2, callbacks=2, satisfied=2
    )
    assert score(counts, weights) == 87.5
    # A rate with nothing to count is left out; the others share its weight.
    assert score(Counts(dispatched=2, handled=1, replied=1, callbacks=1, satisfied=0), weights) == 50.0
    assert score(Counts(), weights) is None
    assert score(counts, {**weights, "on_time": 50}) == 80.0


def test_areas_ranked_by_their_score_with_links_to_the_tickets(
    client,
    staff,
    june,  # noqa: F811
    rank_all,
    departments,
) -> None:
    response = get(client, staff["leader"], "/rankings/", dimension="area", month="2025-06")
    assert response.status_code == 200
    rows = response.context["rows"]
    # 和平街道: t1 on time, t2 late; both handled, called back, satisfied: (50 + 100 + 100 + 100) / 4.
    # 西城区: t4 answered on the spot, t11 reopened after an unsatisfied call: (50 + 100 + 0) / 3.
    # 东城区: t3 never handled: only 处置率 counts, 0.
    assert [(r.name, r.score, r.rank) for r in rows] == [
        ("和平街道", 87.5, 1),
        ("西城区", 50.0, 2),
        ("东城区", 0.0, 3),
    ]
    html = response.content.decode()
    street = departments["street"].pk
    assert f"/rankings/tickets/?rate=on_time&amp;dimension=area&amp;key={street}&amp;period=2025-06" in html
    assert 'id="red-list"' in html and 'id="black-list"' not in html  # three ranked: the red list only
    assert "{#" not in html and "#}" not in html  # a template's own comment never reaches the leader


def test_too_few_tickets_are_listed_without_a_rank(client, staff, june) -> None:  # noqa: F811
    rows = get(client, staff["leader"], "/rankings/", dimension="department", month="2025-06").context["rows"]
    # 住建局 led t1, t2, t3 and t11 in June: fewer than the 10 the default asks for.
    assert [(r.name, r.counts.received, r.rank) for r in rows] == [("住建局", 4, None)]
    assert rows[0].score == round((50 + 50 + 100 + 200 / 3) / 4, 1)


def test_the_tickets_behind_a_figure(client, staff, june, departments) -> None:  # noqa: F811
    street = departments["street"].pk
    params = {"rate": "on_time", "dimension": "area", "key": street, "month": "2025-06"}
    response = get(client, staff["supervisor"], "/rankings/tickets/", **params)
    assert response.status_code == 200
    entries = [(t.number, counted) for t, counted in response.context["entries"]]
    t1, t2 = june.tickets["t1"].number, june.tickets["t2"].number
    assert entries == [(t2, False), (t1, True)]  # newest first; t2 was answered late
    late = get(client, staff["supervisor"], "/rankings/tickets/", missed="1", **params)
    assert [t.number for t, _counted in late.context["entries"]] == [t2]
    city = get(client, staff["supervisor"], "/rankings/tickets/", rate="satisfied", month="2025-06")
    assert {t.number for t, _c in city.context["entries"]} == {
        june.tickets[name].number for name in ("t1", "t2", "t11")
    }


@pytest.mark.parametrize("role", ["operator", "dispatcher", "housing"])
def test_other_roles_are_refused(client, staff, role) -> None:
    assert get(client, staff[role], "/rankings/").status_code == 403
    assert get(client, staff[role], "/rankings/tickets/", rate="on_time").status_code == 403


def test_bad_parameters_fall_back_instead_of_failing(client, staff, june) -> None:  # noqa: F811
    for params in (
        {"dimension": "nonsense"},
        {"rate": "x", "dimension": "nonsense"},
        {"rate": "on_time", "key": "-1", "offset": "abc"},
    ):
        assert get(client, staff["leader"], "/rankings/", **params).status_code == 200
        assert get(client, staff["leader"], "/rankings/tickets/", **params).status_code == 200


def test_a_period_that_cannot_be_read_is_said_to_be(client, staff, june) -> None:  # noqa: F811
    # Not the running month passed off as 2099-13: the page says what it could not read.
    response = get(client, staff["leader"], "/rankings/", period="2099-13")
    assert response.status_code == 400
    html = response.content.decode()
    assert "无法识别期间“2099-13”" in html and "下面是 2025-06。" in html
    drill = get(client, staff["leader"], "/rankings/tickets/", rate="on_time", period="2099-13")
    assert drill.status_code == 404 and "无法识别期间“2099-13”" in drill.content.decode()
    bad_day = get(client, staff["leader"], "/rankings/tickets/", rate="received", day="2025-02-30")
    assert bad_day.status_code == 404 and "无法识别日期" in bad_day.content.decode()


@pytest.mark.parametrize("key", ["999999", "99999999999999999999999", ""])
def test_the_tickets_of_a_slice_that_does_not_exist_are_not_found(client, staff, june, key) -> None:  # noqa: F811
    response = get(client, staff["leader"], "/rankings/tickets/", rate="handled", dimension="area", key=key)
    assert response.status_code == 404
    html = response.content.decode()
    assert "没有这个统计对象" in html and "处置率" not in html


def test_a_slice_that_received_nothing_is_scored_but_not_ranked(
    client,
    staff,
    june,  # noqa: F811
    rank_all,
    departments,
) -> None:
    # 水务局 led nothing received in June; it answered on time, in June, a ticket of May: June's
    # work, scored over the one rate it has (marked partial), but never ranked on no volume (the
    # audit's 软件园街道 with 0 受理 at the top): 样本不足, after those ranked, not a bare 无数据.
    with clock.frozen_at(at(5, 28)):
        may = make_ticket(actor=staff["operator"])
        may = do_dispatch_ticket(may, staff["dispatcher"], lead_department_id=departments["water"].pk)
        may = do_accept_assignment(may, staff["water"])
    with clock.frozen_at(at(6, 2)):
        do_reply_ticket(may, staff["water"], text="已修复。")
    response = get(client, staff["leader"], "/rankings/", dimension="department", period="2025-06")
    water = next(r for r in response.context["rows"] if r.name == "水务局")
    assert water.counts.received == 0 and water.rates["on_time"].percent == 100.0
    assert (water.score, water.rank, water.has_data, water.partial) == (100.0, None, True, True)
    assert response.context["rows"][-1] == water
    cell = _cells(response.content.decode(), f"row-{departments['water'].pk}")[0]
    assert "样本不足" in cell and "无数据" not in cell


def test_the_lists_say_why_they_are_short(client, staff, june, departments) -> None:  # noqa: F811
    # The default asks for 10 tickets: nobody is ranked in June, so there are no lists, and the
    # page says why rather than showing nothing.
    html = get(client, staff["leader"], "/rankings/", dimension="area", period="2025-06").content.decode()
    assert 'id="red-list"' not in html and "本期没有受理量达到 10 件的对象，不设红黑榜。" in html
    FigureSettings.objects.update_or_create(pk=1, defaults={"min_received": 1})
    html = get(client, staff["leader"], "/rankings/", dimension="area", period="2025-06").content.decode()
    assert 'id="red-list"' in html and 'id="black-list"' not in html
    assert "参与排名的仅 3 个；红榜列前 3 名，黑榜列其余的后 3 名，故本期不设黑榜。" in html


def _cells(html: str, row_id: str) -> list[str]:
    row = re.search(rf'<tr id="{row_id}">(.*?)</tr>', html, re.S)
    assert row is not None, row_id
    return re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row.group(1), re.S)  # the name is the row's header


def test_a_slice_without_data_has_no_score_and_comes_last_marked(
    client,
    staff,
    june,  # noqa: F811
    departments,
) -> None:
    # Two tickets of 南城街道 in June, never dispatched: received, but not one of the four rates
    # has anything to count. In May it had one handled ticket (a score to fall from).
    FigureSettings.objects.update_or_create(pk=1, defaults={"min_received": 2})
    south = DepartmentFactory(code="D03", name="南城街道", level="street", is_area=True)
    for when in (at(6, 16), at(6, 17)):
        with clock.frozen_at(when):
            ticket = make_ticket(actor=staff["operator"])
        ticket.area = south
        ticket.save(update_fields=["area"])
    with clock.frozen_at(at(5, 20)):
        may = make_ticket(actor=staff["operator"])
        may.area = south
        may.save(update_fields=["area"])
        may = do_dispatch_ticket(may, staff["dispatcher"], lead_department_id=departments["housing"].pk)
        may = do_accept_assignment(may, staff["housing"])
        do_reply_ticket(may, staff["housing"], text="已修复。")
    response = get(client, staff["leader"], "/rankings/", dimension="area", period="2025-06")
    rows = response.context["rows"]
    # 东城区 (one ticket, 处置率 0) is unranked for its volume but has a score; 南城街道 has more
    # tickets and no data at all: after it, without a score, a rank or a change.
    assert [(r.name, r.score, r.rank, r.has_data) for r in rows] == [
        ("和平街道", 87.5, 1, True),
        ("西城区", 50.0, 2, True),
        ("东城区", 0.0, None, True),
        ("南城街道", None, None, False),
    ]
    assert rows[-1].previous_score is not None and rows[-1].score_change is None
    html = response.content.decode()
    cells = _cells(html, f"row-{south.pk}")
    assert "无数据" in cells[0]
    assert [c.strip() for c in cells[3:9]] == ["—"] * 6  # four rates, score, change
    # Its volume is real: the two tickets it received, listed behind the figure; nothing else links.
    assert "<a" in cells[2] and ">2</a>" in cells[2]
    assert "<a" not in "".join(cells[:2] + cells[3:])


def test_a_rate_without_data_is_text_not_a_link(client, staff, june, rank_all, departments) -> None:  # noqa: F811
    html = get(client, staff["leader"], "/rankings/", dimension="area", period="2025-06").content.decode()
    # 东城区's t3 was never answered: its 及时率 has nothing to count. A link whose only text is
    # "—" reads "link, em dash" to a screen reader; it is plain text, and the rates that count
    # stay links to their tickets.
    assert not re.search(r"<a\b[^>]*>\s*—\s*</a>", html)
    district = _cells(html, f"row-{departments['district'].pk}")
    assert "<a" not in district[3] and district[3].strip().endswith("—")
    assert "<a" in district[4] and "0.0%" in district[4]


def test_the_reports_sheet_marks_a_department_without_data(db) -> None:
    june_period = Period.month(2025, 6)
    ranked = Ranked(1, "住建局", Counts(received=3, dispatched=3, handled=3), 100.0, 1, 90.0, 1)
    empty = Ranked(2, "水务局", Counts(replies_checked=1), None, None, 80.0, 2)
    report = Report(
        kind="monthly",
        period=june_period,
        previous=Period.month(2025, 5),
        city=Counts(),
        city_before=Counts(),
        departments=[ranked, empty],
    )
    sheet = load_workbook(io.BytesIO(render_xlsx(report)))["单位排名"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert rows[0][:3] == [1, "住建局", 3] and rows[0][7:9] == [100.0, 10.0]
    # No score is no zero: the sheet says so, in the rank's column, and leaves no blank a sum or a
    # chart would read as 0.
    assert rows[1][:2] == ["无数据", "水务局"]
    assert rows[1][3:9] == ["—"] * 6


def test_a_running_period_says_its_figures_are_not_final(client, staff, june) -> None:  # noqa: F811
    # On 06-20 June is running: its tickets are mostly still within their time to be handled, so
    # the page says so and leads to May, the last whole month. A whole month has no such word.
    html = get(client, staff["leader"], "/rankings/", dimension="area").content.decode()
    assert 'id="running"' in html and "2025-06 尚未结束（数据截至 2025-06-20 12:00）" in html
    assert 'href="/rankings/?period=2025-05&amp;dimension=area"' in html
    whole = get(client, staff["leader"], "/rankings/", dimension="area", period="2025-05").content.decode()
    assert 'id="running"' not in whole
