"""The rankings (红黑榜) and the drill-down from a figure to its tickets, on the hand-built June of
tests/analytics: composite scores from the four rates and the admin's weights, ranks, and the
tickets behind every rate."""

import pytest

from hotline.analytics.facts import Counts
from hotline.analytics.models import FigureSettings
from hotline.analytics.rankings import score
from hotline.core import clock
from tests.analytics.conftest import at, june  # noqa: F401  (the hand-built June)

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
        {"dimension": "nonsense", "month": "2025-13"},
        {"rate": "x", "dimension": "area", "key": "99999999999999999999999"},
        {"rate": "on_time", "key": "-1", "offset": "abc"},
    ):
        assert get(client, staff["leader"], "/rankings/", **params).status_code == 200
        assert get(client, staff["leader"], "/rankings/tickets/", **params).status_code == 200
