"""The rankings in the API (GET /api/v1/rankings): the same figures and order as the page, the
counts behind every rate, and clear refusals, on the hand-built history of test_ranking_spans."""

import pytest

from hotline.core import clock
from tests.analytics.conftest import at, june  # noqa: F401  (the hand-built June)
from tests.analytics.test_ranking_spans import NOW, history  # noqa: F401  (the fixture)
from tests.api.conftest import anonymous, api_as  # noqa: F401  (the fixtures)

pytestmark = pytest.mark.django_db


def get(api_as, user, **params):  # noqa: F811
    with clock.frozen_at(NOW):
        return api_as(user).get("/rankings", params)


def test_a_quarter_ranked_against_the_quarter_before(api_as, staff, departments, history) -> None:  # noqa: F811
    response = get(api_as, staff["leader"], period="2025-Q1", dimension="department")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["period"] == {
        "period": "2025-Q1",
        "label": "2025年第1季度",
        "first_day": "2025-01-01",
        "last_day": "2025-03-31",
    }
    assert body["previous"]["period"] == "2024-Q4"
    assert body["weights"] == {"on_time": 25, "handled": 25, "replied": 25, "satisfied": 25}
    assert body["min_received"] == 1
    # The page's table (test_ranking_spans): the places swap against Q4 2024.
    assert [
        (
            r["name"],
            r["score"],
            r["rank"],
            r["previous_score"],
            r["previous_rank"],
            r["score_change"],
            r["rank_change"],
        )
        for r in body["rows"]
    ] == [
        ("水务局", 66.7, 1, 33.3, 2, 33.4, 1),
        ("住建局", 50.0, 2, 66.7, 1, -16.7, -1),
    ]
    housing = body["rows"][1]
    assert housing["key"] == departments["housing"].pk
    assert housing["received"] == 2
    # The counts behind each rate: h3 on time, h4 late; both handled, none called back.
    assert housing["rates"]["on_time"] == {"numerator": 1, "denominator": 2, "percent": 50.0}
    assert housing["rates"]["handled"] == {"numerator": 2, "denominator": 2, "percent": 100.0}
    assert housing["rates"]["replied"] == {"numerator": 0, "denominator": 2, "percent": 0.0}
    assert housing["rates"]["satisfied"] == {"numerator": 0, "denominator": 0, "percent": None}
    assert set(housing["rates"]) == {"on_time", "handled", "replied", "satisfied", "resolved"}
    # Each department's two replies ("已修复。") went through the quality check: both weak.
    assert housing["weak_replies"] == {"numerator": 2, "denominator": 2, "percent": 100.0}


def test_the_running_year_and_areas(api_as, staff, departments, history) -> None:  # noqa: F811
    year = get(api_as, staff["supervisor"], span="year").json()
    assert year["period"]["period"] == "2025"
    assert [(r["name"], r["score"], r["rank"]) for r in year["rows"]] == [
        ("水务局", 66.7, 1),
        ("住建局", 55.6, 2),
    ]
    # Areas and categories have no weak-reply share: it is the lead department's.
    areas = get(api_as, staff["admin"], period="2025-Q1", dimension="area").json()
    assert all(r["weak_replies"] is None for r in areas["rows"])


def test_who_may_read_them_and_what_is_refused(api_as, anonymous, staff, history) -> None:  # noqa: F811
    handler = get(api_as, staff["housing"], period="2025-Q1")
    assert handler.status_code == 403
    assert handler.json()["detail"] == "角色“承办人”不能查看考核数据"
    with clock.frozen_at(NOW):
        assert anonymous.get("/rankings").status_code == 401
    for wrong in ("2030-Q1", "2025-13", "1999", "2025-04-01"):
        refused = get(api_as, staff["leader"], period=wrong)
        assert refused.status_code == 422
        detail = refused.json()["detail"]
        assert f"“{wrong}”不是可选的期间" in detail
        assert "2024-05 – 2025-04" in detail and "2023-Q3 – 2025-Q2" in detail and "2023 – 2025" in detail
    for params in ({"dimension": "city"}, {"span": "decade"}):
        assert get(api_as, staff["leader"], **params).status_code == 422


def test_the_districts_as_the_page_ranks_them(api_as, client, staff, june) -> None:  # noqa: F811
    # On the hand-built June: 东城区 with 和平街道 under it, and 西城区 (tests/web/test_rankings_districts).
    with clock.frozen_at(at(6, 20, 12)):
        body = api_as(staff["leader"]).get("/rankings", {"dimension": "district", "period": "2025-06"}).json()
        client.force_login(staff["leader"])
        page = client.get("/rankings/", {"dimension": "district", "period": "2025-06"}).context["rows"]
    assert body["dimension"] == "district"
    assert [(r["name"], r["received"], r["score"], r["rank"]) for r in body["rows"]] == [
        (r.name, r.counts.received, r.score, r.rank) for r in page
    ]
    assert [r["name"] for r in body["rows"]] == ["东城区", "西城区"]
    assert all(r["weak_replies"] is None for r in body["rows"])
