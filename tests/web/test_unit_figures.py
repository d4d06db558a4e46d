"""A unit head's figures (单位负责人): their own unit's report (its volume, four rates, the period
before, its place among its peers), its files and the tickets behind each figure, and nothing of
another unit's; on the hand-built June of tests/analytics."""

import re
from html import unescape

import pytest

from hotline.core import clock
from hotline.core.enums import Role
from tests.analytics.conftest import at, june  # noqa: F401  (the hand-built June)
from tests.factories import UserFactory

JULY = at(7, 1, 10)


def get(client, user, path: str, **params):
    client.force_login(user)
    with clock.frozen_at(JULY):
        return client.get(path, params)


def drill_links(html: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="(/rankings/tickets/\?[^"]+)"', html)]


def test_a_district_head_reads_their_districts_report_and_its_tickets(
    client,
    staff,
    june,  # noqa: F811
    departments,
) -> None:
    head = staff["district_head"]  # 东城区: itself and 和平街道 under it
    response = get(client, head, "/reports/", kind="monthly", date="2025-06-15")
    assert response.status_code == 200
    report = response.context["report"]
    assert report.scope_name == "东城区" and report.city.received == 3  # t1, t2 (和平街道), t3
    html = response.content.decode()
    assert "示范市东城区 12345 热线月报" in html and 'id="report-standing"' in html
    ours = {june.tickets[name].number for name in ("t1", "t2", "t3")}
    links = drill_links(html)
    assert len(links) >= 4  # the volume and every rate with something to count
    for link in links:
        listed = get(client, head, link)
        assert listed.status_code == 200, link
        numbers = {t.number for t, _counted in listed.context["entries"]}
        assert numbers <= ours, link
        if "rate=received" in link:
            assert numbers == ours and listed.context["total"] == report.city.received
    download = get(client, head, "/reports/download", kind="monthly", date="2025-06-15", format="html")
    assert download.status_code == 200
    assert f"district-{departments['district'].pk}" in download["Content-Disposition"]
    assert "东城区" in download.content.decode()


def test_a_unit_head_cannot_read_another_units_tickets(client, staff, june, departments) -> None:  # noqa: F811
    head = staff["district_head"]
    for params in (
        {"dimension": "city"},
        {"dimension": "district", "key": june.west.pk},
        {"dimension": "area", "key": departments["street"].pk},
        {"dimension": "department", "key": departments["housing"].pk},
    ):
        response = get(client, head, "/rankings/tickets/", rate="received", period="2025-06", **params)
        assert response.status_code == 403, params
        assert "只能查看本单位的工单" in response.content.decode()


def test_a_bureau_head_reads_the_tickets_it_leads(client, staff, june, departments) -> None:  # noqa: F811
    head = UserFactory(username="head_housing", role=Role.HEAD, department=departments["housing"])
    response = get(client, head, "/reports/", kind="monthly", date="2025-06-15")
    report = response.context["report"]
    assert report.scope_name == "住建局" and report.city.received == 4  # led t1, t2, t3, t11
    # The volume and the head's own row in the ranking lead to the same tickets.
    [volume] = {link for link in drill_links(response.content.decode()) if "rate=received" in link}
    listed = get(client, head, volume)
    assert {t.number for t, _c in listed.context["entries"]} == {
        june.tickets[name].number for name in ("t1", "t2", "t3", "t11")
    }


def test_a_street_head_is_told_where_their_figures_are(client, departments) -> None:
    head = UserFactory(username="head_street", role=Role.HEAD, department=departments["street"])
    response = get(client, head, "/reports/")
    assert response.status_code == 403
    assert "和平街道没有单独的考核报告" in response.content.decode()


@pytest.mark.parametrize("path", ["/reports/", "/reports/kept/", "/rankings/tickets/"])
def test_handlers_see_no_figures(client, staff, path) -> None:
    assert get(client, staff["housing"], path).status_code == 403
