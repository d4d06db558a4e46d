from datetime import UTC, datetime, timedelta

import pytest

from hotline.dedup.scoring import Facts, score_pair, threshold

T0 = datetime(2026, 3, 1, 9, tzinfo=UTC)
COMMUNITY_A = {"community": 11, "street": 10, "district": 1}
COMMUNITY_B = {"community": 12, "street": 10, "district": 1}
OTHER_STREET = {"community": 21, "street": 20, "district": 1}
OTHER_DISTRICT = {"street": 30, "district": 2}


@pytest.mark.parametrize(
    ("a", "b", "facts", "words"),
    [
        (Facts(), Facts(), (), []),
        (Facts(areas=COMMUNITY_A), Facts(areas=COMMUNITY_A), ("same_community",), ["同一社区"]),
        (Facts(areas=COMMUNITY_A), Facts(areas=COMMUNITY_B), ("same_street",), ["同一街道"]),
        (Facts(areas=COMMUNITY_A), Facts(areas=OTHER_STREET), ("same_district",), ["同一区县"]),
        (Facts(areas=COMMUNITY_A), Facts(areas=OTHER_DISTRICT), ("other_district",), ["不同区县"]),
        # One side's area unknown: nothing is said about the place.
        (Facts(areas=COMMUNITY_A), Facts(), (), []),
        # A point beats the areas: 111 m apart (0.001 degree of latitude).
        (
            Facts(areas=COMMUNITY_A, latitude=39.900, longitude=116.40),
            Facts(areas=OTHER_DISTRICT, latitude=39.901, longitude=116.40),
            ("near",),
            ["相距 111 米"],
        ),
        (
            Facts(latitude=39.90, longitude=116.40),
            Facts(latitude=39.93, longitude=116.40),
            ("far",),
            ["相距 3.3 公里"],
        ),
        # The places the texts name (dedup.places): one shared, none shared, or one side names none.
        (
            Facts(names=frozenset({"丽发"})),
            Facts(names=frozenset({"丽发新", "云塘"})),
            ("same_name",),
            ["同一地名：丽发"],
        ),
        (
            Facts(names=frozenset({"英祥春天"})),
            Facts(names=frozenset({"魅力之"})),
            ("other_name",),
            ["地名不同：英祥春天 / 魅力之"],
        ),
        (Facts(names=frozenset({"英祥春天"})), Facts(), (), []),
        (Facts(category_id=1), Facts(category_id=1), ("same_category",), ["同一分类"]),
        (Facts(category_id=1), Facts(category_id=2), ("other_category",), ["不同分类"]),
        (Facts(at=T0), Facts(at=T0 + timedelta(days=2, hours=3)), ("in_window",), ["3 天内"]),
        (Facts(at=T0), Facts(at=T0 - timedelta(days=45)), ("out_of_window",), ["相隔 45 天"]),
    ],
)
def test_facts_move_the_score_and_are_named(settings, a, b, facts, words):
    weights = settings.HOTLINE["DEDUP"]["WEIGHTS"]
    result = score_pair(0.9, a, b)
    assert result.facts == facts
    assert result.reason == " · ".join(["文本相似 0.90", *words])
    assert result.score == pytest.approx(0.9 + sum(weights[f] for f in facts), abs=1e-4)
    assert result.similarity == 0.9


def test_the_usual_reason(settings):
    result = score_pair(
        0.934,
        Facts(areas=COMMUNITY_A, category_id=5, at=T0),
        Facts(areas=COMMUNITY_A, category_id=5, at=T0 - timedelta(days=3)),
    )
    assert result.reason == "文本相似 0.93 · 同一社区 · 同一分类 · 3 天内"
    assert result.score > result.similarity


def test_the_score_stays_between_0_and_1():
    assert score_pair(0.999, Facts(areas=COMMUNITY_A), Facts(areas=COMMUNITY_A)).score == 1.0
    assert score_pair(0.01, Facts(areas=COMMUNITY_A), Facts(areas=OTHER_DISTRICT)).score == 0.0


def test_weights_and_threshold_come_from_the_settings(settings):
    settings.HOTLINE = {
        **settings.HOTLINE,
        "DEDUP": {
            **settings.HOTLINE["DEDUP"],
            "WEIGHTS": {"same_community": 0.5},
            "THRESHOLD": {"ngram": 0.7, "e5": 0.9},
        },
    }
    assert score_pair(0.4, Facts(areas=COMMUNITY_A), Facts(areas=COMMUNITY_A)).score == pytest.approx(0.9)
    assert score_pair(0.4, Facts(category_id=1), Facts(category_id=2)).score == pytest.approx(0.4)
    assert threshold("ngram") == 0.7


def test_the_reason_in_english(settings):
    from django.utils import translation

    with translation.override("en"):
        reason = score_pair(0.9, Facts(areas=COMMUNITY_A), Facts(areas=COMMUNITY_A)).reason
    # The English catalogue may not have these strings yet: the reason is built all the same.
    assert reason.startswith(("文本相似 0.90", "text")) or "0.90" in reason
