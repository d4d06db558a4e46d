"""The categories' shares on the public statistics (/stats/) add up to the total: tickets filed
under no category are a row of their own (未分类), and every share is of the total."""

import json
import re

from hotline.analytics import figures, selectors
from hotline.core import clock
from hotline.web.stats import MONTHS, category_shares
from tests.analytics.conftest import at, june  # noqa: F401  (the hand-built June)


def test_the_category_rows_add_up_to_the_total_with_an_uncategorised_row(client, june) -> None:  # noqa: F811
    with clock.frozen_at(at(6, 20, 12)):
        html = client.get("/stats/").content.decode()
    total = int(re.search(r'<th>合计</th><th class="n">(\d+)</th>', html)[1])  # type: ignore[index]
    shares = html[html.index('id="table-shares"') :]
    rows = re.findall(
        r'<tr><td>([^<]+)</td><td class="n">(\d+)</td><td class="n">([\d.]+)%</td></tr>', shares
    )
    # Nine tickets in the year (merged and invalid ones aside), four of them under a category.
    assert total == 9
    assert rows == [("城乡建设", "3", "33.3"), ("教育", "1", "11.1"), ("未分类", "5", "55.6")]
    assert sum(int(count) for _name, count, _percent in rows) == total
    chart = json.loads(
        re.search(r'<script id="stats-data" type="application/json">(.*?)</script>', html, re.S)[1]
    )  # type: ignore[index]
    assert chart["shares"] == [["城乡建设", 3], ["教育", 1], ["未分类", 5]]


def test_the_shares_are_of_the_total_wherever_they_are_computed(june) -> None:  # noqa: F811
    with clock.frozen_at(at(6, 20, 12)):
        year = figures.read(selectors.months_ending(clock.localtime().date(), MONTHS))
    shares = category_shares(year)
    assert sum(s.count for s in shares) == year.city.received
    assert round(sum(s.percent for s in shares)) == 100
    assert shares[-1].name == "未分类" and shares[-1].count == 5


def test_no_uncategorised_row_when_every_ticket_has_a_category(client, db) -> None:
    with clock.frozen_at(at(6, 20, 12)):
        html = client.get("/stats/").content.decode()
    assert "未分类" not in html and "暂无数据" in html
