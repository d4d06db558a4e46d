"""The report's own ranking (单位排名) links each unit's 受理量 to the tickets it counts, as the
rankings (红黑榜) and the overview do: over the report's period, for the city's leaders every
unit's; for a unit head their own row only (the drill-down refuses another unit's tickets), and a
volume of 0 is plain text. On the hand-built June of tests/analytics."""

import re
from html import unescape

from hotline.accounts.models import Role
from hotline.core import clock
from tests.analytics.conftest import at, june  # noqa: F401  (the hand-built June)
from tests.factories import UserFactory

NOW = at(7, 1, 10)


def get(client, user, path: str, **params):
    client.force_login(user)
    with clock.frozen_at(NOW):
        return client.get(path, params)


def ranking_cells(html: str) -> dict[str, str]:
    """Each row's name and the HTML of its 受理量 cell (the third) in #report-departments."""
    table = html[
        html.index('id="report-departments"') : html.index("</table>", html.index('id="report-departments"'))
    ]
    cells = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S):
        found = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        cells[re.sub(r"<[^>]+>", "", found[1]).strip()] = found[2]
    return cells


def link_of(cell: str) -> str | None:
    found = re.search(r'<a href="(/rankings/tickets/\?[^"]+)"', cell)
    return unescape(found.group(1)) if found else None


def test_every_units_volume_leads_to_its_tickets(client, staff, june, departments) -> None:  # noqa: F811
    for params in (
        {"kind": "monthly", "date": "2025-06-18"},
        {"kind": "custom", "first": "2025-06-10", "last": "2025-06-15"},
    ):
        response = get(client, staff["leader"], "/reports/", **params)
        assert response.status_code == 200
        report = response.context["report"]
        cells = ranking_cells(response.content.decode())
        assert set(cells) == {r.name for r in report.departments}
        assert any(r.counts.received for r in report.departments), params
        for ranked in report.departments:
            link = link_of(cells[ranked.name])
            if not ranked.counts.received:
                assert link is None and cells[ranked.name].strip() == "0", ranked.name
                continue
            assert link is not None, (params, ranked.name)
            assert f"dimension=department&key={ranked.key}&" in link and "rate=received" in link
            listed = get(client, staff["leader"], link)
            assert listed.status_code == 200, link
            assert listed.context["total"] == ranked.counts.received, link
            assert listed.context["slice_name"] == ranked.name


def test_a_unit_head_has_their_own_rows_link_only(client, staff, june, departments) -> None:  # noqa: F811
    housing_head = UserFactory(username="head_housing", role=Role.HEAD, department=departments["housing"])
    for head, own, dimension in (
        (staff["district_head"], departments["district"], "district"),
        (housing_head, departments["housing"], "department"),
    ):
        response = get(client, head, "/reports/", kind="monthly", date="2025-06-18")
        report = response.context["report"]
        # The districts' ranking has 西城区 beside 东城区 (June's departments: 住建局 alone leads).
        assert len(report.departments) == (2 if dimension == "district" else 1)
        cells = ranking_cells(response.content.decode())
        for ranked in report.departments:
            link = link_of(cells[ranked.name])
            if ranked.key != own.pk:
                # Another unit's tickets are refused to a unit head: no link that leads to a 403.
                assert link is None, (head, ranked.name)
                continue
            assert ranked.counts.received and link is not None
            assert f"dimension={dimension}&key={own.pk}&period=2025-06" in link
            listed = get(client, head, link)
            assert listed.status_code == 200 and listed.context["total"] == ranked.counts.received


def test_the_report_file_has_no_links(client, staff, june) -> None:  # noqa: F811
    """The HTML file is kept and mailed: a link to the site's drill-down would lead nowhere there."""
    page = get(client, staff["leader"], "/reports/download", kind="monthly", date="2025-06-18", format="html")
    assert page.status_code == 200 and "/rankings/tickets/" not in page.content.decode()
