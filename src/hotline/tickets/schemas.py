"""Shapes of the ticket API: what goes in (one body per action) and what comes out."""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import field_validator, model_validator
from pydantic_core import PydanticCustomError

from hotline.core import timerange
from hotline.core.api import (
    DEFAULT_PAGE_SIZE,
    MAX_ID,
    MAX_PAGE_SIZE,
    CategoryRef,
    DepartmentRef,
    Id,
    InDateTime,
    InSchema,
    LocalDateTime,
    LongText,
    Note,
    OptionalLongText,
    SearchText,
    TicketRef,
    as_aware,
    city_zone,
)
from hotline.core.enums import (
    AssignmentRole,
    AssignmentStatus,
    CitizenMedium,
    CitizenMessageKind,
    CitizenMessageState,
    DelayCause,
    Kind,
    Resolution,
    Satisfaction,
    SuspensionReason,
    TicketStatus,
    Urgency,
)

# --- action bodies ---------------------------------------------------------------------------------


class DispatchIn(InSchema):
    lead_department_id: Id
    co_department_ids: list[Id] = Field(default_factory=list, max_length=50)
    category_id: Id | None = None
    kind: Kind | None = None
    urgency: Urgency | None = None
    is_complex: bool | None = None
    note: Note = ""


class AcceptIn(InSchema):
    assignment_id: Id | None = None


class ReturnIn(InSchema):
    reason: LongText
    assignment_id: Id | None = None


class RecallIn(InSchema):
    reason: LongText = Field(description="why the dispatch was wrong; on the timeline")


class ReviewReturnIn(InSchema):
    assignment_id: Id
    uphold: bool
    lead_department_id: Id | None = None
    co_department_ids: list[Id] = Field(default_factory=list, max_length=50)
    wrong_dispatch: bool = Field(
        False,
        description="upheld because the ticket was sent to the wrong place: the time lost counts against "
        "the dispatcher, not the department",
    )
    category_id: Id | None = Field(
        None, description="upheld only: the right category, when the ticket was filed under a wrong one"
    )
    note: Note = ""


class AnswerIn(InSchema):
    text: LongText
    assignment_id: Id | None = None


class ReplyIn(InSchema):
    text: LongText


class ReturnReplyIn(InSchema):
    reason: LongText = Field(description="what the unit must add or correct: shown in its inbox")
    reply_id: Id | None = Field(
        None, description="the reply sent back; refused when it is not the ticket's last one"
    )


class AnswerOnSpotIn(InSchema):
    text: LongText
    article_id: Id | None = Field(
        None, description="the knowledge-base article the answer was taken from: its use is recorded"
    )


class RequestInvalidationIn(InSchema):
    reason: LongText


class ConfirmInvalidationIn(InSchema):
    confirm: bool
    note: Note = ""


class CallbackIn(InSchema):
    resolution: Resolution
    satisfaction: Satisfaction
    note: OptionalLongText = ""
    appeal_id: Id | None = Field(
        None,
        description="the appellant called (an appeal of the ticket or of a duplicate merged into it); "
        "by default the first one not yet called back since the last answer",
    )


class CallbackAttemptIn(InSchema):
    note: Note = ""
    appeal_id: Id | None = Field(
        None, description="the appellant who could not be reached; by default the first one still to call"
    )


class CloseIn(InSchema):
    note: Note = ""


class MergeIn(InSchema):
    into_ticket_id: Id
    note: Note = ""


class UnmergeIn(InSchema):
    note: LongText = Field(description="why the merge was wrong; on both timelines")


class LinkIn(InSchema):
    other_ticket_id: Id
    note: Note = ""


class SuspendIn(InSchema):
    reason: SuspensionReason
    note: Note = ""
    assignment_id: Id | None = None


class ProgressIn(InSchema):
    text: LongText = Field(
        description="what was done or learnt; on the timeline, for dispatch and supervision"
    )
    contacted: bool = Field(False, description="the unit spoke with the citizen (联系诉求人)")
    assignment_id: Id | None = None


class ResumeIn(InSchema):
    note: Note = ""
    assignment_id: Id | None = None


class RequestExtensionIn(InSchema):
    reason: LongText
    requested_due_at: InDateTime = Field(
        description="the new handling deadline; without an offset it is the city's local time"
    )
    assignment_id: Id | None = None


class ReviewExtensionIn(InSchema):
    approve: bool
    extension_id: Id | None = Field(None, description="needed when the ticket has several pending requests")
    note: Note = ""
    due_at: InDateTime | None = Field(
        None,
        description="approve with this handling deadline instead of the one requested (later than the"
        " current one and than now); without an offset it is the city's local time",
    )


# --- list filters ----------------------------------------------------------------------------------


def _parse_moment(value: str) -> date | datetime:
    """A date (2026-03-01) or a datetime (2026-03-01T08:00[:00][+08:00]); naive means city time."""
    # The date first: parse_datetime would also take "2026-03-01", as midnight.
    try:
        day = parse_date(value)
        moment = None if day is not None else parse_datetime(value)
    except ValueError:
        day = moment = None
    if day is not None:
        if not timerange.day_in_range(day):
            raise PydanticCustomError("date_range", timerange.range_message())
        return day
    if moment is None:
        raise ValueError(_("须为日期（YYYY-MM-DD）或日期时间（YYYY-MM-DDTHH:MM[:SS][±HH:MM]）"))
    if not timerange.in_range(moment):
        raise PydanticCustomError("datetime_range", timerange.range_message())
    return as_aware(moment)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=city_zone())


class TicketFilters(Schema):
    status: list[TicketStatus] = Field(
        default_factory=list, description="one or more statuses (repeat the parameter)"
    )
    department: Id | None = Field(None, description="department id: tickets with an assignment to it")
    category: Id | None = Field(None, description="category id: tickets in it or in any category under it")
    area: Id | None = Field(
        None,
        description="area id (a department that is an area): tickets filed in it or in any area under it",
    )
    kind: Kind | None = None
    created_from: str | None = Field(
        None, description="date or datetime, inclusive; a date means from the start of that day"
    )
    created_to: str | None = Field(
        None, description="date or datetime, inclusive; a date means to the end of that day"
    )
    q: SearchText | None = Field(None, description="text in the title, the content or the ticket number")
    limit: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)
    offset: int | None = Field(None, ge=0, le=MAX_ID)
    page: int | None = Field(None, ge=1, le=10**9)
    page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)

    @field_validator("created_from", "created_to")
    @classmethod
    def _check_moment(cls, value: str | None) -> str | None:
        if value is not None:
            _parse_moment(value)
        return value

    @model_validator(mode="after")
    def _one_way_to_page(self) -> "TicketFilters":
        if (self.page is not None or self.page_size is not None) and (
            self.limit is not None or self.offset is not None
        ):
            raise ValueError(_("分页只能用 limit/offset 或 page/page_size 中的一种，不能同时使用"))
        return self

    def created_range(self) -> tuple[datetime | None, datetime | None, bool]:
        """(from, to, to_inclusive): a date as the upper bound means before the next day's start."""
        start = end = None
        inclusive = True
        if self.created_from:
            moment = _parse_moment(self.created_from)
            start = moment if isinstance(moment, datetime) else _day_start(moment)
        if self.created_to:
            moment = _parse_moment(self.created_to)
            if isinstance(moment, datetime):
                end = moment
            else:
                end, inclusive = _day_start(moment + timedelta(days=1)), False
        return start, end, inclusive

    def window(self) -> tuple[int, int]:
        """(offset, limit) from either style of paging."""
        if self.page is not None or self.page_size is not None:
            size = self.page_size or DEFAULT_PAGE_SIZE
            return ((self.page or 1) - 1) * size, size
        return self.offset or 0, self.limit or DEFAULT_PAGE_SIZE


# --- responses -------------------------------------------------------------------------------------


class TicketSummary(Schema):
    id: int
    number: str
    status: TicketStatus
    kind: Kind
    urgency: Urgency
    is_complex: bool
    title: str
    address: str
    category: CategoryRef | None
    area: DepartmentRef | None
    lead_department: DepartmentRef | None
    due_at: LocalDateTime | None = Field(description="handling deadline of the lead assignment")
    citizen_name: str
    citizen_phone: str = Field(description="masked in lists, always")
    appeal_count: int
    reopen_count: int
    merged_into: TicketRef | None
    created_at: LocalDateTime
    updated_at: LocalDateTime
    closed_at: LocalDateTime | None


class TicketPage(Schema):
    count: int
    offset: int
    limit: int
    items: list[TicketSummary]


class AppealOut(Schema):
    id: int
    channel: str
    external_id: str | None
    citizen_name: str
    citizen_phone: str = Field(description="full number only for roles that call citizens back")
    phone_masked: bool
    title: str
    content: str
    address: str
    latitude: float | None
    longitude: float | None
    received_at: LocalDateTime


class MergedAppealOut(AppealOut):
    ticket: TicketRef = Field(description="the duplicate the appeal came in as")


class AssignmentOut(Schema):
    id: int
    department: DepartmentRef
    role: AssignmentRole
    status: AssignmentStatus
    dispatched_at: LocalDateTime
    due_at: LocalDateTime = Field(
        description="handling deadline in force (moved by suspensions and extensions)"
    )
    original_due_at: LocalDateTime | None = Field(description="handling deadline given at dispatch")
    sign_due_at: LocalDateTime | None
    response_due_at: LocalDateTime | None
    deadline_assumed: bool = Field(
        description="the deadlines cross a year whose holidays are unknown: counted by the weekday rule"
    )
    paused_since: LocalDateTime | None = Field(description="set while the clock is stopped (挂起)")
    overdue_at: LocalDateTime | None
    accepted_at: LocalDateTime | None
    accepted_by: str | None
    return_reason: str
    returned_at: LocalDateTime | None
    answer: str
    answered_at: LocalDateTime | None
    answered_by: str | None


class SuspensionOut(Schema):
    id: int
    assignment_id: int
    reason: SuspensionReason
    note: str
    started_at: LocalDateTime
    started_by: str
    ended_at: LocalDateTime | None
    ended_by: str | None
    paused_seconds: int | None = Field(description="working time the clock stood still")


class ExtensionOut(Schema):
    id: int
    assignment_id: int
    reason: str
    previous_due_at: LocalDateTime
    requested_due_at: LocalDateTime
    requested_by: str
    requested_at: LocalDateTime
    approved: bool | None
    # The handling deadline approved: the one requested, or another the approver set.
    granted_due_at: LocalDateTime | None = None
    decided_by: str | None
    decided_at: LocalDateTime | None
    decision_note: str
    withdrawn: bool = Field(
        False,
        description="withdrawn undecided when its assignment left handling (not approved); "
        "decided_by, decided_at and decision_note say who ended the handling, when and why",
    )


class TimeLostOut(Schema):
    assignment_id: int
    cause: DelayCause
    department: DepartmentRef | None = Field(description="the department whose return was upheld")
    dispatcher: str | None = Field(description="the dispatcher, when the dispatch was wrong")
    started_at: LocalDateTime
    ended_at: LocalDateTime
    elapsed_seconds: int
    working_seconds: int


class ReplyQualityOut(Schema):
    """The reply-quality check of a department's reply (答复质量, feedback.quality)."""

    relevance: float = Field(description="0-1: how much of the appeal the reply speaks about")
    completeness: float = Field(description="0-1: greeting, what was done, result, basis, contact, date")
    interpretability: float = Field(description="0-1: a reason and a basis, not a formula")
    weak: bool = Field(description="a score under its cut: flagged to dispatch and supervision")
    reasons: dict[str, list[str]] = Field(description="per criterion under its cut, what is missing")
    checked_at: LocalDateTime
    reviewed_by: str | None
    reviewed_at: LocalDateTime | None
    review_note: str
    returned: bool = Field(
        False, description="sent back to its unit to answer again (退回重答); `review_note` says why"
    )


class ReplyOut(Schema):
    id: int
    department: DepartmentRef | None
    text: str
    replied_by: str | None
    replied_at: LocalDateTime
    quality: ReplyQualityOut | None = Field(
        None, description="the quality check; none for answers on the spot"
    )


class CallbackOut(Schema):
    id: int
    reply_id: int | None
    appeal_id: int | None = Field(description="the appellant called back")
    resolution: Resolution
    satisfaction: Satisfaction
    note: str
    reopened: bool
    called_by: str | None
    called_at: LocalDateTime


class InvalidationRequestOut(Schema):
    id: int
    reason: str
    requested_by: str
    requested_at: LocalDateTime
    decided_by: str | None
    decided_at: LocalDateTime | None
    confirmed: bool | None
    lapsed_at: LocalDateTime | None = Field(
        description="set when the ticket moved on (replied, merged, closed) before anyone decided"
    )


class EventOut(Schema):
    id: int
    action: str
    actor: str | None = Field(description="username")
    at: LocalDateTime
    from_status: str
    to_status: str
    details: dict[str, Any]


class CitizenMessageOut(Schema):
    id: int
    kind: CitizenMessageKind = Field(
        description="受理告知 (accepted), 转办告知 (dispatched: to its lead department, again after an "
        "upheld return) or 答复告知 (replied)"
    )
    appeal_id: int = Field(description="the appellant told")
    ticket: TicketRef = Field(
        description="the ticket of the appellant's own appeal (a duplicate merged into this one, or this "
        "one), whose number the message names"
    )
    citizen_name: str
    medium: CitizenMedium = Field(
        description="the appellant's own channel: mail to a letter writer, else SMS"
    )
    to: str = Field(description="the e-mail address or mobile number, masked")
    state: CitizenMessageState = Field(description="cancelled: never sent, its appellant was un-merged")
    attempts: int
    detail: str = Field(description="what the last attempt gave")
    created_at: LocalDateTime
    sent_at: LocalDateTime | None


class TicketDetail(TicketSummary):
    content: str
    allowed_actions: list[str] = Field(
        description="actions that the ticket's state, the user's role and, for a department user, their "
        "department's own assignments on the ticket allow; checks that depend on the request's fields "
        "happen when the action runs"
    )
    appeals: list[AppealOut]
    merged_appeals: list[MergedAppealOut] = Field(
        description="the appeals of the duplicates merged into this ticket (and into those): their "
        "appellants get this ticket's reply and callback"
    )
    links: list[TicketRef] = Field(description="related tickets linked to this one (关联), handled apart")
    assignments: list[AssignmentOut]
    replies: list[ReplyOut]
    callbacks: list[CallbackOut]
    invalidation_requests: list[InvalidationRequestOut]
    callback_due_at: LocalDateTime | None
    suspensions: list[SuspensionOut]
    extensions: list[ExtensionOut]
    time_lost: list[TimeLostOut] = Field(description="time lost to upheld returns, and against whom")
    citizen_messages: list[CitizenMessageOut] = Field(
        description="what the appellants were told (告知记录): the acceptance, the dispatches and the "
        "replies sent to this ticket's appellants and to those of the duplicates merged into it, and to its "
        "own appeals by the ticket it was merged into; oldest first"
    )
    events: list[EventOut]
