"""What a phone number looks like (`core.phone`): a phone field's whole value, a mobile to send an
SMS to, a mainland number the portal keeps, the first mobile in a letter, and each masked."""

import pytest

from hotline.core.phone import (
    MASK,
    first_mobile,
    is_phone_number,
    mainland_number,
    mask_numbers,
    mask_phone,
    mobile_number,
)

# Numbers a caller gives that the hotline can call back, and how each reads masked.
CALLED_BACK = {
    "13900005678": "139****5678",
    "139 0000 5678": "139****5678",
    "+86 139 0000 5678": "+86****5678",
    "0571-88880000": "057****0000",
    "0571-88880000转8021": "057****8021",
    "12345": "*****",
    # Without the area code: the city's own, implied.
    "88880000": "88****00",
    "8888 0000": "88*****00",
    "8880000": "88***00",
    "888-0000": "88****00",
    # Abroad, Hong Kong, Macao and Taiwan.
    "+1 415 555 1234": "+1 ****1234",
    "+1 (415) 555-1234": "+1 ****1234",
    "+852 2345 6789": "+85****6789",
    "+853 2888 1234": "+85****1234",
    "+886 2 2345 6789": "+88****6789",
    "+44 20 7946 0958": "+44****0958",
}


@pytest.mark.parametrize("phone", CALLED_BACK)
def test_a_number_to_call_back(phone: str) -> None:
    assert is_phone_number(phone)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "abc",
        "1234",
        "12ab34",
        "2024-02-30",
        "2024-2-3",
        "1391234567",  # a mobile short of a digit
        "12912345678",  # no such mobile prefix
        "+86 1391234567",
        "+1 234",  # too short to be anyone's
        "+1 415 555 1234 5678 90",  # longer than any number (15 digits)
        "+",
        "0571-",
        # Digits of other scripts: no one dials them as they are written.
        "13９00005678",
        "１３９００００５６７８",
        "١٣٩٠٠٠٠٥٦٧٨",
        "८८८८००००",
    ],
)
def test_not_a_number_to_call_back(value: str) -> None:
    assert not is_phone_number(value)


@pytest.mark.parametrize(("phone", "masked"), CALLED_BACK.items())
def test_each_number_masked_keeps_its_middle_hidden(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked
    digits = [c for c in phone if c.isdigit()]
    assert sum(c.isdigit() for c in masked) <= max(len(digits) - 3, 0)


@pytest.mark.parametrize(
    ("phone", "mobile"),
    [
        ("13812341234", "13812341234"),
        ("+86 138-1234-1234", "13812341234"),
        ("１３８１２３４１２３４", "13812341234"),  # full-width, from a Chinese input method
        ("138１２３４１２３４", "13812341234"),
        ("١٣٨١٢٣٤١٢٣٤", ""),
        ("13٨12341234", ""),
        ("0571-88880000", ""),
        ("+852 2345 6789", ""),
    ],
)
def test_a_mobile_to_send_an_sms_to(phone: str, mobile: str) -> None:
    assert mobile_number(phone) == mobile


@pytest.mark.parametrize(
    ("value", "number"),
    [
        ("139 1234 5678", "13912345678"),
        ("+8613912345678", "13912345678"),
        ("010-12345678", "01012345678"),
        ("0571 8765432", "05718765432"),
        ("１３９１２３４５６７８", "13912345678"),
        ("139１２３４５６７８", "13912345678"),
        ("０１０－１２３４５６７８", "01012345678"),
        ("+86 571 8765 4321", "057187654321"),  # a fixed line as dialled from abroad
        ("١٣٩١٢٣٤٥٦٧٨", None),
        ("13٩12345678", None),
        ("1391234567", None),
        ("12345678", None),
        ("010-0234567", None),
        ("+1 415 555 1234", None),
    ],
)
def test_a_mainland_number(value: str, number: str | None) -> None:
    assert mainland_number(value) == number


@pytest.mark.parametrize(
    ("text", "mobile"),
    [
        ("联系电话13912345678。", "13912345678"),
        ("我的电话：139 1234 5678", "13912345678"),
        ("手机＋８６ １３９１２３４５６７８", "13912345678"),
        ("身份证11010519900307123X，座机0571-88880000", ""),
        ("电话١٣٩١٢٣٤٥٦٧٨", ""),
        ("没有留电话", ""),
    ],
)
def test_the_first_mobile_in_a_letter(text: str, mobile: str) -> None:
    assert first_mobile(text) == mobile


@pytest.mark.parametrize(
    ("citizen", "text", "shown"),
    [
        # The console takes a local number without its area code...
        ("88880000", "已按电话0571-88880000联系", f"已按电话{MASK}联系"),
        ("8880000", "联系电话0571-8880000", f"联系电话{MASK}"),
        ("8880000", "回拨888 0000未接", f"回拨{MASK}未接"),
        # ... a number abroad, written with or without its country code ...
        ("+852 2345 6789", "联系电话 +852 2345 6789", f"联系电话 {MASK}"),
        ("+852 2345 6789", "联系电话 2345 6789", f"联系电话 {MASK}"),
        ("+1 415 555 1234", "回拨 (415) 555-1234 未接", f"回拨 {MASK} 未接"),
        ("+1 415 555 1234", "回拨 415-555-1234 未接", f"回拨 {MASK} 未接"),
        # ... and a line with its extension: the line is the citizen's, the extension or not.
        ("0571-88880000转8021", "联系电话0571-88880000转8021", f"联系电话{MASK}转8021"),
        ("0571-88880000-8021", "联系电话0571-88880000", f"联系电话{MASK}"),
    ],
)
def test_a_citizens_number_of_any_shape_is_masked_in_a_text(citizen: str, text: str, shown: str) -> None:
    assert mask_numbers(text, citizen=[citizen]) == shown
