"""Citizens' phone numbers: masked for lists and exports, and in the one form that says whether two
appeals are one person's (`dialled`), in Python and in SQL."""

import re
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
