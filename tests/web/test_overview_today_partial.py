"""The overview's trend ends with today, which is not over: its count is said to be today's up to
now (今日截至 HH:MM) in the table, in the chart's data and in a note, so that a leader does not read a
low count at noon as a fall. On the hand-built June of tests/analytics."""

import re

from hotline.core import clock
from tests.analytics.conftest import at, june  # noqa: F401  (the hand-built June)


def get(client, user, when):
    client.force_login(user)
    with clock.frozen_at(when):
        return client.get("/overview/")


def test_today_is_marked_as_counted_up_to_now(client, staff, june) -> None:  # noqa: F811
    response = get(client, staff["leader"], at(6, 20, 9, 5))
    html = response.content.decode()
    table = html[html.index('id="table-trend"') : html.index("</table>", html.index('id="table-trend"'))]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table[table.index("<tbody>") :], re.S)
    assert len(rows) == 30
    # Every day before today is a whole day, written as before; today says where it stops.
    assert rows[-2].startswith("<td>2025-06-19</td>")
    assert "今日截至 09:05" in rows[-1] and "2025-06-20" in rows[-1]
    assert all("今日截至" not in r for r in rows[:-1])
    assert 'class="partial-day"' in table
    assert response.context["charts"]["today"] == {"day": "2025-06-20", "label": "今日截至 09:05"}
    note = html[html.index('id="trend-today-note"') :]
    assert "今日截至 09:05" in note[: note.index("</p>")]


def test_the_mark_follows_the_clock(client, staff, june) -> None:  # noqa: F811
    response = get(client, staff["leader"], at(6, 21, 23, 40))
    assert response.context["charts"]["today"] == {"day": "2025-06-21", "label": "今日截至 23:40"}
    assert response.context["trend"][-1][0].isoformat() == "2025-06-21"
