"""What the reply-quality check tells a handler, as the audit of the demo city read it: the
checklist of elements does not tick what a template's blank (【办理结果】) still has to say, and the
reasons of the two criteria do not contradict each other: completeness asks for a next step, and
interpretability, which reads the next steps against what was found, asks for the findings in
addition rather than for the next step to go (ADR 0014: the scores stay apart)."""

import pytest
from django.utils import translation

from hotline.feedback import quality

# The demo city's first reply template with its ticket fields filled, its handler's blanks not.
TEMPLATE_DRAFT = (
    "张先生您好！您反映的“小区门口路灯不亮”问题已收悉。经住建局核查，【核查情况与原因】。"
    "我单位已【采取的措施】，目前【办理结果】。如有疑问，请致电0731-12345678与我单位联系。"
    "住建局 2026年12月6日"
)
FILLED = (
    TEMPLATE_DRAFT.replace("【核查情况与原因】", "路灯电缆老化短路")
    .replace("【采取的措施】", "更换电缆")
    .replace("【办理结果】", "路灯已恢复照明")
)
ROAD = ("幸福路路灯不亮", "幸福路12号门口路灯不亮，晚上很黑，请尽快修理。")


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def test_a_blank_and_the_sentence_it_leaves_unfinished_tick_nothing() -> None:
    draft = dict(quality.elements(TEMPLATE_DRAFT))
    assert draft == {
        "问候": True,
        "办理经过": False,  # 经住建局核查，【核查情况与原因】: the finding is still to be written
        "办理结果": False,  # 目前【办理结果】
        "政策依据": False,
        "联系方式或下一步": True,
        "答复日期": True,
    }
    assert all(dict(quality.elements(FILLED)).values()) is False  # no basis cited, still
    filled = dict(quality.elements(FILLED))
    assert filled["办理经过"] and filled["办理结果"]


@pytest.mark.parametrize("blank", ["【联系电话】", "______", "＿＿＿"])
def test_a_contact_left_blank_is_not_a_contact(blank: str) -> None:
    reply = f"您好！经现场核查，路灯已修复。请致电{blank}联系。"
    assert dict(quality.elements(reply))["联系方式或下一步"] is False
    assert dict(quality.elements(reply.replace(blank, "0731-12345678")))["联系方式或下一步"] is True


def test_a_next_step_is_not_asked_to_go_by_one_criterion_and_to_come_by_the_other() -> None:
    reply = "您好！您反映的幸福路路灯不亮问题已收悉。下一步将安排人员维修。"
    with_next = quality.sentences(quality.check(*ROAD, reply).reasons)
    without = quality.sentences(quality.check(*ROAD, reply.replace("下一步将安排人员维修。", "")).reasons)

    assert "没有说明下一步安排（将、拟、预计等）" in without["completeness"]
    promises = [s for s in with_next["interpretability"] if "下一步安排" in s]
    # 下一步 and 将: two words of what will be done (`n_next`), as the score reads them.
    assert promises == ["下一步安排已写明（2 处）；可解释性看重已查明的情况，请补充核查结果和原因"]


@pytest.mark.parametrize("n", [1, 2])
def test_the_promises_sentence_holds_its_count(n: int) -> None:
    said = quality.reason_text({"code": "promises", "params": {"n": n}})
    assert said == f"下一步安排已写明（{n} 处）；可解释性看重已查明的情况，请补充核查结果和原因"
