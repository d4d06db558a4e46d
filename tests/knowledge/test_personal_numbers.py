"""The numbers `knowledge.personal` flags in an answer proposed for the knowledge base: every shape
`core.phone` takes for someone's number in a text (and masks on a public page), so an editor sees
each one before the answer can be published; dates, amounts and the short service numbers are not
numbers of anyone's."""

import pytest

from hotline.knowledge.personal import flags, without


def flagged(text: str) -> dict[str, tuple[str, ...]]:
    return {f.clause: f.reasons for f in flags(text)}


@pytest.mark.parametrize(
    "clause",
    [
        # What was flagged before the patterns were core.phone's.
        "电话13812345678。",
        "咨询电话0571-88886666。",
        "咨询电话057188886666。",
        "身份证号110105199003071234。",
        "身份证号11010519900307123X。",
        "电话***。",
        # A mobile written with spaces or dashes, or with the country code.
        "电话138 1234 5678。",
        "电话138-1234-5678。",
        "电话+86 138 1234 5678。",
        "电话+8613812345678。",
        "电话86-138-1234-5678。",
        "微信wx13812345678。",
        # A fixed line with its area code in brackets or with spaces, or with an extension.
        "电话(0571)88886666。",
        "电话（0571）8888 6666。",
        "电话0571 8888 6666。",
        "座机0571-88886666转8021。",
        "座机0571-88886666-8021。",
        # Full-width digits, as a Chinese input method types them.
        "电话１３８１２３４５６７８。",
        "电话１３８ １２３４ ５６７８。",
        "座机０５７１－８８８８６６６６。",
        "电话＋８６ １３８１２３４５６７８。",
        # A first-generation identity card (15 digits).
        "身份证号110105900307123。",
    ],
)
def test_a_number_in_any_shape_is_flagged(clause: str) -> None:
    assert flagged(f"您好！{clause}")[clause] == ("number",)
    assert clause not in without(f"您好！{clause}")


def test_a_local_number_given_as_one_to_call_is_flagged() -> None:
    """A fixed line without its area code, after words that give it as a number (电话：, 座机), is
    one as core.phone reads it, though the colon ends the clause before it."""
    found = flagged("如有疑问可致电：8888 1234。或打座机88881234。")
    assert found["8888 1234。"] == ("number",)
    assert found["或打座机88881234。"] == ("number",)


@pytest.mark.parametrize(
    "text",
    [
        "补贴标准为每户5000元。",
        "2026年12月6日起办理。",
        "自20261206起执行。",
        "请拨打12345热线或110报警。",
        "可拨打95598咨询。",
        "办理时间为工作日9:00-17:00。",
        "共有1380户居民。",
    ],
)
def test_dates_amounts_and_service_numbers_are_not_flagged(text: str) -> None:
    assert flags(text) == []
