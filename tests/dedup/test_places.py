"""The place names a text gives (dedup.places): what separates the same complaint about two estates."""

import pytest

from hotline.dedup.places import place_names, same_place


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("我们是英祥春天小区居民，小区朝北大门两侧", {"英祥春天"}),
        ("我是A2区丽发新城小区的一名业主", {"丽发"}),
        ("A3区梅溪湖看云路一师润芳园小区临街门面油烟扰民", {"梅溪湖看云", "一师润芳"}),
        ("A7县泉塘街道康桥长郡二栋楼下烧烤店", {"泉塘", "康桥长"}),
        ("小区门口的路灯坏了，晚上很黑", set()),  # no place named: 小区 and 路 alone are no names
        ("no Chinese at all", set()),
    ],
)
def test_the_names_of_places(text: str, names: set[str]) -> None:
    assert place_names(text) == names


def test_two_texts_share_a_place_or_not_or_say_nothing() -> None:
    lifan = place_names("丽发新城附近建搅拌站")
    assert same_place(lifan, place_names("我是A2区丽发新城小区的业主")) is True
    assert (
        same_place(
            place_names("英祥春天小区一楼被搞成商业门面"), place_names("魅力之城小区一楼被搞成商业门面")
        )
        is False
    )
    assert same_place(lifan, place_names("小区门口的路灯坏了")) is None
