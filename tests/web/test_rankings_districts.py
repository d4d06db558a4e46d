"""The rankings (红黑榜) of the districts (区县), each with every area beneath it counted together,
beside those of the units, under the same rules (ADR 0008 and its addendum); and every row's volume
(受理量) as a link to the tickets it counts. On the hand-built June of tests/analytics: 东城区 holds
和平街道 (t1, t2) and its own t3; 西城区 holds t4 and t11."""

import re
from html import unescape

import pytest

from hotline.core import clock
from hotline.feedback.actions import do_reply_ticket
from hotline.tickets.actions import do_accept_assignment, do_dispatch_ticket
from tests.analytics.conftest import at, june  # noqa: F401  (the hand-built June)
from tests.factories import make_ticket
from tests.web.test_rankings import rank_all  # noqa: F401  (every unit ranked, one ticket enough)

NOW = at(6, 20, 12)


def get(client, user, path: str, **params):
    client.force_login(user)
    with clock.frozen_at(NOW):
        return client.get(path, params)


def received_links(html: str) -> dict[str, tuple[str, int]]:
    """Each row's 受理量 cell: its link and figure, by the row's id."""
    found = {}
    for row_id, cells in re.findall(r'<tr id="(row-\d+)">(.*?)</tr>', html, re.S):
        cell = re.search(r'<td class="n received">(.*?)</td>', cells, re.S)
        assert cell, row_id
        link = re.search(r'<a href="([^"]+)"[^>]*>(\d+)</a>', cell.group(1))
        found[row_id] = (unescape(link.group(1)), int(link.group(2))) if link else ("", int(cell.group(1)))
    return found


def test_districts_are_ranked_with_their_streets_and_communities(
    client,
    staff,
    june,  # noqa: F811
    rank_all,  # noqa: F811
    departments,
) -> None:
    response = get(client, staff["leader"], "/rankings/", dimension="district", period="2025-06")
    assert response.status_code == 200
    rows = response.context["rows"]
    # 东城区 = 和平街道 (t1 on time, t2 late; both handled, replied and satisfied) + its own t3 (never
    # handled): 及时率 1/2, 处置率 2/3, 回复率 2/2, 满意率 2/2. 西城区 as the areas' ranking has it.
    assert [(r.name, r.counts.received, r.score, r.rank) for r in rows] == [
        ("东城区", 3, round((50 + 200 / 3 + 100 + 100) / 4, 1), 1),
        ("西城区", 2, 50.0, 2),
    ]
    html = response.content.decode()
    assert '<option value="district" selected>' in html
    district = departments["district"].pk
    assert (
        f"/rankings/tickets/?rate=handled&amp;dimension=district&amp;key={district}&amp;period=2025-06"
        in html
    )
    # 西城区's score is over three of the four rates (nothing answered in time to count): marked.
    west = html[html.index(f'id="row-{june.west.pk}"') :]
    assert 'class="partial"' in west[: west.index("</tr>")] and 'id="partial-note"' in html
    # The same rules as the units': the weak replies are a department's figure, not a district's.
    assert "答复质量存疑率" not in html


def test_a_district_with_too_few_tickets_is_not_ranked(client, staff, june) -> None:  # noqa: F811
    response = get(client, staff["supervisor"], "/rankings/", dimension="district", period="2025-06")
    rows = response.context["rows"]
    # The default least volume is 10: both districts have a score and no rank (样本不足).
    assert [(r.name, r.rank, r.too_few) for r in rows] == [("东城区", None, True), ("西城区", None, True)]
    assert response.content.decode().count("样本不足") >= 2


@pytest.mark.parametrize("dimension", ["department", "area", "category", "district"])
def test_every_volume_links_to_the_tickets_it_counts(
    client,
    staff,
    june,  # noqa: F811
    rank_all,  # noqa: F811
    dimension,
) -> None:
    response = get(client, staff["leader"], "/rankings/", dimension=dimension, period="2025-06")
    links = received_links(response.content.decode())
    assert links and len(links) == len(response.context["rows"])
    for row_id, (href, figure) in links.items():
        assert href.startswith("/rankings/tickets/?rate=received&"), (row_id, href)
        assert f"dimension={dimension}" in href and "period=2025-06" in href
        listed = get(client, staff["leader"], href)
        assert listed.status_code == 200 and listed.context["total"] == figure, (row_id, href)
        assert listed.context["rate"] == "received"


def test_a_volume_of_nothing_is_no_link(client, staff, june, rank_all, departments) -> None:  # noqa: F811
    # 水务局 received nothing in June but answered a May ticket in it: a row with a score and 0.
    with clock.frozen_at(at(5, 28)):
        may = make_ticket(actor=staff["operator"])
        may = do_dispatch_ticket(may, staff["dispatcher"], lead_department_id=departments["water"].pk)
        may = do_accept_assignment(may, staff["water"])
    with clock.frozen_at(at(6, 2)):
        do_reply_ticket(may, staff["water"], text="已修复。")
    response = get(client, staff["leader"], "/rankings/", dimension="department", period="2025-06")
    links = received_links(response.content.decode())
    assert links[f"row-{departments['water'].pk}"] == ("", 0)
    href, figure = links[f"row-{departments['housing'].pk}"]
    assert href and figure == 4


def test_the_tickets_of_a_districts_volume_are_those_of_its_areas(
    client,
    staff,
    june,  # noqa: F811
    rank_all,  # noqa: F811
    departments,
) -> None:
    response = get(client, staff["leader"], "/rankings/", dimension="district", period="2025-06")
    href, _figure = received_links(response.content.decode())[f"row-{departments['district'].pk}"]
    listed = get(client, staff["leader"], href)
    assert {t.number for t, _counted in listed.context["entries"]} == {
        june.tickets[name].number for name in ("t1", "t2", "t3")
    }
    assert "东城区" in listed.content.decode()
