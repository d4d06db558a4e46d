"""The leader's day on the pages they read: a report's hot spots opened to their tickets, as the
overview's are, with the way back to the report; the overview's districts adding up to its month,
and its warnings opening to their evidence. (A supervisor's reason in the leader's inbox:
test_review_supervision_reason_numbers.py.)"""

import re
from datetime import date, timedelta

import pytest

from hotline.analytics.reports import period_of
from hotline.core import clock
from tests.analytics.conftest import at, kept_hotspots
from tests.factories import EarlyWarningFactory, make_ticket

pytestmark = pytest.mark.django_db

NOW = at(7, 2, 9)


def get(client, user, path, **params):
    client.force_login(user)
    with clock.frozen_at(NOW):
        return client.get(path, params)


def test_a_reports_hot_spot_opens_to_its_tickets_and_back_to_the_report(client, staff, departments) -> None:
    june = period_of("monthly", date(2025, 6, 18))
    kept = kept_hotspots("monthly", june.start, june.end, departments["street"])
    spot = kept.hotspots.get()
    with clock.frozen_at(at(6, 10)):
        tickets = [make_ticket(title="幸福小区垃圾站臭味严重", phone=f"1381234123{n}") for n in range(2)]
    spot.appeals.set([t.appeals.get() for t in tickets])
    key = min(t.appeals.get().pk for t in tickets)

    page = get(client, staff["leader"], "/reports/", kind="monthly", date="2025-06-18").content.decode()
    link = f'<a href="/hotspots/{key}/?set={kept.pk}">幸福小区垃圾站臭味严重</a>'
    assert link in page

    listed = get(client, staff["leader"], f"/hotspots/{key}/", set=kept.pk)
    assert listed.status_code == 200
    shown = listed.content.decode()
    for ticket in tickets:
        assert f'href="/tickets/{ticket.number}/"' in shown
    assert "13812341230" not in shown
    assert 'href="/reports/?kind=monthly&amp;date=2025-06-01#report-hotspots-title"' in shown
    # The report's file, read away from the site, links nowhere; a unit head, who may not open a
    # hot spot's page, reads the report without the link.
    client.force_login(staff["leader"])
    with clock.frozen_at(NOW):
        file = client.get("/reports/download", {"kind": "monthly", "date": "2025-06-18", "format": "html"})
    assert "/hotspots/" not in file.content.decode()
    head = get(
        client, staff["district_head"], "/reports/", kind="monthly", date="2025-06-18"
    ).content.decode()
    assert "幸福小区垃圾站臭味严重" in head and "/hotspots/" not in head
    # A hot spot the set does not hold is said to be missing, not another's shown.
    assert get(client, staff["leader"], f"/hotspots/{key}/", set=kept.pk + 1).status_code == 404


def test_the_districts_table_adds_up_to_the_months_volume(client, staff, departments) -> None:
    """A consultation answered on the spot is placed nowhere: the districts alone summed to less than
    本月受理 above them, with nothing on the page to say why."""
    with clock.frozen_at(at(7, 1, 10)):
        make_ticket(title="咨询社保怎么转移")  # no area
        placed = make_ticket(title="和平街道路灯不亮")
    placed.area = departments["street"]
    placed.save(update_fields=["area"])
    response = get(client, staff["leader"], "/overview/")
    page = response.content.decode()
    table = page[
        page.index('<table id="table-districts">') : page.index("</table>", page.index("table-districts"))
    ]
    assert response.context["month_volume"] == 2
    assert re.search(r'<tr id="district-none"><td>未定属地</td><td class="n">1</td>', table)
    assert f'<tr id="district-{departments["district"].pk}"><td>东城区</td><td class="n"><a ' in table


def test_each_warning_on_the_overview_opens_to_its_evidence(client, staff) -> None:
    now = clock.now()
    made = [EarlyWarningFactory(title=f"预警{n:02d}", raised_at=now - timedelta(hours=n)) for n in range(12)]
    client.force_login(staff["leader"])
    page = client.get("/overview/").content.decode()
    listed = page[page.index('<ul id="list-warnings">') : page.index("</ul>", page.index("list-warnings"))]
    links = re.findall(
        r'<a href="(/supervision/warnings/#warning-\d+)" aria-label="查看依据：(预警\d+)">', listed
    )
    assert links == [(f"/supervision/warnings/#warning-{w.pk}", w.title) for w in made[:10]]
    # Each is on the warnings page the link opens (its first page), by that id.
    warnings = client.get("/supervision/warnings/").content.decode()
    for warning in made[:10]:
        assert f'id="warning-{warning.pk}"' in warnings


def test_back_from_a_districts_tickets_is_the_districts_ranking(client, staff, departments) -> None:
    """From the district ranking (or the overview's district table) to a district's tickets, then
    返回红黑榜: the ranking the leader was reading, not the departments' one."""
    district = departments["district"].pk
    page = get(
        client,
        staff["leader"],
        "/rankings/tickets/",
        rate="received",
        dimension="district",
        key=district,
        period="2025-07",
    ).content.decode()
    assert '<a href="/rankings/?period=2025-07&amp;dimension=district">返回红黑榜</a>' in page
    # The city's figures have no ranking of their own: back to the rankings as they open.
    page = get(
        client, staff["leader"], "/rankings/tickets/", rate="received", period="2025-07"
    ).content.decode()
    assert '<a href="/rankings/?period=2025-07">返回红黑榜</a>' in page
