"""The text that the roles seeing numbers masked search (`core.phone.masked_for_search`): every run of
seven digits or more masked, however it is written; the shorter ones (a flat, a year, an amount)
kept, so they are still found."""

import pytest

from hotline.core.phone import MASK, mask_numbers, masked_for_search


@pytest.mark.parametrize(
    ("text", "searched"),
    [
        ("请回电13912345678谢谢", f"请回电{MASK}谢谢"),
        ("电话 139 1234 5678，139-1234-5678", f"电话 {MASK}，{MASK}"),
        ("+86 139 1234 5678", f"+{MASK}"),
        ("手机１３９１２３４５６７８", f"手机{MASK}"),  # full-width, as a Chinese input method types
        ("座机（0571）8888 0000", f"座机（{MASK}"),
        ("(0571) 8888-0000转8021", f"({MASK}转8021"),
        ("邻居家88881234", f"邻居家{MASK}"),  # a local line without words that say so
        ("888 0000", MASK),
        ("身份证11010519900307123X", f"身份证{MASK}X"),
        ("旧证110105900307123", f"旧证{MASK}"),
        ("tel13912345678", f"tel{MASK}"),
        # Kept: fewer than seven digits in a run.
        ("3栋1501室", "3栋1501室"),
        ("2026年12月6日", "2026年12月6日"),
        ("拨打12345或110", "拨打12345或110"),
        ("车牌浙A12345", "车牌浙A12345"),
        ("139，1234，5678", "139，1234，5678"),  # as the page shows it too (`mask_numbers`)
        ("", ""),
    ],
)
def test_masked_for_search(text: str, searched: str) -> None:
    assert masked_for_search(text) == searched


@pytest.mark.parametrize(
    "text",
    [
        "张先生（138 1234 1234）反映",
        "身份证号11010519900307123X",
        "已与0571-66667777核实",
        "经电话88881234联系您",
        "咨询电话：0571-88880000",
        "+852 2345 6789",
    ],
)
def test_every_digit_the_page_masks_is_masked_for_the_search(text: str) -> None:
    """What a masked role searches holds no digit of a number that their page masks in a citizen's
    words (`mask_numbers(citizen_text=True)`, the callers' own numbers too)."""
    shown = mask_numbers(text, citizen=["13812341234", "+852 2345 6789"], citizen_text=True)
    assert MASK in shown
    assert not any(c.isdigit() for c in masked_for_search(text))
