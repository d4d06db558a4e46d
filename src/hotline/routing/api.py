"""Routing endpoints for dispatchers: why a text would go where (explain) and the dispatch queue.

POST /api/v1/routing/explain   the decision routing would take for a text, with every rule considered
GET  /api/v1/routing/queue     new tickets waiting for a dispatcher, each with its top suggestions

Both are for the roles that dispatch (dispatcher, admin); anyone else gets 403.
"""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from hotline.accounts.auth import request_user
from hotline.accounts.models import User
from hotline.accounts.permissions import require_role
from hotline.core.api import ERRORS, category_ref, department_ref
from hotline.core.enums import Kind, Urgency
from hotline.core.errors import InvalidInput
from hotline.directory.models import Department
from hotline.routing.decision import AppealFacts, decide
from hotline.routing.queue import queue_entries
from hotline.routing.reasons import suggestion_reason
from hotline.routing.schemas import ExplainIn, ExplainOut, QueueFilters, QueueItem, QueuePage, SuggestionOut
from hotline.routing.selectors import dispatch_queue, routing_failures
from hotline.taxonomy.models import Category

router = Router(tags=["routing"])


def _dispatcher(request: HttpRequest) -> User:
    user = request_user(request)
    require_role(user, "dispatch")
    return user


@router.post(
    "/explain", response={200: ExplainOut, **ERRORS}, summary="Explain where a text would be dispatched"
)
def explain(request: HttpRequest, payload: ExplainIn) -> ExplainOut:
    """Nothing is stored: the answer says which area and urgency would be found, which rule fires
    and why the others do not, and the suggestions with their reasons."""
    _dispatcher(request)
    category = None
    if payload.category_id is not None:
        category = Category.objects.filter(pk=payload.category_id, is_active=True).first()
        if category is None:
            raise InvalidInput(_("category_id: 分类 %(id)s 不存在") % {"id": payload.category_id})
    area = None
    if payload.area_id is not None:
        area = Department.objects.filter(pk=payload.area_id, is_active=True, is_area=True).first()
        if area is None:
            raise InvalidInput(_("area_id: 属地单位 %(id)s 不存在") % {"id": payload.area_id})
    facts = AppealFacts(
        title=payload.title,
        content=payload.text,
        address=payload.address,
        latitude=payload.latitude,
        longitude=payload.longitude,
        category=category,
        area=area,
    )
    return ExplainOut(**decide(facts).as_dict())


@router.get(
    "/queue", response={200: QueuePage, **ERRORS}, summary="New tickets waiting for a dispatcher (待派单)"
)
def queue(request: HttpRequest, filters: Query[QueueFilters]) -> QueuePage:
    """Urgent first, then oldest first. Suggestions are those routing stored at intake; for a ticket
    that was never routed they are computed now (and not stored)."""
    _dispatcher(request)
    tickets = dispatch_queue()
    items = []
    for entry in queue_entries(tickets[filters.offset : filters.offset + filters.limit]):
        ticket = entry.ticket
        items.append(
            QueueItem(
                id=ticket.pk,
                number=ticket.number,
                title=ticket.title,
                address=ticket.address,
                kind=Kind(ticket.kind),
                urgency=Urgency(ticket.urgency),
                category=category_ref(ticket.category),
                area=department_ref(ticket.area),
                created_at=ticket.created_at,
                decided_at=entry.decided_at,
                confidence=entry.confidence,
                # Told from the stored facts in the request's language (routing.reasons).
                suggestions=[
                    SuggestionOut(**{**s, "reason": suggestion_reason(s)}) for s in entry.suggestions
                ],
            )
        )
    return QueuePage(
        count=tickets.count(),
        offset=filters.offset,
        limit=filters.limit,
        items=items,
        routing_failed=routing_failures(tickets),
    )
