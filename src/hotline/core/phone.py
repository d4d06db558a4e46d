"""Citizens' phone numbers: masked for lists and exports, and in the one form that says whether two
appeals are one person's (`dialled`), in Python and in SQL; and the numbers in a text meant to be
read by others, masked or kept (`mask_numbers`).

What a phone number looks like, here and nowhere else: the whole value of a phone field
(`is_phone_number`: the operator console's caller, any number the hotline can call back), a
mainland mobile or fixed line (`mainland_number`: the citizen portal's), a mobile an SMS can go to
(`mobile_number`: the citizens' messages), the first mobile in a text (`first_mobile`: a letter's
sender). A number is validated in ASCII digits only: full-width ones (a Chinese input method's)
are read as ASCII first (`half_width`), digits of any other script are not a number anyone dials.

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
which knows the directory's lines and a ticket's citizens; and the clauses of an answer proposed for
the knowledge base that name a number (`knowledge.personal`, through `number_spans`). There is no
other rule for numbers in a text: a place that shows a text to others asks this one.

What a role that sees numbers masked may search a text for (`masked_for_search`): the text with
every run of seven digits or more masked, whatever the run is, written with spaces, dashes,
brackets or a plus between its digits or not, in ASCII or full-width digits. Seven: every number
taken above as someone's has that many at least (a local line, 888 0000; a citizen's own number in
any form), and a search that matched fewer of its digits, a few at a time, would spell out the
number the page masks. Not the rules above, which tell an office line from a person's by the words
around it and know the citizens of one ticket: a search reads the text alone, and must not find
what any reader's page masks. Shorter runs (a flat, 1501室; a year; 12345) are still found; a long
amount or a date written 2026-12-06 is not, to them (`tickets.models.Ticket.masked_text`).
"""

import re
from collections.abc import Iterable, Iterator
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
# The fewest digits of a number someone is reached at (a local line, 888 0000): fewer say too little
# to be a number of theirs (a year, an amount, 12345).
FEWEST_DIGITS = 7
# Full-width digits and signs (１３８００１３８０００, written with a Chinese input method) read as the
# ASCII ones; the mapping is one character for one, so nothing else in a text moves.
_FULL_WIDTH = {chr(0xFF10 + i): str(i) for i in range(10)} | {"＋": "+", "－": "-"}
_HALF_WIDTH = str.maketrans(_FULL_WIDTH)
# In a phone field, its brackets and spaces too: a text keeps its own punctuation.
_HALF_WIDTH_FIELD = str.maketrans(_FULL_WIDTH | {"（": "(", "）": ")", "\u3000": " "})


def half_width(value: str) -> str:
    """A phone field's `value` with full-width digits, signs, brackets and spaces as the ASCII ones:
    the number as a Chinese input method types it, as it is dialled."""
    return value.translate(_HALF_WIDTH_FIELD)


def digits_of(value: str) -> str:
    """The ASCII digits of a phone field's `value`, full-width ones read as ASCII (`half_width`);
    other scripts' digits, which `str.isdigit` also takes, are no digits of a phone number."""
    return "".join(c for c in half_width(value) if "0" <= c <= "9")


def dialled(phone: str) -> str:
    """The number as it is dialled: in ASCII digits (`half_width`), without what it was written down
    with (spaces, dashes, brackets) and a mobile number without the country code; "" for none. Two
    appeals with the same dialled number are one person's: told once
    (`mobile_number`), called back once (`feedback.selectors.people`),
    counted as one caller (`supervision.repetition`, the hot spots' people)."""
    return _COUNTRY_CODE.sub("", _SEPARATORS.sub("", half_width(phone or "")))


def dialled_in_db(field: str) -> Case:
    """`dialled` in SQL, of the phone number in `field` (a path to an appeal's `citizen_phone`).
    Full-width digits are not read here: an appeal's number is stored in ASCII (intake's `checked`
    makes it so, migration intake.0011 made the older rows so), which keeps this expression short on
    every row it reads and lets the search by a number's last digits (`Appeal.phone_tail`) find it."""
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
_NUMBER = re.compile(rf"(?<!\d)(?:(?P<id>{_ID_CARD})|(?P<mobile>{_MOBILE})|(?P<fixed>{_FIXED}))(?!\d)")
# A fixed line written without its area code (8888 0000, 88880000): someone's only when a citizen
# gave it; a date written as digits (20261206) is not one.
_LOCAL = re.compile(r"(?<![\d.\-])[2-9]\d{2,3}[-\s]?\d{4}(?![\d.])")
_DATE_LIKE = re.compile(r"(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:[0-2]\d|3[01])")
# Words that give a number as a line to call, before it in the same sentence (up to 20 characters
# between: "请致电市市场监管局（0591-86125747）").
_LINE_WORDS = re.compile(r"(?:电话|热线|致电|拨打|来电|咨询|联系|专线|值班|座机|传真)[^。！？!?；;\n]{0,20}$")

# Right before a local number (no area code) that is given as a number: 电话 8888 1234, 座机：88881234,
# 请回电88881234 (a caller's words: the number to call them back at).
_CALL_AT = re.compile(
    r"(?:电话|热线|致电|拨打|回电|回拨|座机|手机|号码|联系方式|联系)(?:是|为|号码)?[：:\s（(]{0,2}$"
)


# --- a number on its own ----------------------------------------------------------------------------

# A phone field's whole value (`is_phone_number`), in ASCII (re.ASCII: no other script's digits or
# spaces): a mobile; a fixed line with its area code, or without it (8888 0000, 888 0000: the
# hotline calls back within its own city, whose area code is implied), either perhaps with an
# extension (0571-88880000-8021, 0571-88880000转8021); a number abroad, Hong Kong, Macao and
# Taiwan's included (foreigners call the hotline too), + and the country code first; or a short
# service number (110, 12345, 95598), the number some calls come from (another hotline's transfer).
_EXTENSION = r"[-\s]?(?:转|-|#|ext\.?\s?)\d{1,6}"
_LOCAL_LINE = r"[2-9]\d{2,3}[-\s]?\d{4}"
# +86 is the mainland's: a mobile after it is one above, anything else a mistake.
_ABROAD = r"\+(?!86)[1-9]\d{0,2}(?:[-\s]?(?:\(\d{1,4}\)|\d{1,5})){1,5}"
# E.164: no number has more than 15 digits, country code included; fewer than 7 is no one's.
_ABROAD_DIGITS = range(FEWEST_DIGITS, 16)
_SERVICE = r"1\d{2}|1\d{4}|9[56]\d{3}"
_PHONE_NUMBER = re.compile(rf"{_MOBILE}|(?:{_FIXED}|{_LOCAL_LINE})(?:{_EXTENSION})?|{_SERVICE}", re.ASCII)
_PHONE_ABROAD = re.compile(_ABROAD, re.ASCII)
_WITH_EXTENSION = re.compile(rf"(?P<line>{_FIXED}|{_LOCAL_LINE}){_EXTENSION}")
# As dialled (`dialled`): a mainland mobile; a fixed line with its area code (not a local number
# starting with 0, which none does).
_MOBILE_DIALLED = re.compile(r"1[3-9]\d{9}", re.ASCII)
_MAINLAND_DIALLED = re.compile(r"1[3-9]\d{9}|0\d{2,3}[1-9]\d{6,7}", re.ASCII)
# +86 and an area code without its 0 (+86 571 8765 4321), as dialled: the fixed line from abroad.
_FIXED_FROM_ABROAD = re.compile(r"^\+86(?=[1-9]\d{8,10}$)")


def is_phone_number(value: str) -> bool:
    """Whether `value` (stripped) is a phone number the hotline can call back, as a person writes one
    in a form: not a date, a count, a mobile short of a digit, or digits of another script (full-width
    ones: `half_width` first)."""
    value = value.strip()
    if _PHONE_NUMBER.fullmatch(value):
        return True
    return bool(_PHONE_ABROAD.fullmatch(value)) and sum(c.isdigit() for c in value) in _ABROAD_DIGITS


def mobile_number(phone: str) -> str:
    """The mainland mobile number in `phone` (11 ASCII digits, full-width ones read as ASCII), or ""
    when it is none (a fixed line, a number abroad, nothing): where an SMS can go. Read as the
    callbacks read it (`dialled`): whom they call once, the citizens' messages tell once."""
    digits = dialled(phone)
    return digits if _MOBILE_DIALLED.fullmatch(digits) else ""


def mainland_number(value: str) -> str | None:
    """The digits of a mainland mobile or of a fixed line with its area code in `value` (spaces,
    dashes, brackets and +86 taken off, full-width digits read as ASCII), or None when it is
    neither."""
    digits = _FIXED_FROM_ABROAD.sub("0", dialled(value))
    digits = digits.removeprefix("+86")
    return digits if _MAINLAND_DIALLED.fullmatch(digits) else None


def first_mobile(text: str) -> str:
    """The first mainland mobile written in `text` (as `mobile_number` reads it), or "": the number
    a letter gives to reach its writer. Not one inside an identity-card number."""
    for match in _NUMBER.finditer(half_width(text or "")):
        if match.group("mobile") and (mobile := mobile_number(match.group("mobile"))):
            return mobile
    return ""


# --- numbers in a text (continued) -----------------------------------------------------------------


def numbers_in(text: str) -> set[str]:
    """The numbers written in `text` that could be someone's, as dialled (a mobile, a fixed line with
    its area code, an identity-card number, a local number given as one to call): what a citizen
    wrote, to be masked wherever it is repeated (`mask_numbers(citizen=...)`). Dates and amounts
    are not taken."""
    return {n for n in (_plain(m.group(0)) for m in _found(text)) if n}


def number_spans(text: str) -> list[tuple[int, int]]:
    """Where in `text` the numbers that `numbers_in` takes are written, (start, end) of each: the
    clauses of an answer that name someone's number (`knowledge.personal`)."""
    return [m.span() for m in _found(text)]


def _found(text: str) -> Iterator[re.Match[str]]:
    """The numbers in `text` that could be someone's, full-width digits read as ASCII (one character
    for one: the matches' places are the text's)."""
    text = (text or "").translate(_HALF_WIDTH)
    yield from _NUMBER.finditer(text)
    yield from (m for m in _LOCAL.finditer(text) if _given_as_line(text, m))


def _given_as_line(text: str, match: re.Match[str]) -> bool:
    """A local number (no area code) written as one to call: right after words like 电话, and not
    a date."""
    before = text[max(0, match.start() - 12) : match.start()]
    return bool(_CALL_AT.search(before)) and not _DATE_LIKE.fullmatch(_plain(match.group(0)))


def _plain(number: str) -> str:
    return dialled(number.replace("（", "").replace("）", ""))


def _dialled_all(numbers: Iterable[str]) -> frozenset[str]:
    return frozenset(d for d in (_plain(n) for n in numbers) if d)


def _citizens(numbers: Iterable[str]) -> frozenset[str]:
    """The citizens' numbers as dialled; a line given with its extension (0571-88880000转8021) is
    theirs without it too, as a text may name it."""
    written = [half_width(n).strip() for n in numbers]
    lines = [m.group("line") for n in written if (m := _WITH_EXTENSION.fullmatch(n))]
    return _dialled_all([*written, *lines])


def _same(number: str, others: frozenset[str]) -> bool:
    """`number` is one of `others` as dialled, or the same fixed line with or without its area code,
    or the same number abroad with or without its country code (+852 2345 6789, 2345 6789)."""
    if number in others:
        return True
    return any(
        len(short) >= FEWEST_DIGITS
        and long[:1] in ("0", "+")
        and len(long) - len(short) <= 4
        and long.endswith(short)
        for other in others
        for short, long in (sorted((number, other), key=len),)
    )


def _written(numbers: Iterable[str]) -> list[re.Pattern[str]]:
    """Each of `numbers` wherever its digits are written in a text (spaces, dashes or brackets between
    them allowed), not inside a longer run of digits: a citizen's number in a form the patterns do
    not know; one abroad also without its country code (+1 415 555 1234 as (415) 555-1234). One of
    fewer than 7 digits says too little to be a number of theirs (a year, an amount)."""
    found: set[str] = set()
    for number in numbers:
        digits = re.sub(r"\D", "", number)
        found.add(digits)
        if number.startswith("+"):
            found |= {digits[cut:] for cut in range(1, 4)}
    return [
        re.compile(r"(?<!\d)[+(]?" + r"[-\s()]{0,2}".join(d) + r"(?!\d)")
        for d in sorted(found, key=len, reverse=True)
        if len(d) >= FEWEST_DIGITS
    ]


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
    offices, citizens = _dialled_all(official), _citizens(citizen)

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


# --- the text a masked role searches --------------------------------------------------------------

# A run of digits as a number is written: digits (any script's, full-width ones included) with at
# most two of what a number is written down with between each two (spaces, dashes, brackets, a plus;
# `_written` allows as many).
_DIGIT_RUN = re.compile(r"\d(?:[\s\-+()（）－＋]{0,2}\d)*")


def masked_for_search(text: str) -> str:
    """`text` as the roles that see numbers masked may search it: every run of `FEWEST_DIGITS`
    digits or more (spaces, dashes, brackets between them) is `MASK`; the rest as written."""

    def one(match: re.Match[str]) -> str:
        run = match.group(0)
        return MASK if sum(c.isdecimal() for c in run) >= FEWEST_DIGITS else run

    return _DIGIT_RUN.sub(one, text or "")
