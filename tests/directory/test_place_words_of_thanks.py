"""The hot spots' place reader (`directory.place_names.PlaceReader`) takes no word of thanks and no
road a verb acts on as a place: an audit found a hot spot "西山区感谢枫林社区" (a thank-you note read
as a place, which drew a lost-person call into it) and "流动摊贩堵路" as a road shared by two estates."""

import pytest

from hotline.directory.place_names import PlaceReader


@pytest.mark.parametrize(
    ("title", "names"),
    [
        ("感谢枫林社区网格员", ["枫林社区"]),
        ("表扬丽发新城物业服务好", ["丽发新城"]),
        ("西山区感谢枫林社区", ["枫林社区"]),
        ("水岸新村门口流动摊贩堵路", ["水岸新村"]),
        ("货车堵路严重", []),
    ],
)
def test_thanks_and_a_road_a_verb_acts_on_are_no_place(title, names) -> None:
    assert [m.name for m in PlaceReader(["西山区"]).mentions(title)] == names
