"""The check's verdicts and reasons on the replies the audit found misjudged (ADR 0014, addendum
2026-12-06): a complete reply that cites its regulation is not flagged, a short reply on the
matter in other words is not told it may be about something else, and every reason a handler
reads is true of the reply."""

import pytest

from hotline.feedback import quality

# The audit's complete reply: greeting, cause, repair date, result, regulation, phone, date.
ROAD = ("工业路路面坑洼不平", "工业路路面坑洼不平，车辆经过颠簸，下雨积水。")
COMPLETE = (
    "黄先生您好！您反映的西山区枫林街道玉兰花园15栋“工业路路面坑洼不平”问题已收悉。经市住建局现场核查，"
    "损坏原因是重型车辆碾压及雨水浸泡导致沥青面层剥落。维修人员已于2026年12月6日完成修补约20平方米，"
    "设施已恢复正常使用。依据《城市道路管理条例》第三十条，我局将加强日常巡查。如有疑问，请致电0571-87654321。"
    "感谢您对我们工作的理解与支持！\n市住建局\n2026年12月06日"
)
DUST = ("公园路工地扬尘严重", "公园路的工地渣土没有覆盖，一刮风满天灰，玉兰花园的居民家里窗台全是土。")
DUST_REPLY = "我局已约谈施工单位，责令对裸土全部覆盖、出入口设置冲洗平台，并安排专人清扫周边道路。"
LIFT = (
    "玉兰花园电梯频繁故障困人",
    "玉兰花园3栋的电梯这个月已经坏了3次，昨天还有人被困在里面，住高层的老人没法下楼。",
)
LIFT_REPLY = "我局已对该电梯开展专项检查，责令维保单位更换曳引钢丝绳和门机部件，经检测合格后恢复运行。"
TAX_REPLY = "经核实，您的个人所得税专项附加扣除已在个税APP确认，退税款将于15个工作日内退还至您的银行卡。"


@pytest.fixture(autouse=True)
def _cuts(settings):
    settings.HOTLINE = {
        **settings.HOTLINE,
        "REPLY_CHECK": {"WHEN": "reply", "RELEVANCE_MIN": 0.1, "SCORE_MIN": 0.5},
    }


def test_a_complete_reply_citing_its_regulation_is_not_flagged() -> None:
    result = quality.check(*ROAD, COMPLETE)
    assert not result.weak, result.reasons
    assert result.interpretability >= 0.5


def test_giving_a_cause_or_a_phone_never_lowers_interpretability() -> None:
    bare = "经现场核查，路面坑洼约20平方米，已于2026年12月6日修补完成。"
    for more in ("损坏原因是重型车辆碾压。", "如有疑问，请致电0571-87654321。", "经查，已组织维修人员到场。"):
        assert (
            quality.check(*ROAD, bare + more).interpretability >= quality.check(*ROAD, bare).interpretability
        )


@pytest.mark.parametrize(("appeal", "reply"), [(DUST, DUST_REPLY), (LIFT, LIFT_REPLY)])
def test_a_short_reply_on_the_matter_in_other_words_is_relevant(appeal, reply) -> None:
    result = quality.check(*appeal, reply)
    assert result.relevance >= 0.1 and "relevance" not in result.reasons
    # It is still short and says no cause, no rule: flagged for that, truly.
    assert result.weak and {"completeness", "interpretability"} <= set(result.reasons)


@pytest.mark.parametrize(("appeal", "reply"), [(DUST, LIFT_REPLY), (LIFT, DUST_REPLY), (DUST, TAX_REPLY)])
def test_a_short_reply_to_another_matter_is_still_flagged(appeal, reply) -> None:
    result = quality.check(*appeal, reply)
    assert result.relevance < 0.1 and "relevance" in result.reasons


def _said(result: quality.Check) -> str:
    return " ".join(line for lines in quality.sentences(result.reasons).values() for line in lines)


@pytest.mark.parametrize(
    ("appeal", "reply"),
    [(ROAD, COMPLETE), (DUST, DUST_REPLY), (LIFT, LIFT_REPLY), (ROAD, "已处理。"), (ROAD, COMPLETE[:120])],
)
def test_every_reason_is_true_of_the_reply(appeal, reply) -> None:
    result = quality.check(*appeal, reply)
    found = quality.signals(reply, appeal[1])
    body = len(quality.body_of(reply))
    said = _said(result)
    if "没有说明原因" in said:
        assert not found["n_reason"]
    if "没有引用政策或法规依据" in said:
        assert not found["n_basis"]
    if "没有查明情况的具体数字" in said:
        assert not found["n_figures"]
    if "只有" in said:
        assert f"只有 {body} 字" in said and body < quality.SHORT


def test_a_long_weak_reply_is_not_called_short() -> None:
    promises = "我局将加强巡查，将协调有关部门，拟于近期研究，预计将逐步改善，" * 4
    result = quality.check(*ROAD, "您好！" + promises)
    assert "只有" not in _said(result) and "过于简略" not in _said(result)
