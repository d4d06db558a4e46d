"""The demo city's responsibility list names the right unit for the words people use: a door lock
in a compound is no matter for water, drainage in a compound is, and a missing person goes to the
police (the audit's 枫丹名居门禁损坏 and 家中老人走失求助)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from hotline.core import clock
from hotline.demo import generator
from hotline.routing import rules
from hotline.routing.text import normalize
from hotline.taxonomy.models import Category

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 20, 15, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def city(settings, tmp_path):
    settings.HOTLINE_HOME = tmp_path
    with clock.frozen_at(NOW):
        generator.generate(tickets=0, days=1, seed=7)
        return generator.ensure_city()


def _fired(city, text: str, root: str) -> rules.Check | None:
    """The rule that fires for `text` when the classifier predicted only the first level `root`,
    in 湖滨街道 (as the queue sees a new ticket)."""
    street = next(p for p in city.places if p.street == "湖滨街道")
    subject = rules.Subject(
        normalize(text),
        Category.objects.get(name=root, parent__isnull=True),
        city.departments[street.street_code],
        predicted=True,
    )
    return rules.evaluate(subject).fired


def _units(fired: rules.Check | None) -> tuple[str, list[str]]:
    assert fired is not None and fired.lead is not None
    return fired.lead.name, [d.name for d in fired.co]


def test_a_broken_door_lock_in_a_compound_is_not_sent_to_water(city):
    fired = _fired(
        city, "枫丹名居门禁损坏物业不修\n枫丹名居3栋单元门禁坏了好几天，物业一直推说没有配件。", "城乡建设"
    )

    assert fired is None or fired.rule.name != "小区内部排水"
    if fired is not None:
        lead, co = _units(fired)
        assert "市水务局" not in [lead, *co]


def test_drainage_in_a_compound_still_goes_to_the_street_with_water(city):
    fired = _fired(
        city,
        "枫丹名居下水道堵塞污水外溢\n枫丹名居3栋楼下的下水道堵了，污水冒到路面上，臭味很大。",
        "城乡建设",
    )

    assert fired is not None and fired.rule.name == "小区内部排水"
    assert _units(fired) == ("湖滨街道", ["市水务局"])


def test_drainage_on_a_road_goes_to_water(city):
    fired = _fired(city, "滨江路雨水井堵塞路面积水\n滨江路一下雨就积水，雨水井里全是垃圾。", "城乡建设")

    assert fired is not None and _units(fired)[0] == "市水务局"


def test_a_missing_elderly_person_goes_to_the_police_with_the_street(city):
    fired = _fired(city, "家中老人走失求助\n我父亲今年八十多岁，出门后老人走失了，请帮忙寻找。", "综合事务")

    assert fired is not None and fired.rule.name.startswith("走失寻人")
    assert _units(fired) == ("市公安局", ["湖滨街道"])


def test_a_keyword_is_not_found_across_other_words(city):
    """The keyword 河道 (a river: to water) is in 运河道路 only as the tail of 运河 and the head of
    道路; by characters, a building site's night work by a canal road went to water."""
    fired = _fired(city, "运河道路工地夜间施工\n运河道路旁的工地每天夜里施工，噪音很大。", "环境保护")

    assert fired is not None and fired.rule.name != "河道（关键词）"
    assert _units(fired)[0] == "市生态环境局"


def test_a_shop_owner_out_of_reach_is_no_missing_person(city):
    """健身会所关门不退卡费 (a prepaid card, 市场监管) had the police third among its suggestions by
    "老板联系不上" under 综合事务: an owner out of reach is a consumer matter."""
    fired = _fired(
        city,
        "型格健身会所关门不退卡费\n在人民路的型格健身会所办了年卡，才用了3个月店就关门了，老板联系不上，很多会员都没退费。",
        "综合事务",
    )

    assert fired is None or "市公安局" not in _units(fired)[0]
    # A person out of reach still is.
    elderly = _fired(
        city, "丽景小区独居老人联系不上\n丽景小区3栋的独居老人联系不上，邻居说两天没见他出门。", "综合事务"
    )
    assert elderly is not None and _units(elderly)[0] == "市公安局"
