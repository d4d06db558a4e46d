"""Numbers read from the query strings, forms and paths of the staff and public pages: ids, offsets,
the parts of a keyset cursor and tickets' numbers.

`str.isdigit()` and `int()` are not enough: "²" and "①" are digits to the first and not numbers to
the second, `int()` also takes " 12", "+12", "1_000" and "١٢" (Arabic-Indic), and a number past
bigint reaches the database and fails there (SQLite's OverflowError, PostgreSQL's out-of-range). A
value read here is ASCII digits only and within its range, or it is not a value at all: the caller
ignores it (a filter) or refuses it with a message (a form field).
"""

from datetime import UTC, date, datetime, timedelta

from django.utils.translation import gettext as _

from hotline.core import clock, timerange
from hotline.core.api import MAX_ID
from hotline.tickets.models import Ticket

# The longest ticket number the database holds.
NUMBER_LENGTH = Ticket._meta.get_field("number").max_length or 20

# The deepest row an offset page may start at. Past it the page is empty anyway on any list a
# person pages through, and the database is not asked to skip more rows than it could count.
MAX_OFFSET = 1_000_000

# Keyset cursors give moments as microseconds since 1970 (UTC).
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MAX_MICROS = (datetime.max.replace(tzinfo=UTC) - EPOCH) // timedelta(microseconds=1)


def number(value: str | None, *, least: int = 0, most: int = MAX_ID) -> int | None:
    """`value` as a whole number from `least` to `most`, or None when it is not one (empty, any
    character but the ASCII digits, or out of range)."""
    if not value or not (value.isascii() and value.isdigit()):
        return None
    # Longer than the bound's own digits cannot be within it; int() need not read a megabyte.
    if len(value.lstrip("0")) > len(str(most)):
        return None
    found = int(value)
    return found if least <= found <= most else None


def parse_id(value: str | None) -> int | None:
    """A database id (1 to bigint's largest), surrounding spaces allowed, or None."""
    return number(value.strip() if value else value, least=1)


def ticket_number(value: str | None) -> str | None:
    """`value` as a ticket's number to look up, or None when no ticket can have it: empty, longer
    than the field, or holding a NUL, which PostgreSQL refuses even in a filter (a server error
    where the answer is "no such ticket")."""
    if not value or len(value) > NUMBER_LENGTH or "\x00" in value:
        return None
    return value


def parse_offset(value: str | None) -> int:
    """An offset into a list: 0 unless given, at most MAX_OFFSET (a larger one is the cap)."""
    if not value or not (value.isascii() and value.isdigit()):
        return 0
    found = number(value, most=MAX_OFFSET)
    return MAX_OFFSET if found is None else found


def read_day(asked: str) -> tuple[date | None, str]:
    """The day `asked` names (2026-12-06), or None with what is wrong in one sentence: it cannot be
    read, or it lies outside the dates Hotline keeps (`core.timerange`)."""
    try:
        day = date.fromisoformat(asked)
    except ValueError:
        return None, _("无法识别日期“%(date)s”（格式如 %(example)s）") % {
            "date": asked[:20],
            "example": f"{clock.localtime():%Y-%m-%d}",
        }
    if not timerange.day_in_range(day):
        return None, _("日期 %(date)s 不在 %(range)s 之内") % {
            "date": day.isoformat(),
            "range": timerange.range_text(),
        }
    return day, ""


def moment(micros: int) -> datetime | None:
    """The moment `micros` microseconds after 1970 (UTC), or None past the last one Python has."""
    return EPOCH + timedelta(microseconds=micros) if micros <= _MAX_MICROS else None


def micros_of(at: datetime) -> int:
    return (at - EPOCH) // timedelta(microseconds=1)


def cursor_parts(cursor: str | None, count: int) -> list[int] | None:
    """The `count` whole numbers of a keyset cursor "<n>_<n>_…", or None when it is not one."""
    parts = (cursor or "").split("_")
    numbers = [number(part) for part in parts]
    if len(parts) != count or None in numbers:
        return None
    return [n for n in numbers if n is not None]
