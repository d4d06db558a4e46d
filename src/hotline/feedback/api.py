"""The reply-quality check (答复质量) in the API.

POST /api/v1/replies/check               score a reply to an appeal (nothing stored): any member
                                         of staff, e.g. a department's own system before it sends
GET  /api/v1/replies/flagged             the replies the check flagged, newest first: not yet
                                         reviewed by default (`reviewed=true`: those reviewed);
                                         dispatchers, supervisors and admins
POST /api/v1/replies/{reply_id}/review   review a flagged reply (复核)

Every department reply is checked as it is sent (`feedback.actions.do_reply_ticket`); a ticket's
JSON shows each reply's check (`replies[].quality`).
"""

from typing import Annotated

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from hotline.accounts.auth import request_user
from hotline.accounts.permissions import require_role
from hotline.core.api import (
    ERRORS,
    MAX_ID,
    MAX_PAGE_SIZE,
    DepartmentRef,
    Id,
    InSchema,
    LocalDateTime,
    LongText,
    NoNul,
    Note,
    TicketRef,
    bounded,
    department_ref,
    ticket_ref,
)
from hotline.core.errors import InvalidInput, NotFound
from hotline.feedback import actions, quality
from hotline.feedback.models import ReplyCheck
from hotline.tickets import selectors
from hotline.tickets.presenter import reply_quality_out
from hotline.tickets.schemas import ReplyQualityOut

router = Router(tags=["replies"])


class CheckIn(InSchema):
    appeal_title: Annotated[str, bounded(200, required=False), NoNul] = ""
    appeal_text: Annotated[str, bounded(20_000, required=False), NoNul] = ""
    reply: LongText


class CheckOut(Schema):
    relevance: float
    completeness: float
    interpretability: float
    weak: bool
    reasons: dict[str, list[str]]


class ReviewIn(InSchema):
    note: Note = ""


class FlaggedFilters(Schema):
    reviewed: bool = Field(False, description="true: the flags already reviewed")
    department: Id | None = Field(None, description="the department that replied")
    limit: int = Field(20, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0, le=MAX_ID)


class FlaggedReplyOut(Schema):
    reply_id: int
    ticket: TicketRef
    department: DepartmentRef | None
    text: str
    replied_by: str | None
    replied_at: LocalDateTime
    quality: ReplyQualityOut


class FlaggedPage(Schema):
    count: int
    offset: int
    limit: int
    items: list[FlaggedReplyOut]


def _flagged(check: ReplyCheck) -> FlaggedReplyOut:
    reply = check.reply
    out = reply_quality_out(reply)
    assert out is not None
    return FlaggedReplyOut(
        reply_id=reply.pk,
        ticket=ticket_ref(reply.ticket),
        department=department_ref(reply.department),
        text=reply.text,
        replied_by=reply.replied_by.username if reply.replied_by else None,
        replied_at=reply.replied_at,
        quality=out,
    )


def _visible_checks(request: HttpRequest) -> QuerySet[ReplyCheck]:
    user = request_user(request)
    require_role(user, "review_reply")
    return ReplyCheck.objects.filter(
        weak=True, reply__ticket__in=selectors.visible_tickets(user).values("pk")
    ).select_related("reply", "reply__ticket", "reply__department", "reply__replied_by", "reviewed_by")


@router.post(
    "/check", response={200: CheckOut, **ERRORS}, summary="Score a reply (答复质量), storing nothing"
)
def check_reply(request: HttpRequest, payload: CheckIn) -> CheckOut:
    request_user(request)
    if not (payload.appeal_title.strip() or payload.appeal_text.strip()):
        raise InvalidInput(_("appeal_title, appeal_text: 诉求须有标题或内容"))
    result = quality.check(payload.appeal_title, payload.appeal_text, payload.reply)
    return CheckOut(**result.scores(), weak=result.weak, reasons=quality.sentences(result.reasons))


@router.get("/flagged", response={200: FlaggedPage, **ERRORS}, summary="Replies the quality check flagged")
def flagged(request: HttpRequest, filters: Query[FlaggedFilters]) -> FlaggedPage:
    rows = _visible_checks(request).filter(reviewed_at__isnull=not filters.reviewed)
    if filters.department is not None:
        rows = rows.filter(reply__department_id=filters.department)
    rows = rows.order_by("-checked_at", "-pk")
    page = rows[filters.offset : filters.offset + filters.limit]
    return FlaggedPage(
        count=rows.count(), offset=filters.offset, limit=filters.limit, items=[_flagged(c) for c in page]
    )


@router.post(
    "/{reply_id}/review", response={200: ReplyQualityOut, **ERRORS}, summary="Review a flagged reply (复核)"
)
def review(request: HttpRequest, reply_id: Id, payload: ReviewIn | None = None) -> ReplyQualityOut:
    found = _visible_checks(request).filter(reply_id=reply_id).first()
    if found is None:
        raise NotFound(_("答复 %(id)s 不存在或未被标记") % {"id": reply_id})
    done = actions.do_review_reply_check(found, request_user(request), note=payload.note if payload else "")
    out = reply_quality_out(done.reply)
    assert out is not None
    return out
