"""Address text or a point -> the city's area: the gazetteer, cpca's districts, boundaries."""

import pytest

from hotline.core.enums import DepartmentLevel
from hotline.directory.models import Department, Place
from hotline.routing.place import locate, read_divisions
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

D = DepartmentLevel


def square(x0: float, y0: float, x1: float, y1: float) -> list[list[list[float]]]:
    return [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]


@pytest.fixture
def city() -> dict[str, Department]:
    """Part of Haikou: two districts with division codes, streets (two towns share a name), a community."""
    haikou = DepartmentFactory(code="HK", name="海口市", level=D.CITY, is_area=True)
    longhua = DepartmentFactory(code="HK01", name="龙华区", level=D.DISTRICT, parent=haikou, is_area=True)
    meilan = DepartmentFactory(code="HK02", name="美兰区", level=D.DISTRICT, parent=haikou, is_area=True)
    jinmao = DepartmentFactory(code="HK0101", name="金贸街道", level=D.STREET, parent=longhua, is_area=True)
    binhai = DepartmentFactory(code="HK0102", name="滨海街道", level=D.STREET, parent=longhua, is_area=True)
    town_l = DepartmentFactory(code="HK0103", name="新坡镇", level=D.STREET, parent=longhua, is_area=True)
    town_m = DepartmentFactory(code="HK0201", name="新坡镇", level=D.STREET, parent=meilan, is_area=True)
    community = DepartmentFactory(
        code="HK010101", name="国贸社区", level=D.COMMUNITY, parent=jinmao, is_area=True
    )
    DepartmentFactory(code="B01", name="住建局", level=D.CITY)  # a bureau is never an area
    Place.objects.create(department=longhua, adcode="460106")
    Place.objects.create(department=meilan, adcode="460108", aliases="美兰")
    Place.objects.create(
        department=jinmao, aliases="金贸、玉沙路\n世贸中心", boundary=square(110.30, 20.00, 110.32, 20.02)
    )
    Place.objects.create(department=binhai, boundary=square(110.32, 20.00, 110.34, 20.02))
    Place.objects.create(department=community, boundary=square(110.305, 20.005, 110.31, 20.01))
    return {
        "haikou": haikou,
        "longhua": longhua,
        "meilan": meilan,
        "jinmao": jinmao,
        "binhai": binhai,
        "town_l": town_l,
        "town_m": town_m,
        "community": community,
    }


def test_the_deepest_area_named_wins(city) -> None:
    match = locate("龙华区金贸街道国贸社区3号楼")
    assert (match.area, match.how) == (city["community"], "gazetteer")
    assert match.names == ["龙华区", "金贸街道", "国贸社区"]


def test_aliases_find_the_street(city) -> None:
    assert locate("玉沙路28号").area == city["jinmao"]
    assert locate("世贸中心A座").area == city["jinmao"]
    assert locate("美兰那边").area == city["meilan"]


def test_the_text_is_read_when_the_address_says_nothing(city) -> None:
    match = locate("", ["路灯不亮", "金贸街道玉沙路路灯坏了"])
    assert match.area == city["jinmao"]
    assert locate("某某小区", ["路灯不亮"]).area is None


def test_a_name_two_areas_share_is_settled_by_the_district_named_beside_it(city) -> None:
    assert locate("美兰区新坡镇").area == city["town_m"]
    assert locate("海南省海口市龙华区新坡镇").area == city["town_l"]
    alone = locate("新坡镇政府旁边")
    assert alone.area is None
    assert alone.note == "“新坡镇”对应多个属地，无法确定"


def test_cpca_reads_the_district_and_its_code_picks_ours(city) -> None:
    # Not in the gazetteer's names as written: cpca knows the short form with the city.
    match = locate("海口龙华区某某路1号")
    assert match.area == city["longhua"]
    assert match.divisions.province == "海南省"
    assert match.divisions.city == "海口市"
    assert match.divisions.adcode == "460106"


def test_a_district_of_another_city_is_not_ours(city) -> None:
    match = locate("北京市朝阳区幸福路12号")
    assert match.area is None
    assert match.divisions.district == "朝阳区"
    assert "不是本市登记的区县" in match.note


def test_read_divisions_prefers_the_given_code_for_a_shared_district_name(db) -> None:
    assert read_divisions("朝阳区幸福路").adcode == "220104"  # cpca's first: Changchun
    assert read_divisions("朝阳区幸福路", {"朝阳区": "110105"}).city == "北京市"
    assert read_divisions("   ") == read_divisions("")


def test_a_point_is_placed_by_the_deepest_boundary_containing_it(city) -> None:
    assert locate(latitude=20.007, longitude=110.307).area == city["community"]
    assert locate(latitude=20.015, longitude=110.315).area == city["jinmao"]
    assert locate(latitude=20.015, longitude=110.335).area == city["binhai"]


def test_a_point_on_a_shared_edge_goes_to_the_lower_code(city) -> None:
    match = locate(latitude=20.01, longitude=110.32)
    assert (match.area, match.how) == (city["jinmao"], "boundary")


def test_a_point_outside_every_boundary_falls_back_to_the_address(city) -> None:
    match = locate("美兰区", latitude=21.0, longitude=111.0)
    assert match.area == city["meilan"]
    assert "坐标不在任何已登记的边界内" in match.note
    assert locate(latitude=21.0, longitude=111.0).area is None


def test_inactive_areas_and_bureaus_are_not_places(city) -> None:
    Department.objects.filter(pk=city["meilan"].pk).update(is_active=False)
    assert locate("美兰区").area is None
    assert locate("住建局门口").area is None
