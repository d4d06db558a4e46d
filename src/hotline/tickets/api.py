"""Ticket endpoints: list, detail and one endpoint per action. They check and delegate; the rules
live in `tickets.actions`, the visibility in `tickets.selectors`."""

from collections.abc import Callable
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import HttpRequest
from ninja import Query, Router

from hotline.accounts.auth import request_user
from hotline.accounts.models import User
from hotline.core.api import ERRORS, CategoryRef, DepartmentRef, Id, TicketRef
from hotline.core.enums import (
    AssignmentRole,
    AssignmentStatus,
    DelayCause,
    Resolution,
    Satisfaction,
    SuspensionReason,
)
from hotline.core.errors import NotFound
from hotline.core.phone import mask_phone
from hotline.feedback import actions as feedback_actions
from hotline.feedback.models import Callback, Reply
from hotline.intake.models import Appeal
from hotline.sla import actions as sla_actions
from hotline.sla.models import Extension, Suspension, TimeLost
from hotline.taxonomy.models import Category
from hotline.tickets import actions, selectors, transitions
from hotline.tickets.models import Assignment, InvalidationRequest, Ticket, TicketEvent
from hotline.tickets.schemas import (
    AcceptIn,
    AnswerIn,
    AnswerOnSpotIn,
    AppealOut,
    AssignmentOut,
    CallbackIn,
    CallbackOut,
    CloseIn,
    ConfirmInvalidationIn,
    DispatchIn,
    EventOut,
    ExtensionOut,
    InvalidationRequestOut,
    MergeIn,
    ReplyIn,
    ReplyOut,
    RequestExtensionIn,
    RequestInvalidationIn,
    ResumeIn,
    ReturnIn,
    ReviewExtensionIn,
    ReviewReturnIn,
    SuspendIn,
    SuspensionOut,
    TicketDetail,
    TicketFilters,
    TicketPage,
    TicketSummary,
    TimeLostOut,
)

router = Router(tags=["tickets"])

ACTION_NAMES: tuple[str, ...] = tuple(transitions.ALLOWED_FROM)


# --- building the responses ----------------------------------------------------------------------


def _username(user: User | None) -> str | None:
    return user.username if user is not None else None


def _department_ref(department: Any) -> DepartmentRef | None:
    if department is None:
        return None
    return DepartmentRef(id=department.pk, code=department.code, name=department.name)


def _category_ref(category: Category | None) -> CategoryRef | None:
    if category is None:
        return None
    return CategoryRef(id=category.pk, code=category.code, name=category.name, path=category.path)


def _summary_fields(ticket: Ticket, *, show_phone: bool) -> dict[str, Any]:
    appeals = list(ticket.appeals.all())
    first = appeals[0] if appeals else None
    lead = ticket.lead_assignment  # reads the prefetched assignments
    phone = first.citizen_phone if first else ""
    merged_into = ticket.merged_into
    return {
        "id": ticket.pk,
        "number": ticket.number,
        "status": ticket.status,
        "kind": ticket.kind,
        "urgency": ticket.urgency,
        "is_complex": ticket.is_complex,
        "title": ticket.title,
        "address": ticket.address,
        "category": _category_ref(ticket.category),
        "area": _department_ref(ticket.area),
        "lead_department": _department_ref(lead.department if lead else None),
        "due_at": lead.due_at if lead else None,
        "citizen_name": first.citizen_name if first else "",
        "citizen_phone": phone if show_phone else mask_phone(phone),
        "appeal_count": len(appeals),
        "reopen_count": ticket.reopen_count,
        "merged_into": TicketRef(id=merged_into.pk, number=merged_into.number) if merged_into else None,
        "created_at": ticket.created_at,
        "updated_at": ticket.updated_at,
        "closed_at": ticket.closed_at,
    }


def _with_relations(
    tickets: QuerySet[Ticket], assignments: QuerySet[Assignment] | None = None
) -> QuerySet[Ticket]:
    """What a list row needs, loaded in a fixed number of queries whatever the page size."""
    if assignments is None:
        assignments = Assignment.objects.select_related("department")
    # Category paths walk up to two parents; the tree has three levels.
    return tickets.select_related("category__parent__parent", "area", "merged_into").prefetch_related(
        Prefetch("appeals", queryset=Appeal.objects.order_by("received_at", "pk")),
        Prefetch("assignments", queryset=assignments),
    )


def _suspension_out(x: Suspension) -> SuspensionOut:
    return SuspensionOut(
        id=x.pk,
        assignment_id=x.assignment_id,
        reason=SuspensionReason(x.reason),
        note=x.note,
        started_at=x.started_at,
        started_by=x.started_by.username,
        ended_at=x.ended_at,
        ended_by=_username(x.ended_by),
        paused_seconds=int(x.paused.total_seconds()) if x.paused is not None else None,
    )


def _extension_out(x: Extension) -> ExtensionOut:
    return ExtensionOut(
        id=x.pk,
        assignment_id=x.assignment_id,
        reason=x.reason,
        previous_due_at=x.previous_due_at,
        requested_due_at=x.requested_due_at,
        requested_by=x.requested_by.username,
        requested_at=x.requested_at,
        approved=x.approved,
        decided_by=_username(x.decided_by),
        decided_at=x.decided_at,
        decision_note=x.decision_note,
    )


def _time_lost_out(x: TimeLost) -> TimeLostOut:
    return TimeLostOut(
        assignment_id=x.assignment_id,
        cause=DelayCause(x.cause),
        department=_department_ref(x.department),
        dispatcher=_username(x.dispatcher),
        started_at=x.started_at,
        ended_at=x.ended_at,
        elapsed_seconds=int(x.elapsed.total_seconds()),
        working_seconds=int(x.working_time.total_seconds()),
    )


def ticket_detail(user: User, ticket_id: int) -> TicketDetail:
    """The whole ticket as `user` may see it; NotFound when they may not see it at all."""
    visible = selectors.get_visible_ticket(user, ticket_id)
    ticket = (
        _with_relations(
            Ticket.objects.filter(pk=visible.pk),
            Assignment.objects.select_related("department", "accepted_by", "answered_by"),
        )
        .prefetch_related(
            Prefetch("replies", queryset=Reply.objects.select_related("department", "replied_by")),
            Prefetch("callbacks", queryset=Callback.objects.select_related("called_by")),
            Prefetch(
                "invalidation_requests",
                queryset=InvalidationRequest.objects.select_related("requested_by", "decided_by").order_by(
                    "requested_at", "pk"
                ),
            ),
            Prefetch("events", queryset=TicketEvent.objects.select_related("actor")),
        )
        .get()
    )
    on_ticket = {"assignment__ticket": ticket}
    suspensions = Suspension.objects.filter(**on_ticket).select_related("started_by", "ended_by")
    extensions = Extension.objects.filter(**on_ticket).select_related("requested_by", "decided_by")
    time_lost = ticket.time_lost.select_related("department", "dispatcher")
    show_phone = selectors.can_see_phone(user, ticket)
    return TicketDetail(
        **_summary_fields(ticket, show_phone=show_phone),
        content=ticket.content,
        allowed_actions=transitions.allowed_actions(user, ticket),
        appeals=[
            AppealOut(
                id=a.pk,
                channel=a.channel,
                external_id=a.external_id,
                citizen_name=a.citizen_name,
                citizen_phone=a.citizen_phone if show_phone else mask_phone(a.citizen_phone),
                phone_masked=not show_phone and bool(a.citizen_phone),
                title=a.title,
                content=a.content,
                address=a.address,
                latitude=a.latitude,
                longitude=a.longitude,
                received_at=a.received_at,
            )
            for a in ticket.appeals.all()
        ],
        assignments=[
            AssignmentOut(
                id=a.pk,
                department=DepartmentRef(id=a.department.pk, code=a.department.code, name=a.department.name),
                role=AssignmentRole(a.role),
                status=AssignmentStatus(a.status),
                dispatched_at=a.dispatched_at,
                due_at=a.due_at,
                original_due_at=a.original_due_at,
                sign_due_at=a.sign_due_at,
                response_due_at=a.response_due_at,
                deadline_assumed=a.deadline_assumed,
                paused_since=a.paused_since,
                overdue_at=a.overdue_at,
                accepted_at=a.accepted_at,
                accepted_by=_username(a.accepted_by),
                return_reason=a.return_reason,
                returned_at=a.returned_at,
                answer=a.answer,
                answered_at=a.answered_at,
                answered_by=_username(a.answered_by),
            )
            for a in ticket.assignments.all()
        ],
        replies=[
            ReplyOut(
                id=r.pk,
                department=_department_ref(r.department),
                text=r.text,
                replied_by=_username(r.replied_by),
                replied_at=r.replied_at,
            )
            for r in ticket.replies.all()
        ],
        callbacks=[
            CallbackOut(
                id=c.pk,
                reply_id=c.reply_id,
                resolution=Resolution(c.resolution),
                satisfaction=Satisfaction(c.satisfaction),
                note=c.note,
                reopened=c.reopened,
                called_by=_username(c.called_by),
                called_at=c.called_at,
            )
            for c in ticket.callbacks.all()
        ],
        invalidation_requests=[
            InvalidationRequestOut(
                id=r.pk,
                reason=r.reason,
                requested_by=r.requested_by.username,
                requested_at=r.requested_at,
                decided_by=_username(r.decided_by),
                decided_at=r.decided_at,
                confirmed=r.confirmed,
                lapsed_at=r.lapsed_at,
            )
            for r in ticket.invalidation_requests.all()
        ],
        callback_due_at=ticket.callback_due_at,
        suspensions=[_suspension_out(x) for x in suspensions],
        extensions=[_extension_out(x) for x in extensions],
        time_lost=[_time_lost_out(x) for x in time_lost],
        events=[
            EventOut(
                id=e.pk,
                action=e.action,
                actor=_username(e.actor),
                at=e.at,
                from_status=e.from_status,
                to_status=e.to_status,
                details=e.details,
            )
            for e in ticket.events.all()
        ],
    )


# --- list and detail -----------------------------------------------------------------------------


def _category_and_below(category_id: int) -> set[int]:
    ids = {category_id}
    frontier = [category_id]
    while frontier:
        frontier = list(Category.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        frontier = [pk for pk in frontier if pk not in ids]  # a cycle in bad data must not loop forever
        ids.update(frontier)
    return ids


def _filtered(tickets: QuerySet[Ticket], filters: TicketFilters) -> QuerySet[Ticket]:
    if filters.status:
        tickets = tickets.filter(status__in=[s.value for s in filters.status])
    if filters.kind is not None:
        tickets = tickets.filter(kind=filters.kind.value)
    if filters.department is not None:
        # A department's tickets are those it was given and still has (a withdrawn part is no longer its).
        held = Assignment.objects.filter(ticket=OuterRef("pk"), department_id=filters.department).exclude(
            status=AssignmentStatus.WITHDRAWN
        )
        tickets = tickets.filter(Exists(held))
    if filters.category is not None:
        tickets = tickets.filter(category_id__in=_category_and_below(filters.category))
    start, end, end_inclusive = filters.created_range()
    if start is not None:
        tickets = tickets.filter(created_at__gte=start)
    if end is not None:
        tickets = tickets.filter(created_at__lte=end) if end_inclusive else tickets.filter(created_at__lt=end)
    if filters.q:
        tickets = tickets.filter(
            Q(title__icontains=filters.q) | Q(content__icontains=filters.q) | Q(number__icontains=filters.q)
        )
    return tickets


@router.get("", response={200: TicketPage, **ERRORS}, summary="List the tickets the user may see")
def list_tickets(request: HttpRequest, filters: Query[TicketFilters]) -> TicketPage:
    """Newest first. Citizens' phone numbers are always masked here."""
    user = request_user(request)
    tickets = _filtered(selectors.visible_tickets(user), filters)
    offset, limit = filters.window()
    page = list(_with_relations(tickets)[offset : offset + limit])
    return TicketPage(
        count=tickets.count(),
        offset=offset,
        limit=limit,
        items=[TicketSummary(**_summary_fields(t, show_phone=False)) for t in page],
    )


@router.get("/{ticket_id}", response={200: TicketDetail, **ERRORS}, summary="One ticket with its history")
def get_ticket(request: HttpRequest, ticket_id: Id) -> TicketDetail:
    return ticket_detail(request_user(request), ticket_id)


# --- actions -------------------------------------------------------------------------------------


def _act(request: HttpRequest, ticket_id: int, run: Callable[[Ticket, User], Any]) -> TicketDetail:
    """Run one action on a ticket the user can see, then answer with the ticket as it is now."""
    user = request_user(request)
    ticket = selectors.get_visible_ticket(user, ticket_id)
    run(ticket, user)
    return ticket_detail(user, ticket.pk)


def _action_route(name: str, summary: str) -> Any:
    return router.post(
        f"/{{ticket_id}}/actions/{name}",
        response={200: TicketDetail, **ERRORS},
        summary=summary,
        operation_id=f"ticket_action_{name}",
    )


@_action_route("dispatch", "Dispatch to a lead and co-handling departments (派单)")
def dispatch(request: HttpRequest, ticket_id: Id, payload: DispatchIn) -> TicketDetail:
    return _act(
        request, ticket_id, lambda t, u: actions.do_dispatch_ticket(t, u, **payload.model_dump(mode="json"))
    )


@_action_route("accept", "A department signs for its assignment (签收)")
def accept(request: HttpRequest, ticket_id: Id, payload: AcceptIn | None = None) -> TicketDetail:
    """The body may be left out when the department has only one assignment on the ticket."""
    fields = (payload or AcceptIn()).model_dump(mode="json")
    return _act(request, ticket_id, lambda t, u: actions.do_accept_assignment(t, u, **fields))


@_action_route("return", "A department returns its assignment (退单)")
def return_assignment(request: HttpRequest, ticket_id: Id, payload: ReturnIn) -> TicketDetail:
    return _act(
        request, ticket_id, lambda t, u: actions.do_return_assignment(t, u, **payload.model_dump(mode="json"))
    )


@_action_route("review_return", "Dispatch reviews a return (异议审核)")
def review_return(request: HttpRequest, ticket_id: Id, payload: ReviewReturnIn) -> TicketDetail:
    return _act(
        request, ticket_id, lambda t, u: actions.do_review_return(t, u, **payload.model_dump(mode="json"))
    )


@_action_route("answer", "A co-handling department gives its answer (协办反馈)")
def answer(request: HttpRequest, ticket_id: Id, payload: AnswerIn) -> TicketDetail:
    return _act(
        request, ticket_id, lambda t, u: actions.do_answer_assignment(t, u, **payload.model_dump(mode="json"))
    )


@_action_route("reply", "The lead department answers the citizen (答复)")
def reply(request: HttpRequest, ticket_id: Id, payload: ReplyIn) -> TicketDetail:
    return _act(
        request,
        ticket_id,
        lambda t, u: feedback_actions.do_reply_ticket(t, u, **payload.model_dump(mode="json")),
    )


@_action_route("answer_on_spot", "The operator answers a consultation directly (直接答复)")
def answer_on_spot(request: HttpRequest, ticket_id: Id, payload: AnswerOnSpotIn) -> TicketDetail:
    return _act(
        request,
        ticket_id,
        lambda t, u: feedback_actions.do_answer_on_spot(t, u, **payload.model_dump(mode="json")),
    )


@_action_route("request_invalidation", "Propose that the appeal is invalid (无效诉求申请)")
def request_invalidation(request: HttpRequest, ticket_id: Id, payload: RequestInvalidationIn) -> TicketDetail:
    return _act(
        request,
        ticket_id,
        lambda t, u: actions.do_request_invalidation(t, u, **payload.model_dump(mode="json")),
    )


@_action_route("confirm_invalidation", "A second person decides on the invalidation request")
def confirm_invalidation(request: HttpRequest, ticket_id: Id, payload: ConfirmInvalidationIn) -> TicketDetail:
    return _act(
        request,
        ticket_id,
        lambda t, u: actions.do_confirm_invalidation(t, u, **payload.model_dump(mode="json")),
    )


@_action_route("callback", "Record the satisfaction callback (回访)")
def callback(request: HttpRequest, ticket_id: Id, payload: CallbackIn) -> TicketDetail:
    return _act(
        request,
        ticket_id,
        lambda t, u: feedback_actions.do_record_callback(t, u, **payload.model_dump(mode="json")),
    )


@_action_route("close", "Close a replied ticket after its callback (办结)")
def close(request: HttpRequest, ticket_id: Id, payload: CloseIn | None = None) -> TicketDetail:
    """The body may be left out."""
    fields = (payload or CloseIn()).model_dump(mode="json")
    return _act(request, ticket_id, lambda t, u: feedback_actions.do_close_ticket(t, u, **fields))


@_action_route("merge", "Merge a duplicate into another ticket (合并)")
def merge(request: HttpRequest, ticket_id: Id, payload: MergeIn) -> TicketDetail:
    return _act(
        request, ticket_id, lambda t, u: actions.do_merge_ticket(t, u, **payload.model_dump(mode="json"))
    )


@_action_route("suspend", "A department stops its assignment's clock (挂起)")
def suspend(request: HttpRequest, ticket_id: Id, payload: SuspendIn) -> TicketDetail:
    return _act(
        request,
        ticket_id,
        lambda t, u: sla_actions.do_suspend_assignment(t, u, **payload.model_dump(mode="json")),
    )


@_action_route("resume", "Restart a suspended assignment's clock (恢复计时)")
def resume(request: HttpRequest, ticket_id: Id, payload: ResumeIn | None = None) -> TicketDetail:
    """The body may be left out when only one assignment is suspended."""
    fields = (payload or ResumeIn()).model_dump(mode="json")
    return _act(request, ticket_id, lambda t, u: sla_actions.do_resume_assignment(t, u, **fields))


@_action_route("request_extension", "A department asks for a later handling deadline (延期申请)")
def request_extension(request: HttpRequest, ticket_id: Id, payload: RequestExtensionIn) -> TicketDetail:
    # Python mode: the action takes the deadline as an aware datetime.
    return _act(
        request, ticket_id, lambda t, u: sla_actions.do_request_extension(t, u, **payload.model_dump())
    )


@_action_route("review_extension", "Dispatch or a supervisor approves or refuses an extension (延期审批)")
def review_extension(request: HttpRequest, ticket_id: Id, payload: ReviewExtensionIn) -> TicketDetail:
    return _act(
        request,
        ticket_id,
        lambda t, u: sla_actions.do_review_extension(t, u, **payload.model_dump(mode="json")),
    )


# Registered after the named actions, so that it only catches names that are none of them.
@router.post("/{ticket_id}/actions/{name}", response=ERRORS, include_in_schema=False)
def unknown_action(request: HttpRequest, ticket_id: Id, name: str) -> Any:
    user = request_user(request)
    selectors.get_visible_ticket(user, ticket_id)
    raise NotFound(f"未知操作 {name!r}；可用的操作：{', '.join(ACTION_NAMES)}")
