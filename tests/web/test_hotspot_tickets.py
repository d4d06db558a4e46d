"""A hot spot's appeals and their tickets (/hotspots/<appeal id>/), linked from each row of the
overview's hot spots, so that a leader can check what a hot spot groups: an audit found rows that
mixed unrelated appeals and no way to open them."""

import pytest

from hotline.analytics import hotspot_sets
from hotline.analytics.models import Hotspot, HotspotSet
from hotline.core import clock
from hotline.intake.models import Appeal
from tests.analytics.conftest import at, june, kept_hotspots  # noqa: F401  (the hand-built June)

NOW = at(6, 20, 12)

pytestmark = pytest.mark.django_db


def get(client, user, path: str):
    client.force_login(user)
    with clock.frozen_at(NOW):
        return client.get(path)


@pytest.fixture
def hot_spot(june, departments):  # noqa: F811
    """The kept recent hot spot, holding the appeals of two of June's tickets."""
    kept = kept_hotspots("recent", at(5, 21, 12), NOW, departments["street"])
    spot = kept.hotspots.get()
    appeals = list(Appeal.objects.filter(ticket__in=[june.tickets["t1"], june.tickets["t2"]]).order_by("pk"))
    spot.appeals.set(appeals)
    return spot, appeals


def test_each_hot_spot_of_the_overview_links_to_its_appeals_and_their_tickets(client, staff, june, hot_spot):  # noqa: F811
    _spot, appeals = hot_spot
    overview = get(client, staff["leader"], "/overview/").content.decode()
    row = overview.split('id="table-hotspots"', 1)[1].split("</table>", 1)[0]
    link = f'href="/hotspots/{appeals[0].pk}/"'
    assert f"<a {link}>幸福小区垃圾站臭味严重</a>" in row
    page = get(client, staff["leader"], f"/hotspots/{appeals[0].pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "东城区幸福小区" in html and "幸福小区垃圾站臭味严重" in html
    table = html.split('id="hotspot-appeals"', 1)[1].split("</table>", 1)[0]
    for ticket in (june.tickets["t1"], june.tickets["t2"]):
        assert f'href="/tickets/{ticket.number}/"' in table
    # Any of its appeals finds it: the set is made again every half hour, the appeals stay.
    assert get(client, staff["leader"], f"/hotspots/{appeals[-1].pk}/").status_code == 200


def test_a_hot_spot_no_longer_kept_says_so(client, staff, june, hot_spot):  # noqa: F811
    _spot, appeals = hot_spot
    other = Appeal.objects.exclude(pk__in=[a.pk for a in appeals]).first()
    response = get(client, staff["leader"], f"/hotspots/{other.pk}/")
    assert response.status_code == 404
    assert "热点每半小时重新计算" in response.content.decode()
    # A report's set is not the overview's: its hot spots are not found here.
    HotspotSet.objects.filter(scope="recent").update(scope="monthly")
    assert get(client, staff["leader"], f"/hotspots/{appeals[0].pk}/").status_code == 404
    assert hotspot_sets.recent_holding(appeals[0].pk) is None and Hotspot.objects.count() == 1


@pytest.mark.parametrize("role", ["operator", "dispatcher", "housing"])
def test_the_roles_that_may_not_see_the_overview_may_not_see_a_hot_spot(
    client, staff, role, hot_spot
) -> None:
    _spot, appeals = hot_spot
    response = get(client, staff[role], f"/hotspots/{appeals[0].pk}/")
    assert response.status_code == 403
    assert "幸福小区垃圾站臭味严重" not in response.content.decode()


def test_every_hot_spot_kept_can_be_read_a_page_at_a_time(client, staff, june, hot_spot):  # noqa: F811
    """The overview shows the ten hottest of the fifty kept, and no page listed the rest (audit of
    2026-12-06): /hotspots/ lists them all, by rank, a page at a time, linked from the overview."""
    spot, _appeals = hot_spot
    for rank in range(2, 26):
        Hotspot.objects.create(
            set=spot.set,
            rank=rank,
            heat=9.0 - rank / 10,
            first_time=at(6, 3),
            last_time=at(6, 20),
            place=f"东城区第{rank}小区",
            crowd="居民",
            people=2,
            description=f"第{rank}号热点",
            n_appeals=2,
            area=spot.area,
        )
    overview = get(client, staff["leader"], "/overview/").content.decode()
    assert 'href="/hotspots/"' in overview and "全部 25 个热点" in overview
    first = get(client, staff["leader"], "/hotspots/").content.decode()
    rows = first.split('id="table-hotspots"', 1)[1].split("</table>", 1)[0]
    assert rows.count("<tr>") == 1 + 20  # the heading's and a page's
    assert "幸福小区垃圾站臭味严重" in rows and "第20号热点" in rows and "第21号热点" not in rows
    assert "offset=20" in first
    second = get(client, staff["leader"], "/hotspots/?offset=20").content.decode()
    assert "第25号热点" in second and "第20号热点" not in second
    assert get(client, staff["dispatcher"], "/hotspots/").status_code == 403
