"""The reply-quality check's scores and reasons (feedback/quality.py), on replies written like the
city's: a full answer, a formula that says nothing, and an answer to another appeal."""

import pytest

from hotline.feedback import quality

TITLE = "幸福路12号小区门口路灯不亮"
TEXT = "幸福路12号小区门口的路灯坏了一周，晚上很黑，老人出门不安全，请尽快修理。"

# A full answer says what was found (how many lamps, why they failed), what was done, when, on
# which rule, and whom to call: the check, fitted on labelled official replies, wants facts and
# not only the six elements (a 150-character reply with all six is not interpretable by them).
FULL = (
    "张先生：您好！您反映的幸福路12号小区门口路灯不亮的问题已收悉。经查，该路段共有路灯8盏，其中小区门口的"
    "2盏因地下电缆老化短路而熄灭，另有1盏灯杆锈蚀。市城管局路灯所于12月3日派员到现场，更换了约60米电缆和"
    "3套灯具，当晚已全部恢复照明，并对灯杆做了除锈加固。根据《城市道路照明设施管理规定》第十二条，该路段"
    "路灯由路灯所负责日常维护，巡查周期为每月一次。如再发现路灯故障，请拨打路灯报修电话0731-12345678。"
    "感谢您对我们工作的支持！2026年12月4日"
)
FORMULA = "您好！您的留言已收悉，已转相关部门处理，感谢您的支持！"
OTHER = (
    "您好！关于您咨询的公积金异地贷款问题，根据《住房公积金贷款管理办法》，暂停受理异地缴存职工的贷款申请，"
    "因为本市资金流动性不足。具体可致电公积金中心0731-88888888咨询。2026年12月4日"
)


@pytest.fixture(autouse=True)
def _cuts(settings):
    settings.HOTLINE = {
        **settings.HOTLINE,
        "REPLY_CHECK": {"WHEN": "reply", "RELEVANCE_MIN": 0.1, "SCORE_MIN": 0.5},
    }


def test_a_full_answer_passes_every_criterion() -> None:
    result = quality.check(TITLE, TEXT, FULL)
    assert not result.weak, result.reasons
    assert result.relevance >= 0.5
    assert result.completeness >= 0.5 and result.interpretability >= 0.5


def test_a_formula_is_flagged_with_what_is_missing() -> None:
    result = quality.check(TITLE, TEXT, FORMULA)
    assert result.weak
    assert set(result.reasons) == {"relevance", "completeness", "interpretability"}
    missing = _missing(FORMULA)
    assert "办理经过" in missing and "政策依据" in missing and "答复日期" in missing
    # The reasons name what the scores read: a reason weighs in completeness, not interpretability.
    said = quality.sentences(result.reasons)
    assert "没有说明原因（因为、由于、不符合等）" in said["completeness"]
    assert "没有引用政策或法规依据" in said["interpretability"]
    assert not any("原因" in line for line in said["interpretability"])


def test_an_answer_to_another_appeal_is_not_relevant() -> None:
    result = quality.check(TITLE, TEXT, OTHER)
    assert result.weak
    assert result.relevance < 0.1
    assert "relevance" in result.reasons


def test_the_formula_is_not_what_the_reply_says() -> None:
    assert (
        quality.body_of(
            "网友“UU008”您好！您的留言已收悉。现将有关情况回复如下：路灯已修复。感谢您对我们工作的支持、理解与监督！2026年12月4日"
        )
        == "路灯已修复。"
    )


@pytest.mark.parametrize(
    ("key", "text", "present"),
    [
        ("greeting", "尊敬的市民：", True),
        ("done", "经核实，情况属实", True),
        ("result", "目前已完成整改", True),
        ("basis", "依据《物业管理条例》第二十条", True),
        ("contact", "如有疑问请拨打12345", True),
        ("date", "2026年12月4日", True),
        ("date", "近日", False),
        # A result as a unit says it: with the day between 已 and the deed, or the deed's end.
        ("result", "我单位已于12月5日安排环卫工人清运完毕", True),
        ("result", "垃圾已全部清运干净", True),
        ("result", "已安排人员清运", True),
        ("result", "路灯已于12月3日修复完毕", True),
        ("result", "将于下周安排人员清运", False),
        ("result", "清运工作正在进行", False),
        # A day without its year, as most replies give it.
        ("date", "已于12月5日清运", True),
        ("date", "12月份以来", False),
        ("basis", "我们会尽快处理", False),
    ],
)
def test_elements(key: str, text: str, present: bool) -> None:
    assert quality.signals(text)[key] == (1.0 if present else 0.0)


def test_scores_are_between_zero_and_one_for_any_text() -> None:
    for text in ["", "。", "好" * 5000, FULL * 20]:
        result = quality.check("", "", text)
        for value in result.scores().values():
            assert 0.0 <= value <= 1.0


def test_an_empty_promise_is_named_among_the_reasons() -> None:
    promise = (
        "您好！您的建议已收悉。对于您的意见和建议，我局将充分论证研究，逐步完善。感谢您的支持！2026年12月4日"
    )
    result = quality.check(TITLE, TEXT, promise)
    assert "completeness" in result.reasons
    assert any("笼统表态" in line for line in quality.sentences(result.reasons)["completeness"])


def test_the_scores_count_what_the_reply_says_and_what_the_appeal_asks() -> None:
    found = quality.signals(
        "经查，由于线路老化，2盏灯于12月3日修复。下一步将尽快研究。", "路灯坏了吗？何时修？"
    )
    assert found["n_figures"] > 0 and found["n_reason"] > 0 and found["n_vague"] > 0
    assert found["appeal_questions"] > quality.signals("路灯坏了。")["appeal_questions"]


def _missing(reply: str) -> str:
    """The elements the checklist beside the scores marks missing (`quality.elements`)."""
    return "、".join(name for name, present in quality.elements(reply) if not present)


# Official wording the reasons once called missing: what was done (核查, 排查, 协商, 实地查勘…), the
# result (停止, 立案, 查封, 承诺书, a finding: 属实), the basis (a standard, a contract) and the
# next step (今后, 建议当事人…).
@pytest.mark.parametrize(
    ("reply", "said"),
    [
        ("经核查，门口2盏路灯电缆老化。", "办理经过"),
        ("街道组织排查了小区门口的路灯线路。", "办理经过"),
        ("路灯所与物业公司协商，由物业负责更换灯具。", "办理经过"),
        ("据查，门口路灯由开发商建设，尚未移交。", "办理经过"),
        ("工作人员实地查勘了门口的路灯。", "办理经过"),
        ("施工单位已停止夜间施工。", "办理结果"),
        ("对违规施工单位已立案调查。", "办理结果"),
        ("城管执法局依法查封了施工设备。", "办理结果"),
        ("施工单位签订承诺书，夜间不再施工。", "办理结果"),
        ("经现场查看，您反映的情况属实。", "办理结果"),
        ("门口路灯的照度符合国家标准。", "政策依据"),
        ("按购房合同约定，小区路灯由物业公司维修。", "政策依据"),
        ("建议当事人及时报警。", "联系方式或下一步"),
        ("今后路灯所每月巡查一次。", "联系方式或下一步"),
    ],
)
def test_official_wording_is_not_called_missing(reply: str, said: str) -> None:
    assert said not in _missing(f"您好！{reply}2026年12月4日")


def test_a_forwarding_note_says_nothing_was_done_yet() -> None:
    # "已转…调查处理" passes the appeal on: neither what was done nor what came of it.
    missing = _missing("您好！您反映的问题已转市城管局调查处理。2026年12月4日")
    assert "办理经过" in missing and "办理结果" in missing
    assert quality.signals("您反映的问题已转交县气象局核实、办复。")["n_done"] == 0


@pytest.mark.parametrize(
    "text",
    [
        "村集体经济组织的成员由村民会议确定。",  # an organisation, not organising
        "您的体检报告单和检查项目由医院出具。",  # a medical examination
    ],
)
def test_words_that_only_look_like_what_was_done(text: str) -> None:
    assert quality.signals(text)["done"] == 0.0


@pytest.mark.parametrize(
    "text",
    [
        "退休人员的养老保险待遇按月发放。",  # benefits, not "until"
        "该政策与计划生育政策衔接。",  # family planning, not a plan
        "科目二模拟考试收费由驾校确定。",  # a mock test, not "intends to"
        "市民服务中心设有接待室。",  # a reception room, not "until"
    ],
)
def test_words_that_only_look_like_a_next_step(text: str) -> None:
    assert quality.signals(text)["n_next"] == 0
