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


# The edges where the copies this rule replaced (a knowledge proposal's question, an Open311
# description) differed from it. Each: the text, as staff wrote it (`official`, `citizen` as above),
# as a citizen's own words (`citizen_text`, the same citizens).
@pytest.mark.parametrize(
    ("text", "by_staff", "by_citizen"),
    [
        # Next to a Latin letter: still a number.
        ("tel13800138000", f"tel{MASK}", f"tel{MASK}"),
        ("微信wx13800138000", f"微信wx{MASK}", f"微信wx{MASK}"),
        ("13800138000abc", f"{MASK}abc", f"{MASK}abc"),
        ("0571-66667777ext", f"{MASK}ext", f"{MASK}ext"),
        ("ID11010519900307123X", f"ID{MASK}", f"ID{MASK}"),
        ("住wx88881234", f"住wx{MASK}", f"住wx{MASK}"),  # the citizen's local number
        # A local number (no area code): the citizen's, or given as a number to call in their words.
        ("经电话88881234联系您", f"经电话{MASK}联系您", f"经电话{MASK}联系您"),
        ("电话 8888 0000", "电话 8888 0000", f"电话 {MASK}"),
        ("座机：66667777", "座机：66667777", f"座机：{MASK}"),
        ("共88880000元", "共88880000元", "共88880000元"),  # an amount
        # A citizen's number in a form no pattern knows (as they gave it), found by its digits.
        ("留的号码111111111", f"留的号码{MASK}", f"留的号码{MASK}"),
        ("请回拨 111-111-111。", f"请回拨 {MASK}。", f"请回拨 {MASK}。"),
        ("编号1111111112", "编号1111111112", "编号1111111112"),  # a longer run is not it
        # +86 with spaces or dashes, or none.
        ("+86 138 0013 8000", MASK, MASK),
        ("+86-138-0013-8000", MASK, MASK),
        ("+8613800138000", MASK, MASK),
        ("86 13800138000", MASK, MASK),
        # Split by spaces or dashes.
        ("138 0013 8000", MASK, MASK),
        ("138-0013-8000转2", f"{MASK}转2", f"{MASK}转2"),
        ("0571 8888 0000", MASK, MASK),
        ("（0571）88880000", MASK, MASK),
        # Identity-card numbers: 18 characters, the last a digit or X.
        ("身份证110105199003071234", f"身份证{MASK}", f"身份证{MASK}"),
        ("身份证号11010519900307123x。", f"身份证号{MASK}。", f"身份证号{MASK}。"),
        ("旧身份证号110105900307123", f"旧身份证号{MASK}", f"旧身份证号{MASK}"),  # first generation, 15
        # Full-width digits (a Chinese input method): the same numbers, read as ASCII.
        ("手机１３８００１３８０００", f"手机{MASK}", f"手机{MASK}"),
        ("咨询电话：０５７１－８８８８００００", "咨询电话：0571-88880000", f"咨询电话：{MASK}"),
        # An office line: kept in what staff wrote, not in a citizen's words.
        ("咨询电话：0571-88880000", "咨询电话：0571-88880000", f"咨询电话：{MASK}"),
        # Not anyone's number: service numbers, dates, amounts, a ticket's number, a longer run.
        ("拨打12345或110", "拨打12345或110", "拨打12345或110"),
        ("2026-12-06 20261206", "2026-12-06 20261206", "2026-12-06 20261206"),
        ("工单20261206-000123", "工单20261206-000123", "工单20261206-000123"),
        ("1380013800012", "1380013800012", "1380013800012"),
    ],
)
def test_the_edges(text: str, by_staff: str, by_citizen: str) -> None:
    citizens = [*CITIZEN, "88881234", "111 111 111"]
    assert mask_numbers(text, official=[OFFICE], citizen=citizens) == by_staff
    assert mask_numbers(text, citizen=citizens, citizen_text=True) == by_citizen
