"""The overview's districts (本月各区县): beside the volume, each district's four rates and its 解决率,
each a link to the tickets it counts; the map may be coloured by any of them. On the hand-built
June of tests/analytics: 东城区 had t1 (resolved) and t2 (partly) called back, 西城区 t11 (unresolved)."""

import re
from html import unescape

from hotline.core import clock
from tests.analytics.conftest import at, june  # noqa: F401  (the hand-built June)

NOW = at(6, 20, 12)


def get(client, user, path: str = "/overview/"):
    client.force_login(user)
    with clock.frozen_at(NOW):
        return client.get(path)


def row(html: str, district_id: int) -> str:
    start = html.index(f'<tr id="district-{district_id}">')
    return html[start : html.index("</tr>", start)]


def test_each_district_has_its_resolution_rate(client, staff, june, departments) -> None:  # noqa: F811
    response = get(client, staff["leader"])
    html = response.content.decode()
    table = html[html.index('id="table-districts"') :]
    headings = re.findall(r"<th[^>]*>([^<]+)</th>", table[: table.index("</thead>")])
    assert headings == ["区县", "受理量", "及时率", "处置率", "回复率", "满意率", "解决率"]
    east, west = row(html, departments["district"].pk), row(html, june.west.pk)
    cells = re.findall(r'<td class="n resolved">(.*?)</td>', east)
    assert len(cells) == 1 and ">50.0%</a>" in cells[0]
    assert ">0.0%</a>" in re.findall(r'<td class="n resolved">(.*?)</td>', west)[0]
    # The figure leads to the callbacks it counts: t1 and t2's.
    href = unescape(re.search(r'href="([^"]+)"', cells[0]).group(1))
    assert "rate=resolved" in href and "dimension=district" in href
    listed = get(client, staff["leader"], href)
    assert {t.number for t, _c in listed.context["entries"]} == {
        june.tickets[name].number for name in ("t1", "t2")
    }
    assert [counted for _t, counted in listed.context["entries"]].count(True) == 1


def test_the_map_may_be_coloured_by_the_resolution_rate(client, staff, june, departments) -> None:  # noqa: F811
    response = get(client, staff["leader"])
    charts = response.context["charts"]
    east = charts["district_rates"][[name for name, _n in charts["districts"]].index("东城区")]
    assert east["resolved"] == 50.0 and charts["rate_labels"]["resolved"] == "解决率"
    html = response.content.decode()
    if response.context["echarts_installed"]:
        assert '<option value="resolved">解决率</option>' in html
