"""The responsibility list: which rule fires (priority, then specificity), and why the others do not."""

import pytest

from hotline.core.enums import AreaRole, DepartmentLevel
from hotline.directory.models import Department, Responsibility, ResponsibilityCoHandler
from hotline.routing.rules import Subject, evaluate
from hotline.routing.text import normalize
from hotline.taxonomy.models import Category
from tests.factories import CategoryFactory, DepartmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree() -> dict[str, Category]:
    env = CategoryFactory(code="02", name="环境保护", level=1)
    noise = CategoryFactory(code="0201", name="噪声污染", level=2, parent=env)
    building = CategoryFactory(code="020101", name="施工噪声", level=3, parent=noise)
    social = CategoryFactory(code="020102", name="社会生活噪声", level=3, parent=noise)
    town = CategoryFactory(code="01", name="城乡建设", level=1)
    return {"env": env, "noise": noise, "building": building, "social": social, "town": town}


@pytest.fixture
def city() -> dict[str, Department]:
    district = DepartmentFactory(code="D1", name="东湖区", level=DepartmentLevel.DISTRICT, is_area=True)
    street = DepartmentFactory(
        code="D101", name="湖滨街道", level=DepartmentLevel.STREET, parent=district, is_area=True
    )
    other = DepartmentFactory(code="D2", name="西山区", level=DepartmentLevel.DISTRICT, is_area=True)
    return {
        "district": district,
        "street": street,
        "other": other,
        "env": DepartmentFactory(code="SHJ", name="生态环境局"),
        "urban": DepartmentFactory(code="CGJ", name="城管局"),
        "police": DepartmentFactory(code="GAJ", name="公安局"),
        "housing": DepartmentFactory(code="ZJJ", name="住建局"),
    }


def rule(name: str, category: Category, lead: Department | None, **fields) -> Responsibility:
    co = fields.pop("co", [])
    made = Responsibility.objects.create(name=name, category=category, lead_department=lead, **fields)
    for department in co:
        ResponsibilityCoHandler.objects.create(responsibility=made, department=department)
    return made


def subject(text: str, category: Category | None, area: Department | None = None, **kw) -> Subject:
    return Subject(normalize(text), category, area, **kw)


def test_the_more_specific_category_wins(tree, city) -> None:
    general = rule("噪声", tree["noise"], city["env"])
    specific = rule("施工噪声", tree["building"], city["urban"], co=[city["env"]])

    outcome = evaluate(subject("工地半夜打桩", tree["building"]))

    assert outcome.fired.rule == specific
    assert (outcome.fired.lead, outcome.fired.co) == (city["urban"], [city["env"]])
    assert [c.rule for c in outcome.checks] == [specific, general]
    assert outcome.checks[1].applies and outcome.checks[1].outranked_by == specific
    # A sibling category: only the general rule applies.
    assert evaluate(subject("广场舞太吵", tree["social"])).fired.rule == general


def test_priority_outranks_specificity(tree, city) -> None:
    rule("施工噪声", tree["building"], city["urban"])
    first = rule("噪声（专项整治期间）", tree["noise"], city["env"], priority=10)
    assert evaluate(subject("工地半夜打桩", tree["building"])).fired.rule == first


def test_an_area_rule_applies_in_its_area_and_below(tree, city) -> None:
    citywide = rule("噪声", tree["noise"], city["env"])
    local = rule("东湖区噪声", tree["noise"], city["urban"], area=city["district"])

    assert evaluate(subject("吵", tree["building"], city["street"])).fired.rule == local
    elsewhere = evaluate(subject("吵", tree["building"], city["other"]))
    assert elsewhere.fired.rule == citywide
    failed = next(c for c in elsewhere.checks if c.rule == local)
    assert failed.failures == ["属地不符：规则仅适用于“东湖区”，工单属地为“西山区”"]
    unknown = evaluate(subject("吵", tree["building"], None))
    assert next(c for c in unknown.checks if c.rule == local).failures == [
        "工单属地未知，规则仅适用于“东湖区”"
    ]


def test_keywords_include_and_exclude(tree, city) -> None:
    rule("噪声", tree["noise"], city["env"])
    bar = rule(
        "娱乐场所噪声", tree["noise"], city["police"], keywords="KTV、酒吧\n歌厅", exclude_keywords="装修"
    )

    fired = evaluate(subject("楼下ＫＴＶ唱到凌晨", tree["social"])).fired  # full-width letters too
    assert fired.rule == bar
    assert fired.matched == {"category": "环境保护 / 噪声污染", "keywords": ["KTV"]}

    no_word = evaluate(subject("邻居吵闹", tree["social"]))
    assert no_word.fired.rule != bar
    assert next(c for c in no_word.checks if c.rule == bar).failures == ["未出现关键词：KTV、酒吧、歌厅"]

    excluded = evaluate(subject("酒吧在装修，电钻声很吵", tree["social"]))
    assert next(c for c in excluded.checks if c.rule == bar).failures == ["出现排除关键词：装修"]


def test_between_equal_rules_the_one_whose_word_comes_first_fires(tree, city) -> None:
    """Two keyword rules of one rank both found (路灯 in the caller's aside, 井盖 in the title): the
    one whose keyword the text names first fires, not the older one."""
    lights = rule("路灯（关键词）", tree["noise"], city["urban"], keywords="路灯")
    manhole = rule("井盖（关键词）", tree["noise"], city["housing"], keywords="井盖")
    told = "湖滨路88号井盖丢了。湖滨路88号门口的井盖丢了，那里路灯暗，晚上很危险。"
    outcome = evaluate(subject(told, tree["noise"]))
    assert outcome.fired.rule == manhole
    assert next(c for c in outcome.checks if c.rule == lights).outranked_by == manhole
    # Named the other way round, the other rule fires; equal positions fall back on the older rule.
    assert evaluate(subject("路灯不亮，井盖也丢了", tree["noise"])).fired.rule == lights


def test_inactive_rules_never_fire_but_are_reported(tree, city) -> None:
    old = rule("噪声（旧）", tree["noise"], city["urban"], priority=5, is_active=False)
    current = rule("噪声", tree["noise"], city["env"])

    outcome = evaluate(subject("吵", tree["building"]))

    assert outcome.fired.rule == current
    assert next(c for c in outcome.checks if c.rule == old).failures == ["规则已停用"]


def test_only_rules_of_the_same_first_level_category_are_considered(tree, city) -> None:
    rule("噪声", tree["noise"], city["env"])
    rule("城建", tree["town"], city["housing"])
    assert [c.rule.name for c in evaluate(subject("吵", tree["noise"])).checks] == ["噪声"]
    nothing = evaluate(subject("吵", None))
    assert (nothing.fired, nothing.note) == (None, "工单没有分类，无法匹配权责清单")
    none_in_root = evaluate(subject("路灯", tree["town"]))
    assert none_in_root.fired.rule.name == "城建"


def test_a_rule_below_the_category_does_not_apply(tree, city) -> None:
    building = rule("施工噪声", tree["building"], city["urban"])
    outcome = evaluate(subject("吵", tree["noise"]))
    assert outcome.fired is None
    assert outcome.note == "没有适用的规则"
    assert outcome.checks[0].rule == building
    assert outcome.checks[0].failures == ["分类不符：规则适用于“环境保护 / 噪声污染 / 施工噪声”"]


def test_a_predicted_first_level_category_reaches_deeper_rules_only_through_keywords(tree, city) -> None:
    rule("施工噪声", tree["building"], city["urban"])
    night_work = rule("夜间施工", tree["building"], city["urban"], keywords="打桩、夜间施工")
    guessed = evaluate(subject("工地夜里打桩", tree["env"], predicted=True))
    assert guessed.fired.rule == night_work
    assert guessed.fired.matched["category"] == "环境保护 / 噪声污染 / 施工噪声（由关键词推定）"
    no_keywords = next(c for c in guessed.checks if c.rule.name == "施工噪声")
    assert "仅预测到一级" in no_keywords.failures[0]


def test_the_area_as_lead_or_co_handler(tree, city) -> None:
    area_led = rule("社会生活噪声", tree["social"], None, area_role=AreaRole.LEAD, co=[city["police"]])
    fired = evaluate(subject("广场舞", tree["social"], city["street"])).fired
    assert (fired.rule, fired.lead, fired.co) == (area_led, city["street"], [city["police"]])
    assert evaluate(subject("广场舞", tree["social"])).checks[0].failures == ["由属地主办，但工单属地未知"]

    Responsibility.objects.all().delete()
    rule("施工噪声", tree["building"], city["urban"], area_role=AreaRole.CO, co=[city["env"]])
    fired = evaluate(subject("打桩", tree["building"], city["street"])).fired
    assert (fired.lead, fired.co) == (city["urban"], [city["env"], city["street"]])


def test_explain_output_names_the_rule_and_the_reasons(tree, city) -> None:
    specific = rule("施工噪声", tree["building"], city["urban"], keywords="打桩")
    rule("噪声", tree["noise"], city["env"])
    explained = evaluate(subject("工地夜里打桩", tree["building"], city["street"])).as_dict()
    assert explained["fired"]["rule"] == {"id": specific.pk, "name": "施工噪声"}
    assert explained["fired"]["matched"] == {
        "category": "环境保护 / 噪声污染 / 施工噪声",
        "keywords": ["打桩"],
    }
    assert explained["considered"][1]["outranked_by"] == {"id": specific.pk, "name": "施工噪声"}
    assert explained["considered"][1]["applies"] is True
    assert explained["note"] == ""


def test_a_keyword_is_found_as_words_of_the_text_not_as_characters_of_other_words(tree, city) -> None:
    """A city's own list may name a keyword whose characters are inside unrelated words: "排" (a
    discharge: 偷排, 直排) is in 排队, and by characters an appeal about queueing at a hospital
    went to the ecology bureau whenever environment was among the classifier's guesses."""
    general = rule("环境（未细分）", tree["env"], city["urban"])
    discharge = rule("排污", tree["env"], city["env"], keywords="排、噪")

    queue = evaluate(subject("医院挂号排队时间太长", tree["env"], predicted=True))

    assert queue.fired.rule == general
    assert next(c for c in queue.checks if c.rule == discharge).failures == ["未出现关键词：排、噪"]
    # The same character as a word of its own is the keyword.
    fired = evaluate(subject("化工厂夜里往河里偷偷排", tree["env"], predicted=True)).fired
    assert (fired.rule, fired.matched["keywords"]) == (discharge, ["排"])


@pytest.mark.parametrize(
    ("text", "keyword", "found"),
    [
        ("医院挂号排队时间太长", "排", False),  # inside 排队
        ("公司安排周末加班", "排", False),  # inside 安排
        ("运河道路施工噪音大", "河道", False),  # across 运河|道路, at neither edge
        ("车辆抢占道路", "占道", False),  # across 抢占|道路
        ("施工地点在城西", "工地", False),  # across 施工|地点
        ("叫停电动车在楼道充电", "停电", False),  # across 叫停|电动车
        ("企业偷排废水", "偷排", True),
        ("小区物业公司不作为", "物业", True),  # a word of the dictionary inside a longer one
        ("电线杆倒了", "电线", True),
        ("电力井盖丢失", "电力井", True),  # the segmenter cut 电力|井盖: one edge is a word's
        ("楼下水道堵了", "下水道", True),  # 楼|下水道
        ("占道经营", "占道", True),
        ("楼下ＫＴＶ唱到凌晨", "ktv", True),
        ("小区内、下水道", "小区内、下水道", True),  # across punctuation: the characters alone
    ],
)
def test_keyword_words_table(tree, city, text: str, keyword: str, found: bool) -> None:
    keyed = rule("关键词", tree["env"], city["env"], keywords=keyword)

    check = next(c for c in evaluate(subject(text, tree["env"], predicted=True)).checks if c.rule == keyed)

    assert check.applies is found
