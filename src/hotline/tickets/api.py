"""Ticket endpoints: the list, one ticket, and one endpoint per action. They validate and delegate:
the queries are in `tickets.selectors`, the JSON is built by `tickets.presenter`, the rules live in
the actions."""

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from hotline.accounts.auth import request_user
from hotline.accounts.models import User
from hotline.accounts.permissions import require_role
from hotline.core.api import ERRORS, Id, InSchema
from hotline.core.errors import NotFound
from hotline.core.http import client_ip
from hotline.feedback import actions as feedback_actions
from hotline.intake.actions import do_record_phones_shown
from hotline.knowledge import actions as knowledge_actions
from hotline.sla import actions as sla_actions
from hotline.tickets import actions, presenter, selectors, transitions
from hotline.tickets.schemas import (
    AcceptIn,
    AnswerIn,
    AnswerOnSpotIn,
    CallbackAttemptIn,
    CallbackIn,
    CloseIn,
    ConfirmInvalidationIn,
    DispatchIn,
    LinkIn,
    MergeIn,
    ProgressIn,
    RecallIn,
    ReplyIn,
    RequestExtensionIn,
    RequestInvalidationIn,
    ResumeIn,
    ReturnIn,
    ReturnReplyIn,
    ReviewExtensionIn,
    ReviewReturnIn,
    SuspendIn,
    TicketDetail,
    TicketFilters,
    TicketPage,
    UnmergeIn,
)

router = Router(tags=["tickets"])

ACTION_NAMES: tuple[str, ...] = tuple(transitions.ALLOWED_FROM)


# --- list and detail -----------------------------------------------------------------------------


@router.get("", response={200: TicketPage, **ERRORS}, summary="List the tickets the user may see")
def list_tickets(request: HttpRequest, filters: Query[TicketFilters]) -> TicketPage:
    """Newest first. Citizens' phone numbers are always masked here. `q` finds the text in the
    ticket's number, title or content; for a role that sees numbers masked on the ticket's page too
    (a leader), not in the digits of a phone or identity-card number written there."""
    user = request_user(request)
    require_role(user, "read_tickets")
    start, end, end_inclusive = filters.created_range()
    tickets = selectors.filtered_tickets(
        user,
        statuses=[s.value for s in filters.status],
        kind=filters.kind.value if filters.kind is not None else None,
        department_id=filters.department,
        category_id=filters.category,
        area_id=filters.area,
        created_from=start,
        created_to=end,
        created_to_inclusive=end_inclusive,
        text=filters.q or "",
    )
    offset, limit = filters.window()
    page = selectors.with_list_relations(tickets)[offset : offset + limit]
    return TicketPage(
        count=tickets.count(),
        offset=offset,
        limit=limit,
        items=[presenter.ticket_summary(t) for t in page],
    )


def shown_detail(request: HttpRequest, user: User, ticket_id: int) -> TicketDetail:
    """The ticket as `user` may see it, for an API answer; the full phone numbers it shows (to a
    role that calls citizens back) are recorded as seen, like a reveal on the ticket's page."""
    detail = presenter.ticket_detail(user, ticket_id)
    shown = [
        a.id for a in [*detail.appeals, *detail.merged_appeals] if not a.phone_masked and a.citizen_phone
    ]
    if shown:
        do_record_phones_shown(shown, user, ip=client_ip(request))
    return detail


@router.get("/{ticket_id}", response={200: TicketDetail, **ERRORS}, summary="One ticket with its history")
def get_ticket(request: HttpRequest, ticket_id: Id) -> TicketDetail:
    user = request_user(request)
    require_role(user, "read_tickets")
    return shown_detail(request, user, ticket_id)


# --- actions -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionEndpoint:
    """One row of the action table: POST /tickets/{id}/actions/<name> takes a `body`, runs `run` with
    its fields on a ticket the user can see, and answers with the ticket as it is then.

    `optional_body`: None when the body is required; otherwise the body may be left out, and this
    sentence (the endpoint's description) says when that makes sense. `dump`: how the fields reach
    the action; "python" keeps datetimes as aware datetimes, "json" turns enums into their values."""

    name: str
    body: type[InSchema]
    run: Callable[..., Any]
    summary: str
    optional_body: str | None = None
    dump: Literal["json", "python"] = "json"


# In the order of tickets.transitions.ALLOWED_FROM, which names the same actions.
ACTION_ENDPOINTS: tuple[ActionEndpoint, ...] = (
    ActionEndpoint(
        "dispatch",
        DispatchIn,
        actions.do_dispatch_ticket,
        "Dispatch to a lead and co-handling departments (派单)",
    ),
    ActionEndpoint(
        "accept",
        AcceptIn,
        actions.do_accept_assignment,
        "A department signs for its assignment (签收)",
        optional_body="The body may be left out when the department has only one assignment on the ticket.",
    ),
    ActionEndpoint(
        "return",
        ReturnIn,
        actions.do_return_assignment,
        "A department returns its assignment (退单)",
    ),
    ActionEndpoint(
        "review_return",
        ReviewReturnIn,
        actions.do_review_return,
        "Dispatch reviews a return (异议审核)",
    ),
    ActionEndpoint(
        "recall",
        RecallIn,
        actions.do_recall_dispatch,
        "Take a dispatch back before the lead department signs for it (撤回派单): its assignments are"
        " withdrawn and the ticket waits in the dispatch queue again",
    ),
    ActionEndpoint(
        "answer",
        AnswerIn,
        actions.do_answer_assignment,
        "A co-handling department gives its answer (协办反馈)",
    ),
    ActionEndpoint(
        "reply",
        ReplyIn,
        feedback_actions.do_reply_ticket,
        "The lead department answers the citizen (答复)",
    ),
    ActionEndpoint(
        "return_reply",
        ReturnReplyIn,
        feedback_actions.do_return_reply,
        "Send the lead's reply back to it to answer again (退回重答), with what to add or correct",
    ),
    ActionEndpoint(
        "answer_on_spot",
        AnswerOnSpotIn,
        knowledge_actions.answer_on_spot,
        "The operator answers a consultation directly (直接答复), from a knowledge-base article or not",
    ),
    ActionEndpoint(
        "request_invalidation",
        RequestInvalidationIn,
        actions.do_request_invalidation,
        "Propose that the appeal is invalid (无效诉求申请)",
    ),
    ActionEndpoint(
        "confirm_invalidation",
        ConfirmInvalidationIn,
        actions.do_confirm_invalidation,
        "A second person decides on the invalidation request",
    ),
    ActionEndpoint(
        "callback",
        CallbackIn,
        feedback_actions.do_record_callback,
        "Record the satisfaction callback (回访)",
    ),
    ActionEndpoint(
        "callback_attempt",
        CallbackAttemptIn,
        feedback_actions.do_record_callback_attempt,
        "The citizen could not be reached for the callback (回访未接通); try again later",
    ),
    ActionEndpoint(
        "close",
        CloseIn,
        knowledge_actions.close_ticket,
        "Close a replied ticket after its callback (办结); a consultation whose answer satisfied the "
        "caller proposes a knowledge-base article",
        optional_body="The body may be left out.",
    ),
    ActionEndpoint(
        "merge",
        MergeIn,
        actions.do_merge_ticket,
        "Merge a duplicate into another ticket (合并)",
    ),
    ActionEndpoint(
        "unmerge",
        UnmergeIn,
        actions.do_unmerge_ticket,
        "Undo a merge: the duplicate becomes a ticket of its own again, waiting for dispatch (撤销合并)",
    ),
    ActionEndpoint(
        "link",
        LinkIn,
        actions.do_link_tickets,
        "Link a related ticket without merging (关联); written on both timelines",
    ),
    ActionEndpoint(
        "unlink",
        LinkIn,
        actions.do_unlink_tickets,
        "Remove the link with another ticket (取消关联)",
    ),
    ActionEndpoint(
        "suspend",
        SuspendIn,
        sla_actions.do_suspend_assignment,
        "A department stops its assignment's clock (挂起)",
    ),
    ActionEndpoint(
        "progress",
        ProgressIn,
        actions.do_record_progress,
        "A department records how its work stands (办理进展): a visit, a call with the citizen, what it"
        " waits for; the ticket stays as it is",
    ),
    ActionEndpoint(
        "resume",
        ResumeIn,
        sla_actions.do_resume_assignment,
        "Restart a suspended assignment's clock (恢复计时)",
        optional_body="The body may be left out when only one assignment is suspended.",
    ),
    ActionEndpoint(
        "request_extension",
        RequestExtensionIn,
        sla_actions.do_request_extension,
        "A department asks for a later handling deadline (延期申请)",
        dump="python",  # the action takes the deadline as an aware datetime
    ),
    ActionEndpoint(
        "review_extension",
        ReviewExtensionIn,
        sla_actions.do_review_extension,
        "Dispatch or a supervisor approves or refuses an extension (延期审批)",
        dump="python",  # the action takes the deadline granted as an aware datetime
    ),
)


def _register(spec: ActionEndpoint) -> None:
    def endpoint(request: HttpRequest, ticket_id: int, payload: InSchema | None = None) -> TicketDetail:
        fields = (payload if payload is not None else spec.body()).model_dump(mode=spec.dump)
        user = request_user(request)
        ticket = selectors.get_visible_ticket(user, ticket_id)
        spec.run(ticket, user, **fields)
        return shown_detail(request, user, ticket.pk)

    # ninja reads the body's schema from the signature, so each endpoint states its own.
    optional = spec.optional_body is not None
    endpoint.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=HttpRequest),
            inspect.Parameter("ticket_id", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Id),
            inspect.Parameter(
                "payload",
                inspect.Parameter.POSITIONAL_OR_KEYWORD,
                annotation=spec.body | None if optional else spec.body,
                default=None if optional else inspect.Parameter.empty,
            ),
        ],
        return_annotation=TicketDetail,
    )
    endpoint.__name__ = endpoint.__qualname__ = f"ticket_action_{spec.name}"
    endpoint.__doc__ = spec.optional_body
    router.post(
        f"/{{ticket_id}}/actions/{spec.name}",
        response={200: TicketDetail, **ERRORS},
        summary=spec.summary,
        operation_id=f"ticket_action_{spec.name}",
    )(endpoint)


for _spec in ACTION_ENDPOINTS:
    _register(_spec)


# Registered after the named actions, so that it only catches names that are none of them.
@router.post("/{ticket_id}/actions/{name}", response=ERRORS, include_in_schema=False)
def unknown_action(request: HttpRequest, ticket_id: Id, name: str) -> Any:
    user = request_user(request)
    selectors.get_visible_ticket(user, ticket_id)
    raise NotFound(
        _("未知操作 %(name)r；可用的操作：%(names)s") % {"name": name, "names": ", ".join(ACTION_NAMES)}
    )
