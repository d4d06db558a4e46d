"""`core.phone.dialled` reads full-width digits and signs as the ASCII ones: a number written with a
Chinese input method is dialled the same (the callbacks, the messages and the hot spots compare
numbers so)."""

import pytest

from hotline.core.phone import dialled, numbers_in


@pytest.mark.parametrize(
    ("phone", "number"),
    [
        ("１３９００００１１１１", "13900001111"),
        ("１３９－００００－１１１１", "13900001111"),
        ("１３９　００００　１１１１", "13900001111"),
        ("＋８６ １３９ ００００ １１１１", "13900001111"),
        ("８６１３９００００１１１１", "13900001111"),
        ("（０５７１）８８８８－１２３４", "057188881234"),
        ("１２３４５", "12345"),
    ],
)
def test_a_number_in_full_width_digits_is_dialled_as_in_ascii(phone: str, number: str) -> None:
    assert dialled(phone) == number


def test_a_number_in_full_width_digits_in_a_text_is_found() -> None:
    assert numbers_in("我的电话１３９ ００００ １１１１，座机：８８８８１２３４") == {
        "13900001111",
        "88881234",
    }
