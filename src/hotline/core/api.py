"""What every app's API shares: the error responses, the field types of request bodies and query
strings, and the small references (`DepartmentRef`, `CategoryRef`, `TicketRef`) by which one
object's JSON points at another.

Core is the bottom layer: this module knows django, ninja and pydantic, and no other hotline app.
The references are therefore built from any object with the fields they show: `department_ref`
takes a `directory.Department` without importing it.
"""

import re
from datetime import datetime
from typing import Annotated, Any, Protocol, overload
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from hotline.core import timerange

# --- errors ----------------------------------------------------------------------------------------


class ErrorOut(Schema):
    detail: str


# The statuses an endpoint may answer with besides its success; `api.py` maps the domain errors
# (core.errors) onto them.
ERRORS: dict[int, type[ErrorOut]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


# --- field types -----------------------------------------------------------------------------------

MAX_ID = 2**63 - 1  # bigint; larger numbers would reach the database and fail there
Id = Annotated[int, Field(ge=1, le=MAX_ID)]

MAX_TEXT = 10_000
MAX_NOTE = 2_000

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20


# The C0 control characters but tab, line feed and carriage return, DEL, and the bidirectional
# embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069). PostgreSQL cannot store NUL in
# text; the others are nothing a person writes (a broken system, or a probe) and break what the text
# goes on to: an .xlsx cell, an XML answer, a terminal; an override shows the text after it
# reversed, an isolate hides where a name ends ("Trojan Source"), on every page and export that
# shows it. The marks U+200E and U+200F are left alone: they reorder nothing beyond themselves, and
# text pasted from web pages brings them. Every entrance refuses them alike: the API's text fields
# here (`NoNul`), the pages' forms (web.forms), Open311's form (open311.posted); what a channel
# brings in is taken without them (`without_control_characters`).
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def without_control_characters(text: str) -> str:
    """`text` without the characters above: for what a channel brings in that nobody can ask again
    (a letter, an archive's table), which is taken in rather than refused."""
    return CONTROL_CHARACTERS.sub("", text)


def control_character_refusal(value: str) -> str | None:
    """What a text holding such a character is told, without the field's name (the caller puts it
    in front); None when it holds none. NUL is named first: the one the database cannot store."""
    if "\x00" in value:
        return _("不能包含 NUL 字符")
    if (found := CONTROL_CHARACTERS.search(value)) is not None:
        return _("不能包含控制字符（%(char)s）") % {"char": f"U+{ord(found.group()):04X}"}
    return None


def _no_nul(value: str) -> str:
    # Refused here rather than failing at the database (or in an export).
    if (refusal := control_character_refusal(value)) is not None:
        raise PydanticCustomError("control_character", refusal)
    return value


def city_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def as_aware(value: datetime) -> datetime:
    """A naive datetime from a client means the city's local time."""
    if timezone.is_naive(value):
        return timezone.make_aware(value, city_zone())
    return value


def _to_city_time(value: datetime) -> datetime:
    return as_aware(value).astimezone(city_zone())


def bounded(max_length: int, *, required: bool = True) -> StringConstraints:
    """Stripped, at most `max_length` characters, and not blank when `required`."""
    return StringConstraints(strip_whitespace=True, min_length=1 if required else 0, max_length=max_length)


# Named for NUL, the character the database cannot store; refuses every control character above.
NoNul = AfterValidator(_no_nul)
LongText = Annotated[str, bounded(MAX_TEXT), NoNul]
Note = Annotated[str, bounded(MAX_NOTE, required=False), NoNul]
OptionalLongText = Annotated[str, bounded(MAX_TEXT, required=False), NoNul]
SearchText = Annotated[str, bounded(100, required=False), NoNul]

# Datetimes leave the API in the city's zone, e.g. 2026-03-02T09:30:00+08:00.
LocalDateTime = Annotated[datetime, AfterValidator(_to_city_time)]


def _in_range(value: datetime) -> datetime:
    # Checked before any conversion between zones: near year 1 or 9999 that conversion overflows.
    value = as_aware(value)
    if not timerange.in_range(value):
        raise PydanticCustomError("datetime_range", timerange.range_message())
    return value


# Datetimes that enter: aware (a naive one is city time) and within core.timerange's range.
InDateTime = Annotated[datetime, AfterValidator(_in_range)]
InLocalDateTime = Annotated[datetime, AfterValidator(_in_range), AfterValidator(_to_city_time)]


class InSchema(Schema):
    """Request bodies: unknown fields are an error, so that a misspelt optional field is not ignored."""

    model_config = ConfigDict(extra="forbid")


class WholePoint(Schema):
    """A schema with `latitude` and `longitude`: both or neither. One without the other was
    silently dropped (no point, no place from it), as if the client had sent none."""

    @model_validator(mode="after")
    def _whole_point(self) -> Any:
        if (getattr(self, "latitude", None) is None) != (getattr(self, "longitude", None) is None):
            raise ValueError(_("latitude 和 longitude 须同时给出"))
        return self


# --- references --------------------------------------------------------------------------------------


class DepartmentRef(Schema):
    id: int
    code: str
    name: str


class CategoryRef(Schema):
    id: int
    code: str
    name: str
    path: str


class TicketRef(Schema):
    id: int
    number: str


class _Coded(Protocol):
    @property
    def pk(self) -> Any: ...
    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...


class _Filed(_Coded, Protocol):
    @property
    def path(self) -> str: ...


class _Numbered(Protocol):
    @property
    def pk(self) -> Any: ...
    @property
    def number(self) -> str: ...


@overload
def department_ref(department: _Coded) -> DepartmentRef: ...
@overload
def department_ref(department: _Coded | None) -> DepartmentRef | None: ...
def department_ref(department: _Coded | None) -> DepartmentRef | None:
    if department is None:
        return None
    return DepartmentRef(id=department.pk, code=department.code, name=department.name)


@overload
def category_ref(category: _Filed) -> CategoryRef: ...
@overload
def category_ref(category: _Filed | None) -> CategoryRef | None: ...
def category_ref(category: _Filed | None) -> CategoryRef | None:
    if category is None:
        return None
    return CategoryRef(id=category.pk, code=category.code, name=category.name, path=category.path)


@overload
def ticket_ref(ticket: _Numbered) -> TicketRef: ...
@overload
def ticket_ref(ticket: _Numbered | None) -> TicketRef | None: ...
def ticket_ref(ticket: _Numbered | None) -> TicketRef | None:
    if ticket is None:
        return None
    return TicketRef(id=ticket.pk, number=ticket.number)
