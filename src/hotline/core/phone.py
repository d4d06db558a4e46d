"""Citizens' phone numbers: masked for lists and exports, and in the one form that says whether two
appeals are one person's (`dialled`), in Python and in SQL; and the numbers in a text meant to be
read by others, masked or kept (`mask_numbers`).

Which numbers in a text are masked (`mask_numbers`). A citizen's number must never reach a public
page, a feed or a case library; an office line is what an answer exists to give ("咨询电话：
0571-88880000"). So, each number found in the text (a mainland mobile, a fixed line with its area
code, an identity-card number), first rule that applies:

1. one of the citizen's own numbers (`citizen`: the numbers the appellants gave and those written
   in their appeals, compared as dialled) -> masked, whatever else it looks like; one in a form none
   of the patterns below knows (111 111 111, as a caller gave it) is found by its digits;
2. an identity-card number (18 characters) -> masked;
3. a known official line (`official`: the departments' phones in the directory) -> kept;
4. a mobile number -> masked (an office does not publish a person's mobile);
5. a fixed line with its area code, written after words that give it as a line to call in the
   same sentence (咨询电话, 联系电话, 办公电话, 服务热线, 请致电…, 拨打…) -> kept;
6. any other fixed line -> masked.

A fixed line written without its area code (8888 0000) is masked when it is a citizen's; other
runs of digits (amounts, dates, counts) and the short service numbers (12345, 12315, 110) are never
taken for anyone's number and stay as written. A citizen's own words (an appeal, the caller's
words kept with a knowledge-base proposal) hold no office line to keep: `citizen_text=True` masks
every number found in them (and a local number given as one to call). A masked number reads "***".

Where: the public answers (百问百答: an article's answer, a published suggestion's answer), the case
library's story drafted from a ticket, the reports' typical cases, a knowledge-base proposal's
question (the caller's words) and an Open311 request's description, through `feedback.disclosure`,
which knows the directory's lines and a ticket's citizens. There is no other rule for numbers in a
text: a place that shows a text to others asks this one.
"""

import re
from collections.abc import Iterable
from typing import Any

from django.db.models import Case, F, Value, When
from django.db.models.functions import Replace, Right
from django.db.models.lookups import Regex

# What a number is written down with besides its digits: spaces (ASCII, ideographic, no-break),
# tabs and line breaks, dashes and brackets. The SQL takes off the same characters.
_SQL_SEPARATORS = (" ", "\t", "\n", "\r", "\u3000", "\u00a0", "-", "(", ")")
_SEPARATORS = re.compile("|".join(re.escape(char) for char in _SQL_SEPARATORS))
# The country code before a mainland mobile number (+86 or 86, then 1 and ten digits).
_COUNTRY_CODE = re.compile(r"^\+?86(?=1[0-9]{10}$)")
_WITH_COUNTRY_CODE = r"^\+?861[0-9]{10}$"


def dialled(phone: str) -> str:
    """The number as it is dialled: without what it was written down with (spaces, dashes,
    brackets) and a mobile number without the country code; "" for none. Two appeals with the same
    dialled number are one person's: told once (`citizen_messages.outbox.mobile_number`), called
    back once (`feedback.selectors.people`), counted as one caller (`supervision.repetition`, the
    hot spots' people)."""
    return _COUNTRY_CODE.sub("", _SEPARATORS.sub("", phone or ""))


def dialled_in_db(field: str) -> Case:
    """`dialled` in SQL, of the phone number in `field` (a path to an appeal's `citizen_phone`)."""
    stripped: Any = F(field)
    for char in _SQL_SEPARATORS:
        stripped = Replace(stripped, Value(char), Value(""))
    return Case(When(Regex(stripped, _WITH_COUNTRY_CODE), then=Right(stripped, 11)), default=stripped)


def mask_phone(phone: str) -> str:
    """Keep the first 3 and last 4 digits of a mobile number: 13812341234 -> 138****1234."""
    digits = phone.strip()
    if len(digits) >= 11:
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) >= 7:
        return f"{digits[:2]}{'*' * (len(digits) - 4)}{digits[-2:]}"
    if not digits:
        return ""
    return "*" * len(digits)


# --- numbers in a text ------------------------------------------------------------------------------

MASK = "***"
# A number as written in a text: a mobile (with +86 or 86 before it, spaces or dashes inside), a
# fixed line with its area code (0571-88880000, 0571 8888 0000, (0571)88880000, （0571）88880000),
# an identity-card number; not the middle of a longer run of digits. A Latin letter next to it does
# not make it something else: citizens write tel13800138000, 微信wx13800138000.
_MOBILE = r"(?:\+?86[-\s]?)?1[3-9]\d(?:[-\s]?\d{4}){2}"
_FIXED = r"(?:[(（]0\d{2,3}[)）]|0\d{2,3})[-\s]?\d{3,4}[-\s]?\d{4}"
# 18 characters since 1999; the first generation's 15 digits are still met in older records.
_ID_CARD = r"\d{17}[\dXx]|\d{15}"
# Full-width digits and signs (１３８００１３８０００, written with a Chinese input method) read as the
# ASCII ones; the mapping is one character for one, so nothing else in the text moves.
_HALF_WIDTH = str.maketrans({chr(0xFF10 + i): str(i) for i in range(10)} | {"＋": "+", "－": "-"})
_NUMBER = re.compile(rf"(?<!\d)(?:(?P<id>{_ID_CARD})|(?P<mobile>{_MOBILE})|(?P<fixed>{_FIXED}))(?!\d)")
# A fixed line written without its area code (8888 0000, 88880000): someone's only when a citizen
# gave it; a date written as digits (20261206) is not one.
_LOCAL = re.compile(r"(?<![\d.\-])[2-9]\d{2,3}[-\s]?\d{4}(?![\d.])")
_DATE_LIKE = re.compile(r"(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:[0-2]\d|3[01])")
# Words that give a number as a line to call, before it in the same sentence (up to 20 characters
# between: "请致电市市场监管局（0591-86125747）").
_LINE_WORDS = re.compile(r"(?:电话|热线|致电|拨打|来电|咨询|联系|专线|值班|座机|传真)[^。！？!?；;\n]{0,20}$")

# Right before a local number (no area code) that is given as a number: 电话 8888 1234, 座机：88881234.
_CALL_AT = re.compile(r"(?:电话|热线|致电|拨打|座机|手机|号码|联系方式|联系)(?:是|为|号码)?[：:\s（(]{0,2}$")


# A phone field's whole value (`is_phone_number`): a mobile, a fixed line with its area code and
# perhaps an extension (0571-88880000-8021, 0571-88880000转8021), or a short service number (110,
# 12345, 95598), the number some calls come from (another hotline's transfer).
_EXTENSION = r"(?:[-\s]?(?:转|-|#|ext\.?\s?)\d{1,6})?"
_SERVICE = r"1\d{2}|1\d{4}|9[56]\d{3}"
_PHONE_NUMBER = re.compile(rf"{_MOBILE}|{_FIXED}{_EXTENSION}|{_SERVICE}")


def is_phone_number(value: str) -> bool:
    """Whether `value` (stripped) is a phone number as a person writes one in a form: not a date, a
    count or a local number without its area code, which no one could call back."""
    return _PHONE_NUMBER.fullmatch(value.strip()) is not None


def numbers_in(text: str) -> set[str]:
    """The numbers written in `text` that could be someone's, as dialled (a mobile, a fixed line with
    its area code, an identity-card number, a local number given as one to call): what a citizen
    wrote, to be masked wherever it is repeated (`mask_numbers(citizen=...)`). Dates and amounts
    are not taken."""
    text = text or ""
    found = {_plain(m.group(0)) for m in _NUMBER.finditer(text)}
    found |= {_plain(m.group(0)) for m in _LOCAL.finditer(text) if _given_as_line(text, m)}
    return {n for n in found if n}


def _given_as_line(text: str, match: re.Match[str]) -> bool:
    """A local number (no area code) written as one to call: right after words like 电话, and not
    a date."""
    before = text[max(0, match.start() - 12) : match.start()]
    return bool(_CALL_AT.search(before)) and not _DATE_LIKE.fullmatch(_plain(match.group(0)))


def _plain(number: str) -> str:
    return dialled(number.replace("（", "").replace("）", ""))


def _dialled_all(numbers: Iterable[str]) -> frozenset[str]:
    return frozenset(d for d in (_plain(n) for n in numbers) if d)


def _same(number: str, others: frozenset[str]) -> bool:
    """`number` is one of `others` as dialled, or the same fixed line with or without its area code."""
    if number in others:
        return True
    return any(
        len(short) >= 7 and long.startswith("0") and len(long) - len(short) <= 4 and long.endswith(short)
        for other in others
        for short, long in (sorted((number, other), key=len),)
    )


def _written(numbers: Iterable[str]) -> list[re.Pattern[str]]:
    """Each of `numbers` wherever its digits are written in a text (spaces or dashes between them
    allowed), not inside a longer run of digits: a citizen's number in a form the patterns do not
    know. One of fewer than 7 digits says too little to be a number of theirs (a year, an amount)."""
    found = (re.sub(r"\D", "", n) for n in numbers)
    return [re.compile(r"(?<!\d)" + r"[-\s]?".join(d) + r"(?!\d)") for d in found if len(d) >= 7]


def mask_numbers(
    text: str,
    *,
    official: Iterable[str] = (),
    citizen: Iterable[str] = (),
    citizen_text: bool = False,
) -> str:
    """`text` with the numbers that could be a person's masked and the office lines kept (the rules
    are in this module's docstring). `official`: the lines known to be offices' (the directory's);
    `citizen`: the numbers of the citizens the text is about; `citizen_text`: the text is a
    citizen's own words, every number in it is masked."""
    if not text:
        return text or ""
    text = text.translate(_HALF_WIDTH)
    offices, citizens = _dialled_all(official), _dialled_all(citizen)

    def one(match: re.Match[str]) -> str:
        number = _plain(match.group(0))
        if citizen_text or _same(number, citizens) or match.group("id"):
            return MASK
        if _same(number, offices):
            return match.group(0)
        if match.group("mobile"):
            return MASK
        if _LINE_WORDS.search(text[max(0, match.start() - 40) : match.start()]):
            return match.group(0)
        return MASK

    def local(match: re.Match[str]) -> str:
        if _same(_plain(match.group(0)), citizens) or (citizen_text and _given_as_line(masked, match)):
            return MASK
        return match.group(0)

    masked = _NUMBER.sub(one, text)
    if not citizens and not citizen_text:
        return masked
    # A fixed line without its area code: masked when it is a citizen's, or given as a number to call
    # in a citizen's own words; otherwise it may be anything (an amount, a count).
    masked = _LOCAL.sub(local, masked)
    for number in _written(citizens):
        masked = number.sub(MASK, masked)
    return masked
