"""A score and a rank when some of the four rates have nothing to count: one rule for every unit.

The score is the weighted mean of the rates that have a denominator, whatever the unit received,
marked as partial when fewer than the four count; a rank needs the period's least volume
(`FigureSettings.min_received`, one ticket at least), else the row says 样本不足 with why; 无数据 is
left for a row with no rate at all, whose figures are all "—". On the hand-built June of
tests/analytics (conftest)."""

import re

import pytest

from hotline.analytics.facts import Counts
from hotline.analytics.figures import Figures
from hotline.analytics.models import FigureSettings
from hotline.analytics.periods import Period
from hotline.analytics.rankings import ranking
from hotline.core import clock
from hotline.core.enums import FigureDimension, Resolution, Satisfaction
from hotline.feedback.actions import do_record_callback, do_reply_ticket
from hotline.tickets.actions import do_accept_assignment, do_dispatch_ticket
from tests.analytics.conftest import at, june  # noqa: F401  (the hand-built June)
from tests.factories import DepartmentFactory, make_ticket

JULY = at(7, 1, 10)


def figures_of(slices: dict[int, Counts]) -> Figures:
    return Figures(Period.month(2025, 6), slices={FigureDimension.DEPARTMENT: slices})


def test_one_rule_for_partial_rates(db) -> None:
    FigureSettings.objects.update_or_create(pk=1, defaults={"min_received": 2})
    power = DepartmentFactory(code="B10", name="供电公司", level="city")
    housing = DepartmentFactory(code="B11", name="住建局", level="city")
    full = DepartmentFactory(code="B12", name="水务局", level="city")
    empty = DepartmentFactory(code="B13", name="交通局", level="city")
    rows = ranking(
        figures_of(
            {
                # Received nothing, but answered on time and was called back in the period.
                power.pk: Counts(leads_answered=1, leads_on_time=1, callbacks=2, satisfied=1),
                # Received three: handled and replied count, nothing answered or called back yet.
                housing.pk: Counts(received=3, dispatched=3, handled=2, replied=2),
                full.pk: Counts(
                    received=2,
                    dispatched=2,
                    handled=2,
                    replied=2,
                    leads_answered=2,
                    leads_on_time=2,
                    callbacks=2,
                    satisfied=2,
                ),
                empty.pk: Counts(received=1),
            }
        ),
        figures_of({}),
        FigureDimension.DEPARTMENT,
    )
    found = {r.name: r for r in rows}
    # Each score is the mean of the rates it has, each marked as partial or not.
    assert (found["供电公司"].score, found["供电公司"].partial) == (75.0, True)
    assert (found["住建局"].score, found["住建局"].partial) == (round((200 / 3 + 100) / 2, 1), True)
    assert (found["水务局"].score, found["水务局"].partial) == (100.0, False)
    assert found["供电公司"].counted_rates == ["on_time", "satisfied"]
    # Ranked: those with the least volume; the others have a score and 样本不足, not 无数据.
    assert [(r.name, r.rank) for r in rows] == [
        ("水务局", 1),
        ("住建局", 2),
        ("供电公司", None),
        ("交通局", None),  # no rate at all: 无数据, last
    ]
    assert found["供电公司"].too_few and found["供电公司"].has_data
    assert not found["交通局"].has_data and not found["交通局"].too_few
    assert found["交通局"].score is None


@pytest.fixture
def water_answers_a_may_ticket(staff, departments, june):  # noqa: F811
    """水务局 received nothing in June; in June it answered a ticket of May on time and its caller
    was called back satisfied: the audit's 供电公司 (0 受理, 及时率 and 满意率 100.0%)."""
    with clock.frozen_at(at(5, 28)):
        may = make_ticket(actor=staff["operator"])
        may = do_dispatch_ticket(may, staff["dispatcher"], lead_department_id=departments["water"].pk)
        may = do_accept_assignment(may, staff["water"])
    with clock.frozen_at(at(6, 2)):
        may = do_reply_ticket(may, staff["water"], text="已修复，管道已更换。")
    with clock.frozen_at(at(6, 3)):
        do_record_callback(
            may, staff["operator"], resolution=Resolution.RESOLVED, satisfaction=Satisfaction.SATISFIED
        )
    return departments["water"]


def row_cells(html: str, row_id: str) -> list[str]:
    row = re.search(rf'<tr id="{row_id}">(.*?)</tr>', html, re.S)
    assert row is not None, row_id
    return re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row.group(1), re.S)


def test_the_rankings_page_says_why_a_unit_with_figures_has_no_rank(
    client, staff, water_answers_a_may_ticket
) -> None:
    water = water_answers_a_may_ticket
    client.force_login(staff["leader"])
    with clock.frozen_at(JULY):
        response = client.get("/rankings/", {"dimension": "department", "period": "2025-06"})
    row = next(r for r in response.context["rows"] if r.key == water.pk)
    assert (row.counts.received, row.score, row.rank, row.partial) == (0, 100.0, None, True)
    html = response.content.decode()
    cells = row_cells(html, f"row-{water.pk}")
    assert "无数据" not in cells[0] and "样本不足" in cells[0]
    assert "本期受理 0 件，不足 10 件，不参与排名" in cells[0]
    assert "100.0" in cells[7] and "按有数据的 2 项指标计算" in cells[7]
    assert 'id="partial-note"' in html


def test_the_monthly_report_says_the_same(client, staff, water_answers_a_may_ticket) -> None:
    client.force_login(staff["leader"])
    with clock.frozen_at(JULY):
        html = client.get("/reports/", {"kind": "monthly", "date": "2025-06-15"}).content.decode()
    table = html[html.index('id="report-departments"') :]
    table = table[: table.index("</table>")]
    water_row = next(r for r in table.split("<tr>") if "水务局" in r)
    assert "无数据" not in water_row and "样本不足" in water_row and "100.0" in water_row
    assert "按有数据的 2 项指标计算" in water_row
