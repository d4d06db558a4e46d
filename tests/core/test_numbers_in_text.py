"""Numbers in a text meant for others (`core.phone.mask_numbers`): the office lines an answer gives
are kept, a citizen's number never is. Both directions, table-driven."""

import pytest

from hotline.core.phone import MASK, mask_numbers, numbers_in

OFFICE = "0591-86125747"  # a department's phone in the directory
CITIZEN = ["13812341234", "0591-88881234"]  # what the appellants gave


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        # Office lines kept: given as a line to call, in the directory, or a service number.
        ("咨询电话：0571-88880000（工作日9:00-17:00）", "咨询电话：0571-88880000（工作日9:00-17:00）"),
        ("请致电市市场监管局（0591-86125747）。", "请致电市市场监管局（0591-86125747）。"),
        ("服务热线 (0571) 8888 0000", "服务热线 (0571) 8888 0000"),
        ("办公电话：0571-87654321，传真0571-87654322", "办公电话：0571-87654321，传真0571-87654322"),
        ("详见 0591-86125747", "详见 0591-86125747"),  # the directory's, with no words before it
        ("可拨打12345热线，或12315投诉", "可拨打12345热线，或12315投诉"),
        ("2026年12月6日修补20平方米，投入1200000元", "2026年12月6日修补20平方米，投入1200000元"),
        # Masked: mobiles (even after 咨询电话), identity numbers, unlabelled fixed lines, citizens'.
        ("咨询电话 13912345678", f"咨询电话 {MASK}"),
        ("张先生（138 1234 1234）反映", f"张先生（{MASK}）反映"),
        ("+86 139 1234 5678", MASK),
        ("身份证号11010519900307123X", f"身份证号{MASK}"),
        ("已与0571-66667777核实", f"已与{MASK}核实"),
        ("请致电您留下的0591-88881234", f"请致电您留下的{MASK}"),  # the citizen's, though labelled
        ("经电话88881234联系您", f"经电话{MASK}联系您"),  # the citizen's without its area code
        ("联系电话：0571-88880000。电话13812341234", f"联系电话：0571-88880000。电话{MASK}"),
    ],
)
def test_staff_text(text: str, shown: str) -> None:
    assert mask_numbers(text, official=[OFFICE], citizen=CITIZEN) == shown


def test_a_citizens_own_words_keep_no_number() -> None:
    words = "我的电话 8888 1234，手机13812341234，座机0571-88880000，2026-12-06 欠款3000000元"
    assert (
        mask_numbers(words, citizen_text=True)
        == f"我的电话 {MASK}，手机{MASK}，座机{MASK}，2026-12-06 欠款3000000元"
    )


def test_the_numbers_a_citizen_wrote() -> None:
    found = numbers_in("我家座机：88881234，手机138 1234 5678，20261206那天借了3000000元，电话0571-8888-0000")
    assert found == {"88881234", "13812345678", "057188880000"}


def test_an_office_line_is_kept_only_until_a_citizen_gave_it() -> None:
    text = "咨询电话：0571-88880000"
    assert mask_numbers(text) == text
    assert mask_numbers(text, citizen=["057188880000"]) == f"咨询电话：{MASK}"
    assert mask_numbers(text, official=["0571-88880000"], citizen=["0571 8888 0000"]) == f"咨询电话：{MASK}"
