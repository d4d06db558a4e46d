"""Urgency detection: signs of danger, and the negations and all-clears that cancel them."""

import pytest

from hotline.routing.urgency import detect


@pytest.mark.parametrize(
    ("text", "signs"),
    [
        ("厨房燃气泄漏，味道很大！", ["燃气泄漏"]),
        ("楼道里闻到一股煤气味", ["燃气泄漏"]),
        ("对面楼起火了，冒着浓烟", ["火情"]),
        ("小区停电三天了，冰箱里的东西都坏了", ["停电"]),
        ("暴雨后地下车库被淹，水还在往里灌", ["水浸"]),
        ("路口自来水管爆了，水漫到马路上", ["水浸"]),
        ("电梯里有人被困，按了警铃没人来", ["人员被困"]),
        ("隔壁独居老人摔倒在家里起不来", ["老人儿童遇险"]),
        ("工地旁边的围墙倒塌了", ["坍塌"]),
        ("有人触电了快来人", ["人身危险"]),
    ],
)
def test_signs_of_danger_make_an_appeal_urgent(text, signs) -> None:
    found = detect(text)
    assert found.urgent
    assert found.signs == signs


@pytest.mark.parametrize(
    ("text", "why_not"),
    [
        ("不是燃气泄漏，是下水道返上来的味道", "前有否定"),
        ("没有闻到煤气味，但是热水器打不着火", "前有否定"),
        ("检查过了，并非火灾，是有人烧烤", "前有否定"),
        ("没有人员被困，电梯停在三楼", "前有否定"),
        ("未发生火灾，只是烟雾报警器误报", "前有否定"),
        ("建议物业加强巡查，防止火灾", "前有否定"),
        ("昨天的停电已经恢复了，谢谢", "已解除"),
        ("楼下着火已扑灭，现在只是想问赔偿", "已解除"),
        ("车辆堵住消防通道，一旦发生火灾后果不堪设想", "只是假设"),
        ("消防通道被堵死，真有火灾消防车根本进不来", "只是假设"),
        ("护栏锈迹斑斑，随时可能倒塌", "只是假设"),
        ("雨季来了，说不定哪天真的会垮塌", "只是假设"),
        ("家里着火了怎么办，想咨询消防知识", "只是假设"),
        ("小区经常停电，物业也不管", "反复发生"),
        ("从6月份开始停电好多次了", "反复发生"),
        ("前几年我家发生过一次火灾，想问能否提取公积金", "已是过去"),
        ("过马路时差点被车撞发生生命危险", "只是假设"),
        ("经抢救已脱离生命危险，想咨询工伤认定", "前有否定"),
        ("楼道堆满杂物，存在火灾隐患", "只是隐患"),
    ],
)
def test_negated_or_finished_dangers_do_not(text, why_not) -> None:
    found = detect(text)
    assert not found.urgent
    assert found.findings and {f.why_not for f in found.findings} == {why_not}


def test_a_negation_in_another_clause_does_not_cancel() -> None:
    assert detect("没人管，燃气泄漏一整天了").urgent
    assert detect("不是第一次了，又停电").urgent


def test_a_danger_happening_now_counts_beside_a_hypothesis_or_a_history() -> None:
    # The condition is doing nothing; the leak itself is real.
    assert detect("如果不赶紧处理燃气泄漏会出人命").signs == ["燃气泄漏"]
    assert detect("小区经常停电，现在又停电了").signs == ["停电"]
    assert detect("小区经常停电今天又停电了").signs == ["停电"]
    assert detect("去年着过一次火，现在楼道里又冒烟了").signs == ["火情"]


def test_ordinary_complaints_are_not_urgent() -> None:
    for text in (
        "小区门口路灯不亮",
        "楼下烧烤店油烟很大",
        "公司拖欠工资三个月",
        "手机没电了想咨询营业厅地址",
        "打电话给物业，对方直接挂断电话",
        "游乐场的跳楼机安全吗",
        "最后受伤害的还是老百姓",
        "长期喝这种水会慢性中毒",
    ):
        assert not detect(text).urgent, text
        assert detect(text).findings == ()


def test_the_evidence_lists_every_finding() -> None:
    evidence = detect("不是燃气泄漏，但是停电了").evidence
    assert evidence == {
        "urgent": True,
        "findings": [
            {"sign": "燃气泄漏", "text": "燃气泄漏", "counted": False, "why_not": "前有否定"},
            {"sign": "停电", "text": "停电", "counted": True, "why_not": ""},
        ],
    }
