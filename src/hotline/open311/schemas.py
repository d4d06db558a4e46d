"""The query of `GET requests`: the specification's filters and the extensions' paging and
updated_after / updated_before. An empty parameter is the same as one not sent, as the
specification asks of optional arguments; timestamps are W3C / ISO 8601 (without an offset, the
city's local time) within core.timerange's range."""

from typing import Any

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import field_validator

from hotline.core.api import InDateTime, control_character_refusal
from hotline.open311.selectors import LIMIT, STATUSES

MAX_PAGE = 1_000_000
ID_MAX = 30


def _listed(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


class RequestFilters(Schema):
    jurisdiction_id: str | None = None
    api_key: str | None = None
    service_request_id: str | None = Field(None, description="comma-separated; overrides every other filter")
    service_code: str | None = Field(None, description="comma-separated")
    start_date: InDateTime | None = Field(None, description="requested_datetime from; default: 90 days ago")
    end_date: InDateTime | None = Field(
        None, description="requested_datetime to; at most 90 days after start"
    )
    status: str | None = Field(None, description="open, closed (comma-separated)")
    updated_after: InDateTime | None = None
    updated_before: InDateTime | None = None
    page: int | None = Field(None, ge=1, le=MAX_PAGE, description="default 1")
    page_size: int | None = Field(None, ge=1, le=LIMIT, description=f"default and at most {LIMIT}")
    extensions: bool | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _empty_is_absent(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("*")
    @classmethod
    def _no_control_characters(cls, value: Any) -> Any:
        # A NUL would reach the database in a filter (PostgreSQL refuses it: a 500).
        if isinstance(value, str) and (refusal := control_character_refusal(value)) is not None:
            raise ValueError(refusal)
        return value

    @field_validator("status")
    @classmethod
    def _statuses(cls, value: str | None) -> str | None:
        unknown = [s for s in _listed(value) if s not in STATUSES]
        if unknown:
            raise ValueError(_("未知状态 %(values)s（可选 open、closed）") % {"values": ", ".join(unknown)})
        return value

    @field_validator("service_request_id")
    @classmethod
    def _ids(cls, value: str | None) -> str | None:
        ids = _listed(value)
        if len(ids) > LIMIT:
            raise ValueError(_("最多 %(n)s 个编号") % {"n": LIMIT})
        if any(len(i) > ID_MAX for i in ids):
            raise ValueError(_("编号最长 %(n)s 个字符") % {"n": ID_MAX})
        return value

    def numbers(self) -> list[str] | None:
        return _listed(self.service_request_id) if self.service_request_id is not None else None

    def service_codes(self) -> list[str]:
        return _listed(self.service_code)

    def statuses(self) -> list[str]:
        return _listed(self.status)
