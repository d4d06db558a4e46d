"""The reasons shown under a reply's scores explain the scores (the audit's /replies/flagged/: 完整性
0.23 with only "缺少：政策依据" listed, which that score does not read, and 0.57 with nothing listed).
Each reason names a signal the criterion's score reads that lowered it; the issue's six elements are
a checklist beside the scores, found or missing, whatever the scores."""

import pytest

from hotline.feedback import quality

WATER = ("阳光苑自来水有异味", "阳光苑的自来水有一股异味，烧开了也有味道。")
WATER_REPLY = (
    "您好！您于2026年11月17日反映的“阳光苑自来水有异味”问题已收悉。经市水务局现场核实并处理，问题已解决。"
    "如有疑问，请致电市水务局（0591-84815846）。感谢您对我们工作的理解与支持！\n市水务局\n2026年11月21日"
)
DEED = ("世纪雅居交房多年办不了房产证", "世纪雅居交房五年了还办不了房产证。")
DEED_REPLY = (
    "您好！您于2026年11月23日反映的“世纪雅居交房多年办不了房产证”问题已收悉。已转相关责任单位办理，"
    "后续将加强日常巡查。如有疑问，请致电市住建局（0591-89642869）。感谢您对我们工作的理解与支持！\n"
    "市住建局\n2026年11月25日"
)


@pytest.fixture(autouse=True)
def _cuts(settings):
    settings.HOTLINE = {
        **settings.HOTLINE,
        "REPLY_CHECK": {"WHEN": "reply", "RELEVANCE_MIN": 0.1, "SCORE_MIN": 0.5},
    }


def test_the_reasons_of_a_low_completeness_are_what_its_score_reads() -> None:
    result = quality.check(*WATER, WATER_REPLY)

    assert result.completeness < 0.5
    assert quality.sentences(result.reasons)["completeness"] == [
        "没有说明原因（因为、由于、不符合等）",
        "没有说明下一步安排（将、拟、预计等）",
    ]
    # The policy is no signal of completeness: not given as its reason. It is on the checklist.
    assert "政策依据" not in " ".join(quality.sentences(result.reasons)["completeness"])
    assert dict(quality.elements(WATER_REPLY))["政策依据"] is False


@pytest.mark.parametrize(
    ("reason", "added"),
    [
        ("没有说明原因（因为、由于、不符合等）", "原因是水箱清洗不及时，"),
        ("没有说明下一步安排（将、拟、预计等）", "下一步将每季度清洗水箱，"),
    ],
)
def test_doing_what_a_reason_asks_raises_the_score(reason, added) -> None:
    before = quality.check(*WATER, WATER_REPLY)
    after = quality.check(*WATER, WATER_REPLY.replace("问题已解决", added + "问题已解决"))

    assert reason in quality.sentences(before.reasons)["completeness"]
    assert after.completeness > before.completeness
    assert reason not in quality.sentences(after.reasons).get("completeness", [])


def test_the_interpretability_reasons_are_what_its_score_reads() -> None:
    result = quality.check(*DEED, DEED_REPLY)

    assert result.completeness >= 0.5 and "completeness" not in result.reasons
    assert quality.sentences(result.reasons)["interpretability"] == [
        "没有引用政策或法规依据",
        "下一步安排已写明（1 处）；可解释性看重已查明的情况，请补充核查结果和原因",
    ]
    # A forwarding note has no result: the checklist says so though completeness passed.
    assert dict(quality.elements(DEED_REPLY))["办理结果"] is False


def test_every_element_is_on_the_checklist_in_order() -> None:
    names = [name for name, _present in quality.elements(WATER_REPLY)]

    assert names == ["问候", "办理经过", "办理结果", "政策依据", "联系方式或下一步", "答复日期"]
